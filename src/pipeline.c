/* pipeline.c - the coordinator: feed -> parse-ahead -> dispatch -> write.
 *
 * Inputs are cut into pieces (reader.c), parsed ahead on worker threads
 * (parsepool.c, trees from tree.c), and taken back in input order. Each
 * document is dispatched by kind: a Deployment is selected (select.c) and
 * converted (convert.c) or held until its PVCs are known, a List goes to
 * list.c, PVCs, Services and references go to the cross-document index
 * (xref.c), everything else is written as it is (writer.c). A piece too big
 * to hold that no rule reads is streamed (stream.c). The stages and the data
 * between them: docs/architecture.md. */
#include "pipeline.h"
#include "convert.h"
#include "list.h"
#include "parsepool.h"
#include "reader.h"
#include "reemit.h"
#include "refs.h"
#include "report.h"
#include "select.h"
#include "stream.h"
#include "tree.h"
#include "writer.h"
#include "xref.h"

#include <stdlib.h>
#include <string.h>

struct d2s_pipeline {
	const struct d2s_options *o;
	struct d2s_diag *diag;
	struct d2s_writer w;
	struct d2s_xref *x;        /* the cross-document index */
	struct d2s_parser *aux;    /* held-back Deployments, block-style re-emits */
	struct d2s_doc doc;        /* the document being dispatched */
	const char *file;          /* current input name */
	struct d2s_pool *pool;     /* parse-ahead for fd inputs (NULL until used) */
	int inputs;                /* inputs fed so far */
	char last;                 /* last byte of the last piece written */
	int errors0;               /* d2s_diag_hard_errors when created */
};

/* True when an error was reported since the pipeline was created: the run
 * fails (warnings made errors by --strict do not stop the flow). */
static int failed(const struct d2s_pipeline *p)
{
	return d2s_diag_hard_errors(p->diag) > p->errors0;
}

struct d2s_pipeline *d2s_pipeline_new(const struct d2s_options *o, struct d2s_diag *diag, FILE *out)
{
	struct d2s_pipeline *p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->o = o;
	p->diag = diag;
	p->errors0 = d2s_diag_hard_errors(diag);
	d2s_writer_init(&p->w, out);
	p->aux = d2s_parser_new();
	p->x = d2s_xref_new(o, diag, &p->w);
	if (!p->aux || !p->x) {
		d2s_pipeline_free(p);
		return NULL;
	}
	return p;
}

/* Input line where the object's content starts (messages point there). */
static long root_line(const struct d2s_doc *doc, long line0)
{
	long l = 1, c;
	if (doc->root)
		d2s_linecol(doc->text, doc->root->start, &l, &c);
	return line0 + l - 1;
}

static struct d2s_where where_of(struct d2s_pipeline *p, const struct d2s_ident *id, long line)
{
	struct d2s_where w = {
		.file = p->file, .line = line, .col = 1, .api_version = id->api_version,
		.kind = id->kind, .ns = id->ns, .name = id->name,
	};
	return w;
}

/* ---------- Deployments: select, then convert (convert.c) ---------- */

/* Write the StatefulSet and its generated Service: into held item `item`
 * when `pending`, else at the end of the output (the Service through the
 * index's look-ahead). The Service goes before the StatefulSet document's
 * `...` end marker, if any: the next document may start with a directive,
 * which needs that marker right before it (reader.h d2s_end_marker_at). */
static void write_statefulset(struct d2s_pipeline *p, const struct d2s_convert_out *out,
			      int pending, size_t item)
{
	size_t cut = out->service.len ? d2s_end_marker_at(out->text.data, out->text.len) :
		     out->text.len;
	int nl = cut && out->text.data[cut - 1] != '\n';
	if (pending) {
		struct d2s_buf all = {0};
		d2s_buf_add(&all, out->text.data, cut);
		if (out->service.len && nl)
			d2s_buf_puts(&all, "\n");
		d2s_buf_add(&all, out->service.data, out->service.len);
		d2s_buf_add(&all, out->text.data + cut, out->text.len - cut);
		d2s_writer_resolve(&p->w, item, D2S_REPLACE, all.data, all.len);
		d2s_buf_free(&all);
		return;
	}
	d2s_writer_raw(&p->w, out->text.data, cut);
	if (out->service.len) {
		if (nl)
			d2s_writer_raw(&p->w, "\n", 1);
		d2s_xref_generated_service(p->x, out->ns, out->service_name, out->name,
					   out->service.data, out->service.len);
	}
	d2s_writer_raw(&p->w, out->text.data + cut, out->text.len - cut);
}

static int write_converted(struct d2s_pipeline *p, const struct d2s_doc *doc, long line,
			   const struct d2s_options *o, int pending, size_t item)
{
	struct d2s_convert_in in = {
		.doc = doc, .o = o, .diag = p->diag, .file = p->file, .line0 = line,
		.pvc_template = d2s_xref_pvc_template, .service_state = d2s_xref_service_state,
		.ctx = p->x,
	};
	struct d2s_convert_out out = {0};
	struct d2s_convert_edit ce = { &in, &out };
	const struct d2s_ident id = d2s_identify(doc->root);
	if (d2s_is(d2s_path(doc->root, "spec", "paused"), "true")) /* only a paused one needs it */
		in.max_replicas = d2s_xref_max_replicas(p->x, id.ns, id.name);
	struct d2s_where w = where_of(p, &id, root_line(doc, line));
	struct d2s_reemit re = {0};
	int rc = d2s_edit_retry(p->aux, p->diag, &w, doc, d2s_convert_edit_cb, &ce, &re);
	if (rc) {
		if (pending)
			d2s_writer_resolve(&p->w, item, D2S_KEEP, NULL, 0);
		else
			d2s_writer_raw(&p->w, doc->text, doc->len);
	} else {
		for (size_t i = 0; i < out.n_absorbed; i++)
			d2s_xref_absorb(p->x, out.ns, out.absorbed[i], out.name);
		write_statefulset(p, &out, pending, item);
		if (!out.service.len)
			d2s_xref_deployment(p->x, out.ns, out.name, D2S_DEP_CONVERTED_NO_SERVICE);
		if (!p->diag->report) /* else the report describes it (d2s_creport_to_diag) */
			d2s_diagf(p->diag, D2S_INFO, &w, "converted to StatefulSet (serviceName %s%s)",
				   out.service_name, out.reused_service ? ", existing headless Service" :
				   out.service.len ? ", headless Service generated" : "");
	}
	d2s_convert_out_free(&out);
	d2s_reemit_free(&re);
	return rc;
}

/* A Helm hook passes through unchanged (refs.h d2s_is_hook): a note. */
static void hook_note(struct d2s_pipeline *p, const struct d2s_where *w)
{
	d2s_diagf(p->diag, D2S_INFO, w, "Helm hook (helm.sh/hook): passed through unchanged; hooks are "
		   "never converted, absorbed, retargeted or dropped (Helm 4 sends them to post-renderers, "
		   "Helm 3 does not)");
}

static void on_deployment(struct d2s_pipeline *p, const struct d2s_piece *pc,
			  const struct d2s_ident *id)
{
	const struct d2s_node *root = p->doc.root;
	struct d2s_where w = where_of(p, id, root_line(&p->doc, pc->line));
	int hook = d2s_is_hook(root);
	if (id->name)
		d2s_xref_workload(p->x, root, id, hook);
	if (id->name)
		d2s_creport_seen(p->diag->report, id->ns, id->name, w.file, w.line, w.col);
	if (hook) {
		hook_note(p, &w);
		d2s_creport_hook(p->diag->report, id->ns, id->name, d2s_get_str(
			d2s_path(root, "metadata", "annotations"), "helm.sh/hook"));
		d2s_xref_deployment(p->x, id->ns, id->name, D2S_DEP_SKIPPED);
		d2s_xref_resolve_refs(p->x, id->ns, id->name, 0);
		d2s_writer_raw(&p->w, pc->text, pc->len);
		return;
	}
	if (!id->api_version || strcmp(id->api_version, "apps/v1")) {
		d2s_diag_unsupported(p->diag, &w, id->api_version, p->o->skip_unsupported);
		d2s_creport_unsupported(p->diag->report, id->ns, id->name, id->api_version,
					p->o->skip_unsupported);
		d2s_writer_raw(&p->w, pc->text, pc->len);
		return;
	}
	const struct d2s_options *o = d2s_options_for(p->o, id->name);
	const char *why = NULL;
	if (!d2s_select_meta(o, d2s_get(root, "metadata"), &why)) {
		d2s_creport_not_selected(p->diag->report, id->ns, id->name, d2s_selection_why(why), why);
		if (id->name && !p->diag->report)
			d2s_diagf(p->diag, D2S_INFO, &w, "not converted: %s", why);
		else if (!id->name)
			d2s_diagf(p->diag, D2S_WARNING, &w, "Deployment without metadata.name: not converted");
		d2s_xref_deployment(p->x, id->ns, id->name, D2S_DEP_SKIPPED);
		d2s_xref_resolve_refs(p->x, id->ns, id->name, 0);
		d2s_writer_raw(&p->w, pc->text, pc->len);
		return;
	}
	size_t n;
	free(d2s_deploy_claims(root, o, &n));
	/* its claims are decided once every workload that mounts them is read; a
	 * paused one's partition once every autoscaler that targets it is; its
	 * Service then too (a later headless one is reused) */
	int later = n || d2s_is(d2s_path(root, "spec", "paused"), "true");
	d2s_xref_deployment(p->x, id->ns, id->name, later ? D2S_DEP_CONVERTED_LATER : D2S_DEP_CONVERTED);
	d2s_xref_check_progressive(p->x, id->ns, id->name);
	if (later)
		d2s_xref_hold(p->x, pc->text, pc->len, p->file, pc->line, 0);
	else
		write_converted(p, &p->doc, pc->line, o, 0, 0);
	d2s_xref_resolve_refs(p->x, id->ns, id->name, 1);
}

/* ---------- kind: List (list.c) ---------- */

/* Convert List `doc`: written now, or into held item `item` when
 * `pending`; with `keep` (held Lists), its text is stored there instead,
 * for d2s_xref_list_pvcs once every PVC is decided. */
static void write_list(struct d2s_pipeline *p, const struct d2s_doc *doc, long line, int pending,
		       size_t item, struct d2s_buf *keep)
{
	struct d2s_buf out = {0};
	struct d2s_list_ctx lc = {
		.o = p->o, .diag = p->diag, .file = p->file, .line0 = line,
		.pvc_template = d2s_xref_pvc_template, .service_state = d2s_xref_service_state,
		.converted = d2s_xref_list_item_converted, .ctx = p->x,
		.volume_rules = pending ? d2s_xref_volume_rules : NULL,
		.ref_converted = d2s_xref_list_ref, .max_replicas = d2s_xref_max_replicas,
	};
	int rc = d2s_convert_list(doc, &lc, &out);
	const char *t = rc > 0 ? out.data : doc->text;
	size_t n = rc > 0 ? out.len : doc->len;
	if (keep)
		d2s_buf_add(keep, t, n);
	else if (pending)
		d2s_writer_resolve(&p->w, item, rc > 0 ? D2S_REPLACE : D2S_KEEP, out.data, out.len);
	else
		d2s_writer_raw(&p->w, t, n);
	d2s_buf_free(&out);
}

static void on_list(struct d2s_pipeline *p, const struct d2s_piece *pc, const struct d2s_where *w)
{
	if (d2s_is_hook(p->doc.root)) {
		hook_note(p, w);
		d2s_writer_raw(&p->w, pc->text, pc->len);
		return;
	}
	d2s_list_unsupported(&p->doc, p->o, p->diag, p->file, pc->line);
	if (d2s_xref_list_read(p->x, &p->doc, p->file, pc->line)) {
		d2s_xref_hold(p->x, pc->text, pc->len, p->file, pc->line, 1); /* like a Deployment */
	} else
		write_list(p, &p->doc, pc->line, 0, 0, NULL);
}

/* ---------- dispatch by kind ---------- */

static void on_document(struct d2s_pipeline *p, const struct d2s_piece *pc)
{
	const struct d2s_node *root = p->doc.root;
	const struct d2s_ident id = root && root->type == D2S_MAP ? d2s_identify(root) :
				    (struct d2s_ident){ 0 };
	if (!root || root->type != D2S_MAP || p->doc.n_docs != 1 || !id.kind) {
		d2s_writer_raw(&p->w, pc->text, pc->len);
		return;
	}
	const char *av = id.api_version ? id.api_version : "", *target;
	long line = root_line(&p->doc, pc->line);
	int apps = !strncmp(av, "apps/", 5) || !strncmp(av, "extensions/", 11);
	int hook = d2s_is_hook(root);
	struct d2s_where w = where_of(p, &id, line);
	if (!strcmp(id.kind, "Deployment") && apps) {
		on_deployment(p, pc, &id);
	} else if (!strcmp(id.kind, "List") && d2s_get(root, "items")) {
		on_list(p, pc, &w);
	} else if (!strcmp(id.kind, "PersistentVolumeClaim") && !strcmp(av, "v1") && id.name) {
		if (hook)
			hook_note(p, &w);
		d2s_xref_pvc(p->x, root, pc->text, pc->len, p->file, line, &id, hook);
	} else if (!strcmp(id.kind, "Service") && !strcmp(av, "v1") && id.name) {
		if (!hook) /* hook Services are deleted by their hook-delete-policy */
			d2s_xref_service(p->x, root, &id, p->file, line, 1);
		d2s_writer_raw(&p->w, pc->text, pc->len);
	} else if ((target = d2s_ref_target(root)) != NULL) {
		if (hook) {
			hook_note(p, &w);
			d2s_writer_raw(&p->w, pc->text, pc->len);
		} else {
			d2s_xref_scaler(p->x, root, &id, target);
			d2s_xref_ref(p->x, pc->text, pc->len, p->file, line, &id, target);
		}
	} else if (id.name && d2s_is_workload(id.kind)) {
		d2s_xref_workload(p->x, root, &id, hook);
		d2s_writer_raw(&p->w, pc->text, pc->len);
	} else {
		d2s_xref_progressive(p->x, root, p->file, line);
		d2s_writer_raw(&p->w, pc->text, pc->len);
	}
}

/* ---------- feed: read -> parse ahead -> dispatch, in input order ---------- */

/* Inputs after the first are separate streams: keep their first document
 * apart from the previous input's last one. */
static void separate_inputs(struct d2s_pipeline *p, const struct d2s_piece *pc)
{
	if (p->last && p->last != '\n' && p->last != '\r')
		d2s_writer_raw(&p->w, "\n", 1);
	if (p->last && !d2s_starts_with_marker(pc->text, pc->len))
		d2s_writer_raw(&p->w, "---\n", 4);
}

/* Process the oldest parsed piece, in input order. Returns 0 or -1. */
static int take_one(struct d2s_pipeline *p, struct d2s_pool *pool)
{
	struct d2s_job *j = d2s_pool_oldest(pool);
	struct d2s_doc tmp = p->doc;   /* borrow the job's tree, give ours back after */
	p->doc = j->doc;
	j->doc = tmp;
	int rc = 0;
	if (j->rc) {
		struct d2s_where w = { .file = p->file, .line = j->line + p->doc.err_line - 1,
				       .col = p->doc.err_col };
		d2s_diagf(p->diag, D2S_ERROR, &w, "invalid YAML: %s", p->doc.err_msg);
		rc = -1;
	} else {
		struct d2s_piece pc = { .text = j->text, .len = j->len, .line = j->line, .complete = 1 };
		on_document(p, &pc);
	}
	tmp = p->doc;
	p->doc = j->doc;
	j->doc = tmp;
	d2s_pool_release(pool);
	return rc;
}

/* Process everything in flight; on error keep releasing (nothing more is
 * written) so the pool ends empty. */
static int drain_pool(struct d2s_pipeline *p, struct d2s_pool *pool)
{
	int rc = 0;
	while (d2s_pool_oldest(pool)) {
		if (rc)
			d2s_pool_release(pool);
		else
			rc = take_one(p, pool);
	}
	return rc;
}

/* A piece over the size limit: stream it when no rule can change it, else
 * read it whole. Returns 1 when streamed, 0 when `pc` is now complete, -1. */
static int big_piece(struct d2s_pipeline *p, struct d2s_reader *r, struct d2s_piece *pc)
{
	int need = d2s_head_needs_whole(pc->text, pc->len);
	if (need == 1)
		return d2s_reader_complete(r, pc) ? -1 : 0;
	struct d2s_stream_claims sc = {0}; /* a workload: only its claims are read */
	int rc = d2s_stream_piece(r, &p->w, p->diag, p->file, pc->line, need ? &sc : NULL);
	if (!rc && sc.kind && sc.name && d2s_is_workload(sc.kind))
		d2s_xref_workload_claims(p->x, &sc);
	d2s_stream_claims_free(&sc);
	return rc ? -1 : 1;
}

static int feed(struct d2s_pipeline *p, struct d2s_reader *r, struct d2s_pool *pool)
{
	struct d2s_piece pc;
	int k = 1, first = 1, rc = 0;
	p->inputs++;
	while (!rc && k == 1) {
		while (!rc && !d2s_pool_full(pool) && (k = d2s_reader_next(r, &pc, 1)) == 1) {
			if (first && p->inputs > 1)
				separate_inputs(p, &pc);
			first = 0;
			if (pc.len)
				p->last = pc.text[pc.len - 1];
			if (!pc.complete) {
				/* written in order: everything before it goes first */
				rc = drain_pool(p, pool);
				int b = rc ? -1 : big_piece(p, r, &pc);
				if (b < 0) {
					rc = -1;
					k = pc.complete ? 1 : -1;
					break;
				}
				if (b == 1)
					continue;
			}
			d2s_pool_submit(pool, pc.text, pc.len, pc.line);
		}
		if (!rc && d2s_pool_oldest(pool))
			rc = take_one(p, pool);
	}
	int rc2 = drain_pool(p, pool);
	if (!rc && k < 0) {
		long l, c;
		const char *m = d2s_reader_error(r, &l, &c);
		struct d2s_where w = { .file = p->file, .line = l, .col = c };
		d2s_diagf(p->diag, D2S_ERROR, &w, "%s", m);
		rc = -1;
	}
	return rc || rc2 || failed(p) ? -1 : 0;
}

int d2s_pipeline_feed_fd(struct d2s_pipeline *p, int fd, const char *name)
{
	return d2s_pipeline_feed_fd_prefixed(p, fd, name, NULL, 0);
}

int d2s_pipeline_feed_fd_prefixed(struct d2s_pipeline *p, int fd, const char *name,
				  const char *prefix, size_t n)
{
	struct d2s_reader *r = d2s_reader_new(fd, name, 0);
	if (!r)
		return -1;
	if (n)
		d2s_reader_preload(r, prefix, n);
	p->file = name;
	if (!p->pool)
		p->pool = d2s_pool_new(d2s_pool_default_workers(), 16, d2s_kind_wanted);
	if (!p->pool)
		p->pool = d2s_pool_new(0, 2, d2s_kind_wanted);
	if (!p->pool) {
		d2s_reader_free(r);
		return -1;
	}
	int rc = feed(p, r, p->pool);
	d2s_reader_free(r);
	return rc;
}

int d2s_pipeline_feed_mem(struct d2s_pipeline *p, const char *data, size_t len, const char *name)
{
	struct d2s_reader *r = d2s_reader_new_mem(data, len, name);
	struct d2s_pool *pool = d2s_pool_new(0, 2, d2s_kind_wanted); /* in memory: parse inline */
	if (!r || !pool) {
		d2s_reader_free(r);
		d2s_pool_free(pool);
		return -1;
	}
	p->file = name;
	int rc = feed(p, r, pool);
	d2s_pool_free(pool);
	d2s_reader_free(r);
	return rc;
}

/* Convert held Deployment or List `d` (its text parsed into p->doc); a
 * List's text goes into `keep` (see write_list). */
static void finish_held(struct d2s_pipeline *p, const struct d2s_held *d, struct d2s_buf *keep)
{
	if (p->doc.root && d->list) {
		write_list(p, &p->doc, d->line, 1, d->item, keep);
	} else if (p->doc.root) {
		const struct d2s_ident id = d2s_identify(p->doc.root);
		struct d2s_options tmp;
		const struct d2s_options *o = d2s_options_for(p->o, id.name);
		const struct d2s_options *eo = d2s_xref_volume_rules(p->x, &p->doc, d->file, d->line,
								     o, &tmp);
		write_converted(p, &p->doc, d->line, eo, 1, d->item);
		if (eo == &tmp)
			d2s_options_free(&tmp);
	} else {
		d2s_writer_resolve(&p->w, d->item, D2S_KEEP, NULL, 0);
	}
}

/* Write held List `d` converted as `text`, its PVC items decided. */
static void finish_list(struct d2s_pipeline *p, const struct d2s_held *d, const struct d2s_buf *text)
{
	struct d2s_buf out = {0};
	int rc = -1;
	p->file = d->file;
	if (d2s_parse(p->aux, text->data, text->len, &p->doc) == 0 && p->doc.root)
		rc = d2s_xref_list_pvcs(p->x, &p->doc, d->file, d->line, &out);
	if (rc == 2)
		d2s_writer_resolve(&p->w, d->item, D2S_DROP, NULL, 0);
	else if (rc == 1)
		d2s_writer_resolve(&p->w, d->item, D2S_REPLACE, out.data, out.len);
	else
		d2s_writer_resolve(&p->w, d->item, D2S_REPLACE, text->data, text->len);
	d2s_buf_free(&out);
}

int d2s_pipeline_finish(struct d2s_pipeline *p)
{
	/* Deployments and Lists that waited for PVCs: everything is known now */
	size_t n;
	const struct d2s_held *held = d2s_xref_held(p->x, &n); /* no more are added now */
	struct d2s_buf *lists = d2s_check_alloc(calloc(n + 1, sizeof(*lists)));
	for (size_t i = 0; i < n; i++) {
		size_t len;
		char *text = d2s_writer_fetch(&p->w, held[i].item, &len);
		p->file = held[i].file;
		/* the tree lives in p->doc's arena, so aux may parse again meanwhile */
		if (d2s_parse(p->aux, text, len, &p->doc))
			p->doc.root = NULL;
		if (held[i].list && !p->doc.root)
			d2s_buf_add(&lists[i], text, len);
		finish_held(p, &held[i], &lists[i]);
		free(text);
	}
	d2s_xref_finish(p->x);
	/* Lists last: their PVC items are decided now */
	for (size_t i = 0; i < n; i++) {
		if (held[i].list)
			finish_list(p, &held[i], &lists[i]);
		d2s_buf_free(&lists[i]);
	}
	free(lists);
	if (d2s_writer_finish(&p->w)) {
		struct d2s_where w = { .file = "(output)" };
		d2s_diagf(p->diag, D2S_ERROR, &w, "write error");
	}
	return failed(p) ? -1 : 0;
}

void d2s_pipeline_free(struct d2s_pipeline *p)
{
	if (!p)
		return;
	d2s_xref_free(p->x);
	d2s_pool_free(p->pool);
	d2s_writer_free(&p->w);
	d2s_doc_free(&p->doc);
	d2s_parser_free(p->aux);
	free(p);
}

/* pipeline.c - runs the stages over input pieces and keeps the index that
 * makes cross-document rules independent of stream order (DESIGN §3.4, §3.5).
 *
 * Per piece: read (reader.c) -> parse (tree.c) -> classify (here) ->
 * select (select.c) -> convert (convert.c) / reference rewriting (refs.c) ->
 * write (writer.c). Only small documents later rules may change (PVCs,
 * scaling references) and Deployments that mount a PVC not seen yet are held
 * back as pending writer items. */
#include "pipeline.h"
#include "convert.h"
#include "hashmap.h"
#include "reader.h"
#include "refs.h"
#include "select.h"
#include "tree.h"
#include "writer.h"
#include "parsepool.h"
#include "storage.h"
#include "list.h"
#include "reemit.h"

#include <libfyaml.h>
#include <stdlib.h>
#include <string.h>

struct pvc_rec {
	char *key, *text, *file;
	size_t len, item;
	long line;
	int pending;
};

struct ref_rec {
	char *target, *file;
	size_t item;
	long line;
	int pending;
};

struct dep_rec {         /* a Deployment or List waiting for a later PVC */
	char *file;
	size_t item;
	long line;
	int list;
};

struct svc_rec {
	char *key, *deployment;
	size_t item;
	int pending;
};

/* What the index knows of a Deployment (0 = not seen). */
enum dep_state { DEP_CONVERTED = 1, DEP_SKIPPED = 2, DEP_CONVERTED_NO_SERVICE = 3 };

struct d2s_pipeline {
	const struct d2s_options *o;
	struct d2s_diag *diag;
	struct d2s_writer w;
	struct d2s_parser *aux;    /* for held-back documents (pieces: the pool) */
	struct d2s_doc doc, auxdoc;
	struct d2s_map services;   /* ns/name -> 1 headless, 2 not headless; only
				      names a --service-name template can give */
	struct d2s_map deploys;    /* ns/name -> enum dep_state */
	struct d2s_map absorbed;   /* ns/claim -> 1 */
	struct d2s_map pvc_index;  /* ns/name -> index+1 into pvcs */
	struct pvc_rec *pvcs;
	size_t n_pvcs;
	struct ref_rec *refs;
	size_t n_refs;
	struct dep_rec *deps;
	size_t n_deps;
	struct svc_rec *svcs;      /* generated Services still pending (look-ahead) */
	size_t n_svcs;
	struct d2s_progressive *prog;
	size_t n_prog;
	const char *file;          /* current input name */
	struct d2s_pool *pool;     /* parse-ahead for fd inputs (NULL until used) */
	int inputs;                /* inputs fed so far */
	char last;                 /* last byte of the last piece written */
	int failed;
};

#define GROW(arr, n) (arr = d2s_check_alloc(realloc(arr, ((n) + 1) * sizeof(*(arr)))))

static char *xstrdup(const char *s)
{
	return d2s_check_alloc(strdup(s ? s : ""));
}

struct d2s_pipeline *d2s_pipeline_new(const struct d2s_options *o, struct d2s_diag *diag, FILE *out)
{
	struct d2s_pipeline *p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->o = o;
	p->diag = diag;
	d2s_writer_init(&p->w, out);
	p->aux = d2s_parser_new();
	if (!p->aux) {
		d2s_pipeline_free(p);
		return NULL;
	}
	return p;
}

/* ---------- helpers ---------- */

struct ident {
	const char *api_version, *kind, *name, *ns;
};

static struct ident identify(const struct d2s_node *root)
{
	struct ident id = {0};
	id.api_version = d2s_get_str(root, "apiVersion");
	id.kind = d2s_get_str(root, "kind");
	const struct d2s_node *meta = d2s_get(root, "metadata");
	id.name = d2s_get_str(meta, "name");
	id.ns = d2s_get_str(meta, "namespace");
	if (!id.ns)
		id.ns = "";
	return id;
}

/* Input line where the object's content starts (messages point there). */
static long root_line(const struct d2s_doc *doc, long line0)
{
	long l = 1, c;
	if (doc->root)
		d2s_linecol(doc->text, doc->root->start, &l, &c);
	return line0 + l - 1;
}

/* State of Deployment `key` ("ns/name"): 0 not seen, or enum dep_state. */
static intptr_t dep_state(const struct d2s_pipeline *p, const char *key)
{
	return d2s_map_get(&p->deploys, key, 0);
}

static int is_converted(intptr_t st)
{
	return st == DEP_CONVERTED || st == DEP_CONVERTED_NO_SERVICE;
}

static struct d2s_where where_of(struct d2s_pipeline *p, const struct ident *id, long line)
{
	struct d2s_where w = {
		.file = p->file, .line = line, .col = 1, .api_version = id->api_version,
		.kind = id->kind, .ns = id->ns, .name = id->name,
	};
	return w;
}

/* ---------- the flow-style fallback (reemit.c) ---------- */

struct held_edit {
	int (*edit)(const struct d2s_doc *, struct d2s_buf *);
	struct d2s_buf *out;
};

static int held_edit_cb(const struct d2s_doc *doc, void *ctx)
{
	struct held_edit *h = ctx;
	if (h->edit(doc, h->out) == 0)
		return 0;
	d2s_buf_reset(h->out);
	return 1; /* any failure: retry in block style */
}

/* Edit the held-back document text[0..len) with `edit` (d2s_ref_retarget,
 * d2s_pvc_keep) into `out`, re-emitted in block style first when the edit
 * needs that. `file` and `line` (the object's) place messages. Returns 0,
 * or -1 after an error: never a silent failure. */
static int edit_held(struct d2s_pipeline *p, const char *text, size_t len, const char *file,
		     long line, int (*edit)(const struct d2s_doc *, struct d2s_buf *),
		     struct d2s_buf *out)
{
	struct d2s_where w = { .file = file, .line = line, .col = 1 };
	if (d2s_parse(p->aux, text, len, &p->auxdoc) || !p->auxdoc.root) {
		d2s_report(p->diag, D2S_ERROR, &w, "cannot parse this document again (a bug)");
		p->failed = 1;
		return -1;
	}
	const struct ident id = identify(p->auxdoc.root);
	w = where_of(p, &id, line);
	w.file = file;
	struct held_edit h = { edit, out };
	struct d2s_reemit re = {0};
	int rc = d2s_edit_retry(p->aux, p->diag, &w, &p->auxdoc, held_edit_cb, &h, &re);
	d2s_reemit_free(&re);
	if (rc)
		p->failed = 1;
	return rc;
}

/* ---------- PVCs (DESIGN §3.4) ---------- */

static struct d2s_val *pvc_template(void *ctx, struct d2s_arena *a, const char *ns,
				    const char *claim, const char *volume)
{
	struct d2s_pipeline *p = ctx;
	char key[512];
	intptr_t i = d2s_map_get(&p->pvc_index, d2s_key(key, sizeof(key), ns, claim), 0);
	if (!i)
		return NULL;
	struct pvc_rec *r = &p->pvcs[i - 1];
	if (d2s_parse(p->aux, r->text, r->len, &p->auxdoc) || !p->auxdoc.root)
		return NULL;
	return d2s_claim_from_pvc(a, p->auxdoc.root, volume);
}

static enum d2s_svc_state service_state(void *ctx, const char *ns, const char *name)
{
	struct d2s_pipeline *p = ctx;
	char key[512];
	intptr_t v = d2s_map_get(&p->services, d2s_key(key, sizeof(key), ns, name), 0);
	return v == 1 ? D2S_SVC_HEADLESS : v == 2 ? D2S_SVC_NOT_HEADLESS : D2S_SVC_NONE;
}

static void resolve_pvc(struct d2s_pipeline *p, struct pvc_rec *r, const char *deployment)
{
	if (!r->pending)
		return;
	r->pending = 0;
	const char *slash = strchr(r->key, '/');
	struct d2s_where w = { .file = r->file, .line = r->line, .col = 1, .api_version = "v1",
			       .kind = "PersistentVolumeClaim", .name = slash + 1 };
	char ns[256];
	snprintf(ns, sizeof(ns), "%.*s", (int)(slash - r->key), r->key);
	w.ns = ns;
	if (p->o->drop_absorbed_pvcs) {
		d2s_writer_resolve(&p->w, r->item, D2S_DROP, NULL, 0);
		d2s_report(p->diag, D2S_WARNING, &w,
			   "absorbed into per-pod claims of StatefulSet %s and removed "
			   "(--drop-absorbed-pvcs): if it held data, Helm deletes it on upgrade", deployment);
		return;
	}
	struct d2s_buf out = {0};
	int ok = edit_held(p, r->text, r->len, r->file, r->line, d2s_pvc_keep, &out) == 0;
	d2s_writer_resolve(&p->w, r->item, ok ? D2S_REPLACE : D2S_KEEP, out.data, out.len);
	d2s_buf_free(&out);
	if (!ok)
		return; /* edit_held reported why */
	d2s_report(p->diag, D2S_WARNING, &w,
		   "now replaced by per-pod claims of StatefulSet %s, which start EMPTY; the claim is "
		   "kept (helm.sh/resource-policy: keep) so its data survives: copy the data into the new "
		   "claim of pod 0, then delete this PVC (or pass --drop-absorbed-pvcs)", deployment);
}

static void absorb(struct d2s_pipeline *p, const char *ns, const char *claim, const char *deployment)
{
	char key[512];
	d2s_key(key, sizeof(key), ns, claim);
	d2s_map_set(&p->absorbed, key, 1);
	intptr_t i = d2s_map_get(&p->pvc_index, key, 0);
	if (i)
		resolve_pvc(p, &p->pvcs[i - 1], deployment);
}

static void on_pvc(struct d2s_pipeline *p, const struct d2s_piece *pc, const struct ident *id)
{
	char key[512];
	d2s_key(key, sizeof(key), id->ns, id->name);
	GROW(p->pvcs, p->n_pvcs);
	struct pvc_rec *r = &p->pvcs[p->n_pvcs++];
	memset(r, 0, sizeof(*r));
	r->key = xstrdup(key);
	r->file = xstrdup(p->file);
	r->line = root_line(&p->doc, pc->line);
	r->text = d2s_check_alloc(malloc(pc->len + 1));
	memcpy(r->text, pc->text, pc->len);
	r->text[pc->len] = '\0';
	r->len = pc->len;
	r->item = d2s_writer_pending(&p->w, pc->text, pc->len);
	r->pending = 1;
	d2s_map_set(&p->pvc_index, key, (intptr_t)p->n_pvcs);
	if (d2s_map_has(&p->absorbed, key))
		resolve_pvc(p, r, "(earlier in the input)");
}

/* ---------- Services (DESIGN §3.3) ---------- */

/* Could Service `name` in `ns` be the one generated for a Deployment? The
 * templates are inverted: prefix{name}suffix after {namespace} expands. On
 * success `dep` (size n) gets the Deployment's name. */
static int generated_name_of(const struct d2s_pipeline *p, const char *ns, const char *name,
			     char *dep, size_t n)
{
	for (size_t i = 0; i <= p->o->n_overrides; i++) {
		const struct d2s_options *o = i ? p->o->overrides[i - 1].opts : p->o;
		char t[512];
		size_t tl = 0;
		const char *at = NULL;
		for (const char *q = o->service_name; *q && tl + 256 < sizeof(t); q++) {
			if (!strncmp(q, "{namespace}", 11)) {
				tl += (size_t)snprintf(t + tl, sizeof(t) - tl, "%.200s", ns);
				q += 10;
			} else if (!strncmp(q, "{name}", 6) && !at) {
				at = q;
				t[tl++] = '\1'; /* the hole */
				q += 5;
			} else {
				t[tl++] = *q;
			}
		}
		t[tl] = '\0';
		char *hole = strchr(t, '\1');
		if (!hole || o->no_headless_service)
			continue;
		size_t pre = (size_t)(hole - t), suf = strlen(hole + 1), len = strlen(name);
		if (len <= pre + suf || strncmp(name, t, pre) || strcmp(name + len - suf, hole + 1))
			continue;
		snprintf(dep, n, "%.*s", (int)(len - pre - suf), name + pre);
		if (d2s_options_for(p->o, dep) == o)
			return 1;
	}
	return 0;
}

/* An index key "ns/name" as messages show it: "name" when ns is empty. */
static const char *shown(const char *key)
{
	return key[0] == '/' ? key + 1 : key;
}

static void svc_conflict(struct d2s_pipeline *p, const struct d2s_where *w, const char *deployment,
			 int headless, int written)
{
	deployment = shown(deployment);
	if (headless && written)
		d2s_report(p->diag, D2S_ERROR, w, "a headless Service of this name was already generated "
			   "for StatefulSet %s and written (a generated Service waits for at most 1 MiB of "
			   "output, one inside a List does not wait): move this Service before the "
			   "Deployment, or pass --no-headless-service", deployment);
	else
		d2s_report(p->diag, D2S_ERROR, w, "StatefulSet %s needs a headless Service of this name, "
			   "but this Service is not headless (clusterIP is immutable): choose another "
			   "--service-name, or --no-headless-service if this Service is meant", deployment);
	p->failed = 1;
}

/* Forget generated Services that are no longer pending in the writer. */
static void prune_svcs(struct d2s_pipeline *p)
{
	size_t k = 0;
	for (size_t i = 0; i < p->n_svcs; i++) {
		if (p->svcs[i].pending && d2s_writer_is_pending(&p->w, p->svcs[i].item)) {
			p->svcs[k++] = p->svcs[i];
		} else {
			free(p->svcs[i].key);
			free(p->svcs[i].deployment);
		}
	}
	p->n_svcs = k;
}

static void on_service(struct d2s_pipeline *p, const struct d2s_node *root, const struct ident *id,
		       long line)
{
	char key[512], dep[256];
	d2s_key(key, sizeof(key), id->ns, id->name);
	int headless = d2s_is(d2s_path(root, "spec", "clusterIP"), "None");
	if (!generated_name_of(p, id->ns, id->name, dep, sizeof(dep)))
		return; /* no Deployment can want this name */
	d2s_map_set(&p->services, key, headless ? 1 : 2);
	struct d2s_where w = where_of(p, id, line);
	prune_svcs(p);
	for (size_t i = 0; i < p->n_svcs; i++) {
		struct svc_rec *s = &p->svcs[i];
		if (strcmp(s->key, key))
			continue;
		s->pending = 0;
		if (!headless) {
			svc_conflict(p, &w, s->deployment, 0, 0);
			return;
		}
		d2s_writer_resolve(&p->w, s->item, D2S_DROP, NULL, 0);
		d2s_report(p->diag, D2S_INFO, &w, "headless Service of StatefulSet %s found later in the "
			   "input: used instead of a generated one", shown(s->deployment));
		return;
	}
	char dkey[512];
	if (dep_state(p, d2s_key(dkey, sizeof(dkey), id->ns, dep)) == DEP_CONVERTED)
		svc_conflict(p, &w, dkey, headless, 1); /* its generated Service is written */
}

/* ---------- scaling references (DESIGN §3.5) ---------- */

static void retarget_now(struct d2s_pipeline *p, size_t item, const char *text, size_t len,
			 const char *file, long line, int pending)
{
	struct d2s_buf out = {0};
	int ok = edit_held(p, text, len, file, line, d2s_ref_retarget, &out) == 0;
	if (pending)
		d2s_writer_resolve(&p->w, item, ok ? D2S_REPLACE : D2S_KEEP, out.data, out.len);
	else if (ok)
		d2s_writer_raw(&p->w, out.data, out.len);
	else
		d2s_writer_raw(&p->w, text, len);
	d2s_buf_free(&out);
}

static void on_ref(struct d2s_pipeline *p, const struct d2s_piece *pc, const char *target)
{
	char key[512];
	const struct ident id = identify(p->doc.root);
	d2s_key(key, sizeof(key), id.ns, target);
	intptr_t st = dep_state(p, key);
	if (is_converted(st)) {
		retarget_now(p, 0, pc->text, pc->len, p->file, root_line(&p->doc, pc->line), 0);
		return;
	}
	if (st == DEP_SKIPPED) {
		d2s_writer_raw(&p->w, pc->text, pc->len);
		return;
	}
	GROW(p->refs, p->n_refs);
	struct ref_rec *r = &p->refs[p->n_refs++];
	r->target = xstrdup(key);
	r->file = xstrdup(p->file);
	r->line = root_line(&p->doc, pc->line);
	r->item = d2s_writer_pending(&p->w, pc->text, pc->len);
	r->pending = 1;
}

static void resolve_refs_to(struct d2s_pipeline *p, const char *key, int converted)
{
	for (size_t i = 0; i < p->n_refs; i++) {
		struct ref_rec *r = &p->refs[i];
		if (!r->pending || strcmp(r->target, key))
			continue;
		r->pending = 0;
		if (!converted) {
			d2s_writer_resolve(&p->w, r->item, D2S_KEEP, NULL, 0);
			continue;
		}
		size_t len;
		char *text = d2s_writer_fetch(&p->w, r->item, &len);
		retarget_now(p, r->item, text, len, r->file, r->line, 1);
		free(text);
	}
}

static void check_progressive(struct d2s_pipeline *p, const char *key)
{
	for (size_t i = 0; i < p->n_prog; i++) {
		struct d2s_progressive *g = &p->prog[i];
		if (strcmp(g->target_key, key))
			continue;
		struct d2s_where w = { .file = g->file, .line = g->line, .col = 1, .kind = g->kind,
				       .ns = g->ns, .name = g->name };
		d2s_report(p->diag, D2S_ERROR, &w, "points at Deployment %s, which is converted to a "
			   "StatefulSet; %s cannot manage a StatefulSet: --exclude %s, or drop the %s",
			   shown(key), g->kind, strchr(key, '/') + 1, g->kind);
		p->failed = 1;
	}
}

/* ---------- Deployments (DESIGN §3.1-§3.4) ---------- */

struct convert_edit {
	struct d2s_convert_in *in;
	struct d2s_convert_out *out;
};

/* d2s_convert as an edit for d2s_edit_retry: 1 = needs block style. */
static int convert_cb(const struct d2s_doc *doc, void *ctx)
{
	struct convert_edit *ce = ctx;
	ce->in->doc = doc;
	int rc = d2s_convert(ce->in, ce->out);
	if (rc)
		d2s_convert_out_free(ce->out);
	return rc;
}

static int write_converted(struct d2s_pipeline *p, const struct d2s_doc *doc, long line,
			   const struct d2s_options *o, int pending, size_t item)
{
	struct d2s_convert_in in = {
		.doc = doc, .o = o, .diag = p->diag, .file = p->file, .line0 = line,
		.pvc_template = pvc_template, .service_state = service_state, .ctx = p,
	};
	struct d2s_convert_out out = {0};
	struct convert_edit ce = { &in, &out };
	const struct ident id = identify(doc->root);
	struct d2s_where w = where_of(p, &id, root_line(doc, line));
	struct d2s_reemit re = {0};
	int rc = d2s_edit_retry(p->aux, p->diag, &w, doc, convert_cb, &ce, &re);
	if (rc) {
		d2s_convert_out_free(&out);
		p->failed = 1;
		if (pending)
			d2s_writer_resolve(&p->w, item, D2S_KEEP, NULL, 0);
		else
			d2s_writer_raw(&p->w, doc->text, doc->len);
		d2s_reemit_free(&re);
		return -1;
	}
	char key[512];
	for (size_t i = 0; i < out.n_absorbed; i++)
		absorb(p, out.ns, out.absorbed[i], out.name);
	struct d2s_buf all = {0};
	d2s_buf_add(&all, out.text.data, out.text.len);
	if (pending) {
		if (out.service.len && all.len && all.data[all.len - 1] != '\n')
			d2s_buf_puts(&all, "\n");
		d2s_buf_add(&all, out.service.data, out.service.len);
		d2s_writer_resolve(&p->w, item, D2S_REPLACE, all.data, all.len);
	} else {
		d2s_writer_raw(&p->w, all.data, all.len);
		if (out.service.len) {
			if (all.len && all.data[all.len - 1] != '\n')
				d2s_writer_raw(&p->w, "\n", 1);
			prune_svcs(p);
			GROW(p->svcs, p->n_svcs);
			struct svc_rec *s = &p->svcs[p->n_svcs++];
			s->key = xstrdup(d2s_key(key, sizeof(key), out.ns, out.service_name));
			s->deployment = xstrdup(d2s_key(key, sizeof(key), out.ns, out.name));
			s->item = d2s_writer_pending_auto(&p->w, out.service.data, out.service.len);
			s->pending = 1;
		}
	}
	if (!out.service.len)
		d2s_map_set(&p->deploys, d2s_key(key, sizeof(key), out.ns, out.name),
			    DEP_CONVERTED_NO_SERVICE);
	d2s_report(p->diag, D2S_INFO, &w, "converted to StatefulSet (serviceName %s%s)",
		   out.service_name, out.reused_service ? ", existing headless Service" :
		   out.service.len ? ", headless Service generated" : "");
	d2s_buf_free(&all);
	d2s_convert_out_free(&out);
	d2s_reemit_free(&re);
	return 0;
}

/* Every PVC that Deployment node `dep` mounts has been read (so the claim
 * template can be built from it now). */
static int claims_known(struct d2s_pipeline *p, const struct d2s_node *dep, const struct d2s_options *o,
			const char *ns)
{
	size_t n;
	const char **claims = d2s_deploy_claims(dep, o, &n);
	int known = 1;
	char key[512];
	for (size_t i = 0; i < n; i++)
		if (!d2s_map_has(&p->pvc_index, d2s_key(key, sizeof(key), ns, claims[i])))
			known = 0;
	free(claims);
	return known;
}

/* Hold piece `pc` (a Deployment, or a List of them) back until the end of
 * the input, when every PVC is known. */
static void hold_until_end(struct d2s_pipeline *p, const struct d2s_piece *pc, int list)
{
	GROW(p->deps, p->n_deps);
	struct dep_rec *d = &p->deps[p->n_deps++];
	d->file = xstrdup(p->file);
	d->line = pc->line;
	d->list = list;
	d->item = d2s_writer_pending(&p->w, pc->text, pc->len);
}

static void on_deployment(struct d2s_pipeline *p, const struct d2s_piece *pc, const struct ident *id)
{
	const struct d2s_node *root = p->doc.root;
	struct d2s_where w = where_of(p, id, root_line(&p->doc, pc->line));
	if (!id->api_version || strcmp(id->api_version, "apps/v1")) {
		if (p->o->skip_unsupported) {
			d2s_report(p->diag, D2S_WARNING, &w, "apiVersion %s is not supported; left as it is "
				   "(--skip-unsupported)", id->api_version ? id->api_version : "(none)");
		} else {
			d2s_report(p->diag, D2S_ERROR, &w, "apiVersion %s is not supported: only apps/v1 "
				   "Deployments are converted (upgrade the manifest, or --skip-unsupported)",
				   id->api_version ? id->api_version : "(none)");
			p->failed = 1;
		}
		d2s_writer_raw(&p->w, pc->text, pc->len);
		return;
	}
	const struct d2s_options *o = d2s_options_for(p->o, id->name);
	const char *why = NULL;
	int sel = d2s_select_meta(o, d2s_get(root, "metadata"), &why);
	char key[512];
	d2s_key(key, sizeof(key), id->ns, id->name);
	if (!sel) {
		if (id->name)
			d2s_report(p->diag, D2S_INFO, &w, "not converted: %s", why);
		else
			d2s_report(p->diag, D2S_WARNING, &w, "Deployment without metadata.name: not converted");
		d2s_map_set(&p->deploys, key, DEP_SKIPPED);
		resolve_refs_to(p, key, 0);
		d2s_writer_raw(&p->w, pc->text, pc->len);
		return;
	}
	d2s_map_set(&p->deploys, key, DEP_CONVERTED);
	check_progressive(p, key);
	if (!claims_known(p, root, o, id->ns)) {
		hold_until_end(p, pc, 0); /* a PVC it mounts may come later */
	} else {
		write_converted(p, &p->doc, pc->line, o, 0, 0);
	}
	resolve_refs_to(p, key, 1);
}

/* ---------- kind: List ---------- */

/* One Deployment item of a List was converted: record it like a standalone one. */
static void list_item_converted(void *ctx, const struct d2s_convert_out *res)
{
	struct d2s_pipeline *p = ctx;
	char key[512];
	d2s_key(key, sizeof(key), res->ns, res->name);
	d2s_map_set(&p->deploys, key, res->service.len ? DEP_CONVERTED : DEP_CONVERTED_NO_SERVICE);
	for (size_t i = 0; i < res->n_absorbed; i++)
		absorb(p, res->ns, res->absorbed[i], res->name);
	check_progressive(p, key);
	resolve_refs_to(p, key, 1);
}

static void write_list(struct d2s_pipeline *p, const struct d2s_doc *doc, long line, int pending,
		       size_t item)
{
	struct d2s_buf out = {0};
	struct d2s_list_ctx lc = {
		.o = p->o, .diag = p->diag, .file = p->file, .line0 = line,
		.pvc_template = pvc_template, .service_state = service_state,
		.converted = list_item_converted, .ctx = p,
	};
	int rc = d2s_convert_list(doc, &lc, &out);
	if (rc < 0)
		p->failed = 1;
	if (pending)
		d2s_writer_resolve(&p->w, item, rc > 0 ? D2S_REPLACE : D2S_KEEP, out.data, out.len);
	else if (rc > 0)
		d2s_writer_raw(&p->w, out.data, out.len);
	else
		d2s_writer_raw(&p->w, doc->text, doc->len);
	d2s_buf_free(&out);
}

struct list_wait {
	struct d2s_pipeline *p;
	int wait;
};

static void item_waits(void *ctx, const struct d2s_node *item)
{
	struct list_wait *lw = ctx;
	const struct ident id = identify(item);
	if (!claims_known(lw->p, item, d2s_options_for(lw->p->o, id.name), id.ns))
		lw->wait = 1;
}

static void on_list(struct d2s_pipeline *p, const struct d2s_piece *pc)
{
	struct list_wait lw = { .p = p };
	d2s_list_each_selected(&p->doc, p->o, item_waits, &lw);
	if (lw.wait)
		hold_until_end(p, pc, 1); /* a PVC an item mounts may come later */
	else
		write_list(p, &p->doc, pc->line, 0, 0);
}

/* ---------- per piece ---------- */

static void on_document(struct d2s_pipeline *p, const struct d2s_piece *pc)
{
	const struct d2s_node *root = p->doc.root;
	if (!root || root->type != D2S_MAP || p->doc.n_docs != 1) {
		d2s_writer_raw(&p->w, pc->text, pc->len);
		return;
	}
	struct ident id = identify(root);
	if (!id.kind) {
		d2s_writer_raw(&p->w, pc->text, pc->len);
		return;
	}
	const char *av = id.api_version ? id.api_version : "";
	const char *target = NULL;
	if (!strcmp(id.kind, "Deployment") && (!strncmp(av, "apps/", 5) || !strncmp(av, "extensions/", 11)))
		on_deployment(p, pc, &id);
	else if (!strcmp(id.kind, "List") && d2s_get(root, "items"))
		on_list(p, pc);
	else if (!strcmp(id.kind, "PersistentVolumeClaim") && !strcmp(av, "v1") && id.name)
		on_pvc(p, pc, &id);
	else if (!strcmp(id.kind, "Service") && !strcmp(av, "v1") && id.name) {
		on_service(p, root, &id, root_line(&p->doc, pc->line));
		d2s_writer_raw(&p->w, pc->text, pc->len);
	} else if ((target = d2s_ref_target(root)) != NULL) {
		on_ref(p, pc, target);
	} else {
		struct d2s_progressive g;
		if (d2s_progressive_target(root, &g)) {
			g.file = xstrdup(p->file);
			g.line = root_line(&p->doc, pc->line);
			GROW(p->prog, p->n_prog);
			p->prog[p->n_prog++] = g;
			if (is_converted(dep_state(p, g.target_key)))
				check_progressive(p, g.target_key);
		}
		d2s_writer_raw(&p->w, pc->text, pc->len);
	}
}

/* Stream a piece too large to hold: validate it with libfyaml while copying
 * it out; only kinds no rule changes may take this path. */
static ssize_t stream_cb(void *user, void *buf, size_t count)
{
	struct { struct d2s_pipeline *p; struct d2s_reader *r; int err; } *s = user;
	ssize_t n = d2s_reader_stream(s->r, buf, count);
	if (n < 0) {
		s->err = 1;
		return 0; /* never -1: libfyaml 0.7.12 spins on it */
	}
	d2s_writer_raw(&s->p->w, buf, (size_t)n);
	return n;
}

static int stream_piece(struct d2s_pipeline *p, struct d2s_reader *r, long line)
{
	struct { struct d2s_pipeline *p; struct d2s_reader *r; int err; } s = { p, r, 0 };
	struct fy_diag *diag;
	struct fy_parser *fyp = d2s_fy_parser_new(&diag);
	if (!fyp)
		return -1;
	fy_parser_set_input_callback(fyp, &s, stream_cb);
	struct fy_event *e;
	while ((e = fy_parser_parse(fyp)) != NULL)
		fy_parser_event_free(fyp, e);
	int bad = fy_parser_get_stream_error(fyp);
	long eline = 1, ecol = 1;
	char emsg[256];
	if (bad)
		d2s_fy_first_error(diag, &eline, &ecol, emsg, sizeof(emsg));
	d2s_fy_parser_free(fyp, diag);
	if (s.err) {
		long l, c;
		const char *m = d2s_reader_error(r, &l, &c);
		struct d2s_where w = { .file = p->file, .line = l, .col = c };
		d2s_report(p->diag, D2S_ERROR, &w, "%s", m);
		return -1;
	}
	if (bad) {
		struct d2s_where w = { .file = p->file, .line = line + eline - 1, .col = ecol };
		d2s_report(p->diag, D2S_ERROR, &w, "invalid YAML: %s", emsg);
		return -1;
	}
	return 0;
}

/* Kinds some rule reads or changes; other documents are only checked. */
static const char *const wanted_kinds[] = { "Deployment", "List", "PersistentVolumeClaim",
	"Service", "HorizontalPodAutoscaler", "VerticalPodAutoscaler", "ScaledObject",
	"Rollout", "Canary", "ResourceList", NULL };

static int wanted(const char *kind)
{
	for (int i = 0; wanted_kinds[i]; i++)
		if (!strcmp(kind, wanted_kinds[i]))
			return 1;
	return 0;
}

/* Kinds whose documents must be held whole (the rules may change them). */
static int head_needs_whole(const char *t, size_t n)
{
	const char *const *kinds = wanted_kinds;
	for (size_t i = 0; i + 5 < n;) {
		if (!strncmp(t + i, "kind:", 5) && (i == 0 || t[i - 1] == '\n')) {
			size_t j = i + 5;
			while (j < n && (t[j] == ' ' || t[j] == '"' || t[j] == '\''))
				j++;
			for (int k = 0; kinds[k]; k++) {
				size_t kl = strlen(kinds[k]);
				if (j + kl <= n && !strncmp(t + j, kinds[k], kl))
					return 1;
			}
			return 0;
		}
		const char *nl = memchr(t + i, '\n', n - i);
		if (!nl)
			break;
		i = (size_t)(nl - t) + 1;
	}
	return 1; /* kind not found in the head: be safe */
}

/* True when the piece's first line that is not blank, a comment or a
 * directive is a `---` marker. */
static int starts_with_marker(const char *t, size_t n)
{
	size_t i = 0;
	while (i < n) {
		size_t j = i;
		while (j < n && (t[j] == ' ' || t[j] == '\t'))
			j++;
		if (j < n && t[j] != '#' && t[j] != '%' && t[j] != '\n' && t[j] != '\r')
			return j == i && n - j >= 3 && !strncmp(t + j, "---", 3);
		while (j < n && t[j] != '\n')
			j++;
		i = j + 1;
	}
	return 1; /* nothing but comments: no separator needed */
}

/* Inputs after the first are separate streams: keep their first document
 * apart from the previous input's last one. */
static void separate_inputs(struct d2s_pipeline *p, const struct d2s_piece *pc)
{
	if (p->last && p->last != '\n' && p->last != '\r')
		d2s_writer_raw(&p->w, "\n", 1);
	if (p->last && !starts_with_marker(pc->text, pc->len))
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
		d2s_report(p->diag, D2S_ERROR, &w, "invalid YAML: %s", p->doc.err_msg);
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
	if (!head_needs_whole(pc->text, pc->len))
		return stream_piece(p, r, pc->line) ? -1 : 1;
	return d2s_reader_complete(r, pc) ? -1 : 0;
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
		d2s_report(p->diag, D2S_ERROR, &w, "%s", m);
		rc = -1;
	}
	return rc || rc2 || p->failed ? -1 : 0;
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
		p->pool = d2s_pool_new(d2s_pool_default_workers(), 16, wanted);
	if (!p->pool)
		p->pool = d2s_pool_new(0, 2, wanted);
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
	struct d2s_pool *pool = d2s_pool_new(0, 2, wanted); /* in memory: parse inline */
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

int d2s_pipeline_finish(struct d2s_pipeline *p)
{
	/* Deployments that waited for PVCs: everything is known now */
	for (size_t i = 0; i < p->n_deps; i++) {
		struct dep_rec *d = &p->deps[i];
		size_t len;
		char *text = d2s_writer_fetch(&p->w, d->item, &len);
		p->file = d->file;
		/* the tree lives in p->doc's arena, so aux may parse again meanwhile */
		if (d2s_parse(p->aux, text, len, &p->doc) == 0 && p->doc.root && d->list) {
			write_list(p, &p->doc, d->line, 1, d->item);
		} else if (p->doc.root) {
			struct ident id = identify(p->doc.root);
			write_converted(p, &p->doc, d->line, d2s_options_for(p->o, id.name), 1, d->item);
		} else {
			d2s_writer_resolve(&p->w, d->item, D2S_KEEP, NULL, 0);
		}
		free(text);
	}
	if (d2s_writer_finish(&p->w)) {
		struct d2s_where w = { .file = "(output)" };
		d2s_report(p->diag, D2S_ERROR, &w, "write error");
		p->failed = 1;
	}
	return p->failed ? -1 : 0;
}

void d2s_pipeline_free(struct d2s_pipeline *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n_pvcs; i++) {
		free(p->pvcs[i].key);
		free(p->pvcs[i].text);
		free(p->pvcs[i].file);
	}
	free(p->pvcs);
	for (size_t i = 0; i < p->n_refs; i++) {
		free(p->refs[i].target);
		free(p->refs[i].file);
	}
	free(p->refs);
	for (size_t i = 0; i < p->n_deps; i++)
		free(p->deps[i].file);
	free(p->deps);
	for (size_t i = 0; i < p->n_svcs; i++) {
		free(p->svcs[i].key);
		free(p->svcs[i].deployment);
	}
	free(p->svcs);
	for (size_t i = 0; i < p->n_prog; i++)
		d2s_progressive_free(&p->prog[i]);
	free(p->prog);
	d2s_map_free(&p->services);
	d2s_map_free(&p->deploys);
	d2s_map_free(&p->absorbed);
	d2s_map_free(&p->pvc_index);
	d2s_pool_free(p->pool);
	d2s_writer_free(&p->w);
	d2s_doc_free(&p->doc);
	d2s_doc_free(&p->auxdoc);
	d2s_parser_free(p->aux);
	free(p);
}

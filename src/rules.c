/* rules.c - the rules table and the dispatch through it (see rules.h),
 * with the rules too small for a file of their own: Services, workloads,
 * scaling references and progressive delivery. */
#include "rules.h"
#include "claims.h"
#include "deployment.h"
#include "list.h"
#include "reader.h"
#include "refs.h"
#include "report.h"

#include <stdlib.h>
#include <string.h>

/* ---------- Services ----------
 * A StatefulSet needs a headless Service for its pods' network identity
 * (https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#limitations);
 * one of the stream is reused when headless, and an error when not
 * (spec.clusterIP is immutable: service.h). Only names a --service-name
 * template can give are kept. */

static int service_match(const struct d2s_ident *id, const struct d2s_node *root)
{
	(void)root;
	return id->kind && !strcmp(id->kind, "Service") && id->api_version &&
	       !strcmp(id->api_version, "v1") && id->name;
}

/* Could Service `name` in `ns` be the one generated for a Deployment? The
 * templates are inverted: prefix{name}suffix after {namespace} expands. */
static int generated_name(const struct d2s_options *base, const char *ns, const char *name)
{
	for (size_t i = 0; i <= base->n_overrides; i++) {
		const struct d2s_options *o = i ? base->overrides[i - 1].opts : base;
		char t[512], dep[256];
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
		snprintf(dep, sizeof(dep), "%.*s", (int)(len - pre - suf), name + pre);
		if (d2s_options_for(base, dep) == o)
			return 1;
	}
	return 0;
}

static d2s_rec service_facts(const struct d2s_fact_in *in)
{
	const struct d2s_ident *id = in->id;
	/* hook Services are deleted by their hook-delete-policy */
	if (!in->hook && generated_name(in->ix->o, id->ns, id->name))
		d2s_nsmap_set(&in->ix->services, d2s_index_ns(in->ix, id->ns), id->name,
			      d2s_is(d2s_path(in->root, "spec", "clusterIP"), "None") ? 1 : 2);
	return 0;
}

/* ---------- workloads: who mounts which claim (claims.h) ---------- */

static int workload_match(const struct d2s_ident *id, const struct d2s_node *root)
{
	(void)root;
	return id->name && d2s_is_workload(id->kind);
}

static d2s_rec workload_facts(const struct d2s_fact_in *in)
{
	d2s_index_workload(in->ix, in->root, in->id, in->hook);
	return 0;
}

/* ---------- scaling references (refs.h) ---------- */

static int ref_match(const struct d2s_ident *id, const struct d2s_node *root)
{
	(void)id;
	return d2s_ref_target(root) != NULL;
}

/* Autoscaler `root` (an HPA or a KEDA ScaledObject) of `id` targets
 * Deployment `target`: remember its maxReplicas (KEDA maxReplicaCount,
 * default 100: KEDA docs "ScaledObject specification"; HPA
 * spec.maxReplicas:
 * https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/). */
static void scaler(struct d2s_index *ix, const struct d2s_node *root, const struct d2s_ident *id,
		   const char *target)
{
	const struct d2s_node *spec = d2s_get(root, "spec"), *max = NULL;
	long v = 0;
	if (!id->kind)
		return;
	if (!strcmp(id->kind, "HorizontalPodAutoscaler"))
		max = d2s_get(spec, "maxReplicas");
	else if (!strcmp(id->kind, "ScaledObject") && !(max = d2s_get(spec, "maxReplicaCount")))
		v = 100;
	if (max && max->type == D2S_SCALAR && max->value[0] >= '0' && max->value[0] <= '9')
		v = strtol(max->value, NULL, 10);
	const char *ns = d2s_index_ns(ix, id->ns);
	if (v > d2s_nsmap_find(&ix->scalers, ns, target, 0, 0, NULL))
		d2s_nsmap_set(&ix->scalers, ns, target, v);
}

static d2s_rec ref_facts(const struct d2s_fact_in *in)
{
	struct d2s_index *ix = in->ix;
	struct d2s_where w = d2s_fact_where(in);
	if (in->hook) {
		d2s_hook_note(ix->diag, &w);
		return 0;
	}
	const char *target = d2s_ref_target(in->root);
	scaler(ix, in->root, in->id, target);
	D2S_INDEX_GROW(ix->refs, ix->n_refs);
	struct d2s_ref_fact *r = &ix->refs[ix->n_refs];
	r->kind = d2s_index_intern(ix, in->id->kind);
	r->ns = d2s_index_intern(ix, in->id->ns);
	r->name = d2s_index_strdup(ix, in->id->name);
	r->target = d2s_index_strdup(ix, target);
	r->file = w.file; /* the input name: kept by the caller for the run */
	r->line = w.line;
	r->col = w.col;
	return d2s_index_rec(ix, D2S_REC_REF, ix->n_refs++);
}

/* A reference follows its Deployment when that is converted; one matched
 * only by assuming a namespace says so. */
static void ref_seal(struct d2s_index *ix)
{
	for (size_t i = 0; i < ix->n_refs; i++) {
		struct d2s_ref_fact *r = &ix->refs[i];
		const char *found;
		const struct d2s_dep_fact *d = d2s_index_dep(ix, r->ns, r->target, &found);
		if (!d || !d->state)
			continue; /* not read, or an unsupported apiVersion: left alone */
		if (strcmp(found, d2s_index_ns(ix, r->ns))) {
			struct d2s_where w = { .file = r->file, .line = r->line, .col = r->col,
					       .kind = r->kind, .ns = r->ns, .name = r->name };
			d2s_index_assumed(ix, &w, "Deployment", d->key);
		}
		r->retarget = d->state == D2S_DEP_CONVERTED;
	}
}

static int ref_needs(const struct d2s_index *ix, size_t idx)
{
	return ix->refs[idx].retarget;
}

static int ref_rewrite(const struct d2s_rewrite_in *in, struct d2s_rewrite_out *out)
{
	int rc = d2s_rule_edit(in, d2s_ref_retarget, &out->text);
	if (rc == 0)
		d2s_ref_record(in->ix->diag->report, in->doc->root);
	return rc;
}

/* ---------- progressive delivery: Argo Rollouts, Flagger ---------- */

static int prog_match(const struct d2s_ident *id, const struct d2s_node *root)
{
	(void)root;
	return id->kind && (!strcmp(id->kind, "Rollout") || !strcmp(id->kind, "Canary"));
}

static d2s_rec prog_facts(const struct d2s_fact_in *in)
{
	struct d2s_index *ix = in->ix;
	struct d2s_progressive g;
	if (!d2s_progressive_target(in->root, &g))
		return 0;
	struct d2s_where w = d2s_fact_where(in);
	D2S_INDEX_GROW(ix->progs, ix->n_progs);
	struct d2s_prog_fact *p = &ix->progs[ix->n_progs++];
	p->kind = d2s_index_strdup(ix, g.kind);
	p->ns = d2s_index_strdup(ix, g.ns);
	p->name = d2s_index_strdup(ix, g.name);
	p->target = d2s_index_strdup(ix, strchr(g.target_key, '/') + 1); /* in the object's namespace */
	p->file = w.file; /* the input name: kept by the caller for the run */
	p->line = w.line;
	p->col = w.col;
	d2s_progressive_free(&g);
	return 0;
}

/* Neither an Argo Rollout nor a Flagger Canary can manage a StatefulSet. */
static void prog_seal(struct d2s_index *ix)
{
	for (size_t i = 0; i < ix->n_progs; i++) {
		const struct d2s_prog_fact *g = &ix->progs[i];
		const struct d2s_dep_fact *d = d2s_index_dep(ix, g->ns, g->target, NULL);
		if (!d || d->state != D2S_DEP_CONVERTED)
			continue;
		char key[512];
		struct d2s_where w = { .file = g->file, .line = g->line, .col = g->col, .kind = g->kind,
				       .ns = g->ns, .name = g->name };
		d2s_key(key, sizeof(key), d2s_index_ns(ix, g->ns), g->target);
		d2s_diagf(ix->diag, D2S_ERROR, &w, "points at Deployment %s, which is converted to a "
			  "StatefulSet; %s cannot manage a StatefulSet: --exclude %s, or drop the %s",
			  d2s_index_shown(key), g->kind, g->target, g->kind);
	}
}

/* ---------- the table ---------- */

static const struct d2s_rule rules[] = {
	{ "Deployment", D2S_REC_DEPLOYMENT, d2s_deployment_match, d2s_deployment_facts,
	  d2s_deployment_seal, d2s_deployment_needs, d2s_deployment_rewrite },
	{ "PersistentVolumeClaim", D2S_REC_PVC, d2s_pvc_match, d2s_pvc_facts, d2s_claims_seal,
	  d2s_pvc_needs, d2s_pvc_rewrite },
	{ "Service", D2S_REC_NONE, service_match, service_facts, NULL, NULL, NULL },
	{ "scaling reference", D2S_REC_REF, ref_match, ref_facts, ref_seal, ref_needs, ref_rewrite },
	{ "workload", D2S_REC_NONE, workload_match, workload_facts, NULL, NULL, NULL },
	{ "progressive delivery", D2S_REC_NONE, prog_match, prog_facts, prog_seal, NULL, NULL },
};
#define N_RULES (sizeof(rules) / sizeof(rules[0]))

static const struct d2s_rule *rule_of(enum d2s_rec_kind k)
{
	for (size_t i = 0; i < N_RULES; i++)
		if (rules[i].rec == k)
			return &rules[i];
	return NULL;
}

/* Record object `root` of `src` through the first rule that matches. */
static d2s_rec object_facts(struct d2s_index *ix, const struct d2s_src *src, const struct d2s_doc *doc,
			    const struct d2s_node *root, int in_list)
{
	const struct d2s_ident id = d2s_identify(root);
	if (!id.kind)
		return 0;
	struct d2s_fact_in in = { ix, src, doc, root, &id, d2s_is_hook(root), in_list };
	for (size_t i = 0; i < N_RULES; i++)
		if (rules[i].match(&id, root))
			return rules[i].facts(&in);
	return 0;
}

/* ---------- kind: List: the items through the same table ---------- */

static int is_list(const struct d2s_node *root)
{
	return d2s_is(d2s_get(root, "kind"), "List") && d2s_get(root, "items");
}

/* The items' records; a Helm hook List passes through, items and all. */
static d2s_rec list_facts(struct d2s_index *ix, const struct d2s_src *src, const struct d2s_node *root)
{
	if (d2s_is_hook(root)) {
		const struct d2s_ident id = d2s_identify(root);
		struct d2s_where w = d2s_src_where(src, root, &id);
		w.col = 1;
		d2s_hook_note(ix->diag, &w);
		return 0;
	}
	const struct d2s_node *items = d2s_get(root, "items");
	size_t n = items && items->type == D2S_SEQ ? items->n : 0;
	D2S_INDEX_GROW(ix->lists, ix->n_lists);
	ix->lists[ix->n_lists].first = ix->n_items;
	ix->lists[ix->n_lists].n = n;
	for (size_t i = 0; i < n; i++) {
		const struct d2s_node *it = items->kids[i];
		d2s_rec r = it->type == D2S_MAP && !is_list(it) ? object_facts(ix, src, NULL, it, 1) : 0;
		D2S_INDEX_GROW(ix->items, ix->n_items);
		ix->items[ix->n_items++] = r;
	}
	return d2s_index_rec(ix, D2S_REC_LIST, ix->n_lists++);
}

void d2s_rules_facts(struct d2s_index *ix, const struct d2s_src *src, const struct d2s_doc *doc)
{
	const struct d2s_node *root = doc->root;
	d2s_rec r = 0;
	if (root && root->type == D2S_MAP && doc->n_docs == 1)
		r = is_list(root) ? list_facts(ix, src, root) : object_facts(ix, src, doc, root, 0);
	ix->n_docs += root != NULL || doc->skipped;
	d2s_index_piece(ix, r);
}

void d2s_rules_streamed(struct d2s_index *ix, const struct d2s_stream_claims *sc)
{
	if (sc && sc->kind && sc->name && d2s_is_workload(sc->kind))
		d2s_index_workload_streamed(ix, sc);
	d2s_index_piece(ix, 0);
	ix->n_docs++;
}

/* ---------- the seal ---------- */

static int rec_needs(const struct d2s_index *ix, d2s_rec r)
{
	size_t idx;
	enum d2s_rec_kind k = d2s_index_rec_kind(ix, r, &idx);
	if (k == D2S_REC_LIST) {
		const struct d2s_list_fact *l = &ix->lists[idx];
		for (size_t i = 0; i < l->n; i++)
			if (ix->items[l->first + i] && ix->rewrite[ix->items[l->first + i] - 1])
				return 1;
		return 0;
	}
	const struct d2s_rule *rule = rule_of(k);
	return rule && rule->needs ? rule->needs(ix, idx) : 0;
}

void d2s_rules_seal(struct d2s_index *ix)
{
	for (size_t i = 0; i < N_RULES; i++)
		if (rules[i].seal)
			rules[i].seal(ix);
	ix->rewrite = d2s_check_alloc(calloc(ix->n_recs + 1, 1));
	for (d2s_rec r = 1; r <= ix->n_recs; r++) /* a List's items come before it */
		ix->rewrite[r - 1] = (unsigned char)rec_needs(ix, r);
}

/* ---------- pass 2 ---------- */

int d2s_rules_wants(const struct d2s_index *ix, size_t i)
{
	d2s_rec r = d2s_index_piece_rec(ix, i);
	return r ? ix->rewrite[r - 1] : 0;
}

/* Free what `out` holds and zero it. */
static void out_free(struct d2s_rewrite_out *out)
{
	d2s_buf_free(&out->text);
	d2s_buf_free(&out->extra);
	out->drop = 0;
}

/* Rewrite object `doc` (record `r`) with its rule. */
static int object_rewrite(const struct d2s_index *ix, d2s_rec r, const struct d2s_src *src,
			  const struct d2s_doc *doc, struct d2s_parser *parser, int in_list,
			  struct d2s_rewrite_out *out)
{
	size_t idx;
	const struct d2s_rule *rule = rule_of(d2s_index_rec_kind(ix, r, &idx));
	struct d2s_rewrite_in in = { ix, src, doc, idx, parser, in_list };
	return rule->rewrite(&in, out);
}

struct list_ctx {
	const struct d2s_index *ix;
	const d2s_rec *items;
	struct d2s_parser *parser;
};

static int item_want(void *ctx, size_t i)
{
	const struct list_ctx *lc = ctx;
	return lc->items[i] && lc->ix->rewrite[lc->items[i] - 1]; /* items are never prepared */
}

static int item_rewrite(void *ctx, size_t i, const struct d2s_src *src, const struct d2s_doc *doc,
			struct d2s_buf *text, struct d2s_buf *extra, int *drop)
{
	const struct list_ctx *lc = ctx;
	struct d2s_rewrite_out out = {0};
	int rc = object_rewrite(lc->ix, lc->items[i], src, doc, lc->parser, 1, &out);
	if (rc == 0) {
		d2s_buf_add(text, out.text.data, out.text.len);
		d2s_buf_add(extra, out.extra.data, out.extra.len);
		*drop = out.drop;
	}
	out_free(&out);
	return rc;
}

/* The bytes of a standalone document rewritten as `out`: the text, and the
 * generated documents before its `...` end marker (the next document may
 * start with a directive, which needs that marker right before it). */
static void assemble(const struct d2s_rewrite_out *out, struct d2s_buf *bytes)
{
	if (out->drop)
		return;
	const char *t = out->text.data;
	size_t len = out->text.len, cut = out->extra.len ? d2s_end_marker_at(t, len) : len;
	d2s_buf_add(bytes, t, cut);
	if (out->extra.len && cut && t[cut - 1] != '\n')
		d2s_buf_puts(bytes, "\n");
	d2s_buf_add(bytes, out->extra.data, out->extra.len);
	d2s_buf_add(bytes, t + cut, len - cut);
}

int d2s_rules_rewrite(const struct d2s_index *ix, size_t i, const struct d2s_src *src,
		      const struct d2s_doc *doc, struct d2s_parser *parser, struct d2s_buf *bytes)
{
	d2s_rec r = d2s_index_piece_rec(ix, i);
	size_t idx;
	if (d2s_index_rec_kind(ix, r, &idx) == D2S_REC_LIST) {
		if (!doc)
			return -1; /* a List is always parsed again (its needs is 1) */
		struct list_ctx lc = { ix, ix->items + ix->lists[idx].first, parser };
		const struct d2s_list_cb cb = { item_want, item_rewrite, &lc };
		struct d2s_buf out = {0};
		int rc = d2s_list_rewrite(parser, src, doc, ix->diag, &cb, &out);
		if (rc == 1 || rc == 0)
			d2s_buf_add(bytes, rc ? out.data : src->text, rc ? out.len : src->len);
		d2s_buf_free(&out);
		return rc < 0 ? -1 : 0; /* 2: the List is dropped, nothing written */
	}
	struct d2s_rewrite_out out = {0};
	int rc = object_rewrite(ix, r, src, doc, parser, 0, &out);
	if (rc == 0)
		assemble(&out, bytes);
	out_free(&out);
	return rc;
}

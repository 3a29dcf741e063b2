/* xref.c - references stage: the cross-document index (see xref.h):
 * Services, scaling references, progressive delivery and held-back
 * documents; PVCs are in xref_claims.c. */
#include "xref.h"
#include "xref_int.h"
#include "reemit.h"
#include "report.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *d2s_xref_strdup(const char *s)
{
	return d2s_check_alloc(strdup(s ? s : ""));
}

const char *d2s_xref_ns(const struct d2s_xref *x, const char *ns)
{
	if (ns && *ns)
		return ns;
	return x->o->default_namespace ? x->o->default_namespace : "";
}

int d2s_xref_wild(const struct d2s_xref *x)
{
	return x->o->default_namespace == NULL;
}

const char *d2s_xref_shown(const char *key)
{
	return key[0] == '/' ? key + 1 : key;
}

/* An object without metadata.namespace is created in the namespace the
 * client applies (helm --namespace, kubectl -n or the context's; Kubernetes
 * docs "Namespaces",
 * https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/),
 * which deploy2sts does not know unless -n/--namespace says it. */
void d2s_xref_assumed(struct d2s_xref *x, const struct d2s_where *w, const char *kind,
		      const char *other)
{
	const char *ons = other, *slash = strchr(other, '/');
	int olen = slash ? (int)(slash - other) : 0;
	if (w->ns && *w->ns) {
		ons = w->ns;
		olen = (int)strlen(w->ns);
	}
	d2s_diagf(x->diag, D2S_WARNING, w, "matched with %s %s by assuming that the object without "
		   "metadata.namespace is applied in namespace %.*s: pass -n/--namespace NS (the "
		   "namespace the client applies, e.g. helm --namespace) to say which", kind,
		   d2s_xref_shown(other), olen, ons);
}

struct d2s_ident d2s_identify(const struct d2s_node *root)
{
	struct d2s_ident id = {0};
	id.api_version = d2s_get_str(root, "apiVersion");
	id.kind = d2s_get_str(root, "kind");
	const struct d2s_node *meta = d2s_get(root, "metadata");
	id.name = d2s_get_str(meta, "name");
	id.ns = d2s_get_str(meta, "namespace");
	if (!id.ns)
		id.ns = "";
	return id;
}

intptr_t d2s_xref_dep_state(const struct d2s_xref *x, const char *ns, const char *name,
			    const char **found)
{
	return d2s_nsmap_find(&x->deploys, d2s_xref_ns(x, ns), name, d2s_xref_wild(x), 0, found);
}

int d2s_xref_is_converted(intptr_t st)
{
	return st == D2S_DEP_CONVERTED || st == D2S_DEP_CONVERTED_NO_SERVICE ||
	       st == D2S_DEP_CONVERTED_LATER;
}

struct d2s_where d2s_xref_where(const char *file, const struct d2s_ident *id, long line)
{
	struct d2s_where w = {
		.file = file, .line = line, .col = 1, .api_version = id->api_version,
		.kind = id->kind, .ns = id->ns, .name = id->name,
	};
	return w;
}

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
int d2s_xref_edit_held(struct d2s_xref *x, const char *text, size_t len, const char *file,
		     long line, int (*edit)(const struct d2s_doc *, struct d2s_buf *),
		     struct d2s_buf *out)
{
	struct d2s_where w = { .file = file, .line = line, .col = 1 };
	if (d2s_parse(x->aux, text, len, &x->auxdoc) || !x->auxdoc.root) {
		d2s_diagf(x->diag, D2S_ERROR, &w, "cannot parse this document again (a bug)");
		return -1;
	}
	const struct d2s_ident id = d2s_identify(x->auxdoc.root);
	w = d2s_xref_where(file, &id, line);
	struct held_edit h = { edit, out };
	struct d2s_reemit re = {0};
	int rc = d2s_edit_retry(x->aux, x->diag, &w, &x->auxdoc, held_edit_cb, &h, &re);
	if (rc == 0 && edit == d2s_ref_retarget)
		d2s_ref_record(x->diag->report, x->auxdoc.root);
	d2s_reemit_free(&re);
	return rc;
}

enum d2s_svc_state d2s_xref_service_state(void *ctx, const char *ns, const char *name)
{
	struct d2s_xref *x = ctx;
	intptr_t v = d2s_nsmap_find(&x->services, d2s_xref_ns(x, ns), name, d2s_xref_wild(x), 0, NULL);
	return v == 1 ? D2S_SVC_HEADLESS : v == 2 ? D2S_SVC_NOT_HEADLESS : D2S_SVC_NONE;
}

/* ---------- Services ----------
 * A StatefulSet needs a headless Service for its pods' network identity
 * (https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#limitations). */

/* Could Service `name` in `ns` be the one generated for a Deployment? The
 * templates are inverted: prefix{name}suffix after {namespace} expands. On
 * success `dep` (size n) gets the Deployment's name. */
static int generated_name_of(const struct d2s_xref *x, const char *ns, const char *name,
			     char *dep, size_t n)
{
	for (size_t i = 0; i <= x->o->n_overrides; i++) {
		const struct d2s_options *o = i ? x->o->overrides[i - 1].opts : x->o;
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
		if (d2s_options_for(x->o, dep) == o)
			return 1;
	}
	return 0;
}

static void svc_conflict(struct d2s_xref *x, const struct d2s_where *w, const char *deployment,
			 int headless, int written)
{
	deployment = d2s_xref_shown(deployment);
	if (headless && written)
		d2s_diagf(x->diag, D2S_ERROR, w, "a headless Service of this name was already generated "
			   "for StatefulSet %s and written (a generated Service waits for at most 1 MiB of "
			   "output, one inside a List does not wait): move this Service before the "
			   "Deployment, or pass --no-headless-service", deployment);
	else
		d2s_diagf(x->diag, D2S_ERROR, w, "StatefulSet %s needs a headless Service of this name, "
			   "but this Service is not headless (clusterIP is immutable): choose another "
			   "--service-name, or --no-headless-service if this Service is meant", deployment);
}

/* Forget generated Services that are no longer pending in the writer. */
static void prune_svcs(struct d2s_xref *x)
{
	size_t k = 0;
	for (size_t i = 0; i < x->n_svcs; i++) {
		if (x->svcs[i].pending && d2s_writer_is_pending(x->w, x->svcs[i].item)) {
			x->svcs[k++] = x->svcs[i];
		} else {
			free(x->svcs[i].key);
			free(x->svcs[i].deployment);
		}
	}
	x->n_svcs = k;
}

void d2s_xref_service(struct d2s_xref *x, const struct d2s_node *root, const struct d2s_ident *id,
		      const char *file, long line, long col)
{
	char key[512], dep[256];
	d2s_key(key, sizeof(key), d2s_xref_ns(x, id->ns), id->name);
	int headless = d2s_is(d2s_path(root, "spec", "clusterIP"), "None");
	if (!generated_name_of(x, id->ns, id->name, dep, sizeof(dep)))
		return; /* no Deployment can want this name */
	d2s_nsmap_set(&x->services, d2s_xref_ns(x, id->ns), id->name, headless ? 1 : 2);
	struct d2s_where w = d2s_xref_where(file, id, line);
	w.col = col;
	prune_svcs(x);
	for (size_t i = 0; i < x->n_svcs; i++) {
		struct d2s_svc_rec *s = &x->svcs[i];
		if (!d2s_key_match(s->key, key, d2s_xref_wild(x)))
			continue;
		s->pending = 0;
		if (!headless) {
			svc_conflict(x, &w, s->deployment, 0, 0);
			return;
		}
		d2s_writer_resolve(x->w, s->item, D2S_DROP, NULL, 0);
		d2s_creport_service_reused(x->diag->report, s->deployment);
		d2s_diagf(x->diag, D2S_INFO, &w, "headless Service of StatefulSet %s found later in the "
			   "input: used instead of a generated one", d2s_xref_shown(s->deployment));
		return;
	}
	char dkey[512];
	const char *dns;
	/* its generated Service is written (one converted at the end of the
	 * input, D2S_DEP_CONVERTED_LATER, sees this Service then) */
	if (d2s_xref_dep_state(x, id->ns, dep, &dns) == D2S_DEP_CONVERTED &&
	    d2s_key(dkey, sizeof(dkey), dns, dep))
		svc_conflict(x, &w, dkey, headless, 1);
}

/* ---------- scaling references (refs.h) ---------- */

static void retarget_now(struct d2s_xref *x, size_t item, const char *text, size_t len,
			 const char *file, long line, int pending)
{
	struct d2s_buf out = {0};
	int ok = d2s_xref_edit_held(x, text, len, file, line, d2s_ref_retarget, &out) == 0;
	if (pending)
		d2s_writer_resolve(x->w, item, ok ? D2S_REPLACE : D2S_KEEP, out.data, out.len);
	else if (ok)
		d2s_writer_raw(x->w, out.data, out.len);
	else
		d2s_writer_raw(x->w, text, len);
	d2s_buf_free(&out);
}

void d2s_xref_ref(struct d2s_xref *x, const char *text, size_t len, const char *file, long line,
		  const struct d2s_ident *id, const char *target)
{
	char key[512];
	const char *ns = d2s_xref_ns(x, id->ns), *found;
	d2s_key(key, sizeof(key), ns, target);
	intptr_t st = d2s_xref_dep_state(x, ns, target, &found);
	if (st && strcmp(found, ns)) {
		char dkey[512];
		struct d2s_where w = d2s_xref_where(file, id, line);
		d2s_xref_assumed(x, &w, "Deployment", d2s_key(dkey, sizeof(dkey), found, target));
	}
	if (d2s_xref_is_converted(st)) {
		retarget_now(x, 0, text, len, file, line, 0);
		return;
	}
	if (st == D2S_DEP_SKIPPED) {
		d2s_writer_raw(x->w, text, len);
		return;
	}
	D2S_GROW(x->refs, x->n_refs);
	struct d2s_ref_rec *r = &x->refs[x->n_refs++];
	r->target = d2s_xref_strdup(key);
	r->kind = d2s_xref_strdup(id->kind);
	r->ns = d2s_xref_strdup(id->ns);
	r->name = d2s_xref_strdup(id->name);
	r->file = d2s_xref_strdup(file);
	r->line = line;
	r->item = d2s_writer_pending(x->w, text, len);
	r->pending = 1;
}

static void resolve_refs_to(struct d2s_xref *x, const char *key, int converted)
{
	for (size_t i = 0; i < x->n_refs; i++) {
		struct d2s_ref_rec *r = &x->refs[i];
		int m = r->pending ? d2s_key_match(r->target, key, d2s_xref_wild(x)) : 0;
		if (!m)
			continue;
		r->pending = 0;
		if (m == 2) {
			struct d2s_where w = { .file = r->file, .line = r->line, .col = 1, .kind = r->kind,
					       .ns = r->ns, .name = r->name };
			d2s_xref_assumed(x, &w, "Deployment", key);
		}
		if (!converted) {
			d2s_writer_resolve(x->w, r->item, D2S_KEEP, NULL, 0);
			continue;
		}
		size_t len;
		char *text = d2s_writer_fetch(x->w, r->item, &len);
		retarget_now(x, r->item, text, len, r->file, r->line, 1);
		free(text);
	}
}

static void check_progressive(struct d2s_xref *x, const char *key)
{
	for (size_t i = 0; i < x->n_prog; i++) {
		struct d2s_progressive *g = &x->prog[i];
		if (g->reported || !d2s_key_match(g->target_key, key, d2s_xref_wild(x)))
			continue;
		g->reported = 1;
		struct d2s_where w = { .file = g->file, .line = g->line, .col = 1, .kind = g->kind,
				       .ns = g->ns, .name = g->name };
		d2s_diagf(x->diag, D2S_ERROR, &w, "points at Deployment %s, which is converted to a "
			   "StatefulSet; %s cannot manage a StatefulSet: --exclude %s, or drop the %s",
			   d2s_xref_shown(key), g->kind, strchr(key, '/') + 1, g->kind);
	}
}

void d2s_xref_check_progressive(struct d2s_xref *x, const char *ns, const char *name)
{
	char key[512];
	check_progressive(x, d2s_key(key, sizeof(key), d2s_xref_ns(x, ns), name));
}

void d2s_xref_resolve_refs(struct d2s_xref *x, const char *ns, const char *name, int converted)
{
	char key[512];
	resolve_refs_to(x, d2s_key(key, sizeof(key), d2s_xref_ns(x, ns), name), converted);
}

void d2s_xref_deployment(struct d2s_xref *x, const char *ns, const char *name,
			 enum d2s_dep_state st)
{
	d2s_nsmap_set(&x->deploys, d2s_xref_ns(x, ns), name, st);
}

int d2s_xref_progressive(struct d2s_xref *x, const struct d2s_node *root, const char *file,
			 long line)
{
	struct d2s_progressive g;
	if (!d2s_progressive_target(root, &g))
		return 0;
	g.file = d2s_xref_strdup(file);
	g.line = line;
	/* the target is in the Rollout's namespace: key it as the index does */
	char key[512];
	const char *target = strchr(g.target_key, '/') + 1;
	d2s_key(key, sizeof(key), d2s_xref_ns(x, g.ns), target);
	free(g.target_key);
	g.target_key = d2s_xref_strdup(key);
	D2S_GROW(x->prog, x->n_prog);
	x->prog[x->n_prog++] = g;
	if (d2s_xref_is_converted(d2s_xref_dep_state(x, g.ns, strchr(key, '/') + 1, NULL)))
		check_progressive(x, key);
	return 1;
}

void d2s_xref_generated_service(struct d2s_xref *x, const char *ns, const char *service,
				const char *deployment, const char *text, size_t len)
{
	char key[512];
	prune_svcs(x);
	D2S_GROW(x->svcs, x->n_svcs);
	struct d2s_svc_rec *s = &x->svcs[x->n_svcs++];
	ns = d2s_xref_ns(x, ns);
	s->key = d2s_xref_strdup(d2s_key(key, sizeof(key), ns, service));
	s->deployment = d2s_xref_strdup(d2s_key(key, sizeof(key), ns, deployment));
	s->item = d2s_writer_pending_auto(x->w, text, len);
	s->pending = 1;
}

void d2s_xref_scaler(struct d2s_xref *x, const struct d2s_node *root, const struct d2s_ident *id,
		     const char *target)
{
	const struct d2s_node *spec = d2s_get(root, "spec");
	const struct d2s_node *max = NULL;
	long v = 0;
	if (!id->kind)
		return;
	if (!strcmp(id->kind, "HorizontalPodAutoscaler"))
		max = d2s_get(spec, "maxReplicas");
	else if (!strcmp(id->kind, "ScaledObject") && !(max = d2s_get(spec, "maxReplicaCount")))
		v = 100;
	if (max && max->type == D2S_SCALAR && max->value[0] >= '0' && max->value[0] <= '9')
		v = strtol(max->value, NULL, 10);
	const char *ns = d2s_xref_ns(x, id->ns);
	if (v > d2s_nsmap_find(&x->scalers, ns, target, 0, 0, NULL))
		d2s_nsmap_set(&x->scalers, ns, target, v);
}

long d2s_xref_max_replicas(void *ctx, const char *ns, const char *name)
{
	const struct d2s_xref *x = ctx;
	/* every autoscaler that is retargeted to it (resolve_refs_to matches alike) */
	return (long)d2s_nsmap_max(&x->scalers, d2s_xref_ns(x, ns), name, d2s_xref_wild(x), 0);
}

void d2s_xref_hold(struct d2s_xref *x, const char *text, size_t len, const char *file, long line,
		   int list)
{
	D2S_GROW(x->deps, x->n_deps);
	struct d2s_held *d = &x->deps[x->n_deps++];
	d->file = d2s_xref_strdup(file);
	d->line = line;
	d->list = list;
	d->item = d2s_writer_pending(x->w, text, len);
}

const struct d2s_held *d2s_xref_held(const struct d2s_xref *x, size_t *n)
{
	*n = x->n_deps;
	return x->deps;
}

struct d2s_xref *d2s_xref_new(const struct d2s_options *o, struct d2s_diag *diag,
			      struct d2s_writer *w)
{
	struct d2s_xref *x = calloc(1, sizeof(*x));
	if (!x)
		return NULL;
	x->o = o;
	x->diag = diag;
	x->w = w;
	x->aux = d2s_parser_new();
	if (!x->aux) {
		free(x);
		return NULL;
	}
	return x;
}

void d2s_xref_free(struct d2s_xref *x)
{
	if (!x)
		return;
	d2s_xref_claims_free(x);
	free(x->snapshot_for);
	for (size_t i = 0; i < x->n_refs; i++) {
		free(x->refs[i].target);
		free(x->refs[i].kind);
		free(x->refs[i].ns);
		free(x->refs[i].name);
		free(x->refs[i].file);
	}
	free(x->refs);
	for (size_t i = 0; i < x->n_deps; i++)
		free(x->deps[i].file);
	free(x->deps);
	for (size_t i = 0; i < x->n_svcs; i++) {
		free(x->svcs[i].key);
		free(x->svcs[i].deployment);
	}
	free(x->svcs);
	for (size_t i = 0; i < x->n_prog; i++)
		d2s_progressive_free(&x->prog[i]);
	free(x->prog);
	d2s_nsmap_free(&x->services);
	d2s_nsmap_free(&x->deploys);
	d2s_nsmap_free(&x->scalers);
	d2s_doc_free(&x->auxdoc);
	d2s_parser_free(x->aux);
	free(x);
}

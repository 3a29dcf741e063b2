/* xref.c - references stage: the cross-document index (see xref.h). */
#include "xref.h"
#include "hashmap.h"
#include "list.h"
#include "reemit.h"
#include "refs.h"
#include "storage.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A PVC read (held back while `pending`): its text is kept to build claim
 * templates from it and to edit it later. */
struct pvc_rec {
	char *key, *text, *file;
	size_t len, item;
	long line;
	int pending;
};

/* A scaling reference held back until its Deployment `target` is read. */
struct ref_rec {
	char *target, *file;
	size_t item;
	long line;
	int pending;
};

/* A generated headless Service `key` still in the writer's look-ahead. */
struct svc_rec {
	char *key, *deployment;
	size_t item;
	int pending;
};

struct d2s_xref {
	const struct d2s_options *o;
	struct d2s_diag *diag;
	struct d2s_writer *w;
	struct d2s_parser *aux;    /* parses held-back documents again */
	struct d2s_doc auxdoc;
	struct d2s_map services;   /* ns/name -> 1 headless, 2 not headless; only
				      names a --service-name template can give */
	struct d2s_map deploys;    /* ns/name -> enum d2s_dep_state */
	struct d2s_map absorbed;   /* ns/claim -> 1 */
	struct d2s_map pvc_index;  /* ns/name -> index+1 into pvcs */
	struct pvc_rec *pvcs;
	size_t n_pvcs;
	struct ref_rec *refs;
	size_t n_refs;
	struct d2s_held *deps;     /* Deployments / Lists waiting for a later PVC */
	size_t n_deps;
	struct svc_rec *svcs;      /* generated Services still pending (look-ahead) */
	size_t n_svcs;
	struct d2s_progressive *prog;
	size_t n_prog;
};

#define GROW(arr, n) (arr = d2s_check_alloc(realloc(arr, ((n) + 1) * sizeof(*(arr)))))

static char *xstrdup(const char *s)
{
	return d2s_check_alloc(strdup(s ? s : ""));
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

/* State of Deployment `key` ("ns/name"): 0 not seen, or enum d2s_dep_state. */
static intptr_t dep_state(const struct d2s_xref *x, const char *key)
{
	return d2s_map_get(&x->deploys, key, 0);
}

static int is_converted(intptr_t st)
{
	return st == D2S_DEP_CONVERTED || st == D2S_DEP_CONVERTED_NO_SERVICE;
}

static struct d2s_where where_of(const char *file, const struct d2s_ident *id, long line)
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
static int edit_held(struct d2s_xref *x, const char *text, size_t len, const char *file,
		     long line, int (*edit)(const struct d2s_doc *, struct d2s_buf *),
		     struct d2s_buf *out)
{
	struct d2s_where w = { .file = file, .line = line, .col = 1 };
	if (d2s_parse(x->aux, text, len, &x->auxdoc) || !x->auxdoc.root) {
		d2s_report(x->diag, D2S_ERROR, &w, "cannot parse this document again (a bug)");
		return -1;
	}
	const struct d2s_ident id = d2s_identify(x->auxdoc.root);
	w = where_of(file, &id, line);
	struct held_edit h = { edit, out };
	struct d2s_reemit re = {0};
	int rc = d2s_edit_retry(x->aux, x->diag, &w, &x->auxdoc, held_edit_cb, &h, &re);
	d2s_reemit_free(&re);
	return rc;
}

/* ---------- PVCs ----------
 * A StatefulSet's pods get their own claims from volumeClaimTemplates
 * (https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#volume-claim-templates);
 * the old shared PVC is kept with helm.sh/resource-policy: keep
 * (https://helm.sh/docs/howto/charts_tips_and_tricks/#tell-helm-not-to-uninstall-a-resource). */

struct d2s_val *d2s_xref_pvc_template(void *ctx, struct d2s_arena *a, const char *ns,
				    const char *claim, const char *volume)
{
	struct d2s_xref *x = ctx;
	char key[512];
	intptr_t i = d2s_map_get(&x->pvc_index, d2s_key(key, sizeof(key), ns, claim), 0);
	if (!i)
		return NULL;
	struct pvc_rec *r = &x->pvcs[i - 1];
	if (d2s_parse(x->aux, r->text, r->len, &x->auxdoc) || !x->auxdoc.root)
		return NULL;
	return d2s_claim_from_pvc(a, x->auxdoc.root, volume);
}

enum d2s_svc_state d2s_xref_service_state(void *ctx, const char *ns, const char *name)
{
	struct d2s_xref *x = ctx;
	char key[512];
	intptr_t v = d2s_map_get(&x->services, d2s_key(key, sizeof(key), ns, name), 0);
	return v == 1 ? D2S_SVC_HEADLESS : v == 2 ? D2S_SVC_NOT_HEADLESS : D2S_SVC_NONE;
}

static void resolve_pvc(struct d2s_xref *x, struct pvc_rec *r, const char *deployment)
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
	if (x->o->drop_absorbed_pvcs) {
		d2s_writer_resolve(x->w, r->item, D2S_DROP, NULL, 0);
		d2s_report(x->diag, D2S_WARNING, &w,
			   "absorbed into per-pod claims of StatefulSet %s and removed "
			   "(--drop-absorbed-pvcs): if it held data, Helm deletes it on upgrade", deployment);
		return;
	}
	struct d2s_buf out = {0};
	int ok = edit_held(x, r->text, r->len, r->file, r->line, d2s_pvc_keep, &out) == 0;
	d2s_writer_resolve(x->w, r->item, ok ? D2S_REPLACE : D2S_KEEP, out.data, out.len);
	d2s_buf_free(&out);
	if (!ok)
		return; /* edit_held reported why */
	d2s_report(x->diag, D2S_WARNING, &w,
		   "now replaced by per-pod claims of StatefulSet %s, which start EMPTY; the claim is "
		   "kept (helm.sh/resource-policy: keep) so its data survives: copy the data into the new "
		   "claim of pod 0, then delete this PVC (or pass --drop-absorbed-pvcs)", deployment);
}

void d2s_xref_absorb(struct d2s_xref *x, const char *ns, const char *claim, const char *deployment)
{
	char key[512];
	d2s_key(key, sizeof(key), ns, claim);
	d2s_map_set(&x->absorbed, key, 1);
	intptr_t i = d2s_map_get(&x->pvc_index, key, 0);
	if (i)
		resolve_pvc(x, &x->pvcs[i - 1], deployment);
}

void d2s_xref_pvc(struct d2s_xref *x, const char *text, size_t len, const char *file, long line,
		  const struct d2s_ident *id)
{
	char key[512];
	d2s_key(key, sizeof(key), id->ns, id->name);
	GROW(x->pvcs, x->n_pvcs);
	struct pvc_rec *r = &x->pvcs[x->n_pvcs++];
	memset(r, 0, sizeof(*r));
	r->key = xstrdup(key);
	r->file = xstrdup(file);
	r->line = line;
	r->text = d2s_check_alloc(malloc(len + 1));
	memcpy(r->text, text, len);
	r->text[len] = '\0';
	r->len = len;
	r->item = d2s_writer_pending(x->w, text, len);
	r->pending = 1;
	d2s_map_set(&x->pvc_index, key, (intptr_t)x->n_pvcs);
	if (d2s_map_has(&x->absorbed, key))
		resolve_pvc(x, r, "(earlier in the input)");
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

/* An index key "ns/name" as messages show it: "name" when ns is empty. */
static const char *shown(const char *key)
{
	return key[0] == '/' ? key + 1 : key;
}

static void svc_conflict(struct d2s_xref *x, const struct d2s_where *w, const char *deployment,
			 int headless, int written)
{
	deployment = shown(deployment);
	if (headless && written)
		d2s_report(x->diag, D2S_ERROR, w, "a headless Service of this name was already generated "
			   "for StatefulSet %s and written (a generated Service waits for at most 1 MiB of "
			   "output, one inside a List does not wait): move this Service before the "
			   "Deployment, or pass --no-headless-service", deployment);
	else
		d2s_report(x->diag, D2S_ERROR, w, "StatefulSet %s needs a headless Service of this name, "
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
		      const char *file, long line)
{
	char key[512], dep[256];
	d2s_key(key, sizeof(key), id->ns, id->name);
	int headless = d2s_is(d2s_path(root, "spec", "clusterIP"), "None");
	if (!generated_name_of(x, id->ns, id->name, dep, sizeof(dep)))
		return; /* no Deployment can want this name */
	d2s_map_set(&x->services, key, headless ? 1 : 2);
	struct d2s_where w = where_of(file, id, line);
	prune_svcs(x);
	for (size_t i = 0; i < x->n_svcs; i++) {
		struct svc_rec *s = &x->svcs[i];
		if (strcmp(s->key, key))
			continue;
		s->pending = 0;
		if (!headless) {
			svc_conflict(x, &w, s->deployment, 0, 0);
			return;
		}
		d2s_writer_resolve(x->w, s->item, D2S_DROP, NULL, 0);
		d2s_report(x->diag, D2S_INFO, &w, "headless Service of StatefulSet %s found later in the "
			   "input: used instead of a generated one", shown(s->deployment));
		return;
	}
	char dkey[512];
	if (dep_state(x, d2s_key(dkey, sizeof(dkey), id->ns, dep)) == D2S_DEP_CONVERTED)
		svc_conflict(x, &w, dkey, headless, 1); /* its generated Service is written */
}

/* ---------- scaling references (refs.h) ---------- */

static void retarget_now(struct d2s_xref *x, size_t item, const char *text, size_t len,
			 const char *file, long line, int pending)
{
	struct d2s_buf out = {0};
	int ok = edit_held(x, text, len, file, line, d2s_ref_retarget, &out) == 0;
	if (pending)
		d2s_writer_resolve(x->w, item, ok ? D2S_REPLACE : D2S_KEEP, out.data, out.len);
	else if (ok)
		d2s_writer_raw(x->w, out.data, out.len);
	else
		d2s_writer_raw(x->w, text, len);
	d2s_buf_free(&out);
}

void d2s_xref_ref(struct d2s_xref *x, const char *text, size_t len, const char *file, long line,
		  const char *ns, const char *target)
{
	char key[512];
	d2s_key(key, sizeof(key), ns, target);
	intptr_t st = dep_state(x, key);
	if (is_converted(st)) {
		retarget_now(x, 0, text, len, file, line, 0);
		return;
	}
	if (st == D2S_DEP_SKIPPED) {
		d2s_writer_raw(x->w, text, len);
		return;
	}
	GROW(x->refs, x->n_refs);
	struct ref_rec *r = &x->refs[x->n_refs++];
	r->target = xstrdup(key);
	r->file = xstrdup(file);
	r->line = line;
	r->item = d2s_writer_pending(x->w, text, len);
	r->pending = 1;
}

static void resolve_refs_to(struct d2s_xref *x, const char *key, int converted)
{
	for (size_t i = 0; i < x->n_refs; i++) {
		struct ref_rec *r = &x->refs[i];
		if (!r->pending || strcmp(r->target, key))
			continue;
		r->pending = 0;
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
		if (strcmp(g->target_key, key))
			continue;
		struct d2s_where w = { .file = g->file, .line = g->line, .col = 1, .kind = g->kind,
				       .ns = g->ns, .name = g->name };
		d2s_report(x->diag, D2S_ERROR, &w, "points at Deployment %s, which is converted to a "
			   "StatefulSet; %s cannot manage a StatefulSet: --exclude %s, or drop the %s",
			   shown(key), g->kind, strchr(key, '/') + 1, g->kind);
	}
}

/* Every PVC that Deployment node `dep` mounts has been read (so the claim
 * template can be built from it now). */
int d2s_xref_claims_known(const struct d2s_xref *x, const struct d2s_node *dep,
			  const struct d2s_options *o, const char *ns)
{
	size_t n;
	const char **claims = d2s_deploy_claims(dep, o, &n);
	int known = 1;
	char key[512];
	for (size_t i = 0; i < n; i++)
		if (!d2s_map_has(&x->pvc_index, d2s_key(key, sizeof(key), ns, claims[i])))
			known = 0;
	free(claims);
	return known;
}

void d2s_xref_check_progressive(struct d2s_xref *x, const char *ns, const char *name)
{
	char key[512];
	check_progressive(x, d2s_key(key, sizeof(key), ns, name));
}

void d2s_xref_resolve_refs(struct d2s_xref *x, const char *ns, const char *name, int converted)
{
	char key[512];
	resolve_refs_to(x, d2s_key(key, sizeof(key), ns, name), converted);
}

void d2s_xref_deployment(struct d2s_xref *x, const char *ns, const char *name,
			 enum d2s_dep_state st)
{
	char key[512];
	d2s_map_set(&x->deploys, d2s_key(key, sizeof(key), ns, name), st);
}

int d2s_xref_progressive(struct d2s_xref *x, const struct d2s_node *root, const char *file,
			 long line)
{
	struct d2s_progressive g;
	if (!d2s_progressive_target(root, &g))
		return 0;
	g.file = xstrdup(file);
	g.line = line;
	GROW(x->prog, x->n_prog);
	x->prog[x->n_prog++] = g;
	if (is_converted(dep_state(x, g.target_key)))
		check_progressive(x, g.target_key);
	return 1;
}

void d2s_xref_generated_service(struct d2s_xref *x, const char *ns, const char *service,
				const char *deployment, const char *text, size_t len)
{
	char key[512];
	prune_svcs(x);
	GROW(x->svcs, x->n_svcs);
	struct svc_rec *s = &x->svcs[x->n_svcs++];
	s->key = xstrdup(d2s_key(key, sizeof(key), ns, service));
	s->deployment = xstrdup(d2s_key(key, sizeof(key), ns, deployment));
	s->item = d2s_writer_pending_auto(x->w, text, len);
	s->pending = 1;
}

void d2s_xref_hold(struct d2s_xref *x, const char *text, size_t len, const char *file, long line,
		   int list)
{
	GROW(x->deps, x->n_deps);
	struct d2s_held *d = &x->deps[x->n_deps++];
	d->file = xstrdup(file);
	d->line = line;
	d->list = list;
	d->item = d2s_writer_pending(x->w, text, len);
}

const struct d2s_held *d2s_xref_held(const struct d2s_xref *x, size_t *n)
{
	*n = x->n_deps;
	return x->deps;
}

void d2s_xref_list_item_converted(void *ctx, const struct d2s_convert_out *res)
{
	struct d2s_xref *x = ctx;
	d2s_xref_deployment(x, res->ns, res->name,
			    res->service.len ? D2S_DEP_CONVERTED : D2S_DEP_CONVERTED_NO_SERVICE);
	for (size_t i = 0; i < res->n_absorbed; i++)
		d2s_xref_absorb(x, res->ns, res->absorbed[i], res->name);
	d2s_xref_check_progressive(x, res->ns, res->name);
	d2s_xref_resolve_refs(x, res->ns, res->name, 1);
}

struct list_wait {
	const struct d2s_xref *x;
	int wait;
};

static void item_waits(void *ctx, const struct d2s_node *item)
{
	struct list_wait *lw = ctx;
	const struct d2s_ident id = d2s_identify(item);
	if (!d2s_xref_claims_known(lw->x, item, d2s_options_for(lw->x->o, id.name), id.ns))
		lw->wait = 1;
}

int d2s_xref_list_claims_known(const struct d2s_xref *x, const struct d2s_doc *list)
{
	struct list_wait lw = { .x = x };
	d2s_list_each_selected(list, x->o, item_waits, &lw);
	return !lw.wait;
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
	for (size_t i = 0; i < x->n_pvcs; i++) {
		free(x->pvcs[i].key);
		free(x->pvcs[i].text);
		free(x->pvcs[i].file);
	}
	free(x->pvcs);
	for (size_t i = 0; i < x->n_refs; i++) {
		free(x->refs[i].target);
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
	d2s_map_free(&x->services);
	d2s_map_free(&x->deploys);
	d2s_map_free(&x->absorbed);
	d2s_map_free(&x->pvc_index);
	d2s_doc_free(&x->auxdoc);
	d2s_parser_free(x->aux);
	free(x);
}

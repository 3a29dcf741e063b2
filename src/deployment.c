/* deployment.c - the Deployment rule: facts in pass 1, the conversion in
 * pass 2 (see deployment.h). */
#include "deployment.h"
#include "claims.h"
#include "convert.h"
#include "reemit.h"
#include "refs.h"
#include "report.h"
#include "select.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

/* Deployment apiVersion `av` (NULL when absent) is not apps/v1: an error,
 * or a warning when `skip` (--skip-unsupported). extensions/v1beta1 and
 * apps/v1beta1/2 Deployments were removed in Kubernetes 1.16
 * (https://kubernetes.io/blog/2019/07/18/api-deprecations-in-1-16/). */
static void unsupported(struct d2s_diag *diag, const struct d2s_where *w, const char *av, int skip)
{
	if (skip)
		d2s_diagf(diag, D2S_WARNING, w, "apiVersion %s is not supported; left as it is "
			  "(--skip-unsupported)", av ? av : "(none)");
	else
		d2s_diagf(diag, D2S_ERROR, w, "apiVersion %s is not supported: only apps/v1 "
			  "Deployments are converted (upgrade the manifest, or --skip-unsupported)",
			  av ? av : "(none)");
}

static int standalone(const struct d2s_dep_fact *dep, const struct d2s_node *root);
static void prepare(struct d2s_index *ix, struct d2s_dep_fact *dep, const struct d2s_src *src,
		    const struct d2s_doc *doc, const struct d2s_where *w);

int d2s_deployment_match(const struct d2s_ident *id, const struct d2s_node *root)
{
	(void)root;
	const char *av = id->api_version ? id->api_version : "";
	return id->kind && !strcmp(id->kind, "Deployment") &&
	       (!strncmp(av, "apps/", 5) || !strncmp(av, "extensions/", 11));
}

/* The record of Deployment `id` with its options `o` (a new one; the
 * latest of a name wins the key, as for every object the index keeps). */
static size_t new_dep(struct d2s_index *ix, const struct d2s_ident *id, const struct d2s_options *o,
		      const struct d2s_where *w, enum d2s_dep_state st)
{
	char key[512];
	D2S_INDEX_GROW(ix->deps, ix->n_deps);
	struct d2s_dep_fact *d = &ix->deps[ix->n_deps];
	d->key = d2s_index_strdup(ix, d2s_key(key, sizeof(key), d2s_index_ns(ix, id->ns), id->name));
	d->ns = d2s_index_intern(ix, id->ns);
	d->name = d->key + strlen(d2s_index_ns(ix, id->ns)) + 1;
	d->file = w->file; /* the input name: kept by the caller for the run */
	d->line = w->line;
	d->col = w->col;
	d->state = st;
	d->o = o;
	d2s_nsmap_set(&ix->dep_keys, d2s_index_ns(ix, id->ns), id->name, (intptr_t)ix->n_deps + 1);
	return ix->n_deps++;
}

/* The PVC volumes of converted Deployment `d` (root `root` of `src`),
 * except those a --volume-claim-template replaces. */
static void record_vols(struct d2s_index *ix, struct d2s_dep_fact *d, const struct d2s_src *src,
			const struct d2s_node *root)
{
	const struct d2s_node *vols = d2s_path(root, "spec", "template", "spec", "volumes");
	for (size_t i = 0; vols && vols->type == D2S_SEQ && i < vols->n; i++) {
		const char *vname = d2s_get_str(vols->kids[i], "name");
		const char *claim = d2s_str(d2s_path(vols->kids[i], "persistentVolumeClaim", "claimName"));
		if (!vname || !claim || d2s_options_vct(d->o, vname))
			continue;
		struct d2s_where w = d2s_src_where(src, vols->kids[i], NULL);
		D2S_INDEX_GROW(d->vols, d->n_vols);
		struct d2s_vol_fact *v = &d->vols[d->n_vols++];
		v->volume = d2s_index_strdup(ix, vname);
		v->claim = d2s_index_strdup(ix, claim);
		v->line = w.line;
		v->col = w.col;
	}
	const struct d2s_node *ml = d2s_path(root, "spec", "selector", "matchLabels");
	if (d->n_vols && ml) /* only one that mounts a PVC may need them (a clone's labels) */
		d->match_labels = d2s_v_from_node(&ix->a, ml);
}

/* Not converted for `why` (d2s_selection_match_meta): the report says why;
 * without a report an info does, and a Deployment without a name warns. */
static void not_selected(const struct d2s_fact_in *in, const struct d2s_where *w, enum d2s_skip why)
{
	struct d2s_diag *diag = in->ix->diag;
	const struct d2s_ident *id = in->id;
	d2s_creport_not_selected(diag->report, id->ns, id->name, why);
	if (id->name && !diag->report)
		d2s_diagf(diag, D2S_INFO, w, "not converted: %s", d2s_skip_text(why));
	else if (!id->name)
		d2s_diagf(diag, D2S_WARNING, w, "Deployment without metadata.name: not converted");
}

d2s_rec d2s_deployment_facts(const struct d2s_fact_in *in)
{
	struct d2s_index *ix = in->ix;
	const struct d2s_ident *id = in->id;
	const struct d2s_options *o = d2s_options_for(ix->o, id->name);
	struct d2s_where w = d2s_fact_where(in);
	if (id->name) {
		d2s_index_workload(ix, in->root, id, in->hook);
		d2s_creport_seen(ix->diag->report, id->ns, id->name, w.file, w.line, w.col);
	}
	if (in->hook) {
		d2s_hook_note(ix->diag, &w);
		d2s_creport_hook(ix->diag->report, id->ns, id->name, d2s_get_str(
			d2s_path(in->root, "metadata", "annotations"), "helm.sh/hook"));
		return id->name ? d2s_index_rec(ix, D2S_REC_DEPLOYMENT, new_dep(ix, id, o, &w, D2S_DEP_SKIPPED)) : 0;
	}
	if (!id->api_version || strcmp(id->api_version, "apps/v1")) {
		unsupported(ix->diag, &w, id->api_version, ix->o->skip_unsupported);
		d2s_creport_unsupported(ix->diag->report, id->ns, id->name, id->api_version,
					ix->o->skip_unsupported);
		if (id->name) /* known by name (--only), never a target (state 0) */
			new_dep(ix, id, o, &w, 0);
		return 0;
	}
	enum d2s_skip why;
	if (!d2s_selection_match_meta(&o->sel, d2s_get(in->root, "metadata"), &why)) {
		not_selected(in, &w, why);
		return id->name ? d2s_index_rec(ix, D2S_REC_DEPLOYMENT, new_dep(ix, id, o, &w, D2S_DEP_SKIPPED)) : 0;
	}
	size_t i = new_dep(ix, id, o, &w, D2S_DEP_CONVERTED);
	record_vols(ix, &ix->deps[i], in->src, in->root);
	if (in->doc && !in->in_list && standalone(&ix->deps[i], in->root))
		prepare(ix, &ix->deps[i], in->src, in->doc, &w);
	return d2s_index_rec(ix, D2S_REC_DEPLOYMENT, i);
}

/* ---------- names the user gave must match ----------
 * A name given to --only, --exclude, --shared-volume or --split-volume that
 * matches nothing is an error, as a kustomize patch whose target matches
 * nothing is: a typo must not pass silently. */

/* Append the names `name(i)` for i < n to `b`, ", "-separated, the first ten. */
static void list_names(struct d2s_buf *b, const struct d2s_index *ix, size_t n,
		       const char *(*name)(const struct d2s_index *, size_t))
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		const char *s = name(ix, i);
		if (s && k++ < 10)
			d2s_buf_printf(b, "%s%s", k > 1 ? ", " : "", s);
	}
	if (k > 10)
		d2s_buf_printf(b, " and %zu more", k - 10);
	if (!k)
		d2s_buf_puts(b, "none");
}

static const char *dep_name(const struct d2s_index *ix, size_t i)
{
	return ix->deps[i].name;
}

/* The name glob `g` of `flag` matches a Deployment of the input, else an error. */
static void glob_used(struct d2s_index *ix, const char *flag, const char *g)
{
	for (size_t i = 0; i < ix->n_deps; i++)
		if (fnmatch(g, ix->deps[i].name, 0) == 0)
			return;
	struct d2s_buf names = {0};
	list_names(&names, ix, ix->n_deps, dep_name);
	struct d2s_where w = {0};
	d2s_diagf(ix->diag, D2S_ERROR, &w, "%s %s matches no Deployment of the input (Deployments: "
		  "%s): fix the name", flag, g, names.data);
	d2s_buf_free(&names);
}

/* Volume name `v` of `flag` in the option set `o` is a PVC volume of a
 * Deployment converted with it, else an error. */
static void volume_used(struct d2s_index *ix, const struct d2s_options *o, const char *flag,
			const char *v)
{
	struct d2s_buf names = {0};
	for (size_t i = 0; i < ix->n_deps; i++) {
		const struct d2s_dep_fact *d = &ix->deps[i];
		for (size_t k = 0; d->o == o && d->state == D2S_DEP_CONVERTED && k < d->n_vols; k++) {
			if (!strcmp(d->vols[k].volume, v))
				goto out;
			d2s_buf_printf(&names, "%s%s (Deployment %s)", names.len ? ", " : "",
				       d->vols[k].volume, d->name);
		}
	}
	struct d2s_where w = {0};
	d2s_diagf(ix->diag, D2S_ERROR, &w, "%s %s names no volume of a converted Deployment that "
		  "mounts a PersistentVolumeClaim (such volumes: %s): fix the name", flag, v,
		  names.len ? names.data : "none");
out:
	d2s_buf_free(&names);
}

/* The volume names of option set `o` (the flags, or one override). */
static void volumes_used(struct d2s_index *ix, const struct d2s_options *o)
{
	for (size_t i = 0; i < o->n_shared_volumes; i++)
		volume_used(ix, o, "--shared-volume", o->shared_volumes[i]);
	for (size_t i = 0; i < o->n_split_volumes; i++)
		volume_used(ix, o, "--split-volume", o->split_volumes[i]);
}

void d2s_deployment_seal(struct d2s_index *ix)
{
	const struct d2s_options *o = ix->o;
	if (!ix->n_docs)
		return; /* an empty input (Helm 3 sends one for a chart of hooks only) */
	for (size_t i = 0; i < o->sel.n_only; i++)
		glob_used(ix, "--only", o->sel.only[i]);
	for (size_t i = 0; i < o->sel.n_exclude; i++)
		glob_used(ix, "--exclude", o->sel.exclude[i]);
	volumes_used(ix, o);
	for (size_t i = 0; i < o->n_overrides; i++)
		volumes_used(ix, o->overrides[i].opts);
	if (!ix->n_deps && !o->sel.n_only && !o->sel.n_exclude) {
		struct d2s_where w = {0};
		d2s_diagf(ix->diag, o->require_conversion ? D2S_ERROR : D2S_WARNING, &w,
			  "the input has no Deployment: nothing is converted, every document is written "
			  "as it is%s", o->require_conversion ? " (--require-conversion)" : "");
	}
}

int d2s_deployment_needs(const struct d2s_index *ix, size_t idx)
{
	const struct d2s_dep_fact *d = &ix->deps[idx];
	return d->state != D2S_DEP_CONVERTED ? 0 : d->prepared ? 2 : 1;
}

/* The PVC template lookup of d2s_convert_in: context a struct lookup. */
struct lookup {
	const struct d2s_index *ix;
	const struct d2s_dep_fact *dep;
};

static struct d2s_val *pvc_template(void *ctx, struct d2s_arena *a, const char *ns, const char *claim,
				    const char *volume)
{
	const struct lookup *l = ctx;
	return l->ix ? d2s_claims_template(l->ix, l->dep, a, ns, claim, volume) : NULL;
}

/* Convert `doc` (Deployment `dep`, read from `src`) into `res`: with what
 * index `ix` decided (pass 2), or with nothing of another document (`ix`
 * NULL: pass 1, a standalone one). `w` places messages. Returns 0, or -1
 * after an error (reported). */
static int convert(const struct d2s_index *ix, struct d2s_diag *diag, const struct d2s_dep_fact *dep,
		   const struct d2s_src *src, const struct d2s_doc *doc, struct d2s_parser *parser,
		   const struct d2s_where *w, struct d2s_convert_out *res)
{
	struct d2s_options tmp;
	const struct d2s_options *o = d2s_claims_options(dep, &tmp);
	struct lookup l = { ix, dep };
	struct d2s_convert_in ci = {
		.doc = doc, .o = o, .diag = diag, .file = src->file, .line0 = src->line,
		.pvc_template = pvc_template, .ctx = &l,
	};
	if (ix && d2s_is(d2s_path(doc->root, "spec", "paused"), "true")) /* only a paused one needs it */
		ci.max_replicas = d2s_index_max_replicas(ix, dep->ns, dep->name);
	struct d2s_convert_edit ce = { &ci, res };
	struct d2s_reemit re = {0};
	int rc = d2s_edit_retry(parser, diag, w, doc, d2s_convert_edit_cb, &ce, &re);
	d2s_reemit_free(&re);
	if (o == &tmp)
		d2s_options_free(&tmp);
	return rc;
}

/* Whether Deployment `dep` (root `root`) converts without a fact of
 * another document: every PVC volume it has is --shared-volume (nothing to
 * absorb or decide) and it is not paused (no autoscaler to count). */
static int standalone(const struct d2s_dep_fact *dep, const struct d2s_node *root)
{
	for (size_t i = 0; i < dep->n_vols; i++)
		if (!d2s_options_shared(dep->o, dep->vols[i].volume))
			return 0;
	return !d2s_is(d2s_path(root, "spec", "paused"), "true");
}

/* Pass 1: convert standalone Deployment `dep` now, while it is parsed,
 * and keep the result in the index for pass 2 (which then only decides
 * its Service). */
static void prepare(struct d2s_index *ix, struct d2s_dep_fact *dep, const struct d2s_src *src,
		    const struct d2s_doc *doc, const struct d2s_where *w)
{
	struct d2s_convert_out res = {0};
	dep->prepared = -1;
	if (convert(NULL, ix->diag, dep, src, doc, ix->parser, w, &res) == 0) {
		dep->prep_off = ix->prepared.size;
		dep->prep_len = res.text.len;
		dep->prep_svc = res.service.len;
		dep->service_name = d2s_index_strdup(ix, res.service_name);
		if (!d2s_spool_add(&ix->prepared, res.text.data, res.text.len) &&
		    !d2s_spool_add(&ix->prepared, res.service.data ? res.service.data : "", res.service.len))
			dep->prepared = 1;
		else
			d2s_diagf(ix->diag, D2S_ERROR, w, "cannot keep the conversion for the second pass "
				  "(TMPDIR): %s", strerror(errno));
	}
	d2s_convert_out_free(&res);
}

/* Pass 2: the headless Service `svc` (its text, generated) of converted
 * Deployment `dep` goes into out->extra, unless the input has a Service of
 * that name: a headless one is used instead, one that is not headless is an
 * error (spec.clusterIP is immutable: pkg/apis/core/validation,
 * ValidateServiceUpdate; the apply would fail). Returns 0 or -1. */
static int service(const struct d2s_index *ix, const struct d2s_dep_fact *dep, const char *svc,
		   const char *text, size_t len, const struct d2s_where *w, struct d2s_rewrite_out *out)
{
	if (dep->o->no_headless_service)
		return 0;
	int st = d2s_index_service(ix, dep->ns, svc);
	if (st == 1) {
		d2s_creport_service_reused(ix->diag->report, dep->ns, dep->name);
	} else if (st == 2) {
		struct d2s_where e = *w;
		e.field = "spec.serviceName";
		d2s_diagf(ix->diag, D2S_ERROR, &e, "Service %s exists in the input and is not headless "
			  "(clusterIP is immutable, the apply would fail): choose another --service-name, or "
			  "--no-headless-service if that Service is meant", svc);
		d2s_creport_failed(ix->diag->report, dep->ns, dep->name);
		return -1;
	} else {
		d2s_buf_add(&out->extra, text, len);
	}
	if (!ix->diag->report) /* else the report describes it (d2s_creport_to_diag) */
		d2s_diagf(ix->diag, D2S_INFO, w, "converted to StatefulSet (serviceName %s%s)", svc,
			  st == 1 ? ", existing headless Service" : len ? ", headless Service generated" : "");
	return 0;
}

/* Pass 2 for a Deployment prepared in pass 1: its result from the index. */
static int rewrite_prepared(const struct d2s_index *ix, const struct d2s_dep_fact *dep,
			    const struct d2s_where *w, struct d2s_rewrite_out *out)
{
	if (dep->prepared < 0)
		return -1; /* reported in pass 1 */
	size_t n = dep->prep_len + dep->prep_svc;
	char *t = d2s_check_alloc(malloc(n + 1));
	int rc = d2s_spool_read(&ix->prepared, dep->prep_off, n, t);
	if (rc)
		d2s_diagf(ix->diag, D2S_ERROR, w, "cannot read the conversion back (TMPDIR): %s",
			  strerror(errno));
	else
		d2s_buf_add(&out->text, t, dep->prep_len);
	if (!rc)
		rc = service(ix, dep, dep->service_name, t + dep->prep_len, dep->prep_svc, w, out);
	free(t);
	return rc;
}

int d2s_deployment_rewrite(const struct d2s_rewrite_in *in, struct d2s_rewrite_out *out)
{
	const struct d2s_index *ix = in->ix;
	const struct d2s_dep_fact *dep = &ix->deps[in->idx];
	struct d2s_where w = { .file = dep->file, .line = dep->line, .col = dep->col,
			       .api_version = "apps/v1", .kind = "Deployment", .ns = dep->ns,
			       .name = dep->name };
	if (dep->prepared)
		return rewrite_prepared(ix, dep, &w, out);
	struct d2s_convert_out res = {0};
	int rc = convert(ix, ix->diag, dep, in->src, in->doc, in->parser, &w, &res);
	if (rc == 0) {
		d2s_buf_add(&out->text, res.text.data, res.text.len);
		rc = service(ix, dep, res.service_name, res.service.data, res.service.len, &w, out);
	}
	d2s_convert_out_free(&res);
	return rc;
}

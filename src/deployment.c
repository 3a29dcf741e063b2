/* deployment.c - the Deployment rule: facts in pass 1, the conversion in
 * pass 2 (see deployment.h). */
#include "deployment.h"
#include "claims.h"
#include "convert.h"
#include "reemit.h"
#include "refs.h"
#include "report.h"
#include "select.h"

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

int d2s_deployment_match(const struct d2s_ident *id, const struct d2s_node *root)
{
	(void)root;
	const char *av = id->api_version ? id->api_version : "";
	return id->kind && !strcmp(id->kind, "Deployment") &&
	       (!strncmp(av, "apps/", 5) || !strncmp(av, "extensions/", 11));
}

/* The record of Deployment `id` (a new one; the latest of a name wins the
 * key, as for every object the index keeps). */
static size_t new_dep(struct d2s_index *ix, const struct d2s_ident *id, const struct d2s_where *w,
		      enum d2s_dep_state st)
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
	d->o = d2s_options_for(ix->o, id->name);
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
	struct d2s_where w = d2s_src_where(in->src, in->root, id);
	if (!in->in_list)
		w.col = 1;
	if (id->name) {
		d2s_claims_users(ix, in->root, id, in->hook);
		d2s_creport_seen(ix->diag->report, id->ns, id->name, w.file, w.line, w.col);
	}
	if (in->hook) {
		d2s_hook_note(ix->diag, &w);
		d2s_creport_hook(ix->diag->report, id->ns, id->name, d2s_get_str(
			d2s_path(in->root, "metadata", "annotations"), "helm.sh/hook"));
		return id->name ? d2s_index_rec(ix, D2S_REC_DEPLOYMENT, new_dep(ix, id, &w, D2S_DEP_SKIPPED)) : 0;
	}
	if (!id->api_version || strcmp(id->api_version, "apps/v1")) {
		unsupported(ix->diag, &w, id->api_version, ix->o->skip_unsupported);
		d2s_creport_unsupported(ix->diag->report, id->ns, id->name, id->api_version,
					ix->o->skip_unsupported);
		return 0;
	}
	enum d2s_skip why;
	const struct d2s_options *o = d2s_options_for(ix->o, id->name);
	if (!d2s_selection_match_meta(&o->sel, d2s_get(in->root, "metadata"), &why)) {
		not_selected(in, &w, why);
		return id->name ? d2s_index_rec(ix, D2S_REC_DEPLOYMENT, new_dep(ix, id, &w, D2S_DEP_SKIPPED)) : 0;
	}
	size_t i = new_dep(ix, id, &w, D2S_DEP_CONVERTED);
	record_vols(ix, &ix->deps[i], in->src, in->root);
	return d2s_index_rec(ix, D2S_REC_DEPLOYMENT, i);
}

int d2s_deployment_needs(const struct d2s_index *ix, size_t idx)
{
	return ix->deps[idx].state == D2S_DEP_CONVERTED;
}

/* d2s_convert_in.service_state for context `ctx` (a struct lookup). */
struct lookup {
	const struct d2s_index *ix;
	const struct d2s_dep_fact *dep;
};

static enum d2s_svc_state service_state(void *ctx, const char *ns, const char *name)
{
	const struct lookup *l = ctx;
	int v = d2s_index_service(l->ix, ns, name);
	return v == 1 ? D2S_SVC_HEADLESS : v == 2 ? D2S_SVC_NOT_HEADLESS : D2S_SVC_NONE;
}

static struct d2s_val *pvc_template(void *ctx, struct d2s_arena *a, const char *ns, const char *claim,
				    const char *volume)
{
	const struct lookup *l = ctx;
	return d2s_claims_template(l->ix, l->dep, a, ns, claim, volume);
}

int d2s_deployment_rewrite(const struct d2s_rewrite_in *in, struct d2s_rewrite_out *out)
{
	const struct d2s_index *ix = in->ix;
	const struct d2s_dep_fact *dep = &ix->deps[in->idx];
	struct d2s_options tmp;
	const struct d2s_options *o = d2s_claims_options(dep, &tmp);
	struct lookup l = { ix, dep };
	struct d2s_convert_in ci = {
		.doc = in->doc, .o = o, .diag = ix->diag, .file = in->src->file, .line0 = in->src->line,
		.pvc_template = pvc_template, .service_state = service_state, .ctx = &l,
	};
	if (d2s_is(d2s_path(in->doc->root, "spec", "paused"), "true")) /* only a paused one needs it */
		ci.max_replicas = d2s_index_max_replicas(ix, dep->ns, dep->name);
	const struct d2s_ident id = d2s_identify(in->doc->root);
	struct d2s_where w = d2s_src_where(in->src, in->doc->root, &id);
	w.col = in->in_list ? in->src->col : 1;
	struct d2s_convert_out res = {0};
	struct d2s_convert_edit ce = { &ci, &res };
	struct d2s_reemit re = {0};
	int rc = d2s_edit_retry(in->parser, ix->diag, &w, in->doc, d2s_convert_edit_cb, &ce, &re);
	if (rc == 0) {
		d2s_buf_add(&out->text, res.text.data, res.text.len);
		d2s_buf_add(&out->extra, res.service.data, res.service.len);
		if (!ix->diag->report) /* else the report describes it (d2s_creport_to_diag) */
			d2s_diagf(ix->diag, D2S_INFO, &w, "converted to StatefulSet (serviceName %s%s)",
				  res.service_name, res.reused_service ? ", existing headless Service" :
				  res.service.len ? ", headless Service generated" : "");
	}
	d2s_convert_out_free(&res);
	d2s_reemit_free(&re);
	if (o == &tmp)
		d2s_options_free(&tmp);
	return rc;
}

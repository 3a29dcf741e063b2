/* claims_fate.c - what becomes of each absorbed PVC document (see
 * claims.h): decided at the seal, written in pass 2.
 *
 * --migrate-data: the StatefulSet controller names the claim of template
 * T for pod <sts>-<ordinal> "T-<sts>-<ordinal>" and adopts an existing
 * claim of that name instead of creating one (Kubernetes docs, StatefulSet
 * "Stable Storage"; pkg/controller/statefulset getPersistentVolumeClaimName).
 * A PVC of that name whose dataSource is the old PVC (CSI volume cloning:
 * https://kubernetes.io/docs/concepts/storage/volume-pvc-datasource/) or a
 * VolumeSnapshot of it
 * (https://kubernetes.io/docs/concepts/storage/persistent-volumes/#volume-snapshot-and-restore-volume-from-snapshot-support)
 * therefore gives the first pod the old data. Cloning needs the same
 * namespace, the same StorageClass and a size >= the source: the new claim
 * takes the source PVC's own spec (the claim template is made from the same
 * spec, d2s_claim_from_pvc), so class and size are equal by construction,
 * and the namespace is checked here. */
#include "claims_int.h"
#include "edit.h"
#include "reemit.h"
#include "render.h"
#include "report.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---------- the decision (seal) ---------- */

/* Same namespace for the PVC (key `pvc`) and the StatefulSet (key `dep`):
 * a clone's dataSource must be in the claim's own namespace. */
static int same_ns(const char *pvc, const char *dep)
{
	size_t a = (size_t)(strchr(pvc, '/') - pvc), b = (size_t)(strchr(dep, '/') - dep);
	return a == b && !strncmp(pvc, dep, a);
}

/* The PVC other than `r` that --migrate-data snapshot=NAME already
 * restores, or NULL: a snapshot holds one volume. */
static const struct d2s_pvc_fact *snapshot_taken(const struct d2s_index *ix,
						 const struct d2s_pvc_fact *r)
{
	for (size_t i = 0; i < ix->n_pvcs; i++)
		if (&ix->pvcs[i] != r && ix->pvcs[i].snapshot)
			return &ix->pvcs[i];
	return NULL;
}

/* --migrate-data for absorbed PVC `r` (at `w`) of StatefulSet `d`: the
 * first replica's claim, unless the input holds a PVC of that name. An
 * error when the namespaces differ or the snapshot restores another PVC. */
static void clone(struct d2s_index *ix, struct d2s_pvc_fact *r, const struct d2s_where *w,
		  const struct d2s_dep_fact *d)
{
	const char *mode = ix->o->migrate_data;
	const char *snapshot = !strncmp(mode, "snapshot=", 9) ? mode + 9 : NULL;
	const struct d2s_pvc_fact *other = snapshot ? snapshot_taken(ix, r) : NULL;
	if (!same_ns(r->key, d->key) || !r->volume) {
		d2s_diagf(ix->diag, D2S_ERROR, w, "--migrate-data %s: StatefulSet %s is in another namespace "
			  "than this PVC (the Deployment matched it only by assuming a namespace); a clone's "
			  "data source must be in the claim's namespace: give both the same "
			  "metadata.namespace, or pass -n", mode, d2s_index_shown(d->key));
		return;
	}
	if (other) {
		d2s_diagf(ix->diag, D2S_ERROR, w, "--migrate-data snapshot=%s restores one volume, and it "
			  "is already used for PersistentVolumeClaim %s: a second absorbed PVC cannot start "
			  "from it; use --migrate-data clone, or keep this claim shared (--shared-volume %s)",
			  snapshot, d2s_index_shown(other->key), r->volume);
		return;
	}
	r->snapshot = snapshot;
	long start = d->o->ordinals_start > 0 ? d->o->ordinals_start : 0;
	struct d2s_buf name = {0};
	d2s_buf_printf(&name, "%s-%s-%ld", r->volume, d->name, start);
	struct d2s_creport_pvc p = { .ns = w->ns, .name = w->name, .deployment = d->name,
				     .claim = r->volume, .fate = D2S_FATE_CLONED,
				     .cloned_into = name.data, .snapshot = snapshot };
	d2s_creport_pvc(ix->diag->report, &p);
	if (d2s_nsmap_find(&ix->pvc_keys, d2s_index_ns(ix, w->ns), name.data, 0, 0, NULL)) {
		d2s_diagf(ix->diag, D2S_INFO, w, "--migrate-data: PersistentVolumeClaim %s is already in the "
			  "input: not added again", name.data);
	} else {
		r->fate = D2S_PVC_CLONE;
		r->clone_name = d2s_index_strdup(ix, name.data);
		d2s_diagf_data(ix->diag, D2S_WARNING, w, "--migrate-data: PersistentVolumeClaim %s added with "
			       "dataSource %s %s, so pod %s-%ld starts with this claim's data; the other replicas' "
			       "claims start EMPTY", name.data, snapshot ? "VolumeSnapshot" : "PersistentVolumeClaim",
			       snapshot ? snapshot : w->name, d->name, start);
	}
	d2s_buf_free(&name);
}

/* The workloads that still mount `r` beside the StatefulSets absorbing it:
 * other workloads, and absorbing ones that keep it through a shared volume. */
static void others_of(const struct d2s_index *ix, const struct d2s_pvc_fact *r, struct d2s_buf *out)
{
	d2s_claims_users_of(ix, r->key, 1, r->absorbed_by, r->n_absorbed_by, out);
	for (size_t k = 0; k < r->n_absorbed_by; k++)
		for (size_t j = 0; j < r->n_kept_by; j++)
			if (r->kept_by[j] == r->absorbed_by[k]) {
				d2s_buf_puts(out, out->len ? ", StatefulSet " : "StatefulSet ");
				d2s_buf_puts(out, d2s_index_shown(ix->deps[r->absorbed_by[k]].key));
			}
}

void d2s_claims_decide(struct d2s_index *ix, struct d2s_pvc_fact *r)
{
	const struct d2s_options *o = ix->o;
	const struct d2s_dep_fact *d = &ix->deps[r->absorbed_by[0]];
	struct d2s_where w = d2s_claims_pvc_where(r);
	struct d2s_buf others = {0};
	others_of(ix, r, &others);
	int drop = o->drop_absorbed_pvcs && !others.len;
	struct d2s_creport_pvc rp = { .ns = w.ns, .name = w.name, .deployment = d->name,
				      .claim = r->volume, .fate = drop ? D2S_FATE_DROPPED : D2S_FATE_KEPT };
	d2s_creport_pvc(ix->diag->report, &rp);
	if (drop) {
		r->fate = D2S_PVC_DROP;
		d2s_diagf_data(ix->diag, D2S_WARNING, &w, "absorbed into per-pod claims of StatefulSet %s and "
			       "removed (--drop-absorbed-pvcs): if it held data, Helm deletes it on upgrade", d->name);
	} else {
		r->fate = D2S_PVC_KEEP;
		if (d2s_migrate_copies(o) && r->in_list)
			d2s_diagf(ix->diag, D2S_ERROR, &w, "--migrate-data cannot add the cloned claim inside a "
				  "kind: List: move this PersistentVolumeClaim out of the List");
		else if (d2s_migrate_copies(o))
			clone(ix, r, &w, d); /* a refusal is an error: the run fails */
		if (others.len)
			d2s_diagf_data(ix->diag, D2S_WARNING, &w, "now replaced by per-pod claims of StatefulSet %s, "
				       "which start EMPTY, but still mounted by %s: kept (helm.sh/resource-policy: "
				       "keep%s)", d->name, others.data,
				       o->drop_absorbed_pvcs ? "; not removed by --drop-absorbed-pvcs" : "");
		else if (!o->migrate_data) /* else clone() says which claims start empty */
			d2s_diagf_data(ix->diag, D2S_WARNING, &w, "now replaced by per-pod claims of StatefulSet %s, "
				       "which start EMPTY; the claim is kept (helm.sh/resource-policy: keep) so its data "
				       "survives: copy the data into the new claim of pod 0, then delete this PVC (or "
				       "pass --drop-absorbed-pvcs)", d->name);
		else if (!d2s_migrate_copies(o)) /* --migrate-data none: chosen, so no warning */
			d2s_diagf(ix->diag, D2S_INFO, &w, "now replaced by per-pod claims of StatefulSet %s, "
				  "which start empty (--migrate-data none); the claim is kept "
				  "(helm.sh/resource-policy: keep)", d->name);
	}
	d2s_buf_free(&others);
}

/* ---------- the document (pass 2) ---------- */

int d2s_pvc_needs(const struct d2s_index *ix, size_t idx)
{
	return ix->pvcs[idx].fate != D2S_PVC_AS_IS;
}

int d2s_pvc_keep(const struct d2s_doc *doc, struct d2s_buf *out)
{
	const struct d2s_node *meta = d2s_get(doc->root, "metadata");
	if (!meta || meta->type != D2S_MAP)
		return -1;
	const struct d2s_node *ann = d2s_get(meta, "annotations");
	const struct d2s_node *cur = d2s_get(ann, "helm.sh/resource-policy");
	struct d2s_edits e;
	struct d2s_arena a = {0};
	d2s_edits_init(&e, doc->text, doc->len);
	d2s_layout_detect(doc, &e.layout);
	struct d2s_val *keep = d2s_v_map(&a);
	d2s_v_put(&a, keep, "helm.sh/resource-policy", d2s_v_str(&a, "keep"));
	if (cur && d2s_is(cur, "keep")) {
		/* already kept */
	} else if (cur && cur->type == D2S_SCALAR) {
		d2s_yset_scalar(&e, cur, "keep");
	} else if (ann && ann->type == D2S_MAP) {
		d2s_yinsert_pairs(&e, ann, keep, 0); /* also fills annotations: {} */
	} else if (ann) {
		d2s_yset_empty(&e, ann, keep); /* annotations: (null) or ~ */
	} else {
		struct d2s_val *add = d2s_v_map(&a);
		d2s_v_put(&a, add, "annotations", keep);
		d2s_yinsert_pairs(&e, meta, add, 0);
	}
	int rc = e.reemit ? -1 : d2s_edits_apply(&e, out);
	d2s_edits_free(&e);
	d2s_arena_free(&a);
	return rc;
}

/* The spec of the clone: the source's accessModes, storageClassName,
 * volumeMode and resources, and the dataSource. */
static struct d2s_val *clone_spec(struct d2s_arena *a, const struct d2s_node *spec, const char *source,
				  const char *snapshot)
{
	static const char *const fields[] = { "accessModes", "storageClassName", "volumeMode", "resources",
		NULL };
	struct d2s_val *s = d2s_v_map(a), *ds = d2s_v_map(a);
	for (int i = 0; fields[i]; i++) {
		const struct d2s_node *f = d2s_get(spec, fields[i]);
		struct d2s_val *v = f ? d2s_v_from_node(a, f) : NULL;
		if (v)
			d2s_v_put(a, s, fields[i], v);
	}
	if (snapshot)
		d2s_v_put(a, ds, "apiGroup", d2s_v_str(a, "snapshot.storage.k8s.io"));
	d2s_v_put(a, ds, "kind", d2s_v_str(a, snapshot ? "VolumeSnapshot" : "PersistentVolumeClaim"));
	d2s_v_put(a, ds, "name", d2s_v_str(a, snapshot ? snapshot : source));
	d2s_v_put(a, s, "dataSource", ds);
	return s;
}

/* The clone of PVC `root` as a value tree: named `r->clone_name`, in the
 * PVC's namespace, kept by Helm, with the Helm 4 file annotation. */
static struct d2s_val *clone_doc(struct d2s_arena *a, const struct d2s_node *root,
				 const struct d2s_pvc_fact *r)
{
	struct d2s_val *d = d2s_v_map(a), *m = d2s_v_map(a), *ann = d2s_v_map(a);
	const char *ns = d2s_get_str(d2s_get(root, "metadata"), "namespace");
	d2s_v_put(a, d, "apiVersion", d2s_v_str(a, "v1"));
	d2s_v_put(a, d, "kind", d2s_v_str(a, "PersistentVolumeClaim"));
	d2s_v_put(a, m, "name", d2s_v_str(a, r->clone_name));
	if (ns)
		d2s_v_put(a, m, "namespace", d2s_v_str(a, ns));
	/* Helm 4 keeps a generated document with its template by this annotation
	 * (as the generated Service does, service.c) */
	const char *h4 = "postrenderer.helm.sh/postrender-filename";
	const char *file = d2s_get_str(d2s_path(root, "metadata", "annotations"), h4);
	if (file)
		d2s_v_put(a, ann, h4, d2s_v_str(a, file));
	d2s_v_put(a, ann, "helm.sh/resource-policy", d2s_v_str(a, "keep"));
	d2s_v_put(a, m, "annotations", ann);
	d2s_v_put(a, d, "metadata", m);
	d2s_v_put(a, d, "spec", clone_spec(a, d2s_get(root, "spec"), r->name, r->snapshot));
	return d;
}

/* "---", the PVC's "# Source:" lines (helm template --show-only keeps
 * them), then the clone, into `out`. */
static void render_clone(const struct d2s_doc *doc, const struct d2s_pvc_fact *r, struct d2s_buf *out)
{
	struct d2s_arena a = {0};
	struct d2s_layout lay;
	d2s_layout_detect(doc, &lay);
	d2s_buf_puts(out, "---");
	d2s_buf_puts(out, lay.nl);
	d2s_source_comments(doc, out);
	d2s_render_pairs(out, clone_doc(&a, doc->root, r), 0, &lay);
	d2s_arena_free(&a);
}

static int keep_cb(const struct d2s_doc *doc, void *ctx)
{
	struct d2s_buf *out = ctx;
	if (d2s_pvc_keep(doc, out) == 0)
		return 0;
	d2s_buf_reset(out);
	return 1; /* any failure: retry in block style */
}

int d2s_pvc_rewrite(const struct d2s_rewrite_in *in, struct d2s_rewrite_out *out)
{
	const struct d2s_pvc_fact *r = &in->ix->pvcs[in->idx];
	if (r->fate == D2S_PVC_DROP) {
		out->drop = 1;
		return 0;
	}
	const struct d2s_ident id = d2s_identify(in->doc->root);
	struct d2s_where w = d2s_src_where(in->src, in->doc->root, &id);
	w.col = in->in_list ? in->src->col : 1;
	struct d2s_reemit re = {0};
	int rc = d2s_edit_retry(in->parser, in->ix->diag, &w, in->doc, keep_cb, &out->text, &re);
	if (rc == 0 && r->fate == D2S_PVC_CLONE)
		render_clone(in->doc, r, &out->extra);
	d2s_reemit_free(&re);
	return rc;
}

/* xref_clone.c - references stage (the cross-document index), --migrate-data: the claim that
 * carries an absorbed PVC's data into the first replica of its StatefulSet.
 *
 * The StatefulSet controller names the claim of template T for pod
 * <sts>-<ordinal> "T-<sts>-<ordinal>" and adopts an existing claim of that
 * name instead of creating one (Kubernetes docs, StatefulSet "Stable
 * Storage"; pkg/controller/statefulset getPersistentVolumeClaimName). A PVC
 * of that name whose dataSource is the old PVC (CSI volume cloning:
 * https://kubernetes.io/docs/concepts/storage/volume-pvc-datasource/) or a
 * VolumeSnapshot of it
 * (https://kubernetes.io/docs/concepts/storage/persistent-volumes/#volume-snapshot-and-restore-volume-from-snapshot-support)
 * therefore gives the first pod the old data. Cloning needs the same
 * namespace, the same StorageClass and a size >= the source: the new claim
 * takes the source PVC's own spec (the claim template is made from the same
 * spec, storage.c d2s_claim_from_pvc), so class and size are equal by
 * construction, and the namespace is checked here. */
#include "xref_int.h"
#include "edit.h"
#include "render.h"
#include "report.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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

/* The whole clone document as a value tree. */
static struct d2s_val *clone_doc(struct d2s_arena *a, const struct d2s_node *root, const char *name,
				 const char *source, const char *snapshot)
{
	struct d2s_val *d = d2s_v_map(a), *m = d2s_v_map(a), *ann = d2s_v_map(a);
	const char *ns = d2s_get_str(d2s_get(root, "metadata"), "namespace");
	d2s_v_put(a, d, "apiVersion", d2s_v_str(a, "v1"));
	d2s_v_put(a, d, "kind", d2s_v_str(a, "PersistentVolumeClaim"));
	d2s_v_put(a, m, "name", d2s_v_str(a, name));
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
	d2s_v_put(a, d, "spec", clone_spec(a, d2s_get(root, "spec"), source, snapshot));
	return d;
}

/* Record the PVC as cloned into `name` in the report. */
static void record(struct d2s_xref *x, const struct d2s_where *w, const char *sts, const char *name,
		   const char *volume, const char *snapshot)
{
	struct d2s_creport_pvc p = { .ns = w->ns, .name = w->name, .deployment = sts, .claim = volume,
				     .fate = D2S_FATE_CLONED, .cloned_into = name, .snapshot = snapshot };
	d2s_creport_pvc(x->diag->report, &p);
}

/* Same namespace for the PVC (key `pvc`) and the StatefulSet (key `dep`):
 * a clone's dataSource must be in the claim's own namespace. */
static int same_ns(const char *pvc, const char *dep)
{
	size_t a = (size_t)(strchr(pvc, '/') - pvc), b = (size_t)(strchr(dep, '/') - dep);
	return a == b && !strncmp(pvc, dep, a);
}

int d2s_xref_clone(struct d2s_xref *x, struct d2s_pvc_rec *r, const struct d2s_where *w,
		   const char *sts, struct d2s_buf *out)
{
	const char *mode = x->o->migrate_data;
	const char *snapshot = !strncmp(mode, "snapshot=", 9) ? mode + 9 : NULL;
	if (!same_ns(r->key, r->absorbed_by[0]) || !r->volume) {
		d2s_diagf(x->diag, D2S_ERROR, w, "--migrate-data %s: StatefulSet %s is in another namespace "
			   "than this PVC (the Deployment matched it only by assuming a namespace); a clone's "
			   "data source must be in the claim's namespace: give both the same "
			   "metadata.namespace, or pass -n", mode, d2s_xref_shown(r->absorbed_by[0]));
		return -1;
	}
	if (snapshot && x->snapshot_for && strcmp(x->snapshot_for, r->key)) {
		d2s_diagf(x->diag, D2S_ERROR, w, "--migrate-data snapshot=%s restores one volume, and it "
			   "is already used for PersistentVolumeClaim %s: a second absorbed PVC cannot start "
			   "from it; use --migrate-data clone, or keep this claim shared (--shared-volume %s)",
			   snapshot, d2s_xref_shown(x->snapshot_for), r->volume);
		return -1;
	}
	if (snapshot && !x->snapshot_for)
		x->snapshot_for = d2s_check_alloc(strdup(r->key));
	const struct d2s_options *o = d2s_options_for(x->o, sts);
	struct d2s_buf name = {0};
	d2s_buf_printf(&name, "%s-%s-%ld", r->volume, sts, o->ordinals_start > 0 ? o->ordinals_start : 0);
	record(x, w, sts, name.data, r->volume, snapshot);
	const char *ns = w->ns;
	if (d2s_nsmap_find(&x->pvc_index, d2s_xref_ns(x, ns), name.data, 0, 0, NULL)) {
		d2s_diagf(x->diag, D2S_INFO, w, "--migrate-data: PersistentVolumeClaim %s is already in the "
			   "input: not added again", name.data);
		d2s_buf_free(&name);
		return 0;
	}
	int rc = -1;
	if (!d2s_parse(x->aux, r->text, r->len, &x->auxdoc) && x->auxdoc.root) {
		struct d2s_arena a = {0};
		struct d2s_layout lay;
		d2s_layout_detect(&x->auxdoc, &lay);
		if (out->len && out->data[out->len - 1] != '\n')
			d2s_buf_puts(out, lay.nl);
		d2s_buf_puts(out, "---");
		d2s_buf_puts(out, lay.nl);
		d2s_source_comments(&x->auxdoc, out); /* helm template --show-only keeps it */
		d2s_render_pairs(out, clone_doc(&a, x->auxdoc.root, name.data, w->name, snapshot), 0, &lay);
		d2s_arena_free(&a);
		d2s_diagf(x->diag, D2S_WARNING, w, "--migrate-data: PersistentVolumeClaim %s added with "
			   "dataSource %s %s, so pod %s-%ld starts with this claim's data; the other replicas' "
			   "claims start EMPTY", name.data, snapshot ? "VolumeSnapshot" : "PersistentVolumeClaim",
			   snapshot ? snapshot : w->name, sts, o->ordinals_start > 0 ? o->ordinals_start : 0);
		rc = 0;
	}
	d2s_buf_free(&name);
	return rc;
}

/* storage.h - convert stage, storage: every rule about a StatefulSet's
 * volumes lives in storage.c.
 *
 * - --volume-claim-template flags become volumeClaimTemplates, replace the
 *   pod volume of the same name when it is scratch space (emptyDir or
 *   ephemeral; any other source is an error), and get a volumeMount at
 *   mountPath in the chosen containers (an error when another mount holds
 *   that path or a containers= glob matches nothing)
 *   (StatefulSetSpec.volumeClaimTemplates: Kubernetes docs,
 *   "StatefulSets", Stable Storage,
 *   https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/).
 * - A pod volume that mounts a standalone PersistentVolumeClaim of the same
 *   stream becomes a claim template named after the volume (every replica
 *   gets its own claim instead of sharing one ReadWriteOnce claim), and the
 *   absorbed PVC document is marked `helm.sh/resource-policy: keep` so that
 *   `helm upgrade` does not delete it and its data (Helm docs, "Tell Helm
 *   Not To Uninstall a Resource").
 * Called by convert.c (the d2s_storage_* functions) and by the pipeline
 * (PVC lookups and edits); see docs/architecture.md. */
#ifndef D2S_STORAGE_H
#define D2S_STORAGE_H

#include <stddef.h>
#include "buf.h"
#include "edit.h"
#include "options.h"
#include "tree.h"

struct d2s_cx; /* convert_ctx.h */

/** Claim template for pod volume `volume` backed by PVC `claim` in
 *  namespace `ns` when that PVC is in the stream (allocated in `a`), else
 *  NULL. `ctx` is the caller's. */
typedef struct d2s_val *(*d2s_pvc_lookup)(void *ctx, struct d2s_arena *a, const char *ns,
					  const char *claim, const char *volume);

/** Claim template named `volume` built from PVC `pvc` (root node):
 *  metadata.name = `volume` and nothing else of the PVC's metadata, and
 *  spec accessModes, selector, resources, storageClassName, volumeMode,
 *  dataSource, dataSourceRef, then volumeName last, which
 *  d2s_storage_claims drops with a warning. No label or annotation,
 *  because volumeClaimTemplates cannot change once the StatefulSet exists
 *  (pkg/apis/apps/validation/validation.go, ValidateStatefulSetUpdate:
 *  "Forbidden: updates to statefulset spec for fields other than ..."),
 *  and a chart patch release or a commonLabels value changes a PVC's
 *  labels freely: the next `helm upgrade` would be refused. The claims
 *  are labelled anyway: the StatefulSet controller puts the StatefulSet's
 *  spec.selector.matchLabels on every claim it creates
 *  (pkg/controller/statefulset/stateful_set_utils.go,
 *  getPersistentVolumeClaims). Allocated in `a`; NULL if the PVC cannot
 *  be copied (aliases or tags inside a spec field, no spec). */
struct d2s_val *d2s_claim_from_pvc(struct d2s_arena *a, const struct d2s_node *pvc, const char *volume);

/** Append to `out` the PVC document `doc` with the annotation
 *  helm.sh/resource-policy: keep added in place. Returns 0, or -1 when it
 *  cannot be edited in place (flow style). */
int d2s_pvc_keep(const struct d2s_doc *doc, struct d2s_buf *out);

/** Names of the PVCs that the pod volumes of Deployment node `deployment`
 *  mount (persistentVolumeClaim.claimName), skipping --shared-volume names
 *  and volumes replaced by a --volume-claim-template. Pointers into the
 *  tree; the array is malloc'ed (caller frees), count in *n. */
const char **d2s_deploy_claims(const struct d2s_node *deployment, const struct d2s_options *o,
			       size_t *n);

/** The claim templates of the StatefulSet whose pod spec is `pspec`: one
 *  per --volume-claim-template (in flag order; accessModes default
 *  ReadWriteOnce, "+" or ";" separate several), then one per pod volume
 *  whose PVC `lookup` finds (not for --shared-volume names). A flag's pod
 *  volume of the same name is replaced only when it is an emptyDir or
 *  ephemeral volume; any other source (a PVC, configMap, secret, ...) is
 *  reported as an error. An absorbed PVC's storage request must be a
 *  quantity > 0 (pkg/apis/core/validation/validation.go,
 *  ValidatePersistentVolumeClaimSpec; else an error) and its volumeName is
 *  dropped with a warning (it would bind every replica's claim to one PV).
 *  Queues in c->ed the removal of the pod volumes these replace (the whole
 *  `volumes` key when none is left), and warns about each PVC volume not
 *  in the input (its claim stays shared by every replica). Each absorbed
 *  claim name is strdup'ed onto *absorbed (realloc'ed; count *n_absorbed;
 *  the caller frees both). Returns a SEQ value in c->a, possibly empty. */
struct d2s_val *d2s_storage_claims(struct d2s_cx *c, const struct d2s_node *pspec,
				   d2s_pvc_lookup lookup, void *ctx, char ***absorbed,
				   size_t *n_absorbed);

/** For every --volume-claim-template with a mountPath, queue in c->ed a
 *  volumeMount {name, mountPath} in each chosen container (containers=
 *  globs, fnmatch(3); all when unset) that does not mount that name at
 *  that path yet (a mount of it at another path stays). Errors: another
 *  mount holds that path in the container (mountPath is unique per
 *  container: pkg/apis/core/validation/validation.go, ValidateVolumeMounts),
 *  a glob matches no container, or the edit would land inside an aliased
 *  node. Warns about a template without mountPath that no container
 *  mounts. `containers` is the pod spec's containers list. */
void d2s_storage_mounts(struct d2s_cx *c, const struct d2s_node *containers);

#endif

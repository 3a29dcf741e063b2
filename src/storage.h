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
 * - A pod volume whose standalone PersistentVolumeClaim the StatefulSet
 *   absorbs (decided in claims.h) becomes a claim template named after the
 *   volume: every replica gets its own claim instead of sharing one
 *   ReadWriteOnce claim. What becomes of the PVC document is claims.h's.
 * Called by convert.c; see docs/architecture.md. */
#ifndef D2S_STORAGE_H
#define D2S_STORAGE_H

#include <stddef.h>
#include "buf.h"
#include "edit.h"
#include "options.h"
#include "tree.h"

struct d2s_cx; /* convert_ctx.h */

/** Claim template for pod volume `volume` backed by PVC `claim` in
 *  namespace `ns` when the StatefulSet absorbs that PVC (allocated in `a`),
 *  else NULL. `ctx` is the caller's. */
typedef struct d2s_val *(*d2s_pvc_lookup)(void *ctx, struct d2s_arena *a, const char *ns,
					  const char *claim, const char *volume);

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

/* storage.h - storage filter helpers (DESIGN §3.4): a standalone
 * PersistentVolumeClaim becomes a StatefulSet claim template, and the
 * absorbed PVC document is marked `helm.sh/resource-policy: keep` so that
 * `helm upgrade` does not delete it and its data (Helm docs, "Tell Helm Not
 * To Uninstall a Resource"). */
#ifndef D2S_STORAGE_H
#define D2S_STORAGE_H

#include "buf.h"
#include "edit.h"
#include "tree.h"

/** Claim template named `volume` built from PVC `pvc` (root node): its
 *  labels, annotations (less Helm's and the PV controller's own) and spec
 *  accessModes, resources, storageClassName, volumeMode, dataSource,
 *  dataSourceRef. Allocated in `a`; NULL if the PVC cannot be copied
 *  (aliases, tags, no spec). */
struct d2s_val *d2s_claim_from_pvc(struct d2s_arena *a, const struct d2s_node *pvc, const char *volume);

/** Append to `out` the PVC document `doc` with the annotation
 *  helm.sh/resource-policy: keep added in place. Returns 0, or -1 when it
 *  cannot be edited in place (flow style). */
int d2s_pvc_keep(const struct d2s_doc *doc, struct d2s_buf *out);

#endif

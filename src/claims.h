/* claims.h - the PVC rule and the fate of every claim a StatefulSet may
 * take over: shared, absorbed and kept, dropped, or cloned into the first
 * replica's claim. One room for every such decision.
 *
 * A StatefulSet's pods get their own claims from volumeClaimTemplates
 * (https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#volume-claim-templates).
 *   facts  (pass 1) every workload's claims (who mounts what: Pod
 *          spec.volumes, CronJob spec.jobTemplate.spec.template.spec.volumes,
 *          the others spec.template.spec.volumes;
 *          https://kubernetes.io/docs/concepts/storage/persistent-volumes/#claims-as-volumes),
 *          and each v1 PersistentVolumeClaim with the claim template it
 *          would give;
 *   seal   which PVC volumes of converted Deployments stay shared (a Helm
 *          hook's claim; ReadWriteMany/ReadOnlyMany, or mounted by two or
 *          more workloads, unless --split-volume names the volume;
 *          --shared-volume), which PVCs are absorbed, and the fate of each
 *          absorbed PVC: kept with helm.sh/resource-policy: keep
 *          (https://helm.sh/docs/howto/charts_tips_and_tricks/#tell-helm-not-to-uninstall-a-resource),
 *          dropped (--drop-absorbed-pvcs, no other user), or, with
 *          --migrate-data, followed by the first replica's claim with the
 *          old PVC or a VolumeSnapshot as dataSource;
 *   rewrite (pass 2) the PVC document as decided. */
#ifndef D2S_CLAIMS_H
#define D2S_CLAIMS_H

#include "rule.h"

/** The rule matches a v1 PersistentVolumeClaim with a name. */
int d2s_pvc_match(const struct d2s_ident *id, const struct d2s_node *root);
/** Pass 1: record the PVC (a Helm hook one is never absorbed). */
d2s_rec d2s_pvc_facts(const struct d2s_fact_in *in);
/** Seal: volume rules of every converted Deployment, then absorption and
 *  the fate of every absorbed PVC (warnings, errors and report entries). */
void d2s_claims_seal(struct d2s_index *ix);
/** Whether PVC `idx` is rewritten: it was absorbed. */
int d2s_pvc_needs(const struct d2s_index *ix, size_t idx);
/** Pass 2: the PVC kept with helm.sh/resource-policy: keep (and its clone in
 *  out->extra), or dropped. Returns 0, or -1 after an error. */
int d2s_pvc_rewrite(const struct d2s_rewrite_in *in, struct d2s_rewrite_out *out);

/** The options to convert Deployment `dep` with: dep->o, or `tmp` (filled
 *  here; free it with d2s_options_free when returned) holding dep->o plus,
 *  in shared_volumes, each PVC volume the seal left shared. */
const struct d2s_options *d2s_claims_options(const struct d2s_dep_fact *dep,
					     struct d2s_options *tmp);
/** The claim template for pod volume `volume` (PVC `claim` in `ns`) of
 *  Deployment `dep`, allocated in `a`, when the seal decided that the
 *  StatefulSet absorbs that PVC; else NULL (the volume then stays
 *  shared). See d2s_claim_from_pvc. */
struct d2s_val *d2s_claims_template(const struct d2s_index *ix, const struct d2s_dep_fact *dep,
				    struct d2s_arena *a, const char *ns, const char *claim,
				    const char *volume);

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

#endif

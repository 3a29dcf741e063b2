/* refs.h - references stage, per document: objects that point at a
 * Deployment by name. HPA (autoscaling/v1, v2) spec.scaleTargetRef, VPA
 * (autoscaling.k8s.io) spec.targetRef and KEDA ScaledObject (keda.sh)
 * spec.scaleTargetRef (whose kind defaults to Deployment, KEDA docs
 * "ScaledObject specification") are retargeted to apps/v1 StatefulSet; Argo
 * Rollouts spec.workloadRef and Flagger Canary spec.targetRef cannot point at
 * a StatefulSet and are reported. HPA scaleTargetRef:
 * https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/ ;
 * when each is decided: rules.c (the scaling reference and progressive
 * delivery rules). */
#ifndef D2S_REFS_H
#define D2S_REFS_H

#include "buf.h"
#include "tree.h"

/** Name of the Deployment that `root` (an HPA, VPA or ScaledObject) scales,
 *  or NULL when it is none of those or points at something else. Borrowed
 *  from the tree. */
const char *d2s_ref_target(const struct d2s_node *root);

/** Rewrite the reference of `doc` (checked by d2s_ref_target) to
 *  apiVersion apps/v1, kind StatefulSet, in place. Appends the new text to
 *  `out`; returns 0, or -1 when the text cannot be edited in place. */
int d2s_ref_retarget(const struct d2s_doc *doc, struct d2s_buf *out);

struct d2s_conv_report;
/** Record in report `r` (NULL: nothing) that reference object `root`
 *  (checked by d2s_ref_target) now points at StatefulSet <its target>;
 *  for an HPA (spec.minReplicas, default 1, and spec.maxReplicas;
 *  autoscaling/v2) or a KEDA ScaledObject (minReplicaCount, default 0;
 *  maxReplicaCount, default 100; keda.sh/v1alpha1) also the replica range
 *  of the StatefulSet, which decides how many claims can exist. */
void d2s_ref_record(struct d2s_conv_report *r, const struct d2s_node *root);

/** True when `root` is a Helm hook: metadata.annotations holds
 *  helm.sh/hook (Helm docs, "Chart Hooks":
 *  https://helm.sh/docs/topics/charts_hooks/). Helm 4 sends hooks to
 *  post-renderers and Helm 3 does not, so no rule changes a hook or lets it
 *  change another document (see rules.h). */
int d2s_is_hook(const struct d2s_node *root);

/** Note (an info at `w`) that a Helm hook passes through unchanged: hooks
 *  are never converted, absorbed, retargeted or dropped, because Helm 4
 *  sends them to post-renderers and Helm 3 does not (d2s_is_hook). */
void d2s_hook_note(struct d2s_diag *diag, const struct d2s_where *w);

/** A progressive-delivery object that points at a Deployment. All strings
 *  owned (free with d2s_progressive_free). */
struct d2s_progressive {
	char *kind, *ns, *name;   /**< the Rollout / Canary */
	char *target_key;         /**< "ns/deployment" */
	char *file;               /**< set by the caller */
	long line;
	int reported;             /**< its error was reported (once only) */
};

/** Fill `g` when `root` is an Argo Rollout with spec.workloadRef or a Flagger
 *  Canary with spec.targetRef of kind Deployment. Returns 1 if so, else 0. */
int d2s_progressive_target(const struct d2s_node *root, struct d2s_progressive *g);
/** Free the strings of `g` and zero it. */
void d2s_progressive_free(struct d2s_progressive *g);

#endif

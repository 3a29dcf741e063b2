/* xref.h - references stage: the cross-document index. It knows what was
 * read of PVCs, Services and Deployments (and what became of each
 * Deployment), and it holds back, as pending writer items, the documents a
 * later one may still change: PVCs a StatefulSet absorbs, scaling
 * references (HPA, VPA, KEDA), Deployments waiting for a PVC, and generated
 * headless Services (a look-ahead for a Service of the same name). So the
 * cross-document rules hold whatever the order of the stream; see
 * docs/architecture.md ("The cross-document index").
 *
 * Keys are "ns/name" (d2s_key); names and namespaces are borrowed for the
 * call and copied when kept. Every rule that fails reports an error through
 * the diag: the run's failure is read from there, not from here. */
#ifndef D2S_XREF_H
#define D2S_XREF_H

#include <stddef.h>
#include "buf.h"
#include "convert.h"
#include "diag.h"
#include "options.h"
#include "stream.h"
#include "tree.h"
#include "writer.h"

struct d2s_xref;

/** What the index knows of a Deployment (0 = not seen). */
enum d2s_dep_state {
	D2S_DEP_CONVERTED = 1,            /**< selected: becomes a StatefulSet */
	D2S_DEP_SKIPPED = 2,              /**< left a Deployment */
	D2S_DEP_CONVERTED_NO_SERVICE = 3, /**< converted, no Service generated */
	D2S_DEP_CONVERTED_LATER = 4,      /**< selected and held back: converted at the end
					       of the input, when every Service is known */
};

/** The identity fields of an object (borrowed from its tree; ns is "" when
 *  metadata.namespace is absent). */
struct d2s_ident {
	const char *api_version, *kind, *name, *ns;
};

/** Identity of root mapping `root` (NULL fields when absent). */
struct d2s_ident d2s_identify(const struct d2s_node *root);

/** A Deployment (or a List of them, `list`) held back until the end of the
 *  input, when every PVC is known: writer item `item`, read at `line` of
 *  `file` (owned by the index). */
struct d2s_held {
	char *file;
	size_t item;
	long line;
	int list;
};

/** Create an index that holds items in writer `w`, reports to `diag` and
 *  reads flags from `o` (all borrowed, must outlive it). NULL on out of
 *  memory. */
struct d2s_xref *d2s_xref_new(const struct d2s_options *o, struct d2s_diag *diag,
			      struct d2s_writer *w);
/** Free the index (NULL is fine). */
void d2s_xref_free(struct d2s_xref *x);

/** A v1 PersistentVolumeClaim `id` with tree `root` (text[0..len), content
 *  at `line` of `file`): held back until the end of the input, then kept
 *  with helm.sh/resource-policy: keep when a StatefulSet absorbed it (or
 *  dropped with --drop-absorbed-pvcs when no other workload mounts it),
 *  else kept as it is. A Helm `hook` PVC is written now and never
 *  absorbed. */
void d2s_xref_pvc(struct d2s_xref *x, const struct d2s_node *root, const char *text, size_t len,
		  const char *file, long line, const struct d2s_ident *id, int hook);
/** d2s_xref_pvc for PVC item `root` of a List (its text, shifted to
 *  column 0, text[0..len) at `line` of `file`): the List is held back
 *  until the end of the input and written by d2s_xref_list_pvcs. */
void d2s_xref_list_pvc(struct d2s_xref *x, const struct d2s_node *root, const char *text,
		       size_t len, const char *file, long line, const struct d2s_ident *id, int hook);
/** The held List `doc` (read at `line0` of `file`) with its absorbed PVC
 *  items decided (call after d2s_xref_finish): each kept with
 *  helm.sh/resource-policy: keep, or removed (--drop-absorbed-pvcs).
 *  A List whose every item is removed keeps `items: []`. Returns 1 with
 *  the new text in `out`, 2 when the List must be dropped instead (its
 *  `items:` line ends in a comment), 0 when nothing changed, -1 on error
 *  (reported). */
int d2s_xref_list_pvcs(struct d2s_xref *x, const struct d2s_doc *doc, const char *file, long line0,
		       struct d2s_buf *out);
/** PVC `claim` in `ns` became per-pod claims of StatefulSet `deployment`
 *  (decided by d2s_xref_finish). */
void d2s_xref_absorb(struct d2s_xref *x, const char *ns, const char *claim, const char *deployment);

/** True when `kind` is a workload kind with a pod spec (Pod, Deployment,
 *  ReplicaSet, StatefulSet, DaemonSet, Job, CronJob,
 *  ReplicationController). */
int d2s_is_workload(const char *kind);
/** Record the PVCs that workload `root` (identity `id`, a Helm `hook` or
 *  not) mounts in its pod spec volumes (Pod spec.volumes; CronJob
 *  spec.jobTemplate.spec.template.spec.volumes; the others
 *  spec.template.spec.volumes). */
void d2s_xref_workload(struct d2s_xref *x, const struct d2s_node *root, const struct d2s_ident *id,
		       int hook);
/** d2s_xref_workload for a workload streamed without a tree (stream.h). */
void d2s_xref_workload_claims(struct d2s_xref *x, const struct d2s_stream_claims *sc);
/** The options to convert Deployment `doc` (read at `line0` of `file`) with:
 *  `o`, or `tmp` (filled here; the caller frees it with d2s_options_free
 *  when returned) holding o plus, in shared_volumes, each PVC volume that
 *  stays shared: its PVC is a Helm hook, or is shared (accessModes
 *  ReadWriteMany/ReadOnlyMany, or mounted by two or more workloads of the
 *  input, hooks not counted) and the volume is not in --split-volume. Each
 *  is reported as a warning naming every workload that mounts the claim.
 *  Call once every document is read. */
const struct d2s_options *d2s_xref_volume_rules(void *x, const struct d2s_doc *doc,
						const char *file, long line0,
						const struct d2s_options *o, struct d2s_options *tmp);
/** Read List `list` (not a hook; read at `line0` of `file`): record what
 *  its items are (Services like d2s_xref_service, workloads' claims,
 *  autoscalers, selected Deployment items as converted, others as
 *  skipped). Returns 1 when the List must wait for the end of the input
 *  (its Deployments are then D2S_DEP_CONVERTED_LATER): a selected
 *  Deployment item mounts a PVC or is paused, or a reference item (HPA,
 *  VPA, ScaledObject) points at a Deployment not read yet. */
int d2s_xref_list_read(struct d2s_xref *x, const struct d2s_doc *list, const char *file,
		       long line0);
/** d2s_list_ctx.ref_converted for context `x`: true when List item `item`
 *  (at `line` of `file`) is a scaling reference, not a hook, whose
 *  Deployment is converted (with `warn`, warns when matched by namespace
 *  assumption). */
int d2s_xref_list_ref(void *x, const struct d2s_node *item, const char *file, long line, int warn);
/** Decide the PVCs absorbed so far (call after the last conversion). */
void d2s_xref_finish(struct d2s_xref *x);
/** d2s_list_ctx.converted for context `x`: a Deployment item of a List was
 *  converted (`res`); record it like a standalone one (state, absorbed
 *  PVCs, progressive-delivery check, held references). */
void d2s_xref_list_item_converted(void *x, const struct d2s_convert_out *res);
/** d2s_convert_in.pvc_template for context `x` (a struct d2s_xref *): the
 *  claim template built from PVC `claim`, or NULL when not read. */
struct d2s_val *d2s_xref_pvc_template(void *x, struct d2s_arena *a, const char *ns,
				      const char *claim, const char *volume);

/** A v1 Service `id` with tree `root` at `line`:`col` of `file`. Only names a
 *  --service-name template can give matter: a generated Service of that
 *  name still pending is dropped (this one is headless) or reported (it is
 *  not: clusterIP is immutable, Kubernetes API "Service" spec.clusterIP). */
void d2s_xref_service(struct d2s_xref *x, const struct d2s_node *root, const struct d2s_ident *id,
		      const char *file, long line, long col);
/** d2s_convert_in.service_state for context `x`: what was read of Service
 *  `name` in `ns`. */
enum d2s_svc_state d2s_xref_service_state(void *x, const char *ns, const char *name);
/** The headless Service `text` generated for StatefulSet `deployment` as
 *  `service` in `ns`: written through the writer's bounded look-ahead
 *  (d2s_writer_pending_auto), dropped if that Service comes later. */
void d2s_xref_generated_service(struct d2s_xref *x, const char *ns, const char *service,
				const char *deployment, const char *text, size_t len);

/** Record Deployment `name` in `ns` as `st`. */
void d2s_xref_deployment(struct d2s_xref *x, const char *ns, const char *name,
			 enum d2s_dep_state st);
/** Deployment `name` in `ns` is converted: report each Argo Rollout
 *  (workloadRef) or Flagger Canary (targetRef) read so far that points at
 *  it, since neither can manage a StatefulSet. */
void d2s_xref_check_progressive(struct d2s_xref *x, const char *ns, const char *name);
/** Decide the scaling references held back for Deployment `name` in `ns`:
 *  retargeted to the StatefulSet when `converted`, else kept. */
void d2s_xref_resolve_refs(struct d2s_xref *x, const char *ns, const char *name, int converted);

/** A scaling reference (HPA, VPA, ScaledObject; d2s_ref_target) in `ns` to
 *  Deployment `target`: retargeted now, written as it is, or held back until
 *  the Deployment is read. */
void d2s_xref_ref(struct d2s_xref *x, const char *text, size_t len, const char *file, long line,
		  const struct d2s_ident *id, const char *target);
/** When `root` is an Argo Rollout or Flagger Canary pointing at a
 *  Deployment, remember it (checked now if that one is converted) and
 *  return 1; else 0. The caller writes the document either way. */
int d2s_xref_progressive(struct d2s_xref *x, const struct d2s_node *root, const char *file,
			 long line);

/** Autoscaler `root` (identity `id`: an HPA or a KEDA ScaledObject)
 *  targets Deployment `target`: remember its maxReplicas (KEDA
 *  maxReplicaCount, default 100: KEDA docs "ScaledObject specification";
 *  HPA spec.maxReplicas:
 *  https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/). */
void d2s_xref_scaler(struct d2s_xref *x, const struct d2s_node *root, const struct d2s_ident *id,
		     const char *target);
/** The largest maxReplicas of the autoscalers read so far that target
 *  Deployment `name` in `ns`, or 0. */
long d2s_xref_max_replicas(void *x, const char *ns, const char *name);

/** Hold text[0..len) (a Deployment, or a List of them when `list`) back
 *  until the end of the input: a PVC it mounts may come later. */
void d2s_xref_hold(struct d2s_xref *x, const char *text, size_t len, const char *file, long line,
		   int list);
/** The documents held back so far, in input order (count in *n). */
const struct d2s_held *d2s_xref_held(const struct d2s_xref *x, size_t *n);

#endif

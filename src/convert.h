/* convert.h - convert stage: one apps/v1 Deployment document -> the same text
 * edited into an apps/v1 StatefulSet, plus its headless Service (Kubernetes
 * docs, "StatefulSets":
 * https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/;
 * docs/architecture.md). convert.c owns the StatefulSet fields and calls
 * storage.c (claim templates, volumes) and service.c (the Service).
 *
 * Pure with respect to the stream: what it needs from other documents (a
 * standalone PVC, an existing Service) comes through the lookups in
 * d2s_convert_in, so the pipeline decides ordering and holding back. */
#ifndef D2S_CONVERT_H
#define D2S_CONVERT_H

#include "buf.h"
#include "diag.h"
#include "edit.h"
#include "options.h"
#include "service.h" /* enum d2s_svc_state, d2s_svc_lookup */
#include "storage.h" /* d2s_pvc_lookup */
#include "tree.h"

/** Inputs of one conversion (everything borrowed). */
struct d2s_convert_in {
	const struct d2s_doc *doc;        /**< the parsed Deployment piece */
	const struct d2s_options *o;      /**< options for this Deployment */
	struct d2s_diag *diag;
	const char *file;                 /**< input name for messages */
	long line0;                       /**< input line of doc->text[0] */
	/** Claim template for a pod volume's PVC when that PVC is in the
	 *  stream (see d2s_pvc_lookup); NULL: none is. */
	d2s_pvc_lookup pvc_template;
	/** State of an existing Service `ns`/`name` in the stream (see
	 *  d2s_svc_lookup); NULL: none exists. */
	d2s_svc_lookup service_state;
	void *ctx;                        /**< passed to both lookups */
	/** The largest maxReplicas of the autoscalers (HPA maxReplicas, KEDA
	 *  maxReplicaCount) that target this Deployment, 0 when none: a
	 *  paused Deployment's partition covers every pod they can create. */
	long max_replicas;
};

/** Outputs; free with d2s_convert_out_free. */
struct d2s_convert_out {
	struct d2s_buf text;        /**< the StatefulSet document */
	struct d2s_buf service;     /**< generated Service document ("---" first), or empty */
	char *name, *ns;            /**< the object's name and namespace ("" if none) */
	char *service_name;         /**< serviceName used */
	char **absorbed;            /**< PVC claim names turned into claim templates */
	size_t n_absorbed;
	int reused_service;         /**< an existing headless Service is used */
};

/** Convert `in->doc` (a Deployment) into `out` (zeroed first; free it with
 *  d2s_convert_out_free whatever the result). The StatefulSet rules:
 *  kind StatefulSet; metadata kept less deployment.kubernetes.io/revision;
 *  strategy, progressDeadlineSeconds, paused, rollbackTo and status
 *  removed; serviceName, podManagementPolicy, updateStrategy,
 *  persistentVolumeClaimRetentionPolicy, ordinals, minReadySeconds and
 *  revisionHistoryLimit set from the options (apps/v1 StatefulSetSpec,
 *  pkg/apis/apps/validation/validation.go); the name must be a DNS-1123
 *  label of at most 52 characters (kubernetes/kubernetes#64023) and the
 *  serviceName a DNS-1035 label (pkg/apis/core/validation/validation.go,
 *  ValidateServiceName). Returns 0 on success; 1 when an edit falls inside
 *  a flow collection and the caller should re-emit the document in block
 *  style and call again; -1 on a conversion error (already reported to
 *  in->diag; out->text is then empty). */
int d2s_convert(const struct d2s_convert_in *in, struct d2s_convert_out *out);

/** d2s_convert as the edit of d2s_edit_retry (reemit.h), for a standalone
 *  Deployment and a List item alike: `in->doc` is set to each document tried. */
struct d2s_convert_edit {
	struct d2s_convert_in *in;   /**< borrowed */
	struct d2s_convert_out *out; /**< freed again when the try fails */
};
/** The edit callback: `ctx` is a struct d2s_convert_edit. Returns what
 *  d2s_convert returns (1: re-emit in block style and try again). */
int d2s_convert_edit_cb(const struct d2s_doc *doc, void *ctx);
/** Free what d2s_convert put in `out` (safe on a zeroed struct). */
void d2s_convert_out_free(struct d2s_convert_out *out);

#endif

/* convert.h - convert stage: one apps/v1 Deployment document -> the same text
 * edited into an apps/v1 StatefulSet, plus its headless Service (Kubernetes
 * docs, "StatefulSets":
 * https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/;
 * docs/architecture.md). convert.c owns the StatefulSet fields and calls
 * storage.c (claim templates, volumes) and service.c (the Service).
 *
 * Pure with respect to the stream: what it needs from other documents (the
 * claim template of an absorbed PVC, the autoscalers of a paused one)
 * comes through d2s_convert_in; whether its headless Service is written or
 * an existing one is used is the Deployment rule's (deployment.h). */
#ifndef D2S_CONVERT_H
#define D2S_CONVERT_H

#include "buf.h"
#include "diag.h"
#include "edit.h"
#include "options.h"
#include "storage.h" /* d2s_pvc_lookup */
#include "tree.h"

/** Inputs of one conversion (everything borrowed). */
struct d2s_convert_in {
	const struct d2s_doc *doc;        /**< the parsed Deployment piece */
	const struct d2s_options *o;      /**< options for this Deployment */
	struct d2s_diag *diag;
	const char *file;                 /**< input name for messages */
	long line0;                       /**< input line of doc->text[0] */
	/** Claim template for a pod volume's PVC when the StatefulSet absorbs
	 *  that PVC (see d2s_pvc_lookup); NULL: none is absorbed. */
	d2s_pvc_lookup pvc_template;
	void *ctx;                        /**< passed to the lookup */
	/** The largest maxReplicas of the autoscalers (HPA maxReplicas, KEDA
	 *  maxReplicaCount) that target this Deployment, 0 when none: a
	 *  paused Deployment's partition covers every pod they can create. */
	long max_replicas;
};

/** Outputs; free with d2s_convert_out_free. */
struct d2s_convert_out {
	struct d2s_buf text;        /**< the StatefulSet document */
	struct d2s_buf service;     /**< the headless Service document ("---" first), or
				         empty with --no-headless-service */
	char *name, *ns;            /**< the object's name and namespace ("" if none) */
	char *service_name;         /**< serviceName used */
	char **absorbed;            /**< PVC claim names turned into claim templates */
	size_t n_absorbed;
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
 *  style and call again; 2 when an edit lands in a node an alias repeats
 *  (or a merge key gives) and the caller should re-emit it with the aliases
 *  expanded and call again (reemit.h); -1 on a conversion error (already
 *  reported to in->diag; out->text is then empty). */
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

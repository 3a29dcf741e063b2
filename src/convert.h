/* convert.h - convert stage: one apps/v1 Deployment document -> the same text
 * edited into a StatefulSet, plus its headless Service (DESIGN §3.2-§3.4).
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
#include "tree.h"

/** Result of looking up an existing Service by name. */
enum d2s_svc_state { D2S_SVC_NONE, D2S_SVC_HEADLESS, D2S_SVC_NOT_HEADLESS };

/** Inputs of one conversion (everything borrowed). */
struct d2s_convert_in {
	const struct d2s_doc *doc;        /**< the parsed Deployment piece */
	const struct d2s_options *o;      /**< options for this Deployment */
	struct d2s_diag *diag;
	const char *file;                 /**< input name for messages */
	long line0;                       /**< input line of doc->text[0] */
	/** Claim template for pod volume `volume` backed by PVC `claim` in
	 *  namespace `ns` when that PVC is in the stream, else NULL. The value
	 *  is allocated in `a`. */
	struct d2s_val *(*pvc_template)(void *ctx, struct d2s_arena *a, const char *ns,
					const char *claim, const char *volume);
	/** State of an existing Service `ns`/`name` in the stream. */
	enum d2s_svc_state (*service_state)(void *ctx, const char *ns, const char *name);
	void *ctx;
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

/** Convert. Returns 0 on success; 1 when an edit falls inside a flow
 *  collection and the caller should re-emit the document in block style
 *  and call again; -1 on a conversion error (already reported to diag). */
int d2s_convert(const struct d2s_convert_in *in, struct d2s_convert_out *out);
/** Free what d2s_convert put in `out` (safe on a zeroed struct). */
void d2s_convert_out_free(struct d2s_convert_out *out);

/** Names of the PVCs that the pod volumes of Deployment node `deployment`
 *  mount (persistentVolumeClaim.claimName), skipping --shared-volume names
 *  and volumes replaced by a --volume-claim-template. Pointers into the
 *  tree; the array is malloc'ed (caller frees), count in *n. */
const char **d2s_deploy_claims(const struct d2s_node *deployment, const struct d2s_options *o,
			       size_t *n);

#endif

/* index.h - pass 1, facts: what the rules need to know of other documents,
 * recorded while the stream is read and looked up while it is rewritten.
 *
 * The rules (rules.h) record facts here in pass 1: Deployments and the PVC
 * volumes they mount, the workloads that mount each claim, PVCs with the
 * claim template each would give, Services, autoscalers and the objects
 * that point at a Deployment (HPA, VPA, KEDA, Argo Rollouts, Flagger), and
 * which record each piece of the stream (and each item of a List) is.
 * When the input ends, the rules' seal step derives the cross-document
 * decisions from the facts (which claims stay shared, which PVCs are
 * absorbed and what becomes of them); from then on the index is read only
 * (pass 2 takes a const pointer). Nothing is held back and nothing is
 * resolved later, so no rule depends on stream order.
 *
 * Keys are "ns/name" (d2s_key) with the namespace the index assumes: the
 * object's own, else -n/--namespace, else "" (unknown). Strings passed in
 * are copied; records live until d2s_index_free. Allocation failure aborts,
 * as everywhere in deploy2sts. */
#ifndef D2S_INDEX_H
#define D2S_INDEX_H

#include <stddef.h>
#include <stdint.h>
#include "buf.h"
#include "diag.h"
#include "hashmap.h"
#include "options.h"
#include "render.h"
#include "spool.h"
#include "stream.h"
#include "tree.h"

/** What became of a Deployment (0 = not read, or not an apps/v1 one). */
enum d2s_dep_state { D2S_DEP_CONVERTED = 1, D2S_DEP_SKIPPED = 2 };

/** A pod volume of a converted Deployment that mounts a PVC. */
struct d2s_vol_fact {
	char *volume, *claim;
	long line, col;            /**< input position of the volume item */
	int shared;                /**< seal: stays shared (--shared-volume, or why is set) */
	char *why;                 /**< seal: why it stays shared (a message), or NULL */
	int absorbed;              /**< seal: its PVC becomes this claim template */
};

/** A Deployment. */
struct d2s_dep_fact {
	const char *key;           /**< "ns/name" (d2s_key, the namespace the index assumes) */
	const char *ns, *name;     /**< as written (ns "" when absent; name points into key) */
	const char *file;          /**< input name (borrowed, see pipeline.h) */
	long line, col;
	enum d2s_dep_state state;
	const struct d2s_options *o; /**< the options for it (borrowed) */
	struct d2s_vol_fact *vols; /**< its PVC volumes, except those a
				        --volume-claim-template replaces */
	size_t n_vols;
	struct d2s_val *match_labels; /**< spec.selector.matchLabels (a MAP) of one with
					   PVC volumes, or NULL */
	/* A converted one whose conversion needs nothing of another document
	 * (no PVC volume to decide, not paused) is converted in pass 1, where
	 * it is parsed anyway; its result waits in the index's `prepared`
	 * spool for pass 2, which then needs no second parse. */
	int prepared;              /**< 1: converted in pass 1; -1: that failed; 0: not */
	uint64_t prep_off;         /**< its StatefulSet text in `prepared` ... */
	size_t prep_len, prep_svc; /**< ... and the headless Service text after it */
	const char *service_name;  /**< its spec.serviceName (prepared ones) */
};

/** What becomes of a PersistentVolumeClaim document. */
enum d2s_pvc_fate {
	D2S_PVC_AS_IS,   /**< not absorbed: written as read */
	D2S_PVC_KEEP,    /**< absorbed: kept with helm.sh/resource-policy: keep */
	D2S_PVC_CLONE,   /**< absorbed, kept, and followed by the first replica's claim */
	D2S_PVC_DROP     /**< absorbed and removed (--drop-absorbed-pvcs) */
};

/** A v1 PersistentVolumeClaim. */
struct d2s_pvc_fact {
	char *key, *ns, *name;
	const char *file;          /**< input name (borrowed, see pipeline.h) */
	long line, col;
	int hook, in_list;
	char *shared_mode;         /**< "ReadWriteMany", "ReadOnlyMany" or "" */
	struct d2s_val *tpl;       /**< claim template without metadata.name (a
				        MAP: metadata, spec), or NULL when the
				        PVC cannot be copied */
	size_t *absorbed_by;       /**< seal: Deployments (index into deps) */
	size_t n_absorbed_by;
	size_t *kept_by;           /**< seal: absorbing Deployments that also keep
				        mounting it through a volume left shared */
	size_t n_kept_by;
	enum d2s_pvc_fate fate;    /**< seal */
	char *volume;              /**< seal: the claim template it became */
	char *clone_name;          /**< seal: D2S_PVC_CLONE: the new claim's name */
	const char *snapshot;      /**< seal: D2S_PVC_CLONE from this VolumeSnapshot */
};

/** A scaling reference (HPA, VPA, KEDA ScaledObject) to Deployment `target`. */
struct d2s_ref_fact {
	const char *kind, *ns;     /**< interned */
	char *name, *target;
	const char *file;          /**< input name (borrowed, see pipeline.h) */
	long line, col;
	int retarget;              /**< seal: its Deployment is converted */
};

/** An Argo Rollout (workloadRef) or Flagger Canary (targetRef) that points
 *  at Deployment `target` ("ns/name" key). */
struct d2s_prog_fact {
	char *kind, *ns, *name, *target;
	const char *file;          /**< input name (borrowed, see pipeline.h) */
	long line, col;
};

/** A workload that mounts claim `claim` ("ns/name") in its pod spec. */
struct d2s_claim_user {
	char *claim, *kind, *key;  /**< the claim, the workload's kind and "ns/name" */
	int hook;                  /**< a Helm hook (not counted as a user of a
				        shared claim) */
};

/** A kind: List: its items' records are items[first .. first + n). */
struct d2s_list_fact {
	size_t first, n;
};

/** Which rule a record belongs to (rules.c keeps the table in this order). */
enum d2s_rec_kind {
	D2S_REC_NONE, D2S_REC_DEPLOYMENT, D2S_REC_PVC, D2S_REC_REF, D2S_REC_LIST
};

/** A record id: 0 = none, else 1 + an index into the index's record list. */
typedef uint32_t d2s_rec;

/** The index. Fields are read by the rules; record through the functions. */
struct d2s_index {
	const struct d2s_options *o;
	struct d2s_diag *diag;
	struct d2s_arena a;          /**< every copied string and value */
	struct d2s_dep_fact *deps;   size_t n_deps;
	struct d2s_pvc_fact *pvcs;   size_t n_pvcs;
	struct d2s_ref_fact *refs;   size_t n_refs;
	struct d2s_prog_fact *progs; size_t n_progs;
	struct d2s_claim_user *users; size_t n_users;
	struct d2s_nsmap dep_keys;   /**< "ns/name" -> index + 1 into deps */
	struct d2s_nsmap pvc_keys;   /**< "ns/name" -> index + 1 into pvcs */
	struct d2s_nsmap services;   /**< -> 1 headless, 2 not headless (only names
				          a --service-name template can give) */
	struct d2s_nsmap scalers;    /**< Deployment -> largest maxReplicas aiming at it */
	struct d2s_map interned;     /**< d2s_index_intern's strings */
	struct d2s_spool prepared;   /**< conversions done in pass 1 (memory, then a file) */
	struct d2s_parser *parser;   /**< pass 1: for block-style re-emits (borrowed) */
	struct { enum d2s_rec_kind kind; size_t idx; } *recs; /**< record list */
	size_t n_recs;
	d2s_rec *pieces;             /**< record of each piece of the stream, in order */
	size_t n_pieces;
	size_t n_docs;               /**< pieces that hold an object */
	d2s_rec *items;              /**< records of List items, one run per List */
	size_t n_items;
	struct d2s_list_fact *lists; size_t n_lists;
	unsigned char *rewrite;      /**< seal: per record, pass 2 must rewrite it */
};

/** Create an index reading flags from `o`, reporting to `diag` and
 *  re-emitting with `parser` in pass 1 (all borrowed, must outlive it). */
struct d2s_index *d2s_index_new(const struct d2s_options *o, struct d2s_diag *diag,
				struct d2s_parser *parser);
/** Free the index (NULL is fine). */
void d2s_index_free(struct d2s_index *ix);

/** A new record of `kind` for entry `idx` of its array. Returns its id. */
d2s_rec d2s_index_rec(struct d2s_index *ix, enum d2s_rec_kind kind, size_t idx);
/** Kind and array index of record `r` (not 0). */
enum d2s_rec_kind d2s_index_rec_kind(const struct d2s_index *ix, d2s_rec r, size_t *idx);
/** Append the record of the next piece of the stream (0: none). */
void d2s_index_piece(struct d2s_index *ix, d2s_rec r);
/** The record of piece `i` (0-based, in input order), or 0. */
d2s_rec d2s_index_piece_rec(const struct d2s_index *ix, size_t i);

/** Copy `s` into the index ("" for NULL). */
char *d2s_index_strdup(struct d2s_index *ix, const char *s);
/** The index's one copy of `s` ("" for NULL): for strings many records
 *  share (namespaces, kinds). */
const char *d2s_index_intern(struct d2s_index *ix, const char *s);
/** Make room in `arr` (of `n` elements, grown only by this macro) for a
 *  zeroed element at arr[n]: the capacity doubles when n is a power of two
 *  (or 0). Aborts on out of memory. */
#define D2S_INDEX_GROW(arr, n) \
	((((n) & ((n) - 1)) == 0 ? \
	  (void)((arr) = d2s_check_alloc(realloc((arr), ((n) ? 2 * (n) : 1) * sizeof(*(arr))))) : \
	  (void)0), \
	 memset(&(arr)[n], 0, sizeof(*(arr))))

/** The namespace an object with metadata.namespace `ns` ("" or NULL when
 *  absent) lands in as far as the index knows: its own, else
 *  -n/--namespace, else "" (unknown: the client's). Borrowed. */
const char *d2s_index_ns(const struct d2s_index *ix, const char *ns);
/** True when an object without a namespace may match one with a namespace
 *  (no -n/--namespace was given). */
int d2s_index_wild(const struct d2s_index *ix);
/** An index key "ns/name" as messages show it: "name" when ns is empty. */
const char *d2s_index_shown(const char *key);
/** Warn at `w` that it was matched with `kind` `other` ("ns/name") only by
 *  assuming that an object without metadata.namespace lands in the
 *  namespace of the other (Kubernetes docs "Namespaces",
 *  https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/:
 *  such an object goes to the namespace the client applies). */
void d2s_index_assumed(struct d2s_index *ix, const struct d2s_where *w, const char *kind,
		       const char *other);

/** The Deployment `name` in `ns`, or NULL; *found (may be NULL) gets the
 *  namespace matched (d2s_nsmap_find, with d2s_index_wild). */
const struct d2s_dep_fact *d2s_index_dep(const struct d2s_index *ix, const char *ns,
					 const char *name, const char **found);
/** The PVC `claim` in `ns`, or NULL; *found as for d2s_index_dep. */
struct d2s_pvc_fact *d2s_index_pvc(const struct d2s_index *ix, const char *ns, const char *claim,
				   const char **found);
/** What was read of Service `name` in `ns`: 0 none, 1 headless, 2 not
 *  headless. */
int d2s_index_service(const struct d2s_index *ix, const char *ns, const char *name);
/** The largest maxReplicas of the autoscalers that target Deployment
 *  `name` in `ns` (matched as scaling references are), or 0. */
long d2s_index_max_replicas(const struct d2s_index *ix, const char *ns, const char *name);

/** Record workload `kind` `key` ("ns/name"), a Helm `hook` or not, as a
 *  user of claim `claim` in the same namespace `ns` (once per triple). */
void d2s_index_claim_user(struct d2s_index *ix, const char *ns, const char *claim,
			  const char *kind, const char *key, int hook);

/** True when `kind` is a workload kind with a pod spec (Pod, Deployment,
 *  ReplicaSet, StatefulSet, DaemonSet, Job, CronJob,
 *  ReplicationController). */
int d2s_is_workload(const char *kind);
/** Record the PVCs that workload `root` (identity `id`, with a name; a Helm
 *  `hook` or not) mounts in its pod spec volumes. */
void d2s_index_workload(struct d2s_index *ix, const struct d2s_node *root, const struct d2s_ident *id,
			int hook);
/** d2s_index_workload for a workload streamed without a tree (stream.h). */
void d2s_index_workload_streamed(struct d2s_index *ix, const struct d2s_stream_claims *sc);

#endif

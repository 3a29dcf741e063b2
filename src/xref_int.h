/* xref_int.h - references stage, internal: the state of the cross-document
 * index (see xref.h), shared by xref.c (Services, scaling references,
 * held-back documents), xref_claims.c (PVCs and the workloads that mount
 * them), xref_list.c (kind: List documents) and xref_clone.c
 * (--migrate-data). Not used outside these four files. */
#ifndef D2S_XREF_INT_H
#define D2S_XREF_INT_H

#include <stddef.h>
#include <stdint.h>
#include "hashmap.h"
#include "refs.h"
#include "xref.h"

/** A PVC read (held back while `pending`): its text is kept to build claim
 *  templates from it and to edit it later. `absorbed_by` lists the
 *  "Deployment/ns/name" keys of the StatefulSets that absorbed it. */
struct d2s_pvc_rec {
	char *key, *text, *file;
	size_t len, item;
	long line;
	int pending, hook;
	char *shared_mode;           /**< "ReadWriteMany" or "ReadOnlyMany", or "" */
	char *volume;                /**< pod volume that absorbs it (the claim template's name) */
	char **absorbed_by;
	size_t n_absorbed_by;
	char **kept_by;              /**< Deployments ("ns/name") that keep mounting it
					  through a volume left shared */
	size_t n_kept_by;
	int in_list;                 /**< an item of a held List: no writer item of
					  its own, resolved with it (d2s_xref_list_pvcs) */
	enum d2s_action decision;    /**< in_list: D2S_DROP, D2S_REPLACE by `repl`,
					  or D2S_PENDING (left as it is) */
	struct d2s_buf repl;
};

/** A scaling reference held back until its Deployment `target` is read. */
struct d2s_ref_rec {
	char *target, *file;
	char *kind, *ns, *name;      /**< the reference object, for messages */
	size_t item;
	long line;
	int pending;
};

/** A generated headless Service `key` still in the writer's look-ahead. */
struct d2s_svc_rec {
	char *key, *deployment;
	size_t item;
	int pending;
};

/** A workload that mounts claim `claim` ("ns/name") in its pod spec. */
struct d2s_claim_user {
	char *claim;
	char *kind, *key;            /**< kind and "ns/name" of the workload */
	int hook;                    /**< a Helm hook (not counted as a user of
					  a shared claim, see xref_claims.c) */
};

struct d2s_xref {
	const struct d2s_options *o;
	struct d2s_diag *diag;
	struct d2s_writer *w;
	struct d2s_parser *aux;      /* parses held-back documents again */
	struct d2s_doc auxdoc;
	struct d2s_nsmap services;   /* -> 1 headless, 2 not headless; only names
					a --service-name template can give */
	struct d2s_nsmap deploys;    /* -> enum d2s_dep_state */
	struct d2s_nsmap scalers;    /* Deployment -> largest maxReplicas targeting it */
	struct d2s_nsmap pvc_index;  /* -> index+1 into pvcs */
	struct d2s_pvc_rec *pvcs;
	size_t n_pvcs;
	struct d2s_ref_rec *refs;
	size_t n_refs;
	struct d2s_held *deps;       /* documents held until the end of the input */
	size_t n_deps;
	struct d2s_svc_rec *svcs;    /* generated Services still pending (look-ahead) */
	size_t n_svcs;
	struct d2s_progressive *prog;
	size_t n_prog;
	struct d2s_claim_user *users;
	size_t n_users;
	char *snapshot_for;          /* --migrate-data snapshot=NAME: the PVC ("ns/name")
					it restores; a snapshot holds one volume */
};

/** Grow array `arr` of `n` elements by one (aborts on out of memory). */
#define D2S_GROW(arr, n) (arr = d2s_check_alloc(realloc(arr, ((n) + 1) * sizeof(*(arr)))))

/** strdup that aborts on out of memory; NULL becomes "". */
char *d2s_xref_strdup(const char *s);

/** The namespace an object with metadata.namespace `ns` ("" or NULL when
 *  absent) lands in as far as the index knows: its own, else -n/--namespace,
 *  else "" (unknown: the client's). Borrowed. */
const char *d2s_xref_ns(const struct d2s_xref *x, const char *ns);

/** True when an object without a namespace may match one with a namespace
 *  (no -n/--namespace was given). */
int d2s_xref_wild(const struct d2s_xref *x);

/** Warn at `w` that it was matched with `kind` `other` ("ns/name") only by
 *  assuming that an object without metadata.namespace lands in the
 *  namespace of the other (`w`'s ns or other's is ""). */
void d2s_xref_assumed(struct d2s_xref *x, const struct d2s_where *w, const char *kind,
		      const char *other);

/** An index key "ns/name" as messages show it: "name" when ns is empty. */
const char *d2s_xref_shown(const char *key);

/** Edit the held-back document text[0..len) with `edit` (d2s_ref_retarget,
 *  d2s_pvc_keep) into `out`, re-emitted in block style first when the edit
 *  needs that. `file` and `line` place messages. Returns 0, or -1 after an
 *  error: never a silent failure. */
int d2s_xref_edit_held(struct d2s_xref *x, const char *text, size_t len, const char *file,
		       long line, int (*edit)(const struct d2s_doc *, struct d2s_buf *),
		       struct d2s_buf *out);

/** State of Deployment `name` in `ns`: 0 not seen, or enum d2s_dep_state;
 *  *found (may be NULL) gets the namespace matched (d2s_nsmap_find). */
intptr_t d2s_xref_dep_state(const struct d2s_xref *x, const char *ns, const char *name,
			    const char **found);

/** True when Deployment state `st` is one of the converted ones. */
int d2s_xref_is_converted(intptr_t st);

/** The where of object `id` at `line` (column 1) of `file`. */
struct d2s_where d2s_xref_where(const char *file, const struct d2s_ident *id, long line);

/** The PVC record of claim `claim` in `ns`, or NULL; *found (may be NULL)
 *  gets the key namespace matched (d2s_nsmap_find). */
struct d2s_pvc_rec *d2s_xref_find_pvc(const struct d2s_xref *x, const char *ns, const char *claim,
				      const char **found);

/** Free the PVC and claim-user records (xref_claims.c). */
void d2s_xref_claims_free(struct d2s_xref *x);

/** --migrate-data for absorbed PVC `r` (held text, position `w`) that
 *  became claim template r->volume of StatefulSet `sts` (the Deployment's
 *  name): append "---" and a new PVC named like the first replica's claim,
 *  with the PVC's spec and a dataSource, to `out` (the kept PVC's text),
 *  unless the input already holds a PVC of that name. Returns 0, or -1
 *  after reporting why it refuses (xref_clone.c). */
int d2s_xref_clone(struct d2s_xref *x, struct d2s_pvc_rec *r, const struct d2s_where *w,
		   const char *sts, struct d2s_buf *out);

#endif

/* stream.h - read stage: which documents the rules need whole, and the
 * check of a piece too big to hold that no rule changes: in pass 1 libfyaml
 * checks it while it streams past (and the claims of a workload are read
 * from the parser's events), in pass 2 it is copied as it is, so memory
 * stays bounded whatever the size of a ConfigMap or CRD. See
 * docs/architecture.md. */
#ifndef D2S_STREAM_H
#define D2S_STREAM_H

#include <stddef.h>
#include "diag.h"
#include "reader.h"

/** True when some rule reads or changes documents of kind `kind`
 *  (Deployment, List, PersistentVolumeClaim, Service, the scaling and
 *  progressive-delivery kinds, ResourceList, and the workload kinds whose
 *  pod specs may mount a PVC); other documents are only checked
 *  (d2s_parse_lazy). */
int d2s_kind_wanted(const char *kind);

/** What the piece head t[0..n) needs: 1 when it shows a kind some rule
 *  changes at column 0, or no kind at all (the piece is held whole to be
 *  safe); 2 when its kind is a workload read only for the PVCs it mounts
 *  (stream it with a d2s_stream_claims); 0 when no rule reads it. */
int d2s_head_needs_whole(const char *t, size_t n);

/** What a streamed workload is and mounts (see d2s_stream_piece). All
 *  strings owned; free with d2s_stream_claims_free. */
struct d2s_stream_claims {
	char *kind, *name, *ns;   /**< NULL when absent */
	int hook;                 /**< metadata.annotations has helm.sh/hook */
	char **claims;            /**< volumes[].persistentVolumeClaim.claimName */
	size_t n_claims;
};
/** Free what `c` owns and zero it. */
void d2s_stream_claims_free(struct d2s_stream_claims *c);

/** Read the rest of the current piece of `r` (starting at input line
 *  `line` of `file`), checked by libfyaml on the way; when `sc` is not
 *  NULL, also collect into it the identity and claims of the workload
 *  (from the parser's events: no tree is built). Returns 0, or -1 after an
 *  error reported to `diag` (read error or invalid YAML). */
int d2s_stream_piece(struct d2s_reader *r, struct d2s_diag *diag, const char *file, long line,
		     struct d2s_stream_claims *sc);

#endif

/* claims_int.h - private to the claims room (claims.c: who mounts what,
 * volume rules, absorption; claims_fate.c: what becomes of each absorbed
 * PVC document). Nothing else includes it. */
#ifndef D2S_CLAIMS_INT_H
#define D2S_CLAIMS_INT_H

#include "claims.h"

/** Append to `out` ", "-separated the workloads that mount claim `key`
 *  (hooks only when `hooks`), less the Deployments skip[0..n) (indexes
 *  into ix->deps); returns how many. */
size_t d2s_claims_users_of(const struct d2s_index *ix, const char *key, int hooks,
			   const size_t *skip, size_t n, struct d2s_buf *out);
/** The where of PVC record `r` (strings borrowed from it). */
struct d2s_where d2s_claims_pvc_where(const struct d2s_pvc_fact *r);
/** Decide the fate of absorbed PVC `r` (claims_fate.c): r->fate, the
 *  clone, the warnings and errors, the report entry. */
void d2s_claims_decide(struct d2s_index *ix, struct d2s_pvc_fact *r);

#endif

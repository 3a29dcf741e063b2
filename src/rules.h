/* rules.h - the rules: one table keyed by kind and apiVersion, and the
 * dispatch through it. Every rule has the same three steps, as every
 * kustomize kio filter has one signature:
 *   facts    pass 1: record what the document is into the index (index.h);
 *   seal     when the input ends: derive the cross-document decisions;
 *   rewrite  pass 2: read the index and the one document, write its output.
 * A kind: List's items go through the same table: their facts are recorded
 * item by item, and in pass 2 each item a rule rewrites is cut out of the
 * List, rewritten like a document and put back (list.c). The coordinator
 * (pipeline.c) calls only d2s_rules_*: it knows no rule. The table and the
 * small rules (Service, workloads, scaling references, progressive
 * delivery) are in rules.c; Deployments in deployment.c; PVCs in claims.c;
 * the List splice in list.c; the signature they share in rule.h.
 * docs/architecture.md has the walk of one Deployment through both
 * passes. */
#ifndef D2S_RULES_H
#define D2S_RULES_H

#include "buf.h"
#include "index.h"
#include "rule.h"
#include "stream.h"
#include "tree.h"

/** Pass 1: record document `doc` (parsed from `src`) through the table and
 *  append its record to the index's piece list (0 when no rule takes it).
 *  A kind: List records each item. */
void d2s_rules_facts(struct d2s_index *ix, const struct d2s_src *src, const struct d2s_doc *doc);
/** Pass 1: a piece too big to hold that was streamed past instead of
 *  parsed: `sc` (NULL when it could not be read) holds what was collected
 *  of a workload on the way (the claims it mounts). Its record is 0: no
 *  rule rewrites it. */
void d2s_rules_streamed(struct d2s_index *ix, const struct d2s_stream_claims *sc);
/** End of pass 1: every rule's seal, then which records pass 2 rewrites. */
void d2s_rules_seal(struct d2s_index *ix);
/** Pass 2: whether piece `i` (0-based, in input order) is rewritten: 0
 *  no (it is written as read), 1 yes, parsed again, 2 yes, from what its
 *  rule kept in pass 1 (no parse: d2s_rules_rewrite takes a NULL doc). */
int d2s_rules_wants(const struct d2s_index *ix, size_t i);
/** Pass 2: rewrite piece `i`, parsed into `doc` from `src` (`doc` NULL
 *  when d2s_rules_wants said 2; `parser` for re-emits and List items): append the bytes to write instead of it to
 *  `bytes` (nothing when it is dropped). Returns 0, or -1 after an error
 *  was reported (the piece is then written as read). */
int d2s_rules_rewrite(const struct d2s_index *ix, size_t i, const struct d2s_src *src,
		      const struct d2s_doc *doc, struct d2s_parser *parser, struct d2s_buf *bytes);

#endif

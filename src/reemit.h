/* reemit.h - edit stage: the flow-style fallback. Edits in place cannot
 * reach inside flow collections ({...}, [...]) or JSON; such a document is
 * re-emitted in block style once (libfyaml), parsed again, and the edit is
 * retried on that copy; so is a document where an edit lands in a node an
 * alias repeats, with its aliases expanded. One helper serves every caller
 * (a Deployment's conversion, a PVC or scaling reference rewritten in pass
 * 2, KRM ResourceList items), so the warning and the errors read the same
 * everywhere. See
 * docs/architecture.md ("The flow-style fallback"). */
#ifndef D2S_REEMIT_H
#define D2S_REEMIT_H

#include "buf.h"
#include "diag.h"
#include "edit.h"
#include "tree.h"

/** A block-style copy of a document: its text and its tree (the tree points
 *  into the text). Zero-initialise; free with d2s_reemit_free. */
struct d2s_reemit {
	struct d2s_buf text;
	struct d2s_doc doc;
};

/** Re-emit `doc` in block style (d2s_reemit_block) into r->text and parse
 *  that with `parser` into r->doc. Returns 0, or -1 when libfyaml cannot
 *  re-emit it or the copy holds no document (nothing is reported). */
int d2s_reemit_parse(struct d2s_parser *parser, const struct d2s_doc *doc, struct d2s_reemit *r);

/** An edit of a whole document: returns 0 when done, 1 when it needs the
 *  document in block style, 2 when it needs the document's aliases
 *  expanded (nothing reported, nothing kept in either case), or -1 after
 *  reporting an error itself. `ctx` is the caller's. */
typedef int (*d2s_edit_fn)(const struct d2s_doc *doc, void *ctx);

/** Run edit(doc, ctx). When it returns 1, re-emit `doc` in block style into
 *  `r` (a warning at `w`: comments are lost); when it returns 2, re-emit it
 *  with its aliases expanded and merge keys merged as Kubernetes' decoder
 *  reads them (d2s_reemit_expanded; a warning at `w` naming the anchors);
 *  then run the edit again on r->doc. Returns 0, or -1 after an error
 *  (reported at `w`, or by the edit). Results of the edit may point into
 *  r->doc: free `r` after them. */
int d2s_edit_retry(struct d2s_parser *parser, struct d2s_diag *diag, const struct d2s_where *w,
		   const struct d2s_doc *doc, d2s_edit_fn edit, void *ctx, struct d2s_reemit *r);

/** Append to `out` document `doc` re-emitted in block style (its layout)
 *  with every alias expanded and every merge key `<<` merged, as
 *  Kubernetes' decoder (sigs.k8s.io/yaml over go-yaml) reads it
 *  (d2s_v_from_node, which bounds the expansion against alias bombs); the
 *  separator and comments before the content and a `...` after it are
 *  kept, other comments are lost. Returns 0, or -1 when the value cannot
 *  be built (an unknown tag, a non-scalar key, over 100000 values). */
int d2s_reemit_expanded(const struct d2s_doc *doc, struct d2s_buf *out);

/** Free what `r` holds and zero it (a zeroed `r` is fine). */
void d2s_reemit_free(struct d2s_reemit *r);

#endif

/* items.h - read/write stage for documents that carry whole objects as
 * `items`: a `kind: List` (Kubernetes API conventions, kubernetes/community
 * contributors/devel/sig-architecture/api-conventions.md, "Lists and Simple
 * kinds") and a KRM function's ResourceList (KRM Functions Specification,
 * kubernetes-sigs/kustomize cmd/config/docs/api-conventions/functions-spec.md).
 * kustomize's kyaml reads both in one branch (kyaml/kio/byteio_reader.go); here
 * too: each item's text is cut out and shifted to column 0 (a plain
 * document), and documents are shifted back into "- item" lines, so every
 * item keeps its bytes, comments and annotations. */
#ifndef D2S_ITEMS_H
#define D2S_ITEMS_H

#include "buf.h"
#include "diag.h"
#include "reemit.h"
#include "tree.h"

/** The `items` of a List or ResourceList document, in block style. */
struct d2s_items {
	const struct d2s_doc *doc;   /**< the document holding `seq`: the input,
					  or block.doc (borrowed) */
	const struct d2s_node *seq;  /**< the `items` value; NULL when absent
					  (may be a non-sequence: callers check) */
	struct d2s_reemit block;     /**< block-style copy, when the items were
					  written in flow style or JSON (owned) */
};

/** Find the `items` of root mapping `doc` (borrowed: must outlive `it`).
 *  Flow or JSON items are re-emitted in block style once with `parser`
 *  (their comments are lost). Returns 0, or -1 when that re-emit fails
 *  (nothing reported). Free with d2s_items_free either way. */
int d2s_items_open(struct d2s_parser *parser, const struct d2s_doc *doc, struct d2s_items *it);
/** d2s_items_open for a List whose items the convert stage edits in place:
 *  items written in flow style or JSON (`kubectl get -o json` writes a
 *  `kind: List`), or an item among them that `want(item, ctx)` selects and
 *  that is a flow mapping, are re-emitted in block style once, with the
 *  warning d2s_edit_retry gives (reemit.h: comments are lost), at `w`.
 *  Returns 0, or -1 after reporting an error at `w` when the re-emit fails.
 *  Free with d2s_items_free either way. */
int d2s_items_open_block(struct d2s_parser *parser, const struct d2s_doc *doc, struct d2s_diag *diag,
			 const struct d2s_where *w, int (*want)(const struct d2s_node *item, const void *ctx),
			 const void *ctx, struct d2s_items *it);
/** Free what d2s_items_open made (a zeroed `it` is fine). */
void d2s_items_free(struct d2s_items *it);

/** Append the items (it->seq must be a block sequence) as one plain stream
 *  to `s`: each after a "---" line, shifted to column 0. When `lines` is
 *  not NULL (it->seq->n entries), lines[i] gets the 1-based line of item
 *  i's "---" line in `s` (diagnostics of the stream map back to items). */
void d2s_items_to_stream(const struct d2s_items *it, struct d2s_buf *s, long *lines);
/** Append each document of the stream text[0..len) (without its `---`
 *  line) to `out` as a "- item" line at column 0. Returns 0, or -1 when
 *  the stream cannot be split (not expected of our own output). */
int d2s_stream_to_items(const char *text, size_t len, struct d2s_buf *out);
/** Append the text of pair `key` of the root mapping of `doc`, from its
 *  line to the line after its value (nothing when absent). */
void d2s_pair_text(const struct d2s_doc *doc, const char *key, struct d2s_buf *out);

/** Text of sequence item `item` shifted so that its content starts at
 *  column 0 (lines lose up to `*col` leading spaces). Appends to `out`;
 *  `*col` gets the item's column. */
void d2s_item_unindent(const struct d2s_doc *doc, const struct d2s_node *item,
		       struct d2s_buf *out, int *col);
/** Append `text` to `out` with every line but the first indented by `col`
 *  spaces (empty lines stay empty). */
void d2s_reindent(const char *text, size_t len, int col, struct d2s_buf *out);
/** Append document `text` as one block sequence item: `dash` spaces, "- ",
 *  the text with its later lines indented to dash + 2, a final line break. */
void d2s_append_as_item(struct d2s_buf *out, const char *text, size_t len, int dash);

#endif

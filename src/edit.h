/* edit.h - edit stage (the convert stage's tool): edit a document's text in
 * place.
 *
 * Edits are byte ranges of the original text replaced by new text; they are
 * spliced in one pass, so everything not edited (comments, quoting, key
 * order, sequence style) comes out exactly as it went in (docs/architecture.md,
 * "Edit in place").
 * Generated YAML (new keys, claim templates, the Service) is rendered from a
 * small value tree in the document's own indentation and sequence style
 * (render.h).
 * Structural edits inside flow collections are not attempted: they set
 * `reemit` and the caller re-emits the document in block style instead
 * (reemit.h). */
#ifndef D2S_EDIT_H
#define D2S_EDIT_H

#include <stddef.h>
#include "buf.h"
#include "render.h"
#include "tree.h"

/** One replacement of [a, b) by `text` (owned). */
struct d2s_edit {
	size_t a, b;
	char *text;
	size_t len;
	size_t seq;   /**< order of creation: ties at one offset keep it */
};

/** Edits over one text. */
struct d2s_edits {
	const char *src;   /**< borrowed original text */
	size_t len;
	struct d2s_edit *v;
	size_t n, cap;
	int reemit;        /**< an edit needed a flow parent: re-emit instead */
	int expand;        /**< an edit lands in a node an alias repeats (or a
				 merge key gives): re-emit with the aliases expanded
				 instead (reemit.c names the anchors) */
	struct d2s_layout layout;
};

/** Start an empty edit list over `src[0..len)` (borrowed), layout defaulted. */
void d2s_edits_init(struct d2s_edits *e, const char *src, size_t len);
/** Free the edits' texts and the list. */
void d2s_edits_free(struct d2s_edits *e);
/** Replace [a, b) by text[0..len). */
void d2s_edit(struct d2s_edits *e, size_t a, size_t b, const char *text, size_t len);
/** Apply all edits to a new text appended to `out`. Returns 0, or -1 when two
 *  edits overlap (a bug, reported by the caller). */
int d2s_edits_apply(const struct d2s_edits *e, struct d2s_buf *out);

/** Replace scalar `n` by `value`, keeping its quote style. */
void d2s_yset_scalar(struct d2s_edits *e, const struct d2s_node *n, const char *value);
/** Remove pair `i` of mapping `map`; full-line comments inside it stay. */
void d2s_yremove_pair(struct d2s_edits *e, const struct d2s_node *map, size_t i);
/** Remove item `i` of sequence `seq`; full-line comments inside it stay. */
void d2s_yremove_item(struct d2s_edits *e, const struct d2s_node *seq, size_t i);
/** Insert the pairs of MAP `v` into block mapping `map` before its first
 *  pair (`first`) or after its last one (an empty `{}` pair value is
 *  replaced, see d2s_yset_empty). */
void d2s_yinsert_pairs(struct d2s_edits *e, const struct d2s_node *map,
		       const struct d2s_val *v, int first);
/** Give pair value `n`, empty in the text (nothing, ~, null, {} or []), the
 *  value `v`, written in block style after its key ("key:" + line break +
 *  block collection, or "key: scalar"). Sets e->reemit when `n` is not such
 *  a value of a block mapping pair, or carries a tag or anchor. */
void d2s_yset_empty(struct d2s_edits *e, const struct d2s_node *n, const struct d2s_val *v);
/** Append the items of SEQ `v` to block sequence `seq` (an empty `[]`
 *  pair value is replaced, see d2s_yset_empty). */
void d2s_yappend_items(struct d2s_edits *e, const struct d2s_node *seq, const struct d2s_val *v);
/** Rewrite each single-quoted scalar under `root` that holds '' as a
 *  double-quoted one with the same value, before libfyaml reads the text:
 *  libfyaml 0.7.12 reads runs of '' wrongly (`'a''''b'` as a''';
 *  pantoniou/libfyaml#233) and would re-emit that wrong value. */
void d2s_requote_single(struct d2s_edits *e, const struct d2s_node *root);
/** Offset of the start of the line holding `off`. */
size_t d2s_line_start(const char *text, size_t off);
/** Offset just past the line break at or after `off` (`off` itself when it
 *  starts a line already; `len` when no break follows). */
size_t d2s_next_line(const char *text, size_t len, size_t off);

/* Implemented in reemit.c (the flow-style fallback of this layer). */

/** Re-emit `text` (one document, parsed into `doc`) in block style with
 *  libfyaml, keeping the lines before the document content (`---`,
 *  `# Source:` comments). Returns 0 with the new text appended to `out`, or
 *  -1 (e.g. nesting deeper than libfyaml's 64 levels). Comments inside the
 *  content are lost. */
int d2s_reemit_block(const char *text, size_t len, const struct d2s_doc *doc, struct d2s_buf *out);

/** Lines of `doc` before its content that start with "# Source:" (written by
 *  `helm template`), appended to `out` as they are. */
void d2s_source_comments(const struct d2s_doc *doc, struct d2s_buf *out);

#endif

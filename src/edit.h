/* edit.h - edit stage (the convert stage's tool): edit a document's text in
 * place.
 *
 * Edits are byte ranges of the original text replaced by new text; they are
 * spliced in one pass, so everything not edited (comments, quoting, key
 * order, sequence style) comes out exactly as it went in (docs/architecture.md,
 * "Edit in place").
 * Generated YAML (new keys, claim templates, the Service) is rendered from a
 * small value tree in the document's own indentation and sequence style.
 * Structural edits inside flow collections are not attempted: they set
 * `reemit` and the caller re-emits the document in block style instead
 * (reemit.h). */
#ifndef D2S_EDIT_H
#define D2S_EDIT_H

#include <stddef.h>
#include "buf.h"
#include "tree.h"

/** One replacement of [a, b) by `text` (owned). */
struct d2s_edit {
	size_t a, b;
	char *text;
	size_t len;
	size_t seq;   /**< order of creation: ties at one offset keep it */
};

/** How the document writes YAML. */
struct d2s_layout {
	int indent;        /**< spaces per mapping level (default 2) */
	int seq_indent;    /**< dash column minus parent key column (0 or indent) */
	const char *nl;    /**< "\n" or "\r\n" */
};

/** Edits over one text. */
struct d2s_edits {
	const char *src;   /**< borrowed original text */
	size_t len;
	struct d2s_edit *v;
	size_t n, cap;
	int reemit;        /**< an edit needed a flow parent: re-emit instead */
	struct d2s_layout layout;
};

/** Value tree for generated YAML; allocate in an arena. */
enum d2s_val_type { D2S_V_STR, D2S_V_RAW, D2S_V_MAP, D2S_V_SEQ };
struct d2s_val {
	enum d2s_val_type type;
	const char *s;           /**< STR: text (quoted when needed); RAW: emitted as is */
	const char **keys;       /**< MAP keys */
	struct d2s_val **kids;   /**< MAP values / SEQ items */
	size_t n, cap;
};

/** An empty MAP value allocated in `a` (lives as long as the arena). */
struct d2s_val *d2s_v_map(struct d2s_arena *a);
/** An empty SEQ value allocated in `a`. */
struct d2s_val *d2s_v_seq(struct d2s_arena *a);
/** A string value: written plain when that reads back as the same string,
 *  else double-quoted. */
struct d2s_val *d2s_v_str(struct d2s_arena *a, const char *s);
/** A value written verbatim (numbers, booleans, already-valid plain text). */
struct d2s_val *d2s_v_raw(struct d2s_arena *a, const char *s);
/** Append key/value to a MAP (key copied into the arena). */
void d2s_v_put(struct d2s_arena *a, struct d2s_val *map, const char *key, struct d2s_val *v);
/** Append an item to a SEQ. */
void d2s_v_push(struct d2s_arena *a, struct d2s_val *seq, struct d2s_val *v);
/** Copy a parsed node into a value tree (plain scalars verbatim, others
 *  re-quoted). Returns NULL when `n` holds aliases, tags or nests deeper
 *  than 64 levels. */
struct d2s_val *d2s_v_from_node(struct d2s_arena *a, const struct d2s_node *n);

/** Render MAP `v` as block pairs starting at column `col`. */
void d2s_render_pairs(struct d2s_buf *b, const struct d2s_val *v, int col,
		      const struct d2s_layout *l);
/** True when `s` can be written as a plain scalar and read back as the same
 *  string (not null, bool, number, and no indicator characters). */
int d2s_plain_safe(const char *s);

/** Start an empty edit list over `src[0..len)` (borrowed), layout defaulted. */
void d2s_edits_init(struct d2s_edits *e, const char *src, size_t len);
/** Free the edits' texts and the list. */
void d2s_edits_free(struct d2s_edits *e);
/** Replace [a, b) by text[0..len). */
void d2s_edit(struct d2s_edits *e, size_t a, size_t b, const char *text, size_t len);
/** Apply all edits to a new text appended to `out`. Returns 0, or -1 when two
 *  edits overlap (a bug, reported by the caller). */
int d2s_edits_apply(const struct d2s_edits *e, struct d2s_buf *out);

/** Detect indentation, sequence style and line breaks of `doc`. */
void d2s_layout_detect(const struct d2s_doc *doc, struct d2s_layout *l);

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

/* tree.h - the read stage's document model: one YAML document's text parsed
 * by libfyaml's event parser into a light tree of nodes that know their exact
 * byte span in that text. The convert stage edits the text through these
 * spans (edit in place), so nothing here ever re-emits YAML.
 *
 * Aliases stay alias nodes (never expanded: alias bombs cost nothing) that
 * point to their anchored node; the lookups (d2s_get, d2s_path, d2s_str,
 * d2s_is) see through them and through merge keys `<<`, as Kubernetes'
 * decoder does (sigs.k8s.io/yaml converts YAML to JSON with go-yaml, which
 * expands aliases and merges `<<`). The tree is built with an explicit stack, so nesting depth is not limited by the
 * C stack (libfyaml's document loader stops at depth 64). */
#ifndef D2S_TREE_H
#define D2S_TREE_H

#include <stddef.h>
#include "buf.h"
#include "diag.h"
#include "scalar.h"

/** Kind of a node: scalar, mapping, sequence or alias (YAML 1.2.2 ch. 3.2.1). */
enum d2s_node_type { D2S_SCALAR, D2S_MAP, D2S_SEQ, D2S_ALIAS };

/** One node. Offsets are bytes into the parsed text; all memory belongs to
 *  the d2s_doc's arena. */
struct d2s_node {
	enum d2s_node_type type;
	enum d2s_style style;    /**< scalars only */
	unsigned flow : 1;       /**< collection written in flow style ({} / []) */
	unsigned tagged : 1;     /**< has an explicit tag */
	unsigned null_empty : 1; /**< empty plain scalar (no text at all) */
	unsigned aliased : 1;    /**< an alias of this document refers to this node */
	const char *anchor;      /**< its anchor name (without '&'), or NULL */
	const char *tag;         /**< explicit tag, resolved ("tag:yaml.org,2002:int",
				      "!foo"), or NULL */
	struct d2s_node *target; /**< alias: the anchored node it refers to (NULL
				      when the anchor is unknown) */
	size_t start;            /**< first byte (opening quote, '{', '-' of a
				      block sequence, first key of a block map) */
	size_t end;              /**< one past the last byte of content (closing
				      quote, '}', last child's end); for block
				      scalars the start of the line after them */
	const char *value;       /**< scalar value / alias anchor, NUL-terminated */
	size_t len;              /**< length of value */
	size_t n;                /**< map: pairs; seq: items */
	struct d2s_node **kids;  /**< map: key0,val0,key1,val1,...; seq: items */
	struct d2s_node *parent;
};

/** A parsed document text. */
struct d2s_doc {
	const char *text;        /**< borrowed: the document text */
	size_t len;
	struct d2s_node *root;   /**< NULL when the text holds no document */
	int n_docs;              /**< documents found in the text (normally 0 or 1) */
	int skipped;             /**< d2s_parse_lazy: tree not built (kind not wanted) */
	struct d2s_arena arena;  /**< owns every node */
	/* parse error, if d2s_parse returned -1 */
	long err_line, err_col;  /**< 1-based, within the text */
	char err_msg[256];
};

/** Reusable parser state (one libfyaml parser + collecting diag). */
struct d2s_parser;

struct fy_parser;
struct fy_diag;

/** A libfyaml parser with the flags every stage uses and a diag that
 *  collects errors instead of printing them (libfyaml 0.7.12's printing of
 *  stream errors reads past a buffer). Sets *diag; free both with
 *  d2s_fy_parser_free. NULL on out of memory. */
struct fy_parser *d2s_fy_parser_new(struct fy_diag **diag);
/** Free what d2s_fy_parser_new made (NULLs are fine). A parser that hit
 *  libfyaml 0.7.12's double free (pantoniou/libfyaml#57) is kept instead,
 *  reachable until the process ends, because destroying it crashes. */
void d2s_fy_parser_free(struct fy_parser *fyp, struct fy_diag *diag);
/** The first error collected in `diag`: 1-based line and column (1 when
 *  unknown) and its message, written into msg (size n). */
void d2s_fy_first_error(struct fy_diag *diag, long *line, long *col, char *msg, size_t n);

/** Create a parser; returns NULL on out of memory. Free with d2s_parser_free. */
struct d2s_parser *d2s_parser_new(void);
/** Free a parser made by d2s_parser_new (NULL is fine). */
void d2s_parser_free(struct d2s_parser *p);

/** Parse `text[0..len)` (one YAML document with its leading comments,
 *  directives, `---` and trailing `...`) into `doc`, which is reset first.
 *  `text` must stay alive while `doc` is used. Returns 0, or -1 with
 *  doc->err_line/err_col/err_msg set (positions relative to `text`). */
int d2s_parse(struct d2s_parser *p, const char *text, size_t len, struct d2s_doc *doc);

/** Like d2s_parse, but once the root mapping's `kind` is read and
 *  `want(kind)` says 0, the rest is only checked, not built: doc->root is
 *  NULL and doc->skipped is 1 (the text is valid YAML). Saves the tree for
 *  documents no rule changes. */
int d2s_parse_lazy(struct d2s_parser *p, const char *text, size_t len, struct d2s_doc *doc,
		   int (*want)(const char *kind));

/** How many scalar values parser `p` has so far asked from libfyaml
 *  because scalar.c found no usable span or header (tests expect 0: see
 *  scalar.h). */
unsigned long d2s_value_fallbacks(const struct d2s_parser *p);

/** Release the nodes of `doc` (the struct itself can be reused). */
void d2s_doc_free(struct d2s_doc *doc);

/** The node `n` stands for: an alias's anchored node, else `n` itself
 *  (NULL stays NULL). */
const struct d2s_node *d2s_deref(const struct d2s_node *n);
/** Value node of `key` in mapping `map`, or NULL (also when map is not a
 *  mapping). Keys are compared as decoded scalar values. `map`, the keys
 *  and the result are dereferenced (d2s_deref); a key absent from `map`
 *  is looked up in the mappings its merge key `<<` names (one mapping or a
 *  list of them, earlier ones first; YAML merge key type,
 *  https://yaml.org/type/merge.html), as go-yaml does. */
struct d2s_node *d2s_get(const struct d2s_node *map, const char *key);
/** True when key node `k` is the merge key `<<` (plain, or tagged !!merge;
 *  https://yaml.org/type/merge.html). */
int d2s_is_merge_key(const struct d2s_node *k);
/** Key node of `key` in mapping `map` itself (no merge keys), or NULL. */
struct d2s_node *d2s_get_key(const struct d2s_node *map, const char *key);
/** Follow a NULL-terminated list of keys from `n` (use d2s_path). */
struct d2s_node *d2s_path_v(const struct d2s_node *n, ...);
/** Follow keys from `n`: d2s_path(n, "spec", "template"); NULL if absent. */
#define d2s_path(n, ...) d2s_path_v((n), __VA_ARGS__, (const char *)NULL)
/** The scalar value of `n` (dereferenced) if it is a scalar, else NULL. */
const char *d2s_str(const struct d2s_node *n);
/** Scalar value at mapping key, or NULL. */
const char *d2s_get_str(const struct d2s_node *map, const char *key);
/** True when `n` (dereferenced) is a scalar equal to `s`. */
int d2s_is(const struct d2s_node *n, const char *s);
/** True when scalar `n` (dereferenced) is an integer for Kubernetes'
 *  decoder: a plain untagged scalar, or any scalar tagged !!int, whose
 *  value is decimal digits (`!!int "3"` is 3; `!!str 3` and `"3"` are
 *  strings). Only non-negative decimal integers are accepted. */
int d2s_is_uint(const struct d2s_node *n);
/** The node at or above `n` that an alias refers to, or NULL: an edit of
 *  `n` would also change every alias of that node. */
const struct d2s_node *d2s_shared(const struct d2s_node *n);
/** The first node inside `n` (n included) that an alias refers to, or
 *  NULL: removing `n` would leave that alias without its anchor. */
const struct d2s_node *d2s_holds_anchor(const struct d2s_node *n);

/** Column of byte offset `off` in `text`: bytes from its line start. */
int d2s_column(const char *text, size_t off);
/** 1-based line and column (in bytes) of byte offset `off` in `text`. */
void d2s_linecol(const char *text, size_t off, long *line, long *col);

/** The identity fields of an object (borrowed from its tree; ns is "" when
 *  metadata.namespace is absent, the others NULL when absent). */
struct d2s_ident {
	const char *api_version, *kind, *name, *ns;
};

/** Identity of root mapping `root` (NULL fields when absent). */
struct d2s_ident d2s_identify(const struct d2s_node *root);

/** A document and where it came from: its bytes (borrowed) and the input
 *  name and 1-based input line of text[0]. One piece of the stream, or one
 *  item of a List shifted to column 0 (then `col` is the item's column in
 *  the List; 0 otherwise). */
struct d2s_src {
	const char *text;
	size_t len;
	const char *file;
	long line;
	long col;
};

/** The d2s_where of node `at` (NULL: the start of the text) of document
 *  `src`, naming object `id` (may be NULL): input line and column of the
 *  node. Strings are borrowed from `src` and `id`. */
struct d2s_where d2s_src_where(const struct d2s_src *src, const struct d2s_node *at,
			       const struct d2s_ident *id);

#endif

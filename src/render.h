/* render.h - edit stage: generated YAML, and the one value tree of the
 * program. New keys, claim templates, the headless Service, KRM results and
 * the ConversionReport are built as small value trees; they are rendered as
 * block YAML in the layout of the document they go into (indentation,
 * sequence style, line breaks), so inserted text looks like the text around
 * it, or as JSON (the report's JSON format). */
#ifndef D2S_RENDER_H
#define D2S_RENDER_H

#include <stddef.h>
#include "buf.h"
#include "tree.h"

/** How the document writes YAML. */
struct d2s_layout {
	int indent;        /**< spaces per mapping level (default 2) */
	int seq_indent;    /**< dash column minus parent key column (0 or indent) */
	const char *nl;    /**< "\n" or "\r\n" */
	int quote_all;     /**< every STR double-quoted (the report), else plain when safe */
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
/** The value of `key` in MAP `map`, or NULL (borrowed). */
struct d2s_val *d2s_v_get(const struct d2s_val *map, const char *key);
/** Append an item to a SEQ. */
void d2s_v_push(struct d2s_arena *a, struct d2s_val *seq, struct d2s_val *v);
/** Copy a parsed node into a value tree as Kubernetes' decoder
 *  (sigs.k8s.io/yaml over go-yaml) reads it: aliases expanded, merge keys
 *  `<<` merged (own keys first), core tags by meaning (`!!int "3"` is 3,
 *  `!!str 3` the string "3"); plain scalars verbatim, others re-quoted.
 *  Returns NULL for an unknown tag, a non-scalar key, nesting deeper than
 *  64 levels, or more than 100000 values (an alias bomb). */
struct d2s_val *d2s_v_from_node(struct d2s_arena *a, const struct d2s_node *n);

/** A deep copy of value `v` (NULL stays NULL) allocated in `a`. */
struct d2s_val *d2s_v_copy(struct d2s_arena *a, const struct d2s_val *v);

/** Render MAP `v` as block pairs starting at column `col`. */
void d2s_render_pairs(struct d2s_buf *b, const struct d2s_val *v, int col,
		      const struct d2s_layout *l);
/** Render what follows "key:" for a key at column `col`: " scalar", or a
 *  line break and a block collection; then a line break. */
void d2s_render_value(struct d2s_buf *b, const struct d2s_val *v, int col,
		      const struct d2s_layout *l);
/** Render SEQ `v` as block items with their dashes at column `dash`. */
void d2s_render_items(struct d2s_buf *b, const struct d2s_val *v, int dash,
		      const struct d2s_layout *l);
/** Append `s` as a double-quoted scalar that is also a JSON string
 *  (RFC 8259 section 7; YAML 1.2's double-quoted escapes are a superset):
 *  quote, backslash, controls, DEL, C1, U+2028/9, BOM and non-characters
 *  escaped; ill-formed UTF-8 becomes U+FFFD. */
void d2s_render_quoted(struct d2s_buf *b, const char *s);
/** Append `v` as pretty JSON (2-space indent, final line break): MAP an
 *  object, SEQ an array, STR a string, RAW verbatim (it must be a JSON
 *  number, true, false or null). */
void d2s_render_json(struct d2s_buf *b, const struct d2s_val *v);
/** True when `s` can be written as a plain scalar and read back as the same
 *  string (not null, bool, number, and no indicator characters). */
int d2s_plain_safe(const char *s);

/** Detect indentation, sequence style and line breaks of `doc`. */
void d2s_layout_detect(const struct d2s_doc *doc, struct d2s_layout *l);

#endif

/* scalar.h - read stage helper: a scalar's value decoded from its source
 * text, by the rules of YAML 1.2.2 chapters 6-8 (line folding §6.5,
 * single-quoted §7.3.2, double-quoted and its escapes §7.3.1 and §5.7,
 * plain §7.3.3, block scalars §8.1).
 *
 * libfyaml finds every scalar's span (tree.c); the value is decoded here
 * because libfyaml 0.7.12's value formatter (fy_token_get_text) is wrong on
 * some inputs and leaks on others: runs of '' read wrongly and lose the
 * atom iterator's chunk array (pantoniou/libfyaml#233), and when its two
 * formatting passes disagree it returns NULL without freeing that array.
 * tests/unit_tree.c checks every value against the YAML Test Suite. */
#ifndef D2S_SCALAR_H
#define D2S_SCALAR_H

#include <stddef.h>
#include "buf.h"

/** Scalar styles, in libfyaml's order (FYSS_PLAIN ...); tree.h's nodes
 *  carry one (it lives here so that tree.h includes scalar.h, not the
 *  other way round). */
enum d2s_style { D2S_PLAIN, D2S_SINGLE, D2S_DOUBLE, D2S_LITERAL, D2S_FOLDED };

/** Decode the flow scalar (plain, single- or double-quoted) written at
 *  text[start, end) — quotes included for quoted styles — into the arena.
 *  Returns the NUL-terminated value (length in *len; a double-quoted \0
 *  makes it shorter than *len says when read as a C string). */
char *d2s_flow_scalar_value(struct d2s_arena *a, const char *text, size_t start, size_t end,
			    enum d2s_style style, size_t *len);

/** Decode a block scalar (literal or folded) whose content lines start at
 *  text[start] (len: the text's length; the content ends at the first line
 *  less indented than it). Its header (`|` or `>`, indentation and chomping
 *  indicators) is the last one found in text[from, start), where `from` is
 *  the end of whatever precedes the scalar (its key, the previous item, the
 *  document start). `parent_col` is the column of the enclosing block
 *  collection, -1 at the document root: content must be indented past it,
 *  and an indentation indicator m puts it at max(parent_col, 0) + m.
 *  Returns the value in the arena, or NULL when no header is found there
 *  (the caller then asks libfyaml). */
char *d2s_block_scalar_value(struct d2s_arena *a, const char *text, size_t len, size_t from,
			     size_t start, int parent_col, size_t *out_len);

#endif

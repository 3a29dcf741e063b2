/* report_emit.h - printer for the conversion report: a small tree of JSON
 * values (objects keep member order) printed as pretty JSON or as block
 * YAML with double-quoted strings. Knows nothing about the report's
 * fields; report.c builds the tree. */
#ifndef D2S_REPORT_EMIT_H
#define D2S_REPORT_EMIT_H

#include "buf.h"

/** Type of one value. */
enum d2s_rval_type { D2S_RV_OBJ, D2S_RV_ARR, D2S_RV_STR, D2S_RV_INT, D2S_RV_BOOL, D2S_RV_NULL };

/** One value; children in insertion order. Strings are borrowed and must
 *  outlive the printing. */
struct d2s_rval {
	enum d2s_rval_type t;
	const char *key;          /**< member name when the parent is an object (ASCII word) */
	const char *s;            /**< D2S_RV_STR: the text (UTF-8; bad bytes print as U+FFFD) */
	long long i;              /**< D2S_RV_INT: the number; D2S_RV_BOOL: 0 or 1 */
	struct d2s_rval *kids, *last, *next;
};

/** Allocate a zeroed value of type `t` in arena `a` and append it to
 *  `parent` (NULL for a root) under `key` (NULL in an array). */
struct d2s_rval *d2s_rval_add(struct d2s_arena *a, struct d2s_rval *parent, const char *key,
			      enum d2s_rval_type t);

/** Append string member `s` (borrowed) to `parent` under `key`; nothing
 *  when `s` is NULL, or when it is "" and `omit_empty` is set. */
void d2s_rval_str(struct d2s_arena *a, struct d2s_rval *parent, const char *key,
		  const char *s, int omit_empty);

/** Append `v` to `out`: pretty JSON (RFC 8259, 2-space indent, final line
 *  break) when `json`, else a block-style YAML mapping/sequence (YAML 1.2)
 *  whose strings are double-quoted. Strings use only escapes valid in both
 *  (JSON's), so the same text parses in either. */
void d2s_rval_print(struct d2s_buf *out, const struct d2s_rval *v, int json);

#endif

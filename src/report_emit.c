/* report_emit.c - printer for the conversion report: a value tree printed
 * as JSON or block YAML (see report_emit.h). */
#include "report_emit.h"

#include <stdint.h>
#include <string.h>

struct d2s_rval *d2s_rval_add(struct d2s_arena *a, struct d2s_rval *parent, const char *key,
			      enum d2s_rval_type t)
{
	struct d2s_rval *v = d2s_arena_alloc(a, sizeof(*v));
	v->t = t, v->key = key;
	if (parent && parent->last)
		parent->last->next = v;
	else if (parent)
		parent->kids = v;
	if (parent)
		parent->last = v;
	return v;
}

void d2s_rval_str(struct d2s_arena *a, struct d2s_rval *parent, const char *key,
		  const char *s, int omit_empty)
{
	if (s && (s[0] || !omit_empty))
		d2s_rval_add(a, parent, key, D2S_RV_STR)->s = s;
}

/* Decode one UTF-8 sequence at s into *cp; 0 when it is not well-formed. */
static size_t u8dec(const unsigned char *s, uint32_t *cp)
{
	size_t n;
	uint32_t min;
	if (s[0] < 0x80)
		return *cp = s[0], 1;
	if ((s[0] & 0xe0) == 0xc0)
		n = 2, min = 0x80, *cp = s[0] & 0x1f;
	else if ((s[0] & 0xf0) == 0xe0)
		n = 3, min = 0x800, *cp = s[0] & 0x0f;
	else if ((s[0] & 0xf8) == 0xf0)
		n = 4, min = 0x10000, *cp = s[0] & 0x07;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		*cp = *cp << 6 | (s[i] & 0x3f);
	}
	if (*cp < min || *cp > 0x10ffff || (*cp >= 0xd800 && *cp <= 0xdfff))
		return 0;
	return n;
}

/* A double-quoted string valid in both JSON (RFC 8259 section 7) and YAML
 * 1.2 (double-quoted escapes are a superset of JSON's): controls, DEL, C1,
 * U+2028/9, BOM and non-characters escaped; ill-formed UTF-8 -> U+FFFD. */
static void put_str(struct d2s_buf *b, const char *s)
{
	d2s_buf_puts(b, "\"");
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		uint32_t cp;
		size_t n = u8dec(p, &cp);
		if (!n)
			d2s_buf_puts(b, "\\ufffd"), n = 1;
		else if (cp == '"' || cp == '\\')
			d2s_buf_printf(b, "\\%c", (char)cp);
		else if (cp == '\n' || cp == '\t')
			d2s_buf_puts(b, cp == '\n' ? "\\n" : "\\t");
		else if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029 ||
			 cp == 0xfeff || cp == 0xfffe || cp == 0xffff)
			d2s_buf_printf(b, "\\u%04x", (unsigned)cp);
		else
			d2s_buf_add(b, (const char *)p, n);
		p += n;
	}
	d2s_buf_puts(b, "\"");
}

static int is_container(const struct d2s_rval *v)
{
	return v->t == D2S_RV_OBJ || v->t == D2S_RV_ARR;
}

/* Scalars and empty containers, printed the same in both formats. */
static void put_scalar(struct d2s_buf *b, const struct d2s_rval *v)
{
	if (v->t == D2S_RV_STR)
		put_str(b, v->s);
	else if (v->t == D2S_RV_INT)
		d2s_buf_printf(b, "%lld", v->i);
	else if (v->t == D2S_RV_BOOL)
		d2s_buf_puts(b, v->i ? "true" : "false");
	else if (v->t == D2S_RV_NULL)
		d2s_buf_puts(b, "null");
	else
		d2s_buf_puts(b, v->t == D2S_RV_OBJ ? "{}" : "[]");
}

static void json(struct d2s_buf *b, const struct d2s_rval *v, size_t ind)
{
	if (!is_container(v) || !v->kids) {
		put_scalar(b, v);
		return;
	}
	d2s_buf_puts(b, v->t == D2S_RV_OBJ ? "{" : "[");
	for (const struct d2s_rval *k = v->kids; k; k = k->next) {
		d2s_buf_puts(b, k == v->kids ? "\n" : ",\n");
		d2s_buf_fill(b, ' ', ind + 2);
		if (v->t == D2S_RV_OBJ)
			put_str(b, k->key), d2s_buf_puts(b, ": ");
		json(b, k, ind + 2);
	}
	d2s_buf_puts(b, "\n");
	d2s_buf_fill(b, ' ', ind);
	d2s_buf_puts(b, v->t == D2S_RV_OBJ ? "}" : "]");
}

static void yaml_map(struct d2s_buf *b, const struct d2s_rval *v, size_t ind, int inline_first);

/* Block YAML for `v` after "key:" or "-" (the cursor is right after it). */
static void yaml_after(struct d2s_buf *b, const struct d2s_rval *v, size_t ind)
{
	if (!is_container(v) || !v->kids) {
		d2s_buf_puts(b, " ");
		put_scalar(b, v);
		d2s_buf_puts(b, "\n");
	} else if (v->t == D2S_RV_OBJ) {
		d2s_buf_puts(b, "\n");
		yaml_map(b, v, ind, 0);
	} else {
		/* sequences sit at the indentation of their key, as kubectl writes them */
		size_t dash = ind >= 2 ? ind - 2 : 0;
		d2s_buf_puts(b, "\n");
		for (const struct d2s_rval *k = v->kids; k; k = k->next) {
			d2s_buf_fill(b, ' ', dash);
			d2s_buf_puts(b, "-");
			if (k->t == D2S_RV_OBJ && k->kids)
				d2s_buf_puts(b, " "), yaml_map(b, k, dash + 2, 1);
			else
				yaml_after(b, k, dash + 4);
		}
	}
}

static void yaml_map(struct d2s_buf *b, const struct d2s_rval *v, size_t ind, int inline_first)
{
	for (const struct d2s_rval *k = v->kids; k; k = k->next) {
		if (k != v->kids || !inline_first)
			d2s_buf_fill(b, ' ', ind);
		d2s_buf_printf(b, "%s:", k->key);
		yaml_after(b, k, ind + 2);
	}
}

void d2s_rval_print(struct d2s_buf *out, const struct d2s_rval *v, int json_fmt)
{
	if (json_fmt) {
		json(out, v, 0);
		d2s_buf_puts(out, "\n");
	} else if (v->t == D2S_RV_OBJ && v->kids) {
		yaml_map(out, v, 0, 0);
	} else {
		d2s_buf_puts(out, "---");
		yaml_after(out, v, 0);
	}
}

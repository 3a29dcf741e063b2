/* render.c - edit stage: generated YAML (claim templates, the Service, KRM
 * results) as value trees rendered in the document's own style (see
 * render.h). */
#include "render.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---------- values ---------- */

static struct d2s_val *v_new(struct d2s_arena *a, enum d2s_val_type t)
{
	struct d2s_val *v = d2s_arena_alloc(a, sizeof(*v));
	v->type = t;
	return v;
}

struct d2s_val *d2s_v_map(struct d2s_arena *a) { return v_new(a, D2S_V_MAP); }
struct d2s_val *d2s_v_seq(struct d2s_arena *a) { return v_new(a, D2S_V_SEQ); }

struct d2s_val *d2s_v_str(struct d2s_arena *a, const char *s)
{
	struct d2s_val *v = v_new(a, D2S_V_STR);
	v->s = d2s_arena_strndup(a, s, strlen(s));
	return v;
}

struct d2s_val *d2s_v_raw(struct d2s_arena *a, const char *s)
{
	struct d2s_val *v = v_new(a, D2S_V_RAW);
	v->s = d2s_arena_strndup(a, s, strlen(s));
	return v;
}

static void v_grow(struct d2s_arena *a, struct d2s_val *v)
{
	if (v->n < v->cap)
		return;
	size_t cap = v->cap ? v->cap * 2 : 4;
	const char **keys = d2s_arena_alloc(a, cap * sizeof(*keys));
	struct d2s_val **kids = d2s_arena_alloc(a, cap * sizeof(*kids));
	if (v->n) {
		memcpy(kids, v->kids, v->n * sizeof(*kids));
		if (v->keys)
			memcpy(keys, v->keys, v->n * sizeof(*keys));
	}
	v->keys = keys;
	v->kids = kids;
	v->cap = cap;
}

void d2s_v_put(struct d2s_arena *a, struct d2s_val *map, const char *key, struct d2s_val *v)
{
	v_grow(a, map);
	map->keys[map->n] = d2s_arena_strndup(a, key, strlen(key));
	map->kids[map->n++] = v;
}

struct d2s_val *d2s_v_get(const struct d2s_val *map, const char *key)
{
	for (size_t i = 0; map && map->type == D2S_V_MAP && i < map->n; i++)
		if (!strcmp(map->keys[i], key))
			return map->kids[i];
	return NULL;
}

void d2s_v_push(struct d2s_arena *a, struct d2s_val *seq, struct d2s_val *v)
{
	v_grow(a, seq);
	seq->kids[seq->n++] = v;
}

struct d2s_val *d2s_v_copy(struct d2s_arena *a, const struct d2s_val *v)
{
	if (!v)
		return NULL;
	if (v->type == D2S_V_STR || v->type == D2S_V_RAW)
		return v->type == D2S_V_STR ? d2s_v_str(a, v->s) : d2s_v_raw(a, v->s);
	struct d2s_val *c = v->type == D2S_V_MAP ? d2s_v_map(a) : d2s_v_seq(a);
	for (size_t i = 0; i < v->n; i++) {
		if (v->type == D2S_V_MAP)
			d2s_v_put(a, c, v->keys[i], d2s_v_copy(a, v->kids[i]));
		else
			d2s_v_push(a, c, d2s_v_copy(a, v->kids[i]));
	}
	return c;
}

/* Budget of values one d2s_v_from_node may build: aliases are expanded, so an
 * alias bomb would otherwise grow without bound. */
#define FROM_NODE_BUDGET 100000

static struct d2s_val *from_node(struct d2s_arena *a, const struct d2s_node *n, int depth,
				 long *budget);

static int number_like(const char *s);

/* The plain text that reads back as `v` of core tag `tag` (YAML 1.2.2
 * section 10.3.2: an int or float, true/false, null), or NULL when `v` is
 * none of that (`!!int abc`). */
static const char *core_text(const char *tag, const char *v)
{
	const char *t = tag + strlen("tag:yaml.org,2002:");
	if (!strcmp(t, "int") || !strcmp(t, "float"))
		return v[0] && number_like(v) && !strpbrk(v, " \t:") ? v : NULL;
	if (!strcmp(t, "bool"))
		return !strcasecmp(v, "true") ? "true" : !strcasecmp(v, "false") ? "false" : NULL;
	if (!strcmp(t, "null"))
		return "null";
	return NULL;
}

/* A scalar as Kubernetes' decoder reads it: plain and untagged as written,
 * core tags by their meaning (`!!int "3"` is 3, `!!str 3` the string "3"),
 * any other tag unknown (NULL). */
static struct d2s_val *scalar_val(struct d2s_arena *a, const struct d2s_node *n)
{
	if (n->tagged) {
		if (n->tag && !strcmp(n->tag, "tag:yaml.org,2002:str"))
			return d2s_v_str(a, n->value);
		const char *raw = n->tag && !strncmp(n->tag, "tag:yaml.org,2002:", 18) ?
				  core_text(n->tag, n->value) : NULL;
		return raw ? d2s_v_raw(a, raw) : NULL;
	}
	if (n->style == D2S_PLAIN && !strpbrk(n->value, "\n\r"))
		return d2s_v_raw(a, n->value[0] ? n->value : "null");
	return d2s_v_str(a, n->value);
}

/* Put the pairs of mapping `m` into `v`, keys already in `v` kept (own keys
 * come before merged ones: YAML merge key type, earlier merged maps win). */
static int merge_pairs(struct d2s_arena *a, struct d2s_val *v, const struct d2s_node *m, int depth,
		       long *budget)
{
	for (size_t i = 0; i < m->n; i++) {
		const struct d2s_node *k = d2s_deref(m->kids[2 * i]);
		const struct d2s_node *x = d2s_deref(m->kids[2 * i + 1]);
		if (d2s_is_merge_key(k))
			continue;
		if (!k || k->type != D2S_SCALAR)
			return -1;
		if (d2s_v_get(v, k->value))
			continue;
		struct d2s_val *c = from_node(a, x, depth + 1, budget);
		if (!c)
			return -1;
		d2s_v_put(a, v, k->value, c);
	}
	for (size_t i = 0; i < m->n; i++) {
		const struct d2s_node *x = d2s_deref(m->kids[2 * i + 1]);
		if (!d2s_is_merge_key(d2s_deref(m->kids[2 * i])))
			continue;
		if (!x || (x->type != D2S_MAP && x->type != D2S_SEQ))
			return -1;
		if (x->type == D2S_MAP && merge_pairs(a, v, x, depth + 1, budget))
			return -1;
		for (size_t j = 0; x->type == D2S_SEQ && j < x->n; j++) {
			const struct d2s_node *y = d2s_deref(x->kids[j]);
			if (!y || y->type != D2S_MAP || merge_pairs(a, v, y, depth + 1, budget))
				return -1;
		}
	}
	return 0;
}

static struct d2s_val *from_node(struct d2s_arena *a, const struct d2s_node *n, int depth,
				 long *budget)
{
	n = d2s_deref(n);
	if (!n || depth > 64 || --*budget < 0 || n->type == D2S_ALIAS)
		return NULL;
	if (n->type == D2S_SCALAR)
		return scalar_val(a, n);
	if (n->tagged && n->tag && strcmp(n->tag, n->type == D2S_MAP ? "tag:yaml.org,2002:map"
					  : "tag:yaml.org,2002:seq"))
		return NULL;
	struct d2s_val *v = n->type == D2S_MAP ? d2s_v_map(a) : d2s_v_seq(a);
	if (n->type == D2S_MAP)
		return merge_pairs(a, v, n, depth, budget) ? NULL : v;
	for (size_t i = 0; i < n->n; i++) {
		struct d2s_val *c = from_node(a, n->kids[i], depth + 1, budget);
		if (!c)
			return NULL;
		d2s_v_push(a, v, c);
	}
	return v;
}

struct d2s_val *d2s_v_from_node(struct d2s_arena *a, const struct d2s_node *n)
{
	long budget = FROM_NODE_BUDGET;
	return from_node(a, n, 0, &budget);
}

/* ---------- scalar rendering ---------- */

static int number_like(const char *s)
{
	if (!strchr("0123456789+-.", s[0]))
		return 0;
	for (const char *p = s; *p; p++)
		if (!strchr("0123456789.+-_:eExXoObBabcdefABCDEF", *p))
			return 0;
	return 1;
}

/* Bytes that may not appear in a plain scalar we write (flow and comment
 * indicators, quotes, controls): 1 in this table. */
static const unsigned char unsafe_byte[256] = {
	[0x00] = 1, [0x01] = 1, [0x02] = 1, [0x03] = 1, [0x04] = 1, [0x05] = 1, [0x06] = 1,
	[0x07] = 1, [0x08] = 1, [0x09] = 1, [0x0a] = 1, [0x0b] = 1, [0x0c] = 1, [0x0d] = 1,
	[0x0e] = 1, [0x0f] = 1, [0x10] = 1, [0x11] = 1, [0x12] = 1, [0x13] = 1, [0x14] = 1,
	[0x15] = 1, [0x16] = 1, [0x17] = 1, [0x18] = 1, [0x19] = 1, [0x1a] = 1, [0x1b] = 1,
	[0x1c] = 1, [0x1d] = 1, [0x1e] = 1, [0x1f] = 1, [0x7f] = 1,
	[','] = 1, ['['] = 1, [']'] = 1, ['{'] = 1, ['}'] = 1, ['#'] = 1, ['&'] = 1, ['*'] = 1,
	['!'] = 1, ['|'] = 1, ['>'] = 1, ['\''] = 1, ['"'] = 1, ['%'] = 1, ['@'] = 1,
	['`'] = 1, ['\\'] = 1,
};

int d2s_plain_safe(const char *s)
{
	static const char *const words[] = { "null", "~", "true", "false", "yes", "no", "on",
					     "off", "y", "n", ".inf", ".nan", "-.inf", "+.inf", NULL };
	size_t n = strlen(s);
	if (!n || s[0] == ' ' || s[n - 1] == ' ')
		return 0;
	if (!(isalnum((unsigned char)s[0]) || s[0] == '/' || s[0] == '_' || s[0] == '.'))
		return 0;
	/* reserved words start with one of these letters */
	if (n <= 5 && strchr("nNtTfFyYoO~.", s[0]))
		for (int i = 0; words[i]; i++)
			if (!strcasecmp(s, words[i]))
				return 0;
	if (number_like(s))
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (unsafe_byte[c] || (c == ':' && (s[i + 1] == ' ' || s[i + 1] == '\0')))
			return 0;
	}
	return 1;
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

void d2s_render_quoted(struct d2s_buf *b, const char *s)
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

static void json(struct d2s_buf *b, const struct d2s_val *v, size_t ind)
{
	if ((v->type != D2S_V_MAP && v->type != D2S_V_SEQ) || !v->n) {
		if (v->type == D2S_V_STR)
			d2s_render_quoted(b, v->s);
		else
			d2s_buf_puts(b, v->type == D2S_V_RAW ? v->s : v->type == D2S_V_MAP ? "{}" : "[]");
		return;
	}
	d2s_buf_puts(b, v->type == D2S_V_MAP ? "{" : "[");
	for (size_t i = 0; i < v->n; i++) {
		d2s_buf_puts(b, i ? ",\n" : "\n");
		d2s_buf_fill(b, ' ', ind + 2);
		if (v->type == D2S_V_MAP)
			d2s_render_quoted(b, v->keys[i]), d2s_buf_puts(b, ": ");
		json(b, v->kids[i], ind + 2);
	}
	d2s_buf_puts(b, "\n");
	d2s_buf_fill(b, ' ', ind);
	d2s_buf_puts(b, v->type == D2S_V_MAP ? "}" : "]");
}

void d2s_render_json(struct d2s_buf *b, const struct d2s_val *v)
{
	json(b, v, 0);
	d2s_buf_puts(b, "\n");
}

static void put_scalar(struct d2s_buf *b, const struct d2s_val *v, const struct d2s_layout *l)
{
	if (v->type == D2S_V_RAW || (!l->quote_all && d2s_plain_safe(v->s)))
		d2s_buf_puts(b, v->s);
	else
		d2s_render_quoted(b, v->s);
}

static void put_key(struct d2s_buf *b, const char *k)
{
	if (d2s_plain_safe(k))
		d2s_buf_puts(b, k);
	else
		d2s_render_quoted(b, k);
}

/* A scalar or an empty collection, then the line break. */
static void put_leaf(struct d2s_buf *b, const struct d2s_val *c, const struct d2s_layout *l)
{
	if (c->type == D2S_V_MAP)
		d2s_buf_puts(b, "{}");
	else if (c->type == D2S_V_SEQ)
		d2s_buf_puts(b, "[]");
	else
		put_scalar(b, c, l);
	d2s_buf_puts(b, l->nl);
}

static void render_pairs_at(struct d2s_buf *b, const struct d2s_val *v, int col,
			    const struct d2s_layout *l, int first_inline);

/* The value after "key:" of a key at column `col`: " scalar", or a line
 * break and a block collection; then the line break. */
void d2s_render_value(struct d2s_buf *b, const struct d2s_val *v, int col,
		      const struct d2s_layout *l)
{
	if (v->type == D2S_V_MAP && v->n) {
		d2s_buf_puts(b, l->nl);
		render_pairs_at(b, v, col + l->indent, l, 0);
	} else if (v->type == D2S_V_SEQ && v->n) {
		d2s_buf_puts(b, l->nl);
		d2s_render_items(b, v, col + l->seq_indent, l);
	} else {
		d2s_buf_puts(b, " ");
		put_leaf(b, v, l);
	}
}

static void render_pairs_at(struct d2s_buf *b, const struct d2s_val *v, int col,
			    const struct d2s_layout *l, int first_inline)
{
	for (size_t i = 0; i < v->n; i++) {
		if (!(first_inline && i == 0))
			d2s_buf_fill(b, ' ', (size_t)col);
		put_key(b, v->keys[i]);
		d2s_buf_puts(b, ":");
		d2s_render_value(b, v->kids[i], col, l);
	}
}

void d2s_render_items(struct d2s_buf *b, const struct d2s_val *v, int dash,
			 const struct d2s_layout *l)
{
	for (size_t i = 0; i < v->n; i++) {
		const struct d2s_val *c = v->kids[i];
		d2s_buf_fill(b, ' ', (size_t)dash);
		d2s_buf_puts(b, "- ");
		if (c->type == D2S_V_MAP && c->n) {
			render_pairs_at(b, c, dash + 2, l, 1);
		} else if (c->type == D2S_V_SEQ && c->n) {
			d2s_buf_puts(b, l->nl);
			d2s_render_items(b, c, dash + 2, l);
		} else {
			put_leaf(b, c, l);
		}
	}
}

void d2s_render_pairs(struct d2s_buf *b, const struct d2s_val *v, int col,
		      const struct d2s_layout *l)
{
	render_pairs_at(b, v, col, l, 0);
}

/* ---------- layout ---------- */

void d2s_layout_detect(const struct d2s_doc *doc, struct d2s_layout *l)
{
	l->indent = 2;
	l->quote_all = 0;
	l->seq_indent = 0;
	const char *lf = memchr(doc->text, '\n', doc->len);
	l->nl = lf && lf > doc->text && lf[-1] == '\r' ? "\r\n" : "\n"; /* the first break says */
	const struct d2s_node *root = doc->root;
	if (!root || root->type != D2S_MAP)
		return;
	int found_indent = 0, found_seq = 0;
	const struct d2s_node **stack = NULL;
	size_t sp = 0, cap = 0;
	stack = d2s_check_alloc(malloc(64 * sizeof(*stack)));
	cap = 64;
	stack[sp++] = root;
	while (sp && !(found_indent && found_seq)) {
		const struct d2s_node *m = stack[--sp];
		if (m->type != D2S_MAP || m->flow)
			continue;
		for (size_t i = 0; i < m->n; i++) {
			const struct d2s_node *k = m->kids[2 * i], *v = m->kids[2 * i + 1];
			int kc = d2s_column(doc->text, k->start);
			if (!found_indent && v->type == D2S_MAP && !v->flow && v->n) {
				int d = d2s_column(doc->text, v->kids[0]->start) - kc;
				if (d >= 1 && d <= 8) {
					l->indent = d;
					found_indent = 1;
				}
			}
			if (!found_seq && v->type == D2S_SEQ && !v->flow && v->n &&
			    doc->text[v->start] == '-') {
				int d = d2s_column(doc->text, v->start) - kc;
				if (d >= 0 && d <= 8) {
					l->seq_indent = d;
					found_seq = 1;
				}
			}
			if (v->type == D2S_MAP || v->type == D2S_SEQ) {
				if (sp == cap) {
					cap *= 2;
					stack = d2s_check_alloc(realloc(stack, cap * sizeof(*stack)));
				}
				stack[sp++] = v;
			}
		}
	}
	free(stack);
}

/* edit.c - edit stage: splice edits into a document's text (see edit.h);
 * generated YAML is rendered by render.c. */
#include "edit.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---------- edits ---------- */

void d2s_edits_init(struct d2s_edits *e, const char *src, size_t len)
{
	memset(e, 0, sizeof(*e));
	e->src = src;
	e->len = len;
	e->layout.indent = 2;
	e->layout.nl = "\n";
}

void d2s_edits_free(struct d2s_edits *e)
{
	for (size_t i = 0; i < e->n; i++)
		free(e->v[i].text);
	free(e->v);
	e->v = NULL;
	e->n = e->cap = 0;
}

void d2s_edit(struct d2s_edits *e, size_t a, size_t b, const char *text, size_t len)
{
	if (e->n == e->cap) {
		e->cap = e->cap ? e->cap * 2 : 16;
		e->v = d2s_check_alloc(realloc(e->v, e->cap * sizeof(*e->v)));
	}
	struct d2s_edit *x = &e->v[e->n];
	x->a = a;
	x->b = b;
	x->text = d2s_check_alloc(malloc(len + 1));
	if (len)
		memcpy(x->text, text, len);
	x->text[len] = '\0';
	x->len = len;
	x->seq = e->n++;
}

static int edit_cmp(const void *pa, const void *pb)
{
	const struct d2s_edit *a = pa, *b = pb;
	if (a->a != b->a)
		return a->a < b->a ? -1 : 1;
	/* an insertion (empty range) goes before a replacement at the same offset */
	if ((a->a == a->b) != (b->a == b->b))
		return a->a == a->b ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

int d2s_edits_apply(const struct d2s_edits *e, struct d2s_buf *out)
{
	struct d2s_edit *v = malloc((e->n ? e->n : 1) * sizeof(*v));
	d2s_check_alloc(v);
	if (e->n)
		memcpy(v, e->v, e->n * sizeof(*v));
	qsort(v, e->n, sizeof(*v), edit_cmp);
	size_t pos = 0;
	int rc = 0;
	for (size_t i = 0; i < e->n; i++) {
		if (v[i].a < pos || v[i].b < v[i].a || v[i].b > e->len) {
			rc = -1;
			break;
		}
		d2s_buf_add(out, e->src + pos, v[i].a - pos);
		d2s_buf_add(out, v[i].text, v[i].len);
		pos = v[i].b;
	}
	if (!rc)
		d2s_buf_add(out, e->src + pos, e->len - pos);
	free(v);
	return rc;
}

/* ---------- positions ---------- */

static int is_break(char c)
{
	return c == '\n' || c == '\r';
}

static size_t line_start(const char *t, size_t off)
{
	while (off > 0 && !is_break(t[off - 1]))
		off--;
	return off;
}

/* First byte after the line break at or after `off` (or `off` itself when it
 * already starts a line); `len` when the text ends without a break. */
static size_t next_line(const char *t, size_t len, size_t off)
{
	if (off > 0 && off <= len && is_break(t[off - 1]) &&
	    !(t[off - 1] == '\r' && off < len && t[off] == '\n'))
		return off;
	while (off < len && !is_break(t[off]))
		off++;
	if (off < len && t[off] == '\r' && off + 1 < len && t[off + 1] == '\n')
		return off + 2;
	return off < len ? off + 1 : len;
}

size_t d2s_line_start(const char *text, size_t off)
{
	return line_start(text, off);
}

size_t d2s_next_line(const char *text, size_t len, size_t off)
{
	return next_line(text, len, off);
}

static int only_blanks(const char *t, size_t a, size_t b)
{
	for (size_t i = a; i < b; i++)
		if (t[i] != ' ' && t[i] != '\t')
			return 0;
	return 1;
}

static size_t content_end(const struct d2s_node *n)
{
	return n->end;
}

/* Call fn(scalar, ctx) for every scalar under `root` (explicit stack: the
 * tree may nest deeper than the C stack allows). */
static void each_scalar(const struct d2s_node *root, void (*fn)(const struct d2s_node *, void *),
			void *ctx)
{
	const struct d2s_node **stack = NULL;
	size_t sp = 0, cap = 0;
	const struct d2s_node *n = root;
	while (n) {
		if (n->type == D2S_SCALAR)
			fn(n, ctx);
		size_t k = n->type == D2S_MAP ? 2 * n->n : n->type == D2S_SEQ ? n->n : 0;
		for (size_t i = 0; i < k; i++) {
			if (sp == cap) {
				cap = cap ? cap * 2 : 32;
				stack = d2s_check_alloc(realloc(stack, cap * sizeof(*stack)));
			}
			stack[sp++] = n->kids[i];
		}
		n = sp ? stack[--sp] : NULL;
	}
	free(stack);
}

/* Spans of scalars under `n` that may hold lines starting with '#'. */
struct spans {
	size_t (*v)[2];
	size_t n, cap;
};

static void add_quoted_span(const struct d2s_node *n, void *ctx)
{
	struct spans *s = ctx;
	if (n->style == D2S_PLAIN)
		return;
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 8;
		s->v = d2s_check_alloc(realloc(s->v, s->cap * sizeof(*s->v)));
	}
	s->v[s->n][0] = n->start;
	s->v[s->n][1] = n->end;
	s->n++;
}

static void requote(const struct d2s_node *n, void *ctx)
{
	struct d2s_edits *e = ctx;
	if (n->style != D2S_SINGLE || n->end < n->start + 2 ||
	    !memmem(e->src + n->start + 1, n->end - n->start - 2, "''", 2))
		return;
	struct d2s_buf b = {0};
	d2s_render_quoted(&b, n->value);
	d2s_edit(e, n->start, n->end, b.data, b.len);
	d2s_buf_free(&b);
}

void d2s_requote_single(struct d2s_edits *e, const struct d2s_node *root)
{
	each_scalar(root, requote, e);
}

static int in_spans(const struct spans *sp, size_t k)
{
	for (size_t x = 0; x < sp->n; x++)
		if (k >= sp->v[x][0] && k < sp->v[x][1])
			return 1;
	return 0;
}

/* The comment of the whole line [i, j): its first non-blank byte (a
 * full-line comment) or a '#' after a blank; j when there is none. Bytes
 * inside quoted or block scalars are text, not comments. */
static size_t comment_of_line(const char *t, size_t i, size_t j, const struct spans *sp)
{
	size_t k = i;
	while (k < j && (t[k] == ' ' || t[k] == '\t'))
		k++;
	for (size_t c = k; c < j && !is_break(t[c]); c++)
		if (t[c] == '#' && (c == k || t[c - 1] == ' ' || t[c - 1] == '\t') && !in_spans(sp, c))
			return c;
	return j;
}

/* Cut [a, b) but keep the comments in it: a full-line comment stays as it
 * is; a comment after removed content stays on a line of its own, indented
 * like that content. `key` and `sub` are the removed nodes. */
static void cut_keep_comments(struct d2s_edits *e, size_t a, size_t b, const struct d2s_node *key,
			      const struct d2s_node *sub)
{
	struct spans sp = {0};
	if (key)
		each_scalar(key, add_quoted_span, &sp);
	if (sub)
		each_scalar(sub, add_quoted_span, &sp);
	struct d2s_buf keep = {0};
	const char *t = e->src;
	size_t i = a;
	while (i < b) {
		size_t j = i;
		while (j < b && !is_break(t[j]))
			j++;
		size_t eol = j;
		if (j < b)
			j += (t[j] == '\r' && j + 1 < b && t[j + 1] == '\n') ? 2 : 1;
		size_t c = i == line_start(t, i) ? comment_of_line(t, i, j, &sp) : j;
		if (c < j) {
			size_t ind = i;
			while (ind < c && (t[ind] == ' ' || t[ind] == '\t'))
				ind++;
			d2s_buf_add(&keep, t + i, ind - i);
			d2s_buf_add(&keep, t + c, j - c);
			if (j == eol && j == e->len) /* the text's last line */
				d2s_buf_puts(&keep, e->layout.nl);
		}
		i = j;
	}
	d2s_edit(e, a, b, keep.data ? keep.data : "", keep.len);
	d2s_buf_free(&keep);
	free(sp.v);
}

void d2s_yset_scalar(struct d2s_edits *e, const struct d2s_node *n, const char *value)
{
	struct d2s_buf b = {0};
	if (n->style == D2S_SINGLE || n->style == D2S_DOUBLE) {
		char q = n->style == D2S_SINGLE ? '\'' : '"';
		d2s_buf_add(&b, &q, 1);
		d2s_buf_puts(&b, value);
		d2s_buf_add(&b, &q, 1);
	} else if (n->style == D2S_PLAIN) {
		d2s_buf_puts(&b, value);
	} else {
		e->reemit = 1;
		d2s_buf_free(&b);
		return;
	}
	d2s_edit(e, n->start, n->end, b.data, b.len);
	d2s_buf_free(&b);
}

static size_t pair_end(const struct d2s_node *k, const struct d2s_node *v)
{
	return v->null_empty ? k->end : content_end(v);
}

void d2s_yremove_pair(struct d2s_edits *e, const struct d2s_node *map, size_t i)
{
	const struct d2s_node *k = map->kids[2 * i], *v = map->kids[2 * i + 1];
	if (map->flow) {
		e->reemit = 1;
		return;
	}
	const char *t = e->src;
	size_t ls = line_start(t, k->start);
	if (only_blanks(t, ls, k->start)) {
		cut_keep_comments(e, ls, next_line(t, e->len, pair_end(k, v)), k, v);
	} else if (i + 1 < map->n) {
		/* first pair written after "- ": pull the next key up */
		cut_keep_comments(e, k->start, map->kids[2 * i + 2]->start, k, v);
	} else {
		e->reemit = 1;
	}
}

void d2s_yremove_item(struct d2s_edits *e, const struct d2s_node *seq, size_t i)
{
	if (seq->flow) {
		e->reemit = 1;
		return;
	}
	const struct d2s_node *it = seq->kids[i];
	const char *t = e->src;
	size_t ls = line_start(t, it->start);
	/* the item must be "<blanks>- <item>" on its line */
	size_t j = ls;
	while (j < it->start && (t[j] == ' ' || t[j] == '\t'))
		j++;
	if (j >= it->start || t[j] != '-' || !only_blanks(t, j + 1, it->start)) {
		e->reemit = 1;
		return;
	}
	size_t end = it->null_empty ? j + 1 : content_end(it);
	cut_keep_comments(e, ls, next_line(t, e->len, end), NULL, it);
}

static void insert_text(struct d2s_edits *e, size_t at, struct d2s_buf *txt)
{
	if (at == e->len && at > 0 && !is_break(e->src[at - 1])) {
		struct d2s_buf b = {0};
		d2s_buf_puts(&b, e->layout.nl);
		d2s_buf_add(&b, txt->data, txt->len);
		d2s_edit(e, at, at, b.data, b.len);
		d2s_buf_free(&b);
		return;
	}
	d2s_edit(e, at, at, txt->data, txt->len);
}

static int is_empty_value(const struct d2s_node *n)
{
	if (n->type == D2S_MAP || n->type == D2S_SEQ)
		return n->flow && n->n == 0;
	if (n->type != D2S_SCALAR || n->style != D2S_PLAIN)
		return 0;
	return n->null_empty || !strcmp(n->value, "~") || !strcmp(n->value, "null") ||
	       !strcmp(n->value, "Null") || !strcmp(n->value, "NULL");
}

/* The key whose value is `n` in a block mapping, or NULL. */
static const struct d2s_node *block_key_of(const struct d2s_node *n)
{
	const struct d2s_node *map = n->parent;
	if (!map || map->type != D2S_MAP || map->flow)
		return NULL;
	for (size_t i = 0; i < map->n; i++)
		if (map->kids[2 * i + 1] == n)
			return map->kids[2 * i];
	return NULL;
}

/* put_value without the final line break: the one that ended the replaced
 * value ends it. */
static void render_value(struct d2s_buf *b, const struct d2s_val *v, int col,
			 const struct d2s_layout *l)
{
	d2s_render_value(b, v, col, l);
	size_t nl = strlen(l->nl);
	if (b->len >= nl)
		b->len -= nl;
	b->data[b->len] = '\0';
}

void d2s_yset_empty(struct d2s_edits *e, const struct d2s_node *n, const struct d2s_val *v)
{
	const struct d2s_node *key = is_empty_value(n) && !n->tagged ? block_key_of(n) : NULL;
	const char *t = e->src;
	size_t colon = key ? key->end : 0;
	while (key && colon < e->len && (t[colon] == ' ' || t[colon] == '\t'))
		colon++;
	if (!key || colon >= e->len || t[colon] != ':' ||
	    (!n->null_empty && !only_blanks(t, colon + 1, n->start))) {
		e->reemit = 1; /* flow parent, anchor or tag: re-emit instead */
		return;
	}
	struct d2s_buf txt = {0};
	render_value(&txt, v, d2s_column(t, key->start), &e->layout);
	d2s_edit(e, colon + 1, n->null_empty ? colon + 1 : n->end, txt.data, txt.len);
	d2s_buf_free(&txt);
}

void d2s_yinsert_pairs(struct d2s_edits *e, const struct d2s_node *map,
		       const struct d2s_val *v, int first)
{
	if (map->type == D2S_MAP && map->flow && map->n == 0) {
		d2s_yset_empty(e, map, v); /* key: {} */
		return;
	}
	if (map->flow || map->n == 0 || map->type != D2S_MAP) {
		e->reemit = 1;
		return;
	}
	const char *t = e->src;
	const struct d2s_node *k0 = map->kids[0];
	size_t ls = line_start(t, k0->start);
	int col = d2s_column(t, k0->start);
	struct d2s_buf txt = {0};
	d2s_render_pairs(&txt, v, col, &e->layout);
	size_t at;
	if (first && only_blanks(t, ls, k0->start)) {
		at = ls;
	} else {
		size_t last = map->n - 1;
		at = next_line(t, e->len, pair_end(map->kids[2 * last], map->kids[2 * last + 1]));
	}
	insert_text(e, at, &txt);
	d2s_buf_free(&txt);
}

void d2s_yappend_items(struct d2s_edits *e, const struct d2s_node *seq, const struct d2s_val *v)
{
	if (seq->type == D2S_SEQ && seq->flow && seq->n == 0) {
		d2s_yset_empty(e, seq, v); /* key: [] */
		return;
	}
	if (seq->flow || seq->n == 0 || seq->type != D2S_SEQ) {
		e->reemit = 1;
		return;
	}
	const char *t = e->src;
	/* the block sequence starts at its first dash */
	int dash = d2s_column(t, seq->start);
	if (t[seq->start] != '-') {
		e->reemit = 1;
		return;
	}
	struct d2s_buf txt = {0};
	d2s_render_items(&txt, v, dash, &e->layout);
	const struct d2s_node *last = seq->kids[seq->n - 1];
	size_t end = last->null_empty ? last->start : content_end(last);
	insert_text(e, next_line(t, e->len, end), &txt);
	d2s_buf_free(&txt);
}

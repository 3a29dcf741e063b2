/* list.c - pass 2 for kind: List: items cut out, rewritten and put back
 * (see list.h). */
#include "list.h"
#include "edit.h"
#include "items.h"

#include <stdlib.h>
#include <string.h>

/* Skip the "---" line and comment lines that start a generated document. */
static const char *doc_body(const char *s, size_t len, size_t *blen)
{
	size_t i = 0;
	while (i < len && (s[i] == '-' || s[i] == '#')) {
		while (i < len && s[i] != '\n')
			i++;
		i++;
	}
	*blen = i < len ? len - i : 0;
	return s + (i < len ? i : len);
}

/* Append each document of `extra` ("---"-separated) to `rep` as an item
 * with its dash at column `dash`. */
static void append_items(struct d2s_buf *rep, const struct d2s_buf *extra, int dash)
{
	const char *s = extra->data;
	size_t left = extra->len;
	while (left) {
		const char *next = NULL;
		for (const char *p = s + 1; p + 4 <= s + left && !next; p++)
			if (p[-1] == '\n' && !strncmp(p, "---", 3) && (p[3] == '\n' || p[3] == '\r'))
				next = p;
		size_t n = next ? (size_t)(next - s) : left, blen;
		const char *body = doc_body(s, n, &blen);
		d2s_append_as_item(rep, body, blen, dash);
		s += n;
		left -= n;
	}
}

/* The start of the line that holds the `-` of sequence entry `item` in
 * `text`: the item's own line ("- a: b"), or an earlier one when the entry
 * begins with a comment or a line break ("- # note\n  a: b"). */
static size_t dash_line(const char *text, const struct d2s_node *item)
{
	size_t i = item->start;
	for (int lines = 0; lines < 1000; lines++) {
		size_t ls = i;
		while (ls > 0 && text[ls - 1] != '\n')
			ls--;
		size_t k = ls;
		while (k < i && (text[k] == ' ' || text[k] == '\t'))
			k++;
		if (k < i && text[k] == '-')
			return ls; /* the dash of this entry */
		if (k < i && text[k] != '#')
			return ls; /* other content first: not ours to look past */
		if (!ls)
			return ls;
		i = ls - 1; /* a blank or comment line: the dash is above */
	}
	return i;
}

/* The edit that puts item `i` (of it->seq) back as rewritten. Returns 0,
 * 1 when the item is dropped, -1 after an error (it stays). */
static int splice(struct d2s_parser *parser, const struct d2s_items *it, size_t i, const char *file,
		  long line0, const struct d2s_list_cb *cb, struct d2s_edits *e)
{
	const struct d2s_doc *doc = it->doc;
	const struct d2s_node *item = it->seq->kids[i];
	struct d2s_buf unind = {0}, text = {0}, extra = {0}, rep = {0};
	int col, drop = 0, rc = -1;
	long l, c;
	d2s_item_unindent(doc, item, &unind, &col);
	d2s_linecol(doc->text, item->start, &l, &c);
	struct d2s_src src = { unind.data, unind.len, file, line0 + l - 1, c };
	struct d2s_doc sub = {0};
	if (d2s_parse(parser, unind.data, unind.len, &sub) == 0 && sub.root)
		rc = cb->rewrite(cb->ctx, i, &src, &sub, &text, &extra, &drop);
	size_t end = d2s_next_line(doc->text, doc->len, item->end);
	if (rc == 0 && drop) {
		d2s_edit(e, dash_line(doc->text, item), end, "", 0); /* its "- " line goes too */
		rc = 1;
	} else if (rc == 0) {
		d2s_reindent(text.data, text.len, col, &rep);
		append_items(&rep, &extra, col >= 2 ? col - 2 : 0);
		d2s_edit(e, item->start, end, rep.data, rep.len);
	}
	d2s_doc_free(&sub);
	d2s_buf_free(&unind);
	d2s_buf_free(&text);
	d2s_buf_free(&extra);
	d2s_buf_free(&rep);
	return rc;
}

/* Every item of `it` is dropped: the List keeps `items: []` (edits into
 * `e`: " []" right after the key's colon, so a comment after it stays, and
 * the items' lines removed). Returns 0, or -1 when the colon is not found
 * (the caller then drops the List: not expected of a block sequence). */
static int empty_items(const struct d2s_items *it, struct d2s_edits *e)
{
	const char *t = it->doc->text;
	const struct d2s_node *key = d2s_get_key(it->doc->root, "items");
	size_t c = key ? key->end : it->doc->len, first = dash_line(t, it->seq->kids[0]);
	while (c < first && t[c] != ':')
		c++;
	if (c >= first)
		return -1;
	d2s_edit(e, c + 1, c + 1, " []", 3);
	d2s_edit(e, first, d2s_next_line(t, it->doc->len, it->seq->end), "", 0);
	return 0;
}

/* d2s_items_open_block's `want`, by node: the index of `item` in the
 * items of the List being opened. */
struct want_ctx {
	const struct d2s_node *seq;
	const struct d2s_list_cb *cb;
};

static int want_node(const struct d2s_node *item, const void *ctx)
{
	const struct want_ctx *w = ctx;
	for (size_t i = 0; i < w->seq->n; i++)
		if (w->seq->kids[i] == item)
			return w->cb->want(w->cb->ctx, i);
	return 0;
}

/* Rewrite the wanted items of `it` into edits, then apply them. */
static int edit_items(struct d2s_parser *parser, const struct d2s_items *it, const struct d2s_src *src,
		      const struct d2s_list_cb *cb, struct d2s_buf *out)
{
	struct d2s_edits e;
	d2s_edits_init(&e, it->doc->text, it->doc->len);
	size_t dropped = 0;
	int rc = 1;
	for (size_t i = 0; i < it->seq->n; i++) {
		int k = cb->want(cb->ctx, i) ? splice(parser, it, i, src->file, src->line, cb, &e) : 0;
		if (k < 0)
			rc = -1;
		dropped += k == 1;
	}
	if (rc == 1 && dropped && dropped == it->seq->n) {
		d2s_edits_free(&e);
		d2s_edits_init(&e, it->doc->text, it->doc->len);
		if (empty_items(it, &e))
			rc = 2;
	}
	if (rc == 1 && d2s_edits_apply(&e, out))
		rc = -1;
	d2s_edits_free(&e);
	return rc;
}

int d2s_list_rewrite(struct d2s_parser *parser, const struct d2s_src *src, const struct d2s_doc *doc,
		     struct d2s_diag *diag, const struct d2s_list_cb *cb, struct d2s_buf *out)
{
	const struct d2s_node *items = d2s_get(doc->root, "items");
	if (!items || items->type != D2S_SEQ)
		return 0;
	int any = 0;
	for (size_t i = 0; i < items->n && !any; i++)
		any = cb->want(cb->ctx, i);
	if (!any)
		return 0;
	struct d2s_where w = { .file = src->file, .line = src->line, .col = 1, .kind = "List" };
	struct d2s_items it = {0};
	const struct want_ctx want = { items, cb };
	int rc = d2s_items_open_block(parser, doc, diag, &w, want_node, &want, &it);
	if (rc == 0)
		rc = edit_items(parser, &it, src, cb, out);
	d2s_items_free(&it);
	return rc;
}

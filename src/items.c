/* items.c - read/write stage: items of a kind: List or a ResourceList <->
 * plain documents (see items.h). */
#include "items.h"
#include "edit.h"
#include "reader.h"

#include <string.h>

int d2s_items_open(struct d2s_parser *parser, const struct d2s_doc *doc, struct d2s_items *it)
{
	it->doc = doc;
	it->seq = d2s_get(doc->root, "items");
	if (!it->seq || it->seq->type != D2S_SEQ || !it->seq->flow)
		return 0;
	/* JSON or flow items: re-emit in block style once, then edit */
	if (d2s_reemit_parse(parser, doc, &it->block))
		return -1;
	it->doc = &it->block.doc;
	it->seq = d2s_get(it->doc->root, "items");
	return 0;
}

int d2s_items_open_block(struct d2s_parser *parser, const struct d2s_doc *doc, struct d2s_diag *diag,
			 const struct d2s_where *w, int (*want)(const struct d2s_node *item, const void *ctx),
			 const void *ctx, struct d2s_items *it)
{
	it->doc = doc;
	it->seq = d2s_get(doc->root, "items");
	if (!it->seq || it->seq->type != D2S_SEQ)
		return 0;
	int flow = it->seq->flow;
	for (size_t i = 0; !flow && i < it->seq->n; i++)
		flow = it->seq->kids[i]->type == D2S_MAP && it->seq->kids[i]->flow &&
		       (!want || want(it->seq->kids[i], ctx));
	if (!flow)
		return 0;
	if (d2s_reemit_parse(parser, doc, &it->block)) {
		d2s_diagf(diag, D2S_ERROR, w, "cannot re-emit this List in block style "
			   "(nested deeper than 64 levels?): rewrite it in block style");
		return -1;
	}
	d2s_diagf(diag, D2S_WARNING, w, "written in flow style where edits are needed: "
		   "the document is re-emitted in block style (its comments are lost)");
	it->doc = &it->block.doc;
	it->seq = d2s_get(it->doc->root, "items");
	return 0;
}

void d2s_items_free(struct d2s_items *it)
{
	d2s_reemit_free(&it->block);
	it->doc = NULL;
	it->seq = NULL;
}

void d2s_pair_text(const struct d2s_doc *doc, const char *key, struct d2s_buf *out)
{
	const struct d2s_node *root = doc->root;
	for (size_t i = 0; i < root->n; i++) {
		const struct d2s_node *k = root->kids[2 * i], *v = root->kids[2 * i + 1];
		if (!d2s_is(k, key))
			continue;
		size_t a = d2s_line_start(doc->text, k->start);
		size_t b = d2s_next_line(doc->text, doc->len, v->null_empty ? k->end : v->end);
		d2s_buf_add(out, doc->text + a, b - a);
		if (out->len && out->data[out->len - 1] != '\n')
			d2s_buf_puts(out, "\n");
	}
}


/* Line breaks in b[0..n) (a CR LF counts once, a lone CR once). */
static long count_lines(const char *b, size_t n)
{
	long c = 0;
	for (size_t i = 0; i < n; i++)
		if (b[i] == '\n' || (b[i] == '\r' && (i + 1 == n || b[i + 1] != '\n')))
			c++;
	return c;
}

void d2s_items_to_stream(const struct d2s_items *it, struct d2s_buf *s, long *lines)
{
	const struct d2s_doc *doc = it->doc;
	const struct d2s_node *items = it->seq;
	long line = 1 + count_lines(s->data, s->len);
	size_t counted = s->len;
	for (size_t i = 0; i < items->n; i++) {
		int col;
		if (s->len > counted) /* (no offset on an empty buffer's NULL data) */
			line += count_lines(s->data + counted, s->len - counted);
		counted = s->len;
		if (lines)
			lines[i] = line;
		d2s_buf_puts(s, "---\n");
		d2s_item_unindent(doc, items->kids[i], s, &col);
		if (s->len && s->data[s->len - 1] != '\n')
			d2s_buf_puts(s, "\n");
	}
}

int d2s_stream_to_items(const char *text, size_t len, struct d2s_buf *out)
{
	struct d2s_reader *r = d2s_reader_new_mem(text, len, "output");
	if (!r)
		return -1;
	struct d2s_piece pc;
	int k;
	while ((k = d2s_reader_next(r, &pc, 0)) == 1) {
		const char *t = pc.text;
		size_t n = pc.len;
		if (n >= 3 && !strncmp(t, "---", 3)) {
			const char *nl = memchr(t, '\n', n);
			size_t skip = nl ? (size_t)(nl - t) + 1 : n;
			t += skip;
			n -= skip;
		}
		if (n)
			d2s_append_as_item(out, t, n, 0);
	}
	d2s_reader_free(r);
	return k < 0 ? -1 : 0;
}

void d2s_item_unindent(const struct d2s_doc *doc, const struct d2s_node *item,
		       struct d2s_buf *out, int *col)
{
	const char *t = doc->text;
	*col = d2s_column(t, item->start);
	size_t end = d2s_next_line(t, doc->len, item->end);
	size_t i = item->start;
	int first = 1;
	while (i < end) {
		size_t j = i;
		while (j < end && t[j] != '\n' && t[j] != '\r')
			j++;
		if (j < end)
			j += (t[j] == '\r' && j + 1 < end && t[j + 1] == '\n') ? 2 : 1;
		size_t k = i;
		if (!first)
			while (k < j && (int)(k - i) < *col && t[k] == ' ')
				k++;
		d2s_buf_add(out, t + k, j - k);
		first = 0;
		i = j;
	}
}

void d2s_reindent(const char *text, size_t len, int col, struct d2s_buf *out)
{
	size_t i = 0;
	int first = 1;
	while (i < len) {
		size_t j = i;
		while (j < len && text[j] != '\n' && text[j] != '\r')
			j++;
		int empty = j == i;
		if (j < len)
			j += (text[j] == '\r' && j + 1 < len && text[j + 1] == '\n') ? 2 : 1;
		if (!first && !empty)
			d2s_buf_fill(out, ' ', (size_t)col);
		d2s_buf_add(out, text + i, j - i);
		first = 0;
		i = j;
	}
}

void d2s_append_as_item(struct d2s_buf *out, const char *text, size_t len, int dash)
{
	d2s_buf_fill(out, ' ', (size_t)dash);
	d2s_buf_puts(out, "- ");
	d2s_reindent(text, len, dash + 2, out);
	if (out->data[out->len - 1] != '\n')
		d2s_buf_puts(out, "\n");
}


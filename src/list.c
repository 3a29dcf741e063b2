/* list.c - convert stage for kind: List: Deployments inside a List (see
 * list.h). */
#include "list.h"
#include "edit.h"
#include "items.h"
#include "refs.h"
#include "select.h"

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

static int convert_item(const struct d2s_doc *doc, const struct d2s_node *seq, size_t idx,
			struct d2s_list_ctx *lc, struct d2s_parser *parser, struct d2s_edits *e)
{
	const struct d2s_node *item = seq->kids[idx];
	struct d2s_buf text = {0}, rep = {0};
	int col;
	d2s_item_unindent(doc, item, &text, &col);
	struct d2s_doc sub = {0};
	const struct d2s_options *o = NULL;
	struct d2s_options tmp;
	int rc = -1;
	long line, c;
	d2s_linecol(doc->text, item->start, &line, &c);
	if (d2s_parse(parser, text.data, text.len, &sub) || !sub.root)
		goto out;
	const char *name = d2s_get_str(d2s_get(sub.root, "metadata"), "name");
	o = d2s_options_for(lc->o, name);
	if (lc->volume_rules)
		o = lc->volume_rules(lc->ctx, &sub, lc->file, lc->line0 + line - 1, o, &tmp);
	struct d2s_convert_in in = {
		.doc = &sub, .o = o, .diag = lc->diag, .file = lc->file, .line0 = lc->line0 + line - 1,
		.pvc_template = lc->pvc_template, .service_state = lc->service_state, .ctx = lc->ctx,
	};
	struct d2s_convert_out res;
	int k = d2s_convert(&in, &res);
	if (k) {
		if (k == 1) {
			struct d2s_where w = { .file = lc->file, .line = in.line0, .col = c,
					       .kind = "Deployment", .name = name };
			d2s_report(lc->diag, D2S_ERROR, &w, "a Deployment inside a List must be written in "
				   "block style to be converted");
		}
		d2s_convert_out_free(&res);
		goto out;
	}
	d2s_reindent(res.text.data, res.text.len, col, &rep);
	if (res.service.len) {
		size_t blen;
		const char *body = doc_body(res.service.data, res.service.len, &blen);
		d2s_append_as_item(&rep, body, blen, col >= 2 ? col - 2 : 0);
	}
	d2s_edit(e, item->start, d2s_next_line(doc->text, doc->len, item->end), rep.data, rep.len);
	if (lc->converted)
		lc->converted(lc->ctx, &res);
	d2s_convert_out_free(&res);
	rc = 0;
out:
	if (o == &tmp)
		d2s_options_free(&tmp);
	d2s_doc_free(&sub);
	d2s_buf_free(&text);
	d2s_buf_free(&rep);
	return rc;
}

static int is_selected_deployment(const struct d2s_node *it, const struct d2s_options *base)
{
	if (!d2s_is(d2s_get(it, "kind"), "Deployment") || !d2s_is(d2s_get(it, "apiVersion"), "apps/v1") ||
	    d2s_is_hook(it))
		return 0;
	const struct d2s_node *meta = d2s_get(it, "metadata");
	const char *why;
	return d2s_select_meta(d2s_options_for(base, d2s_get_str(meta, "name")), meta, &why);
}

int d2s_convert_list(const struct d2s_doc *doc, struct d2s_list_ctx *lc, struct d2s_buf *out)
{
	const struct d2s_node *items = d2s_get(doc->root, "items");
	if (!items || items->type != D2S_SEQ)
		return 0;
	int any = 0;
	for (size_t i = 0; i < items->n; i++)
		any |= is_selected_deployment(items->kids[i], lc->o);
	if (!any)
		return 0;
	if (items->flow) {
		struct d2s_where w = { .file = lc->file, .line = lc->line0, .col = 1, .kind = "List" };
		d2s_report(lc->diag, D2S_ERROR, &w, "a List holding Deployments must be written in "
			   "block style to be converted");
		return -1;
	}
	struct d2s_parser *parser = d2s_parser_new();
	if (!parser)
		return -1;
	struct d2s_edits e;
	d2s_edits_init(&e, doc->text, doc->len);
	int rc = 1;
	for (size_t i = 0; i < items->n; i++)
		if (is_selected_deployment(items->kids[i], lc->o) &&
		    convert_item(doc, items, i, lc, parser, &e))
			rc = -1;
	if (rc == 1 && d2s_edits_apply(&e, out))
		rc = -1;
	d2s_edits_free(&e);
	d2s_parser_free(parser);
	return rc;
}

void d2s_list_each_selected(const struct d2s_doc *doc, const struct d2s_options *o,
			    void (*fn)(void *ctx, const struct d2s_node *item), void *ctx)
{
	const struct d2s_node *items = d2s_get(doc->root, "items");
	if (!items || items->type != D2S_SEQ)
		return;
	for (size_t i = 0; i < items->n; i++)
		if (is_selected_deployment(items->kids[i], o))
			fn(ctx, items->kids[i]);
}

/* list.c - convert stage for kind: List: Deployments inside a List (see
 * list.h). */
#include "list.h"
#include "report.h"
#include "edit.h"
#include "items.h"
#include "reemit.h"
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

static int is_selected_deployment(const struct d2s_node *it, const struct d2s_options *base)
{
	if (!d2s_is(d2s_get(it, "kind"), "Deployment") || !d2s_is(d2s_get(it, "apiVersion"), "apps/v1") ||
	    d2s_is_hook(it))
		return 0;
	const struct d2s_node *meta = d2s_get(it, "metadata");
	const char *why;
	return d2s_select_meta(d2s_options_for(base, d2s_get_str(meta, "name")), meta, &why);
}

static int convert_item(const struct d2s_doc *doc, const struct d2s_node *seq, size_t idx,
			struct d2s_list_ctx *lc, struct d2s_parser *parser, struct d2s_edits *e)
{
	const struct d2s_node *item = seq->kids[idx];
	struct d2s_buf text = {0}, rep = {0};
	int col;
	d2s_item_unindent(doc, item, &text, &col);
	struct d2s_doc sub = {0};
	struct d2s_reemit re = {0};
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
	const char *ns = d2s_get_str(d2s_get(sub.root, "metadata"), "namespace");
	if (lc->max_replicas && d2s_is(d2s_path(sub.root, "spec", "paused"), "true"))
		in.max_replicas = lc->max_replicas(lc->ctx, ns ? ns : "", name); /* for the partition */
	struct d2s_convert_out res = {0};
	d2s_creport_seen(lc->diag->report, ns, name, lc->file, in.line0, c);
	struct d2s_where w = { .file = lc->file, .line = in.line0, .col = c, .kind = "Deployment",
			       .ns = ns, .name = name };
	struct d2s_convert_edit ce = { &in, &res };
	if (d2s_edit_retry(parser, lc->diag, &w, &sub, d2s_convert_edit_cb, &ce, &re)) {
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
	d2s_reemit_free(&re);
	d2s_doc_free(&sub);
	d2s_buf_free(&text);
	d2s_buf_free(&rep);
	return rc;
}

struct retarget {
	struct d2s_buf *out;
	struct d2s_conv_report *report; /* the reference is recorded there (may be NULL) */
};

static int retarget_cb(const struct d2s_doc *doc, void *ctx)
{
	struct retarget *rt = ctx;
	if (d2s_ref_retarget(doc, rt->out) == 0) {
		d2s_ref_record(rt->report, doc->root); /* as a standalone reference is (xref.c) */
		return 0;
	}
	d2s_buf_reset(rt->out);
	return 1; /* retry in block style */
}

/* Retarget reference item `item` of `doc` like a standalone one (refs.h),
 * re-emitted in block style when needed. Returns 0, or -1 (reported). */
static int retarget_item(const struct d2s_doc *doc, const struct d2s_node *item,
			 struct d2s_list_ctx *lc, struct d2s_parser *parser, struct d2s_edits *e)
{
	struct d2s_buf text = {0}, out = {0}, rep = {0};
	int col, rc = -1;
	d2s_item_unindent(doc, item, &text, &col);
	struct d2s_doc sub = {0};
	struct d2s_reemit re = {0};
	long line, c;
	d2s_linecol(doc->text, item->start, &line, &c);
	if (d2s_parse(parser, text.data, text.len, &sub) == 0 && sub.root) {
		const struct d2s_node *meta = d2s_get(sub.root, "metadata");
		struct d2s_where w = { .file = lc->file, .line = lc->line0 + line - 1, .col = c,
				       .kind = d2s_get_str(sub.root, "kind"),
				       .ns = d2s_get_str(meta, "namespace"), .name = d2s_get_str(meta, "name") };
		struct retarget rt = { &out, lc->diag->report };
		rc = d2s_edit_retry(parser, lc->diag, &w, &sub, retarget_cb, &rt, &re);
	}
	if (rc == 0) {
		d2s_reindent(out.data, out.len, col, &rep);
		d2s_edit(e, item->start, d2s_next_line(doc->text, doc->len, item->end), rep.data, rep.len);
	}
	d2s_reemit_free(&re);
	d2s_doc_free(&sub);
	d2s_buf_free(&text);
	d2s_buf_free(&out);
	d2s_buf_free(&rep);
	return rc;
}

/* What List item `it` (at byte `at` of `doc`) needs: 1 converted (a
 * selected Deployment), 2 retargeted (a reference to a converted one), 0
 * nothing. */
static int item_action(const struct d2s_doc *doc, const struct d2s_node *it, struct d2s_list_ctx *lc,
		       int warn)
{
	if (is_selected_deployment(it, lc->o))
		return 1;
	long line, c;
	d2s_linecol(doc->text, it->start, &line, &c);
	return lc->ref_converted &&
	       lc->ref_converted(lc->ctx, it, lc->file, lc->line0 + line - 1, warn) ? 2 : 0;
}

/* Convert, then retarget, the items of `it` into edits of it->doc. */
static int edit_items(const struct d2s_items *it, struct d2s_list_ctx *lc, struct d2s_buf *out)
{
	struct d2s_parser *parser = d2s_parser_new();
	if (!parser)
		return -1;
	struct d2s_edits e;
	d2s_edits_init(&e, it->doc->text, it->doc->len);
	int rc = 1;
	char *action = d2s_check_alloc(calloc(it->seq->n + 1, 1));
	for (size_t i = 0; i < it->seq->n; i++)
		action[i] = (char)item_action(it->doc, it->seq->kids[i], lc, 1);
	for (int pass = 1; pass <= 2; pass++)
		for (size_t i = 0; i < it->seq->n; i++) {
			const struct d2s_node *item = it->seq->kids[i];
			if (action[i] != pass)
				continue;
			if (pass == 1 ? convert_item(it->doc, it->seq, i, lc, parser, &e) :
			    retarget_item(it->doc, item, lc, parser, &e))
				rc = -1;
		}
	if (rc == 1 && d2s_edits_apply(&e, out))
		rc = -1;
	free(action);
	d2s_edits_free(&e);
	d2s_parser_free(parser);
	return rc;
}

/* d2s_items_open_block's `want`: the item (of the List being opened) needs
 * an edit, so a flow-style one must be re-emitted in block style first. */
struct want_ctx {
	const struct d2s_doc *doc;
	struct d2s_list_ctx *lc;
};

static int want_item(const struct d2s_node *item, const void *ctx)
{
	const struct want_ctx *w = ctx;
	return item_action(w->doc, item, w->lc, 0) != 0;
}

/* Record the apps/v1 Deployment items in the conversion report at their
 * position, and those not selected (hooks too) as skipped. */
static void report_skipped(const struct d2s_doc *doc, const struct d2s_node *items,
			   const struct d2s_list_ctx *lc)
{
	for (size_t i = 0; lc->diag->report && i < items->n; i++) {
		const struct d2s_node *it = items->kids[i], *meta = d2s_get(it, "metadata");
		const char *why = NULL, *name = d2s_get_str(meta, "name"), *ns = d2s_get_str(meta, "namespace");
		long line, col;
		if (!name || !d2s_is(d2s_get(it, "kind"), "Deployment") ||
		    !d2s_is(d2s_get(it, "apiVersion"), "apps/v1"))
			continue;
		d2s_linecol(doc->text, it->start, &line, &col); /* every one, in input order */
		d2s_creport_seen(lc->diag->report, ns, name, lc->file, lc->line0 + line - 1, col);
		if (!d2s_is_hook(it) && d2s_select_meta(d2s_options_for(lc->o, name), meta, &why))
			continue;
		if (why)
			d2s_creport_not_selected(lc->diag->report, ns, name, d2s_selection_why(why), why);
		else
			d2s_creport_hook(lc->diag->report, ns, name, d2s_get_str(d2s_get(meta, "annotations"),
										"helm.sh/hook"));
	}
}

int d2s_convert_list(const struct d2s_doc *doc, struct d2s_list_ctx *lc, struct d2s_buf *out)
{
	const struct d2s_node *items = d2s_get(doc->root, "items");
	if (!items || items->type != D2S_SEQ)
		return 0;
	report_skipped(doc, items, lc);
	int any = 0;
	for (size_t i = 0; i < items->n && !any; i++)
		any = item_action(doc, items->kids[i], lc, 0);
	if (!any)
		return 0;
	struct d2s_where w = { .file = lc->file, .line = lc->line0, .col = 1, .kind = "List" };
	struct d2s_parser *parser = d2s_parser_new();
	struct d2s_items it = {0};
	const struct want_ctx want = { doc, lc };
	int rc = parser ? d2s_items_open_block(parser, doc, lc->diag, &w, want_item, &want, &it) : -1;
	if (rc == 0)
		rc = edit_items(&it, lc, out);
	d2s_items_free(&it);
	d2s_parser_free(parser);
	return rc;
}

void d2s_diag_unsupported(struct d2s_diag *diag, const struct d2s_where *w, const char *av,
			    int skip)
{
	if (skip)
		d2s_diagf(diag, D2S_WARNING, w, "apiVersion %s is not supported; left as it is "
			   "(--skip-unsupported)", av ? av : "(none)");
	else
		d2s_diagf(diag, D2S_ERROR, w, "apiVersion %s is not supported: only apps/v1 "
			   "Deployments are converted (upgrade the manifest, or --skip-unsupported)",
			   av ? av : "(none)");
}

void d2s_list_unsupported(const struct d2s_doc *doc, const struct d2s_options *o,
			  struct d2s_diag *diag, const char *file, long line0)
{
	const struct d2s_node *items = d2s_get(doc->root, "items");
	for (size_t i = 0; items && items->type == D2S_SEQ && i < items->n; i++) {
		const struct d2s_node *it = items->kids[i];
		const char *av = d2s_get_str(it, "apiVersion");
		if (!d2s_is(d2s_get(it, "kind"), "Deployment") || d2s_is_hook(it) || !av ||
		    !strcmp(av, "apps/v1") || (strncmp(av, "apps/", 5) && strncmp(av, "extensions/", 11)))
			continue;
		long line, c;
		d2s_linecol(doc->text, it->start, &line, &c);
		const struct d2s_node *meta = d2s_get(it, "metadata");
		struct d2s_where w = { .file = file, .line = line0 + line - 1, .col = c,
				       .api_version = av, .kind = "Deployment",
				       .ns = d2s_get_str(meta, "namespace"), .name = d2s_get_str(meta, "name") };
		d2s_diag_unsupported(diag, &w, av, o->skip_unsupported);
	}
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

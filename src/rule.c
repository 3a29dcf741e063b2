/* rule.c - what every rule shares (rule.h): the position of the document
 * it reads, and the edit of the document it rewrites. */
#include "rule.h"
#include "reemit.h"

struct d2s_where d2s_fact_where(const struct d2s_fact_in *in)
{
	struct d2s_where w = d2s_src_where(in->src, in->root, in->id);
	if (!in->in_list)
		w.col = 1;
	return w;
}

/* d2s_edit_fn over a d2s_rule_edit_fn: an edit that failed leaves no text
 * and asks for the block-style retry. */
struct edit_ctx {
	d2s_rule_edit_fn fn;
	struct d2s_buf *out;
};

static int edit_cb(const struct d2s_doc *doc, void *ctx)
{
	struct edit_ctx *e = ctx;
	if (e->fn(doc, e->out) == 0)
		return 0;
	d2s_buf_reset(e->out);
	return 1; /* any failure: retry in block style */
}

int d2s_rule_edit(const struct d2s_rewrite_in *in, d2s_rule_edit_fn edit, struct d2s_buf *out)
{
	const struct d2s_ident id = d2s_identify(in->doc->root);
	struct d2s_where w = d2s_src_where(in->src, in->doc->root, &id);
	w.col = in->in_list ? in->src->col : 1;
	struct d2s_reemit re = {0};
	struct edit_ctx e = { edit, out };
	int rc = d2s_edit_retry(in->parser, in->ix->diag, &w, in->doc, edit_cb, &e, &re);
	d2s_reemit_free(&re);
	return rc;
}

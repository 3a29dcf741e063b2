/* reemit.c - edit stage: the flow-style fallback (see reemit.h), and the
 * block-style re-emit and `# Source:` comment helpers declared in edit.h. */
#include "reemit.h"
#include "reader.h"
#include "render.h"

#include <libfyaml.h>
#include <stdlib.h>
#include <string.h>

void d2s_source_comments(const struct d2s_doc *doc, struct d2s_buf *out)
{
	size_t end = doc->root ? doc->root->start : doc->len;
	const char *t = doc->text;
	size_t i = 0;
	while (i < end) {
		size_t j = i;
		while (j < doc->len && t[j] != '\n' && t[j] != '\r')
			j++;
		size_t k = j;
		if (k < doc->len)
			k += (t[k] == '\r' && k + 1 < doc->len && t[k + 1] == '\n') ? 2 : 1;
		if (j - i >= 9 && !strncmp(t + i, "# Source:", 9))
			d2s_buf_add(out, t + i, k - i);
		i = k;
	}
}

/* The head of `doc` (separator, comments) and its tail (a `...` marker and
 * what follows) around `body`, into `out`. */
static void keep_around(const struct d2s_doc *doc, const char *body, size_t n, struct d2s_buf *out)
{
	const char *text = doc->text;
	size_t len = doc->len, head = doc->root ? doc->root->start : 0;
	while (head > 0 && text[head - 1] != '\n' && text[head - 1] != '\r')
		head--;
	d2s_buf_add(out, text, head);
	d2s_buf_add(out, body, n);
	size_t tail = doc->root ? d2s_next_line(text, len, doc->root->end) : len;
	tail += d2s_end_marker_at(text + tail, len - tail);
	if (tail < len && out->len && out->data[out->len - 1] != '\n')
		d2s_buf_puts(out, "\n");
	d2s_buf_add(out, text + tail, len - tail);
}

int d2s_reemit_block(const char *text, size_t len, const struct d2s_doc *doc, struct d2s_buf *out)
{
	struct d2s_edits e;
	struct d2s_buf src = {0};
	d2s_edits_init(&e, text, len);
	d2s_requote_single(&e, doc->root);
	int rc = d2s_edits_apply(&e, &src);
	d2s_edits_free(&e);
	struct fy_parse_cfg cfg = { .flags = FYPCF_QUIET | FYPCF_DEFAULT_VERSION_AUTO };
	struct fy_document *fyd = rc ? NULL : fy_document_build_from_string(&cfg, src.data, src.len);
	if (!fyd) {
		d2s_buf_free(&src);
		return -1;
	}
	/* the directives (%YAML, %TAG) and "---" stay in the kept head below:
	 * the emitter must not write them a second time */
	char *s = fy_emit_document_to_string(fyd, FYECF_MODE_BLOCK | FYECF_INDENT_2 | FYECF_WIDTH_INF |
					     FYECF_DOC_START_MARK_OFF | FYECF_DOC_END_MARK_OFF |
					     FYECF_VERSION_DIR_OFF | FYECF_TAG_DIR_OFF);
	fy_document_destroy(fyd);
	d2s_buf_free(&src);
	if (!s)
		return -1;
	/* keep the separator and comments before, and the `...` after (a next
	 * document's directive needs it) */
	struct d2s_doc at = *doc;
	at.text = text;
	at.len = len;
	keep_around(&at, s, strlen(s), out);
	free(s);
	return 0;
}

int d2s_reemit_expanded(const struct d2s_doc *doc, struct d2s_buf *out)
{
	struct d2s_arena a = {0};
	struct d2s_val *v = doc->root ? d2s_v_from_node(&a, doc->root) : NULL;
	if (!v || v->type != D2S_V_MAP) {
		d2s_arena_free(&a);
		return -1;
	}
	struct d2s_layout l;
	struct d2s_buf body = {0};
	d2s_layout_detect(doc, &l);
	d2s_render_pairs(&body, v, 0, &l);
	keep_around(doc, body.data, body.len, out);
	d2s_buf_free(&body);
	d2s_arena_free(&a);
	return 0;
}

int d2s_reemit_parse(struct d2s_parser *parser, const struct d2s_doc *doc, struct d2s_reemit *r)
{
	if (d2s_reemit_block(doc->text, doc->len, doc, &r->text))
		return -1;
	return d2s_parse(parser, r->text.data, r->text.len, &r->doc) == 0 && r->doc.root ? 0 : -1;
}

/* The edit on the re-emitted copy r->doc: it must succeed now. */
static int edit_again(struct d2s_diag *diag, const struct d2s_where *w, d2s_edit_fn edit, void *ctx,
		      struct d2s_reemit *r)
{
	int rc = edit(&r->doc, ctx);
	if (rc > 0) {
		d2s_diagf(diag, D2S_ERROR, w, "cannot edit this document in place");
		rc = -1;
	}
	return rc;
}

/* The anchors of `n` and below that an alias repeats, ", &"-separated into
 * `b`, and whether a merge key (<<) is among its keys. */
static void anchors_of(const struct d2s_node *n, struct d2s_buf *b, int *merge, int depth)
{
	if (!n || n->type == D2S_ALIAS || depth > 64)
		return;
	if (n->aliased && n->anchor)
		d2s_buf_printf(b, "%s&%s", b->len ? ", " : "", n->anchor);
	size_t k = n->type == D2S_MAP ? 2 * n->n : n->type == D2S_SEQ ? n->n : 0;
	for (size_t i = 0; i < k; i++) {
		if (n->type == D2S_MAP && i % 2 == 0 && d2s_is_merge_key(n->kids[i]))
			*merge = 1;
		anchors_of(n->kids[i], b, merge, depth + 1);
	}
}

/* The re-emit of rc 2: aliases expanded (reported at `w`). */
static int expand(struct d2s_parser *parser, struct d2s_diag *diag, const struct d2s_where *w,
		  const struct d2s_doc *doc, struct d2s_reemit *r)
{
	struct d2s_buf names = {0};
	int merge = 0;
	anchors_of(doc->root, &names, &merge, 0);
	if (d2s_reemit_expanded(doc, &r->text) ||
	    d2s_parse(parser, r->text.data, r->text.len, &r->doc) || !r->doc.root) {
		d2s_diagf(diag, D2S_ERROR, w, "an edit lands in a node an alias repeats (%s), and the "
			  "aliases cannot be expanded here (an unknown tag, or over 100000 values): "
			  "expand them first (e.g. yq 'explode(.)')", names.len ? names.data : "<<");
		d2s_buf_free(&names);
		return -1;
	}
	d2s_diagf(diag, D2S_WARNING, w, "an edit lands in a node that an alias repeats (%s%s%s): the "
		  "document is re-emitted in block style with its aliases expanded and merge keys merged, "
		  "as Kubernetes reads it (its comments are lost)", names.data ? names.data : "",
		  names.len && merge ? ", " : "", merge ? "merge key <<" : "");
	d2s_buf_free(&names);
	return 0;
}

int d2s_edit_retry(struct d2s_parser *parser, struct d2s_diag *diag, const struct d2s_where *w,
		   const struct d2s_doc *doc, d2s_edit_fn edit, void *ctx, struct d2s_reemit *r)
{
	int rc = edit(doc, ctx);
	if (rc == 2)
		return expand(parser, diag, w, doc, r) ? -1 : edit_again(diag, w, edit, ctx, r);
	if (rc != 1)
		return rc;
	if (d2s_reemit_parse(parser, doc, r)) {
		d2s_diagf(diag, D2S_ERROR, w, "cannot re-emit this document in block style "
			   "(nested deeper than 64 levels?): rewrite it in block style");
		return -1;
	}
	d2s_diagf(diag, D2S_WARNING, w, "written in flow style where edits are needed: "
		   "the document is re-emitted in block style (its comments are lost)");
	return edit_again(diag, w, edit, ctx, r);
}

void d2s_reemit_free(struct d2s_reemit *r)
{
	d2s_doc_free(&r->doc);
	d2s_buf_free(&r->text);
	memset(r, 0, sizeof(*r));
}

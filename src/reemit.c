/* reemit.c - edit stage: the flow-style fallback (see reemit.h), and the
 * block-style re-emit and `# Source:` comment helpers declared in edit.h. */
#include "reemit.h"
#include "reader.h"

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
	/* keep everything before the content (separator, comments) */
	size_t head = doc->root ? doc->root->start : 0;
	while (head > 0 && text[head - 1] != '\n' && text[head - 1] != '\r')
		head--;
	d2s_buf_add(out, text, head);
	d2s_buf_puts(out, s);
	free(s);
	/* and the `...` end marker after it: a next document's directive needs it */
	size_t tail = doc->root ? d2s_next_line(text, len, doc->root->end) : len;
	tail += d2s_end_marker_at(text + tail, len - tail);
	if (tail < len && out->len && out->data[out->len - 1] != '\n')
		d2s_buf_puts(out, "\n");
	d2s_buf_add(out, text + tail, len - tail);
	return 0;
}

int d2s_reemit_parse(struct d2s_parser *parser, const struct d2s_doc *doc, struct d2s_reemit *r)
{
	if (d2s_reemit_block(doc->text, doc->len, doc, &r->text))
		return -1;
	return d2s_parse(parser, r->text.data, r->text.len, &r->doc) == 0 && r->doc.root ? 0 : -1;
}

int d2s_edit_retry(struct d2s_parser *parser, struct d2s_diag *diag, const struct d2s_where *w,
		   const struct d2s_doc *doc, d2s_edit_fn edit, void *ctx, struct d2s_reemit *r)
{
	int rc = edit(doc, ctx);
	if (rc != 1)
		return rc;
	if (d2s_reemit_parse(parser, doc, r)) {
		d2s_diagf(diag, D2S_ERROR, w, "cannot re-emit this document in block style "
			   "(nested deeper than 64 levels?): rewrite it in block style");
		return -1;
	}
	d2s_diagf(diag, D2S_WARNING, w, "written in flow style where edits are needed: "
		   "the document is re-emitted in block style (its comments are lost)");
	rc = edit(&r->doc, ctx);
	if (rc == 1) {
		d2s_diagf(diag, D2S_ERROR, w, "cannot edit this document in place");
		rc = -1;
	}
	return rc;
}

void d2s_reemit_free(struct d2s_reemit *r)
{
	d2s_doc_free(&r->doc);
	d2s_buf_free(&r->text);
	memset(r, 0, sizeof(*r));
}

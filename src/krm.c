/* krm.c - door for KRM functions (kpt, kustomize): translates a
 * ResourceList into options (functionConfig) and an input stream (items.c),
 * runs the pipeline, and writes the ResourceList back with `results`.
 * Protocol: KRM Functions Specification, kubernetes-sigs/kustomize
 * cmd/config/docs/api-conventions/functions-spec.md. */
#include "krm.h"
#include "buf.h"
#include "render.h"
#include "items.h"
#include "pipeline.h"
#include "reader.h"
#include "tree.h"

#include <stdlib.h>
#include <string.h>

int d2s_krm_detect(const char *t, size_t n)
{
	size_t i = 0;
	int content = 0;
	while (i < n) {
		const char *nl = memchr(t + i, '\n', n - i);
		size_t e = nl ? (size_t)(nl - t) : n;
		if (e - i >= 3 && !strncmp(t + i, "---", 3) && content)
			return 0;
		if (e - i >= 18 && !strncmp(t + i, "kind: ResourceList", 18))
			return 1;
		if (e > i && t[i] != '#' && t[i] != '-' && t[i] != '%')
			content = 1;
		i = e + 1;
	}
	return 0;
}

/* Annotation `key` of the item matching an entry's object, or NULL. */
static const char *item_path(const struct d2s_node *items, const struct d2s_diag_entry *e)
{
	for (size_t i = 0; items && i < items->n && e->name; i++) {
		const struct d2s_node *it = items->kids[i], *meta = d2s_get(it, "metadata");
		const char *ns = d2s_get_str(meta, "namespace");
		if (!d2s_is(d2s_get(meta, "name"), e->name) || !d2s_is(d2s_get(it, "kind"), e->kind ? e->kind : "") ||
		    strcmp(ns ? ns : "", e->ns ? e->ns : ""))
			continue;
		const struct d2s_node *ann = d2s_get(meta, "annotations");
		const char *p = d2s_get_str(ann, "config.kubernetes.io/path");
		return p ? p : d2s_get_str(ann, "internal.config.kubernetes.io/path");
	}
	return NULL;
}

static void write_results(const struct d2s_diag *diag, const struct d2s_node *items, struct d2s_buf *out)
{
	static const char *const sev[] = { "info", "warning", "error" };
	struct d2s_arena a = {0};
	struct d2s_layout l = { .indent = 2, .seq_indent = 0, .nl = "\n" };
	struct d2s_val *root = d2s_v_map(&a), *results = d2s_v_seq(&a);
	for (size_t i = 0; i < diag->n_entries; i++) {
		const struct d2s_diag_entry *e = &diag->entries[i];
		struct d2s_val *r = d2s_v_map(&a);
		d2s_v_put(&a, r, "message", d2s_v_str(&a, e->message ? e->message : ""));
		d2s_v_put(&a, r, "severity", d2s_v_str(&a, sev[e->severity]));
		if (e->name) {
			struct d2s_val *ref = d2s_v_map(&a);
			if (e->api_version)
				d2s_v_put(&a, ref, "apiVersion", d2s_v_str(&a, e->api_version));
			if (e->kind)
				d2s_v_put(&a, ref, "kind", d2s_v_str(&a, e->kind));
			d2s_v_put(&a, ref, "name", d2s_v_str(&a, e->name));
			if (e->ns && *e->ns)
				d2s_v_put(&a, ref, "namespace", d2s_v_str(&a, e->ns));
			d2s_v_put(&a, r, "resourceRef", ref);
		}
		if (e->field) {
			struct d2s_val *f = d2s_v_map(&a);
			d2s_v_put(&a, f, "path", d2s_v_str(&a, e->field));
			d2s_v_put(&a, r, "field", f);
		}
		const char *path = item_path(items, e);
		if (path) {
			struct d2s_val *f = d2s_v_map(&a);
			d2s_v_put(&a, f, "path", d2s_v_str(&a, path));
			d2s_v_put(&a, r, "file", f);
		}
		d2s_v_push(&a, results, r);
	}
	if (results->n) {
		d2s_v_put(&a, root, "results", results);
		d2s_render_pairs(out, root, 0, &l);
	}
	d2s_arena_free(&a);
}

static int apply_function_config(const struct d2s_doc *doc, struct d2s_options *o,
				 const struct d2s_pairs *cli, struct d2s_diag *diag, const char *name)
{
	const struct d2s_node *fc = d2s_get(doc->root, "functionConfig");
	char msg[600];
	const struct d2s_node *at = NULL;
	int rc = 0;
	int absent = !fc || (fc->type == D2S_SCALAR && fc->style == D2S_PLAIN &&
			     (!fc->value[0] || !strcmp(fc->value, "null") || !strcmp(fc->value, "~")));
	if (!absent) {
		const char *kind = d2s_get_str(fc, "kind");
		if (kind && !strcmp(kind, "ConfigMap"))
			rc = d2s_config_apply_configmap(o, fc, msg, sizeof(msg), &at);
		else
			rc = d2s_config_apply(o, fc, msg, sizeof(msg), &at);
	}
	if (!rc && d2s_pairs_apply(cli, o, msg, sizeof(msg)))
		rc = -1;
	if (rc) {
		struct d2s_where w = { .file = name, .field = "functionConfig" };
		if (at)
			d2s_linecol(doc->text, at->start, &w.line, &w.col);
		d2s_report(diag, D2S_ERROR, &w, "functionConfig: %s", msg);
	}
	return rc;
}

/* Run the items through the pipeline as one plain stream; the output as
 * "- item" lines goes to `items_out`. Errors are counted in `diag`. */
static void run_items(const struct d2s_items *it, struct d2s_options *o, struct d2s_diag *diag,
		      struct d2s_buf *items_out)
{
	struct d2s_buf stream = {0};
	char *conv = NULL;
	size_t conv_len = 0;
	d2s_items_to_stream(it, &stream);
	FILE *mem = open_memstream(&conv, &conv_len);
	struct d2s_pipeline *pl = mem ? d2s_pipeline_new(o, diag, mem) : NULL;
	if (pl && d2s_pipeline_feed_mem(pl, stream.data, stream.len, "ResourceList.items") == 0)
		d2s_pipeline_finish(pl);
	d2s_pipeline_free(pl);
	if (mem)
		fclose(mem);
	if (!pl)
		diag->errors++;
	if (!diag->errors && d2s_stream_to_items(conv, conv_len, items_out))
		diag->errors++;
	free(conv);
	d2s_buf_free(&stream);
}

/* Write the output ResourceList: the new items (or, after an error, the
 * input items unchanged: a missing item would be deleted by the client),
 * functionConfig as it came, and the results. */
static void write_list(FILE *out, const struct d2s_doc *doc, const struct d2s_node *items,
		       const struct d2s_diag *diag, const struct d2s_buf *items_out)
{
	fputs("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\n", out);
	if (items && !diag->errors) {
		fputs("items:\n", out);
		fwrite(items_out->data ? items_out->data : "", 1, items_out->len, out);
	} else if (items) {
		struct d2s_buf orig = {0};
		d2s_pair_text(doc, "items", &orig); /* unchanged: nothing may be lost */
		fwrite(orig.data ? orig.data : "", 1, orig.len, out);
		d2s_buf_free(&orig);
	} else {
		fputs("items: []\n", out);
	}
	struct d2s_buf rest = {0};
	d2s_pair_text(doc, "functionConfig", &rest);
	write_results(diag, items, &rest);
	fwrite(rest.data ? rest.data : "", 1, rest.len, out);
	d2s_buf_free(&rest);
}

int d2s_krm_run(const char *text, size_t len, const char *name, struct d2s_options *o,
		const struct d2s_pairs *cli, struct d2s_diag *diag, FILE *out)
{
	struct d2s_parser *p = d2s_parser_new();
	struct d2s_doc doc = {0};
	struct d2s_items it = {0};
	struct d2s_buf items_out = {0};
	int rc = -1;
	char msg[256];
	long line, col;
	/* a text the stream reader rejects is left to it: it says why */
	if (d2s_text_check(text, len, msg, sizeof(msg), &line, &col) ||
	    !p || d2s_parse(p, text, len, &doc) || !doc.root ||
	    !d2s_is(d2s_get(doc.root, "kind"), "ResourceList"))
		goto done;
	rc = 1;
	if (d2s_items_open(p, &doc, &it))
		goto done;
	const struct d2s_node *items = it.seq;
	if (items && items->type != D2S_SEQ) {
		struct d2s_where w = { .file = name, .field = "items" };
		d2s_report(diag, D2S_ERROR, &w, "ResourceList items must be a list");
		items = NULL;
	} else if (apply_function_config(it.doc, o, cli, diag, name) == 0 && items && items->n) {
		run_items(&it, o, diag, &items_out);
	}
	write_list(out, it.doc, items, diag, &items_out);
	rc = diag->errors ? 1 : 0;
done:
	d2s_buf_free(&items_out);
	d2s_items_free(&it);
	d2s_doc_free(&doc);
	d2s_parser_free(p);
	return rc;
}

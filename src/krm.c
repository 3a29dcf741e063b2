/* krm.c - door for KRM functions (kpt, kustomize): translates a
 * ResourceList into options (functionConfig) and an input stream (items.c),
 * runs the pipeline, and writes the ResourceList back with `results`.
 * Protocol: KRM Functions Specification, kubernetes-sigs/kustomize
 * cmd/config/docs/api-conventions/functions-spec.md. */
#include "krm.h"
#include "report.h"
#include "buf.h"
#include "render.h"
#include "items.h"
#include "krmfile.h"
#include "pipeline.h"
#include "reader.h"
#include "tree.h"

#include <stdint.h>
#include <stdio.h>
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

/* What results are written from: the input items, the first line of each
 * in the stream the pipeline read (its "---" line), and the objects given
 * back (generated ones with their new file index). */
struct krm_out {
	const struct d2s_node *items;
	long *lines;
	struct d2s_krm_files files;
};

static const char STREAM_NAME[] = "ResourceList.items";

static int same_object(const struct d2s_node *n, const struct d2s_diag_entry *e)
{
	const struct d2s_node *meta = d2s_get(n, "metadata");
	const char *ns = d2s_get_str(meta, "namespace");
	return e->name && d2s_is(d2s_get(meta, "name"), e->name) &&
	       d2s_is(d2s_get(n, "kind"), e->kind ? e->kind : "") &&
	       (!e->ns || !*e->ns || !strcmp(ns ? ns : "", e->ns));
}

/* The input item entry `e` is about: the item holding its line of the
 * stream, else the item of its kind, namespace and name; NULL. */
static const struct d2s_node *entry_item(const struct krm_out *k, const struct d2s_diag_entry *e)
{
	const struct d2s_node *items = k->items;
	if (!items || items->type != D2S_SEQ)
		return NULL;
	if (k->lines && items->n && e->file && !strcmp(e->file, STREAM_NAME) &&
	    e->line >= k->lines[0]) {
		size_t lo = 0, hi = items->n; /* the last item starting at or before the line */
		while (hi - lo > 1) {
			size_t mid = lo + (hi - lo) / 2;
			if (k->lines[mid] <= e->line)
				lo = mid;
			else
				hi = mid;
		}
		return items->kids[lo];
	}
	for (size_t i = 0; i < items->n; i++)
		if (same_object(items->kids[i], e))
			return items->kids[i];
	return NULL;
}

/* The node naming entry `e`'s object: `item`, or the item of a List. */
static const struct d2s_node *entry_object(const struct d2s_node *item, const struct d2s_diag_entry *e)
{
	if (!item || same_object(item, e))
		return item;
	const struct d2s_node *sub = d2s_is(d2s_get(item, "kind"), "List") ? d2s_get(item, "items") : NULL;
	for (size_t i = 0; sub && sub->type == D2S_SEQ && i < sub->n; i++)
		if (same_object(sub->kids[i], e))
			return sub->kids[i];
	return NULL;
}

static struct d2s_val *file_val(struct d2s_arena *a, const char *path, long index)
{
	struct d2s_val *f = d2s_v_map(a);
	char num[32];
	d2s_v_put(a, f, "path", d2s_v_str(a, path));
	if (index >= 0) {
		snprintf(num, sizeof(num), "%ld", index);
		d2s_v_put(a, f, "index", d2s_v_raw(a, d2s_arena_strndup(a, num, strlen(num))));
	}
	return f;
}

static struct d2s_val *ref_val(struct d2s_arena *a, const char *av, const char *kind,
			       const char *ns, const char *name)
{
	struct d2s_val *ref = d2s_v_map(a);
	if (av)
		d2s_v_put(a, ref, "apiVersion", d2s_v_str(a, av));
	if (kind)
		d2s_v_put(a, ref, "kind", d2s_v_str(a, kind));
	d2s_v_put(a, ref, "name", d2s_v_str(a, name));
	if (ns && *ns)
		d2s_v_put(a, ref, "namespace", d2s_v_str(a, ns));
	return ref;
}

/* resourceRef and file of entry `e`: from the entry, completed from the
 * input item it is about, or from the generated object it names. */
static void put_object(struct d2s_arena *a, struct d2s_val *r, const struct krm_out *k,
		       const struct d2s_diag_entry *e)
{
	const struct d2s_node *item = entry_item(k, e), *obj = entry_object(item, e);
	const char *av = e->api_version, *ns = e->ns, *path = NULL;
	long index = -1;
	if (obj && !av)
		av = d2s_get_str(obj, "apiVersion");
	if (obj && (!ns || !*ns))
		ns = d2s_get_str(d2s_get(obj, "metadata"), "namespace");
	if (item)
		path = d2s_krm_item_file(item, &index);
	for (size_t i = 0; !item && e->name && i < k->files.n; i++) {
		const struct d2s_krm_obj *o = &k->files.v[i];
		if (o->generated && o->name && !strcmp(o->name, e->name) && o->kind && e->kind &&
		    !strcmp(o->kind, e->kind) && !strcmp(o->ns ? o->ns : "", e->ns ? e->ns : "")) {
			path = o->path;
			index = o->idx;
			av = av ? av : o->api_version;
		}
	}
	if (e->name)
		d2s_v_put(a, r, "resourceRef", ref_val(a, av, e->kind, ns, e->name));
	if (e->field) {
		struct d2s_val *f = d2s_v_map(a);
		d2s_v_put(a, f, "path", d2s_v_str(a, e->field));
		d2s_v_put(a, r, "field", f);
	}
	if (path)
		d2s_v_put(a, r, "file", file_val(a, path, index));
}

/* One info result per generated object that is filed in a package file:
 * where kpt writes it (its path and its new index). */
static void put_generated(struct d2s_arena *a, struct d2s_val *results, const struct krm_out *k)
{
	for (size_t i = 0; i < k->files.n; i++) {
		const struct d2s_krm_obj *o = &k->files.v[i];
		if (!o->generated || !o->name)
			continue;
		const struct d2s_krm_obj *by = o->anchor != SIZE_MAX ? &k->files.v[o->anchor] : NULL;
		char msg[512];
		snprintf(msg, sizeof(msg), "generated%s%s%s%s: written to %s after it", by ? " for " : "",
			 by && by->kind ? by->kind : "", by ? " " : "", by && by->name ? by->name : "",
			 o->path);
		struct d2s_val *r = d2s_v_map(a);
		d2s_v_put(a, r, "message", d2s_v_str(a, msg));
		d2s_v_put(a, r, "severity", d2s_v_str(a, "info"));
		d2s_v_put(a, r, "resourceRef", ref_val(a, o->api_version, o->kind, o->ns, o->name));
		d2s_v_put(a, r, "file", file_val(a, o->path, o->idx));
		d2s_v_push(a, results, r);
	}
}

/* The `results` of the KRM Functions Specification: message, severity,
 * resourceRef (apiVersion, kind, name, namespace), field (path) and file
 * (path, index) where known. */
static void write_results(const struct d2s_diag *diag, const struct krm_out *k, struct d2s_buf *out)
{
	struct d2s_arena a = {0};
	struct d2s_layout l = { .indent = 2, .seq_indent = 0, .nl = "\n" };
	struct d2s_val *root = d2s_v_map(&a), *results = d2s_v_seq(&a);
	for (size_t i = 0; i < diag->n_entries; i++) {
		const struct d2s_diag_entry *e = &diag->entries[i];
		struct d2s_val *r = d2s_v_map(&a);
		d2s_v_put(&a, r, "message", d2s_v_str(&a, e->message ? e->message : ""));
		d2s_v_put(&a, r, "severity", d2s_v_str(&a, d2s_diag_severity_name(e->severity)));
		put_object(&a, r, k, e);
		d2s_v_push(&a, results, r);
	}
	if (!diag->errors)
		put_generated(&a, results, k);
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
		d2s_diagf(diag, D2S_ERROR, &w, "functionConfig: %s", msg);
	}
	return rc;
}

/* Run the items through the pipeline as one plain stream; give generated
 * objects their file index (krmfile.h); the output as "- item" lines goes
 * to `items_out`. Errors are counted in `diag`. */
static void run_items(const struct d2s_items *it, struct d2s_options *o, struct d2s_diag *diag,
		      struct krm_out *k, struct d2s_buf *items_out)
{
	struct d2s_buf stream = {0}, filed = {0};
	char *conv = NULL;
	size_t conv_len = 0;
	d2s_items_to_stream(it, &stream, k->lines);
	FILE *mem = open_memstream(&conv, &conv_len);
	struct d2s_pipeline *pl = mem ? d2s_pipeline_new(o, diag, mem) : NULL;
	if (pl && d2s_pipeline_feed_mem(pl, stream.data, stream.len, STREAM_NAME) == 0)
		d2s_pipeline_finish(pl);
	d2s_pipeline_free(pl);
	if (mem)
		fclose(mem);
	if (!pl)
		diag->errors++;
	if (!diag->errors && (d2s_krm_files_assign(conv, conv_len, it->seq, &k->files, &filed) ||
			      d2s_stream_to_items(filed.data, filed.len, items_out))) {
		struct d2s_where w = { .file = STREAM_NAME };
		d2s_diagf(diag, D2S_ERROR, &w, "cannot read the converted items back (a bug): the "
			   "items are returned unchanged");
	}
	free(conv);
	d2s_buf_free(&filed);
	d2s_buf_free(&stream);
}

/* Write the output ResourceList: the new items (or, after an error, the
 * input items unchanged: a missing item would be deleted by the client),
 * functionConfig as it came, and the results. */
static void write_list(FILE *out, const struct d2s_doc *doc, const struct krm_out *k,
		       const struct d2s_diag *diag, const struct d2s_buf *items_out)
{
	fputs("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\n", out);
	if (k->items && diag->errors) {
		struct d2s_buf orig = {0};
		d2s_pair_text(doc, "items", &orig); /* unchanged: nothing may be lost */
		fwrite(orig.data ? orig.data : "", 1, orig.len, out);
		d2s_buf_free(&orig);
	} else if (k->items && items_out->len) {
		fputs("items:\n", out);
		fwrite(items_out->data, 1, items_out->len, out);
	} else {
		fputs("items: []\n", out); /* none left: still a list, as the spec wants */
	}
	struct d2s_buf rest = {0};
	d2s_pair_text(doc, "functionConfig", &rest);
	write_results(diag, k, &rest);
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
	struct krm_out k = {0};
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
	k.items = it.seq;
	if (k.items && k.items->type != D2S_SEQ) {
		struct d2s_where w = { .file = name, .field = "items" };
		d2s_diagf(diag, D2S_ERROR, &w, "ResourceList items must be a list");
		k.items = NULL;
	} else if (apply_function_config(it.doc, o, cli, diag, name) == 0 && k.items && k.items->n) {
		k.lines = d2s_check_alloc(calloc(k.items->n, sizeof(*k.lines)));
		run_items(&it, o, diag, &k, &items_out);
	}
	if (diag->report && !diag->errors) /* the no-op check, as in the CLI (main.c) */
		d2s_creport_noop_check(diag->report, diag, o->require_conversion); /* functionConfig, flags, env */
	if (diag->report) /* the results carry the report's facts (docs/report.md) */
		d2s_creport_to_diag(diag->report, diag);
	write_list(out, it.doc, &k, diag, &items_out);
	rc = diag->errors ? 1 : 0;
done:
	free(k.lines);
	d2s_krm_files_free(&k.files);
	d2s_buf_free(&items_out);
	d2s_items_free(&it);
	d2s_doc_free(&doc);
	d2s_parser_free(p);
	return rc;
}

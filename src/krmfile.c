/* krmfile.c - KRM door, write side: file path and index annotations of the
 * objects a ResourceList gives back (see krmfile.h). */
#include "krmfile.h"
#include "edit.h"
#include "hashmap.h"
#include "reader.h"
#include "render.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* kyaml kio/kioutil/kioutil.go: the internal names are read first. */
static const char *const path_keys[] = {
	"internal.config.kubernetes.io/path", "config.kubernetes.io/path" };
static const char *const index_keys[] = {
	"internal.config.kubernetes.io/index", "config.kubernetes.io/index" };

/* An index annotation value: -1 when absent, -2 when not a number. */
static long parse_index(const char *s)
{
	if (!s)
		return -1;
	size_t n = strlen(s);
	if (!n || n > 9 || strspn(s, "0123456789") != n)
		return -2;
	return strtol(s, NULL, 10);
}

const char *d2s_krm_item_file(const struct d2s_node *item, long *index)
{
	const struct d2s_node *ann = d2s_path(item, "metadata", "annotations");
	const char *p = d2s_get_str(ann, path_keys[0]), *i = d2s_get_str(ann, index_keys[0]);
	if (!p)
		p = d2s_get_str(ann, path_keys[1]);
	if (!i)
		i = d2s_get_str(ann, index_keys[1]);
	*index = parse_index(i);
	if (*index < 0)
		*index = -1;
	return p;
}

static char *dup_or_null(const char *s)
{
	return s ? d2s_check_alloc(strdup(s)) : NULL;
}

/* Identity "kind/namespace/name" of root mapping `n` in `buf`. */
static const char *ident(char *buf, size_t size, const struct d2s_node *n)
{
	const struct d2s_node *meta = d2s_get(n, "metadata");
	const char *k = d2s_get_str(n, "kind"), *ns = d2s_get_str(meta, "namespace"),
		   *name = d2s_get_str(meta, "name");
	snprintf(buf, size, "%s\x1f%s\x1f%s", k ? k : "", ns ? ns : "", name ? name : "");
	return buf;
}

static void read_obj(struct d2s_krm_obj *o, const struct d2s_node *root, const struct d2s_map *inputs)
{
	const struct d2s_node *meta = d2s_get(root, "metadata"), *ann = d2s_get(meta, "annotations");
	const char *path = d2s_get_str(ann, path_keys[0]), *index = d2s_get_str(ann, index_keys[0]);
	char key[1024];
	o->path = dup_or_null(path ? path : d2s_get_str(ann, path_keys[1]));
	o->old = parse_index(index ? index : d2s_get_str(ann, index_keys[1]));
	o->idx = o->old;
	o->api_version = dup_or_null(d2s_get_str(root, "apiVersion"));
	o->kind = dup_or_null(d2s_get_str(root, "kind"));
	o->ns = dup_or_null(d2s_get_str(meta, "namespace"));
	o->name = dup_or_null(d2s_get_str(meta, "name"));
	o->generated = o->path && o->old == -1 && !d2s_map_has(inputs, ident(key, sizeof(key), root));
}

/* Pass 1: one object per document of the stream. */
static int read_objs(const char *text, size_t len, const struct d2s_node *items,
		     struct d2s_krm_files *f)
{
	struct d2s_map inputs = {0};
	char key[1024];
	for (size_t i = 0; items && items->type == D2S_SEQ && i < items->n; i++)
		d2s_map_set(&inputs, ident(key, sizeof(key), items->kids[i]), 1);
	struct d2s_reader *r = d2s_reader_new_mem(text, len, "output");
	struct d2s_parser *p = d2s_parser_new();
	struct d2s_piece pc;
	struct d2s_doc doc = {0};
	size_t off = 0;
	int k = -1;
	while (r && p && (k = d2s_reader_next(r, &pc, 0)) == 1) {
		f->v = d2s_check_alloc(realloc(f->v, (f->n + 1) * sizeof(*f->v)));
		struct d2s_krm_obj *o = &f->v[f->n++];
		*o = (struct d2s_krm_obj){ .off = off, .len = pc.len, .old = -1, .idx = -1,
					   .anchor = SIZE_MAX, .next_gen = SIZE_MAX };
		off += pc.len;
		if (d2s_parse(p, pc.text, pc.len, &doc) == 0 && doc.root && doc.root->type == D2S_MAP)
			read_obj(o, doc.root, &inputs);
	}
	d2s_doc_free(&doc);
	d2s_parser_free(p);
	d2s_reader_free(r);
	d2s_map_free(&inputs);
	return k == 0 && off == len ? 0 : -1;
}

/* Each generated object follows the object before it (skipping other
 * generated ones) when that one is filed in the same path with an index:
 * the pipeline writes a generated Service right after its StatefulSet. */
static void find_anchors(struct d2s_krm_files *f)
{
	size_t last = SIZE_MAX;
	for (size_t i = 0; i < f->n; i++) {
		struct d2s_krm_obj *o = &f->v[i];
		if (!o->generated) {
			last = i;
			continue;
		}
		if (last == SIZE_MAX || f->v[last].old < 0 || !f->v[last].path ||
		    strcmp(f->v[last].path, o->path))
			continue;
		o->anchor = last;
		size_t *tail = &f->v[last].next_gen;
		while (*tail != SIZE_MAX)
			tail = &f->v[*tail].next_gen;
		*tail = i;
	}
}

static int by_path_index(const void *a, const void *b)
{
	const struct d2s_krm_obj *x = *(const struct d2s_krm_obj *const *)a,
				 *y = *(const struct d2s_krm_obj *const *)b;
	int c = strcmp(x->path, y->path);
	if (c)
		return c;
	if (x->old != y->old)
		return x->old < y->old ? -1 : 1;
	return x < y ? -1 : x > y;
}

/* Renumber the files' objects in index order: each object moves up by the
 * number of generated objects placed before it; a generated object takes
 * the index after its anchor's. A file with an index that is not a number
 * keeps its indexes (its generated objects go at its end). `next` gets,
 * per path, the first index no object uses. */
static void renumber(struct d2s_krm_files *f, struct d2s_krm_obj **ord, size_t n, struct d2s_map *next)
{
	size_t i = 0;
	while (i < n) {
		const char *path = ord[i]->path;
		int bad = ord[i]->old == -2;
		long shift = 0, top = -1;
		for (; i < n && !strcmp(ord[i]->path, path); i++) {
			struct d2s_krm_obj *e = ord[i];
			e->idx = bad ? e->old : e->old + shift;
			top = e->idx > top ? e->idx : top;
			long j = 0;
			for (size_t g = e->next_gen; g != SIZE_MAX && !bad; g = f->v[g].next_gen) {
				f->v[g].idx = e->idx + 1 + j++;
				top = f->v[g].idx > top ? f->v[g].idx : top;
			}
			shift += j;
		}
		d2s_map_set(next, path, top + 1);
	}
}

/* Give every object its new index (see krmfile.h). */
static void assign(struct d2s_krm_files *f)
{
	struct d2s_krm_obj **ord = d2s_check_alloc(calloc(f->n + 1, sizeof(*ord)));
	struct d2s_map next = {0};
	size_t n = 0;
	find_anchors(f);
	for (size_t i = 0; i < f->n; i++)
		if (f->v[i].path && f->v[i].old != -1)
			ord[n++] = &f->v[i];
	qsort(ord, n, sizeof(*ord), by_path_index);
	renumber(f, ord, n, &next);
	for (size_t i = 0; i < f->n; i++) {
		struct d2s_krm_obj *o = &f->v[i];
		if (!o->generated || o->idx >= 0)
			continue;
		o->idx = (long)d2s_map_get(&next, o->path, 0);
		d2s_map_set(&next, o->path, o->idx + 1);
	}
	d2s_map_free(&next);
	free(ord);
}

/* Pass 2: write object `o` (document `doc`) with its new index. Returns 0,
 * or -1 when it cannot be edited in place (then nothing was written). */
static int edit_obj(const struct d2s_doc *doc, const struct d2s_krm_obj *o, struct d2s_buf *out)
{
	const struct d2s_node *ann = d2s_path(doc->root, "metadata", "annotations");
	struct d2s_edits e;
	struct d2s_arena a = {0};
	struct d2s_val *add = d2s_v_map(&a);
	char num[32];
	snprintf(num, sizeof(num), "%ld", o->idx);
	d2s_edits_init(&e, doc->text, doc->len);
	d2s_layout_detect(doc, &e.layout);
	for (size_t k = 2; k-- > 0;) { /* the legacy name first, as kpt writes them */
		const struct d2s_node *v = d2s_get(ann, index_keys[k]);
		if (v && o->old >= 0)
			d2s_yset_scalar(&e, v, num);
		else if (!v && o->generated && d2s_get(ann, path_keys[k]))
			d2s_v_put(&a, add, index_keys[k], d2s_v_str(&a, num));
	}
	if (add->n)
		d2s_yinsert_pairs(&e, ann, add, 0);
	int rc = e.reemit ? -1 : d2s_edits_apply(&e, out);
	d2s_edits_free(&e);
	d2s_arena_free(&a);
	return rc;
}

int d2s_krm_files_assign(const char *text, size_t len, const struct d2s_node *items,
			 struct d2s_krm_files *f, struct d2s_buf *out)
{
	if (read_objs(text, len, items, f))
		return -1;
	assign(f);
	struct d2s_parser *p = d2s_parser_new();
	struct d2s_doc doc = {0};
	for (size_t i = 0; i < f->n; i++) {
		const struct d2s_krm_obj *o = &f->v[i];
		int change = o->generated || (o->old >= 0 && o->idx != o->old);
		if (change && p && d2s_parse(p, text + o->off, o->len, &doc) == 0 && doc.root) {
			struct d2s_buf one = {0};
			if (edit_obj(&doc, o, &one) == 0) {
				d2s_buf_add(out, one.data ? one.data : "", one.len);
				d2s_buf_free(&one);
				continue;
			}
			d2s_buf_free(&one);
		}
		d2s_buf_add(out, text + o->off, o->len);
	}
	d2s_doc_free(&doc);
	d2s_parser_free(p);
	return 0;
}

void d2s_krm_files_free(struct d2s_krm_files *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->v[i].path);
		free(f->v[i].api_version);
		free(f->v[i].kind);
		free(f->v[i].ns);
		free(f->v[i].name);
	}
	free(f->v);
	f->v = NULL;
	f->n = 0;
}

/* tree_query.c - read stage: lookups in the span tree (see tree.h). They
 * see through aliases and merge keys `<<` as Kubernetes' decoder does
 * (sigs.k8s.io/yaml converts YAML to JSON with go-yaml, which expands
 * aliases and merges `<<`), and tell the convert stage which nodes an
 * alias shares, so that no edit lands in an anchor meant for one place. */
#include "tree.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct d2s_node *d2s_get_key(const struct d2s_node *map, const char *key)
{
	map = d2s_deref(map);
	if (!map || map->type != D2S_MAP)
		return NULL;
	for (size_t i = 0; i < map->n; i++) {
		const struct d2s_node *k = d2s_deref(map->kids[2 * i]);
		if (k && k->type == D2S_SCALAR && strcmp(k->value, key) == 0)
			return map->kids[2 * i];
	}
	return NULL;
}

const struct d2s_node *d2s_deref(const struct d2s_node *n)
{
	/* an alias never refers to an alias (anchors are on nodes), so one step */
	return n && n->type == D2S_ALIAS && n->target ? n->target : n;
}

int d2s_is_merge_key(const struct d2s_node *k)
{
	if (!k || k->type != D2S_SCALAR || strcmp(k->value, "<<"))
		return 0;
	return k->tag ? !strcmp(k->tag, "tag:yaml.org,2002:merge") : k->style == D2S_PLAIN;
}

/* d2s_get with a bound on nested merge keys (a merged mapping may merge
 * others; `depth` stops a cycle through an alias of an open collection). */
static struct d2s_node *get_in(const struct d2s_node *map, const char *key, int depth)
{
	map = d2s_deref(map);
	if (!map || map->type != D2S_MAP || depth > 32)
		return NULL;
	struct d2s_node *k = d2s_get_key(map, key);
	if (k) {
		size_t i = 0;
		while (map->kids[2 * i] != k)
			i++;
		return (struct d2s_node *)d2s_deref(map->kids[2 * i + 1]);
	}
	for (size_t i = 0; i < map->n; i++) {
		if (!d2s_is_merge_key(d2s_deref(map->kids[2 * i])))
			continue;
		const struct d2s_node *m = d2s_deref(map->kids[2 * i + 1]);
		struct d2s_node *v = NULL;
		if (m && m->type == D2S_MAP)
			v = get_in(m, key, depth + 1);
		for (size_t j = 0; m && m->type == D2S_SEQ && !v && j < m->n; j++)
			v = get_in(m->kids[j], key, depth + 1);
		if (v)
			return v;
	}
	return NULL;
}

struct d2s_node *d2s_get(const struct d2s_node *map, const char *key)
{
	return get_in(map, key, 0);
}

struct d2s_node *d2s_path_v(const struct d2s_node *n, ...)
{
	va_list ap;
	va_start(ap, n);
	const char *k;
	struct d2s_node *cur = (struct d2s_node *)n;
	while (cur && (k = va_arg(ap, const char *)) != NULL)
		cur = d2s_get(cur, k);
	va_end(ap);
	return cur;
}

const char *d2s_str(const struct d2s_node *n)
{
	n = d2s_deref(n);
	return n && n->type == D2S_SCALAR ? n->value : NULL;
}

const char *d2s_get_str(const struct d2s_node *map, const char *key)
{
	return d2s_str(d2s_get(map, key));
}

int d2s_is(const struct d2s_node *n, const char *s)
{
	n = d2s_deref(n);
	return n && n->type == D2S_SCALAR && strcmp(n->value, s) == 0;
}

int d2s_is_uint(const struct d2s_node *n)
{
	n = d2s_deref(n);
	if (!n || n->type != D2S_SCALAR || !n->value[0])
		return 0;
	if (n->tag ? strcmp(n->tag, "tag:yaml.org,2002:int") : n->style != D2S_PLAIN)
		return 0;
	for (const char *p = n->value; *p; p++)
		if (*p < '0' || *p > '9')
			return 0;
	return 1;
}

const struct d2s_node *d2s_shared(const struct d2s_node *n)
{
	for (; n; n = n->parent)
		if (n->aliased)
			return n;
	return NULL;
}

const struct d2s_node *d2s_holds_anchor(const struct d2s_node *n)
{
	/* explicit stack: a removed subtree may nest deeper than the C stack */
	const struct d2s_node **stack = NULL, *hit = NULL;
	size_t sp = 0, cap = 0;
	if (n)
		stack = d2s_check_alloc(malloc((cap = 16) * sizeof(*stack)));
	if (n)
		stack[sp++] = n;
	while (sp && !hit) {
		const struct d2s_node *x = stack[--sp];
		size_t k = x->type == D2S_MAP ? 2 * x->n : x->type == D2S_SEQ ? x->n : 0;
		if (x->aliased) {
			hit = x;
			break;
		}
		if (sp + k > cap) {
			cap = (sp + k) * 2;
			stack = d2s_check_alloc(realloc(stack, cap * sizeof(*stack)));
		}
		for (size_t i = k; i > 0; i--)
			stack[sp++] = x->kids[i - 1];
	}
	free(stack);
	return hit;
}

struct d2s_ident d2s_identify(const struct d2s_node *root)
{
	struct d2s_ident id = {0};
	id.api_version = d2s_get_str(root, "apiVersion");
	id.kind = d2s_get_str(root, "kind");
	const struct d2s_node *meta = d2s_get(root, "metadata");
	id.name = d2s_get_str(meta, "name");
	id.ns = d2s_get_str(meta, "namespace");
	if (!id.ns)
		id.ns = "";
	return id;
}

struct d2s_where d2s_src_where(const struct d2s_src *src, const struct d2s_node *at,
			       const struct d2s_ident *id)
{
	long l = 1, c = 1;
	if (at)
		d2s_linecol(src->text, at->start, &l, &c);
	struct d2s_where w = { .file = src->file, .line = src->line + l - 1, .col = c };
	if (id) {
		w.api_version = id->api_version;
		w.kind = id->kind;
		w.ns = id->ns;
		w.name = id->name;
	}
	return w;
}


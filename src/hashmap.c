/* hashmap.c - support: open-addressing string
 * hash map (FNV-1a) behind the index of pass 1 (index.c) and the report. */
#include "hashmap.h"
#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static size_t slot(const struct d2s_map *m, const char *key)
{
	size_t i = (size_t)hash(key) & (m->cap - 1);
	while (m->keys[i] && strcmp(m->keys[i], key))
		i = (i + 1) & (m->cap - 1);
	return i;
}

static void grow(struct d2s_map *m)
{
	struct d2s_map old = *m;
	m->cap = old.cap ? old.cap * 2 : 64;
	m->keys = d2s_check_alloc(calloc(m->cap, sizeof(*m->keys)));
	m->vals = d2s_check_alloc(calloc(m->cap, sizeof(*m->vals)));
	for (size_t i = 0; i < old.cap; i++) {
		if (!old.keys[i])
			continue;
		size_t s = slot(m, old.keys[i]);
		m->keys[s] = old.keys[i];
		m->vals[s] = old.vals[i];
	}
	free(old.keys);
	free(old.vals);
}

intptr_t d2s_map_get(const struct d2s_map *m, const char *key, intptr_t dflt)
{
	if (!m->cap)
		return dflt;
	size_t s = slot(m, key);
	return m->keys[s] ? m->vals[s] : dflt;
}

int d2s_map_has(const struct d2s_map *m, const char *key)
{
	return m->cap && m->keys[slot(m, key)] != NULL;
}

void d2s_map_set(struct d2s_map *m, const char *key, intptr_t val)
{
	if ((m->n + 1) * 2 > m->cap)
		grow(m);
	size_t s = slot(m, key);
	if (!m->keys[s]) {
		m->keys[s] = d2s_arena_strndup(&m->strings, key, strlen(key));
		m->n++;
	}
	m->vals[s] = val;
}

void d2s_map_free(struct d2s_map *m)
{
	d2s_arena_free(&m->strings);
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}

char *d2s_key(char *buf, size_t n, const char *ns, const char *name)
{
	snprintf(buf, n, "%s/%s", ns ? ns : "", name ? name : "");
	return buf;
}

int d2s_key_match(const char *a, const char *b, int wild)
{
	if (!strcmp(a, b))
		return 1;
	const char *sa = strchr(a, '/'), *sb = strchr(b, '/');
	if (!wild || !sa || !sb || strcmp(sa, sb))
		return 0;
	return sa == a || sb == b ? 2 : 0;
}

void d2s_nsmap_set(struct d2s_nsmap *m, const char *ns, const char *name, intptr_t val)
{
	if (!name)
		return; /* an object without metadata.name: nothing can refer to it */
	char key[512];
	d2s_map_set(&m->keys, d2s_key(key, sizeof(key), ns, name), val);
	if (!ns || !*ns)
		return;
	const char *cur = (const char *)d2s_map_get(&m->names, name, 0);
	if (!cur)
		d2s_map_set(&m->names, name,
			    (intptr_t)d2s_arena_strndup(&m->names.strings, ns, strlen(ns)));
	else if (cur != (const char *)1 && strcmp(cur, ns))
		d2s_map_set(&m->names, name, 1);
}

intptr_t d2s_nsmap_find(const struct d2s_nsmap *m, const char *ns, const char *name, int wild,
			intptr_t dflt, const char **found)
{
	if (!name) {
		if (found)
			*found = NULL;
		return dflt;
	}
	char key[512];
	const char *at = ns ? ns : "";
	if (!d2s_map_has(&m->keys, d2s_key(key, sizeof(key), at, name)) && wild) {
		const char *other = *at ? "" : (const char *)d2s_map_get(&m->names, name, 0);
		if (other && other != (const char *)1 &&
		    d2s_map_has(&m->keys, d2s_key(key, sizeof(key), other, name)))
			at = other;
	}
	if (found)
		*found = at;
	return d2s_map_get(&m->keys, d2s_key(key, sizeof(key), at, name), dflt);
}

intptr_t d2s_nsmap_max(const struct d2s_nsmap *m, const char *ns, const char *name, int wild,
		       intptr_t dflt)
{
	char key[512];
	d2s_key(key, sizeof(key), ns ? ns : "", name);
	intptr_t best = dflt;
	for (size_t i = 0; i < m->keys.cap; i++)
		if (m->keys.keys[i] && m->keys.vals[i] > best && d2s_key_match(m->keys.keys[i], key, wild))
			best = m->keys.vals[i];
	return best;
}

void d2s_nsmap_free(struct d2s_nsmap *m)
{
	d2s_map_free(&m->keys);
	d2s_map_free(&m->names);
}

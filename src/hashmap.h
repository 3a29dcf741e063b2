/* hashmap.h - support for the references stage (xref.c): a string-keyed
 * open-addressing hash map with integer values, and the "ns/name" keys the
 * cross-document index uses. */
#ifndef D2S_HASHMAP_H
#define D2S_HASHMAP_H

#include <stddef.h>
#include <stdint.h>
#include "buf.h"

/** Hash map from strings (copied into an arena, owned) to intptr_t values.
 *  Zero-init. Keys cost their length plus a slot: no allocation per key. */
struct d2s_map {
	char **keys;            /**< slots; the strings live in `strings` */
	intptr_t *vals;
	size_t cap, n;
	struct d2s_arena strings;
};

/** Value for key, or `dflt` when absent. */
intptr_t d2s_map_get(const struct d2s_map *m, const char *key, intptr_t dflt);
/** Set key to value (insert or overwrite). */
void d2s_map_set(struct d2s_map *m, const char *key, intptr_t val);
/** True when key is present. */
int d2s_map_has(const struct d2s_map *m, const char *key);
/** Free all keys and the table. */
void d2s_map_free(struct d2s_map *m);

/** Write "ns/name" into buf (size n); returns buf. */
char *d2s_key(char *buf, size_t n, const char *ns, const char *name);

#endif

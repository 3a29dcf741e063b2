/* hashmap.h - support for the index (index.c) and the report: a string-keyed
 * open-addressing hash map with integer values, and the "ns/name" keys the
 * index uses. */
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

/** Compare index keys "ns/name" `a` and `b`: 1 when equal, 2 when the
 *  names are equal and, with `wild`, one namespace is "" (an object without
 *  metadata.namespace lands in the namespace the client applies, Kubernetes
 *  docs "Namespaces":
 *  https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/,
 *  so it may be that of the other), else 0. */
int d2s_key_match(const char *a, const char *b, int wild);

/** A map keyed by namespace and name ("ns/name", ns "" when the object has
 *  none) that can match an object without a namespace with one that has a
 *  namespace (see d2s_key_match). Zero-init. */
struct d2s_nsmap {
	struct d2s_map keys;    /**< "ns/name" -> value */
	struct d2s_map names;   /**< name -> namespace (arena string) of the first
				     namespaced key of that name, or 1 when several */
};

/** Set (ns, name) to `val` (insert or overwrite). */
void d2s_nsmap_set(struct d2s_nsmap *m, const char *ns, const char *name, intptr_t val);
/** Value of (ns, name), or `dflt` when absent. With `wild`, an absent key
 *  matches the same name without a namespace (when ns is not ""), or the
 *  same name in the only namespace that has it (when ns is ""). `found`
 *  (may be NULL) gets the namespace matched, borrowed (ns itself when
 *  exact). */
intptr_t d2s_nsmap_find(const struct d2s_nsmap *m, const char *ns, const char *name, int wild,
			intptr_t dflt, const char **found);
/** The largest value of the keys that match (ns, name) by d2s_key_match
 *  (with `wild`, every namespace when ns is "", and the key without a
 *  namespace when it is not), or `dflt` when none is larger. */
intptr_t d2s_nsmap_max(const struct d2s_nsmap *m, const char *ns, const char *name, int wild,
		       intptr_t dflt);
/** Free the map. */
void d2s_nsmap_free(struct d2s_nsmap *m);

#endif

/* krmfile.h - KRM door, write side: where the orchestrator files each object
 * the function gives back.
 *
 * kpt and kustomize's kyaml read a package's files into ResourceList items
 * carrying config.kubernetes.io/path and config.kubernetes.io/index (the
 * legacy names) and internal.config.kubernetes.io/path and
 * internal.config.kubernetes.io/index (kyaml kio/kioutil/kioutil.go:
 * PathAnnotation, IndexAnnotation, LegacyPathAnnotation,
 * LegacyIndexAnnotation; GetFileAnnotations reads the internal one first).
 * After the function, kpt refuses two objects with the same path and index
 * ("resource at path ... and index ... already exists") and writes each file
 * with its objects sorted by index (kioutil.SortNodes). See the KRM Functions
 * Specification (https://github.com/kubernetes-sigs/kustomize/blob/master/
 * cmd/config/docs/api-conventions/functions-spec.md) and
 * https://kpt.dev/book/05-developing-functions/.
 *
 * An object the conversion generates (the headless Service) carries the
 * path of its StatefulSet but no index. Here it gets the index right after
 * its StatefulSet's, and the later objects of that file move up by one, so
 * the file reads StatefulSet, Service, next object, and every index stays
 * unique. An object with no StatefulSet before it in its file goes after
 * the file's last object. Both index annotations are written when the
 * object carries both path annotations. */
#ifndef D2S_KRMFILE_H
#define D2S_KRMFILE_H

#include <stddef.h>
#include "buf.h"
#include "tree.h"

/** One object of the function's output stream. Strings owned. */
struct d2s_krm_obj {
	size_t off, len;          /**< the document in the stream */
	char *path;               /**< file path (internal annotation first); NULL */
	char *api_version, *kind, *ns, *name; /**< NULL when absent */
	long old;                 /**< index read; -1 none, -2 not a number */
	long idx;                 /**< index written (old when unchanged) */
	int generated;            /**< not an input item: made by the conversion */
	size_t anchor;            /**< generated: the object it follows, or SIZE_MAX */
	size_t next_gen;          /**< next generated object with the same anchor */
};

/** The objects of one output stream. */
struct d2s_krm_files {
	struct d2s_krm_obj *v;
	size_t n;
};

/** Read the output stream text[0..len) of the items of `items` (the input
 *  ResourceList's `items` sequence, borrowed), give each generated object
 *  (a path, no index, no input item of its kind, namespace and name) its
 *  index annotations and renumber the later objects of its file, and append
 *  the stream, so edited, to `out`. `f` gets the objects (free with
 *  d2s_krm_files_free). Returns 0, or -1 when the stream cannot be read
 *  again (not expected of our own output). */
int d2s_krm_files_assign(const char *text, size_t len, const struct d2s_node *items,
			 struct d2s_krm_files *f, struct d2s_buf *out);

/** Free what d2s_krm_files_assign made (a zeroed `f` is fine). */
void d2s_krm_files_free(struct d2s_krm_files *f);

/** The file annotations of `item` (an input item): its path (internal
 *  annotation first, NULL when none) and index (-1 when none or not a
 *  number). */
const char *d2s_krm_item_file(const struct d2s_node *item, long *index);

#endif

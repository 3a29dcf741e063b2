/* convert_ctx.h - convert stage, internal: the state of one Deployment's
 * conversion, shared by convert.c (the StatefulSet fields, orchestration),
 * storage.c (claim templates, volumes, volumeMounts) and service.c (the
 * headless Service). Not used outside the convert stage.
 *
 * It holds the pending edits of the Deployment text and the arena every
 * generated value lives in; the three files add to them in the order
 * convert.c calls them. See docs/architecture.md. */
#ifndef D2S_CONVERT_CTX_H
#define D2S_CONVERT_CTX_H

#include <stddef.h>
#include "buf.h"
#include "diag.h"
#include "edit.h"
#include "options.h"
#include "tree.h"

/** One conversion in progress. Everything is borrowed except `ed` and `a`,
 *  which d2s_convert initialises and frees. */
struct d2s_cx {
	const struct d2s_options *o; /**< options for this Deployment */
	const struct d2s_doc *doc;   /**< the parsed Deployment piece */
	struct d2s_diag *diag;       /**< where report() writes */
	const char *file;            /**< input name for messages */
	long line0;                  /**< input line of doc->text[0] */
	struct d2s_edits ed;         /**< edits of doc->text, applied at the end */
	struct d2s_arena a;          /**< owns every generated value */
	const char *name, *ns;       /**< metadata.name (NULL until read), namespace ("" if none) */
	long max_replicas;           /**< d2s_convert_in.max_replicas */
	int failed;                  /**< an error was reported */
};

/** Report a diagnostic about the Deployment `c` converts, at node `at`
 *  (NULL: no position) and field path `field` (NULL: none), with a printf
 *  message (cut at 1023 bytes). An error sets c->failed. */
void d2s_cx_diagf(struct d2s_cx *c, enum d2s_severity sev, const struct d2s_node *at,
		   const char *field, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/** d2s_cx_diagf for a data-affecting diagnostic (diag.h D2S_DIAG_DATA):
 *  under Helm 4 such a warning also reaches the terminal. */
void d2s_cx_diagf_data(struct d2s_cx *c, enum d2s_severity sev, const struct d2s_node *at,
		       const char *field, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/** Whether the text of node `n` (field path `field`) may be edited for
 *  the place it was reached from: not when `n` is, or lies inside, a node
 *  that an alias refers to (d2s_shared), because editing the text in place
 *  would change the anchor and every alias of it alike. Then it records the
 *  anchor in c->ed.expand (the conversion returns 2: re-emit the document
 *  with its aliases expanded, reemit.h) and returns 0; else returns 1. */
int d2s_cx_editable(struct d2s_cx *c, const struct d2s_node *n, const char *field);

/** Queue the removal of the pair `key` (with its lines) from mapping `map`;
 *  nothing when the key is absent or `map` is NULL. Asks for the aliases
 *  to be expanded first (c->ed.expand, see d2s_cx_editable) instead when
 *  `map` is not editable, when the value holds an anchor an alias uses (the
 *  alias would be left dangling), or when the key comes from a merge key
 *  `<<` (it cannot be removed there without changing the merged mapping). */
void d2s_cx_remove_key(struct d2s_cx *c, const struct d2s_node *map, const char *key);

/** Index of the pair `key` in mapping `map`, or (size_t)-1 when absent or
 *  `map` is NULL. */
size_t d2s_cx_pair_index(const struct d2s_node *map, const char *key);

#endif

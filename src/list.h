/* list.h - pass 2 for `kind: List` (Kubernetes API conventions, "Lists and
 * Simple kinds"): each item a rule rewrites is cut out of the List and
 * shifted to column 0, rewritten like a standalone document, shifted back
 * and put in its place; a document generated after it (the headless
 * Service) becomes the next item; a dropped item (an absorbed PVC under
 * --drop-absorbed-pvcs) is removed. Items no rule rewrites keep their
 * bytes. The shift helpers are in items.h (shared with KRM ResourceList
 * items); which rule rewrites an item is the caller's (rules.c). */
#ifndef D2S_LIST_H
#define D2S_LIST_H

#include "buf.h"
#include "diag.h"
#include "tree.h"

/** What the caller says about item `i` of the List. */
struct d2s_list_cb {
	/** Whether item `i` is rewritten. */
	int (*want)(void *ctx, size_t i);
	/** Rewrite item `i`, given as document `doc` parsed from `src` (the
	 *  item at column 0, with its input line): its new text into `text`,
	 *  documents generated after it ("---" and an object each) into
	 *  `extra`, or *drop = 1. Returns 0, or -1 after an error (the item
	 *  then stays as it was). */
	int (*rewrite)(void *ctx, size_t i, const struct d2s_src *src, const struct d2s_doc *doc,
		       struct d2s_buf *text, struct d2s_buf *extra, int *drop);
	void *ctx;
};

/** Rewrite the items of List `doc` (read from `src`) as `cb` says, with
 *  `parser` for the items (and for a block-style re-emit of a List
 *  written in flow style or JSON, with a warning at the List). A List
 *  whose every item is dropped keeps `items: []`. Returns 1 with the new
 *  text in `out`, 2 when the List must be dropped instead (every item is
 *  dropped and its `items:` line ends in a comment), 0 when nothing
 *  changed, -1 after an error (reported). */
int d2s_list_rewrite(struct d2s_parser *parser, const struct d2s_src *src, const struct d2s_doc *doc,
		     struct d2s_diag *diag, const struct d2s_list_cb *cb, struct d2s_buf *out);

#endif

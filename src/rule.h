/* rule.h - the one signature every rule has (rules.h keeps the table), as
 * every kustomize kio filter has one: facts in pass 1, an optional seal
 * when the input ends, and a rewrite in pass 2. A rule file includes this
 * header, never rules.h: the table knows the rules, a rule knows no table. */
#ifndef D2S_RULE_H
#define D2S_RULE_H

#include "buf.h"
#include "index.h"
#include "tree.h"

/** Pass 1: one document, or one item of a List, to record. */
struct d2s_fact_in {
	struct d2s_index *ix;
	const struct d2s_src *src;    /**< the document (for an item: its List) */
	const struct d2s_doc *doc;    /**< src parsed (for an item: NULL) */
	const struct d2s_node *root;  /**< its root mapping (for an item: the item) */
	const struct d2s_ident *id;   /**< identity of `root` */
	int hook;                     /**< a Helm hook (d2s_is_hook) */
	int in_list;                  /**< an item of a kind: List */
};

/** Pass 2: one document to rewrite (an item: shifted to column 0). */
struct d2s_rewrite_in {
	const struct d2s_index *ix;
	const struct d2s_src *src;    /**< its text and input position */
	const struct d2s_doc *doc;    /**< src parsed; NULL when the rule's needs said 2
				       (it prepared its rewrite in pass 1) */
	size_t idx;                   /**< its record's index in the rule's array */
	struct d2s_parser *parser;    /**< for block-style re-emits (reemit.h) */
	int in_list;                  /**< an item of a kind: List */
};

/** What a rewrite gives back (zeroed by the caller, who frees it). */
struct d2s_rewrite_out {
	struct d2s_buf text;   /**< the document rewritten (empty when `drop`) */
	struct d2s_buf extra;  /**< documents generated after it, each "---" and an
				    object (the headless Service, a PVC clone); or empty */
	int drop;              /**< the document is removed */
};

/** One rule. `match` picks the rule for a document (first match in table
 *  order); `facts` records it and returns its record (0 for none);
 *  `seal` (may be NULL) runs once when the input ends, in table order;
 *  `needs` (may be NULL: never) says after the seal whether record `idx`
 *  must be rewritten (1: parsed again in pass 2; 2: without a parse, from
 *  what the rule kept in pass 1); `rewrite` fills `out` and returns 0, or returns -1
 *  after reporting an error (the document is then written as read). */
struct d2s_rule {
	const char *name;
	enum d2s_rec_kind rec;
	int (*match)(const struct d2s_ident *id, const struct d2s_node *root);
	d2s_rec (*facts)(const struct d2s_fact_in *in);
	void (*seal)(struct d2s_index *ix);
	int (*needs)(const struct d2s_index *ix, size_t idx);
	int (*rewrite)(const struct d2s_rewrite_in *in, struct d2s_rewrite_out *out);
};

/** Where messages about the document of `in` point: its object, at column
 *  1 unless it is an item of a List. */
struct d2s_where d2s_fact_where(const struct d2s_fact_in *in);

/** An edit of one parsed document into `out`: 0, or non-zero when it
 *  cannot edit this layout. */
typedef int (*d2s_rule_edit_fn)(const struct d2s_doc *doc, struct d2s_buf *out);

/** Rewrite the document of `in` (parsed) with `edit` into `out`; when the
 *  edit fails, in block style (d2s_edit_retry reports the re-emit at the
 *  object). Returns 0, or -1 after an error. */
int d2s_rule_edit(const struct d2s_rewrite_in *in, d2s_rule_edit_fn edit, struct d2s_buf *out);

#endif

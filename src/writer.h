/* writer.h - write stage: output in input order, with hold-back.
 *
 * Most bytes go straight to the output. A document whose final text depends
 * on documents not read yet (a PVC a later Deployment may absorb, an HPA whose
 * target comes later, a generated Service a later document may replace) is
 * queued as pending; everything after it is spooled (memory up to 8 MiB, then
 * an unlinked temporary file) until it is resolved, so output order is input
 * order and memory stays bounded. Items queued with d2s_writer_pending_auto
 * are kept by themselves after a bounded look-ahead. */
#ifndef D2S_WRITER_H
#define D2S_WRITER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum d2s_action { D2S_PENDING, D2S_KEEP, D2S_DROP, D2S_REPLACE };

struct d2s_witem {
	enum d2s_action action;
	uint64_t off;     /**< offset in the spool */
	size_t len;
	char *repl;       /**< REPLACE text, owned */
	size_t repl_len;
	int auto_keep;    /**< kept once `keep_window` bytes follow it */
};

struct d2s_writer {
	FILE *out;              /**< destination (borrowed) */
	int failed;             /**< a write failed */
	struct d2s_witem *items;/**< queue; items[head..n) not yet written */
	size_t head, n, cap;
	size_t base;            /**< ids of items already dropped by a reset */
	char *mem;              /**< in-memory spool */
	size_t mem_len, mem_cap;
	FILE *spill;            /**< spool file once the spool passes the limit */
	uint64_t spool_len;
	size_t mem_limit;       /**< default 8 MiB */
	size_t keep_window;     /**< default 1 MiB (see d2s_writer_pending_auto) */
};

/** Initialise writing to `out`. */
void d2s_writer_init(struct d2s_writer *w, FILE *out);
/** Write final bytes (after any queued ones). */
void d2s_writer_raw(struct d2s_writer *w, const char *s, size_t n);
/** Queue bytes whose fate is decided later; returns the item id. */
size_t d2s_writer_pending(struct d2s_writer *w, const char *s, size_t n);
/** Like d2s_writer_pending, but the item is kept by itself once
 *  `keep_window` bytes have been queued after it: a bounded look-ahead that
 *  keeps output streaming when nothing decides the item early. */
size_t d2s_writer_pending_auto(struct d2s_writer *w, const char *s, size_t n);
/** Decide item `id`: keep it, drop it, or replace it by `s` (copied). Then
 *  write out every leading decided item. */
void d2s_writer_resolve(struct d2s_writer *w, size_t id, enum d2s_action a,
			const char *s, size_t n);
/** The queued bytes of item `id` (malloc'ed copy, caller frees). */
char *d2s_writer_fetch(struct d2s_writer *w, size_t id, size_t *len);
/** True when item `id` is still pending. */
int d2s_writer_is_pending(const struct d2s_writer *w, size_t id);
/** Keep every still-pending item and write everything. Returns 0 or -1 on
 *  a write error. */
int d2s_writer_finish(struct d2s_writer *w);
/** Free the queue and spool (the output FILE is not closed). */
void d2s_writer_free(struct d2s_writer *w);

#endif

/* parsepool.h - read stage: parse document pieces ahead of the pipeline on
 * worker threads, results handed back strictly in input order.
 *
 * Parsing (libfyaml) is nearly all the work, and pieces are independent, so
 * on a machine with N cores up to N pieces are parsed at once. Memory stays
 * bounded: a fixed ring of job slots (and a byte budget), each slot reusing
 * its text buffer and tree arena. With 0 workers pieces are parsed inline
 * at submission (same results, no threads). */
#ifndef D2S_PARSEPOOL_H
#define D2S_PARSEPOOL_H

#include <stddef.h>
#include "tree.h"

/** One parsed piece. Owned by the pool; valid until d2s_pool_release. */
struct d2s_job {
	char *text;          /**< copy of the piece */
	size_t len, cap;
	long line;           /**< input line of text[0] */
	struct d2s_doc doc;  /**< the parse (root may be NULL when skipped) */
	int rc;              /**< d2s_parse_lazy's return */
	int state;           /**< internal */
};

struct d2s_pool;

/** Create a pool with `workers` threads (0 = parse inline) and `slots`
 *  jobs in flight at most; `want` is passed to d2s_parse_lazy. NULL on
 *  failure (out of memory, thread creation failed). */
struct d2s_pool *d2s_pool_new(int workers, int slots, int (*want)(const char *kind));
/** Workers to use on this machine: online CPUs (at most 4), 0 on one CPU;
 *  the environment variable DEPLOY2STS_THREADS overrides. */
int d2s_pool_default_workers(void);
/** True when no further piece may be submitted before a release. */
int d2s_pool_full(const struct d2s_pool *p);
/** Copy a piece into the next slot and queue it for parsing. Call only when
 *  !d2s_pool_full. */
void d2s_pool_submit(struct d2s_pool *p, const char *text, size_t len, long line);
/** Wait for the oldest submitted piece to be parsed; NULL when none is in
 *  flight. The job stays valid until d2s_pool_release. */
struct d2s_job *d2s_pool_oldest(struct d2s_pool *p);
/** Release the oldest job's slot for reuse. */
void d2s_pool_release(struct d2s_pool *p);
/** Stop the workers and free everything (waits for running parses). */
void d2s_pool_free(struct d2s_pool *p);

#endif

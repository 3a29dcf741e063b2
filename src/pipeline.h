/* pipeline.h - the coordinator: pass 1 (facts) over one or more inputs,
 * then pass 2 (rewrite) over them again (the passes and the data between
 * them: docs/architecture.md). The rules are rules.h's. */
#ifndef D2S_PIPELINE_H
#define D2S_PIPELINE_H

#include <stdio.h>
#include "diag.h"
#include "options.h"

struct d2s_pipeline;

/** Create a pipeline writing to `out` (borrowed). Options and diag are
 *  borrowed and must outlive the pipeline. NULL on out of memory. */
struct d2s_pipeline *d2s_pipeline_new(const struct d2s_options *o, struct d2s_diag *diag, FILE *out);

/** Pass 1 over one input: file descriptor `fd` named `name` in messages
 *  (borrowed: it must outlive the pipeline). A regular file is read again
 *  by d2s_pipeline_finish (through a duplicate of `fd`); any other input
 *  is kept meanwhile (memory, then an unlinked file in $TMPDIR).
 *  Returns 0, or -1 when the input cannot be read on (invalid YAML, NUL
 *  bytes, a read error; reported): the run fails, with no further input
 *  and no d2s_pipeline_finish. Other errors are reported and counted in
 *  the diag, and the run goes on so that pass 2 reports its own too. */
int d2s_pipeline_feed_fd(struct d2s_pipeline *p, int fd, const char *name);

/** Same as d2s_pipeline_feed_fd, with `n` bytes already read from `fd`
 *  (`prefix`) coming first. */
int d2s_pipeline_feed_fd_prefixed(struct d2s_pipeline *p, int fd, const char *name,
				  const char *prefix, size_t n);

/** Pass 1 over one input held in memory (borrowed: it must stay valid
 *  until d2s_pipeline_finish). Same returns as d2s_pipeline_feed_fd. */
int d2s_pipeline_feed_mem(struct d2s_pipeline *p, const char *data, size_t len, const char *name);

/** The end of pass 1 (rules.h d2s_rules_seal), then pass 2 over every
 *  input, writing the output. Returns 0, or -1 on an error (reported). */
int d2s_pipeline_finish(struct d2s_pipeline *p);

/** Free the pipeline (NULL is fine); does not flush: call finish first. */
void d2s_pipeline_free(struct d2s_pipeline *p);

#endif

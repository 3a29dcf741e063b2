/* pipeline.h - the coordinator: runs read -> parse -> classify/select ->
 * convert -> references -> write over one or more inputs (stages and data:
 * docs/architecture.md). The cross-document index is xref.h. */
#ifndef D2S_PIPELINE_H
#define D2S_PIPELINE_H

#include <stdio.h>
#include "diag.h"
#include "options.h"

struct d2s_pipeline;

/** Create a pipeline writing to `out` (borrowed). Options and diag are
 *  borrowed and must outlive the pipeline. NULL on out of memory. */
struct d2s_pipeline *d2s_pipeline_new(const struct d2s_options *o, struct d2s_diag *diag, FILE *out);

/** Process one input: file descriptor `fd` named `name` in messages.
 *  Returns 0, or -1 after an error was reported (the run must fail). */
int d2s_pipeline_feed_fd(struct d2s_pipeline *p, int fd, const char *name);

/** Same as d2s_pipeline_feed_fd, with `n` bytes already read from `fd`
 *  (`prefix`) coming first. */
int d2s_pipeline_feed_fd_prefixed(struct d2s_pipeline *p, int fd, const char *name,
				  const char *prefix, size_t n);

/** Process one input held in memory. Same returns as d2s_pipeline_feed_fd. */
int d2s_pipeline_feed_mem(struct d2s_pipeline *p, const char *data, size_t len, const char *name);

/** Resolve everything still held back and flush the output.
 *  Returns 0, or -1 on an error (reported). */
int d2s_pipeline_finish(struct d2s_pipeline *p);

/** Free the pipeline (NULL is fine); does not flush: call finish first. */
void d2s_pipeline_free(struct d2s_pipeline *p);

#endif

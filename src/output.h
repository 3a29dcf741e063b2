/* output.h - output sinks: where the converted stream goes, all or nothing.
 *
 * Nothing reaches the destination unless the whole run succeeded, because a
 * consumer such as `helm template ... | deploy2sts | kubectl apply -f -`
 * (no pipefail) would apply a partial stream:
 *  - stdout, and -o / --in-place onto a non-regular file (character device,
 *    FIFO): the output is held (memory up to D2S_OUT_HOLD_MEM bytes, then an
 *    unlinked temporary file in $TMPDIR) and written through on success;
 *  - -o / --in-place onto a regular file (or a new one): written to a
 *    temporary file beside the target, renamed over it on success. Symbolic
 *    links are followed (the link stays, its target is replaced); an
 *    existing file keeps its mode, owner and group; a new file gets
 *    0666 & ~umask, as the shell's `>` would create it. */
#ifndef D2S_OUTPUT_H
#define D2S_OUTPUT_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>
#include "spool.h"

/** Bytes held in memory before the held output moves to a temporary file. */
#define D2S_OUT_HOLD_MEM ((size_t)2 << 20)

/** One output sink. Fill with d2s_out_open; all fields private. */
struct d2s_out {
	FILE *f;          /**< what the pipeline writes to (owned) */
	int held;         /**< 1: held, written through to `fd` on success */
	int fd;           /**< held: destination (1 = stdout, else owned) */
	char *target;     /**< rename: the resolved target path (owned) */
	char *tmp;        /**< rename: the temporary file beside it (owned) */
	struct d2s_spool hold; /**< held: the output (memory up to D2S_OUT_HOLD_MEM,
				    then an unlinked temporary file) */
};

/** Open a sink for `path` (NULL = stdout). Returns 0, or -1 with the reason
 *  (naming the path) in `err` (size `errlen`); nothing to free then. */
int d2s_out_open(struct d2s_out *o, const char *path, char *err, size_t errlen);

/** Close the sink. `ok` nonzero: write the held output through (or rename the
 *  temporary file over the target); zero: discard everything, leaving the
 *  destination untouched. Returns 0, or -1 with the reason in `err` (the
 *  output may then be incomplete on a held destination; a renamed target is
 *  never partial). Frees the sink either way. */
int d2s_out_close(struct d2s_out *o, int ok, char *err, size_t errlen);

#endif

/* spool.h - support: bytes held in memory up to a limit, then in an
 * unlinked temporary file in $TMPDIR (else /tmp), so that any amount can be
 * kept with bounded memory. Two users: output.c holds the output until the
 * run succeeded, and pipeline.c keeps an input that cannot be read twice
 * (a pipe) for the second pass. */
#ifndef D2S_SPOOL_H
#define D2S_SPOOL_H

#include <stddef.h>
#include <stdint.h>

/** A spool. Initialise with d2s_spool_init; free with d2s_spool_free. */
struct d2s_spool {
	char *mem;        /**< the first bytes (owned) */
	size_t len, cap;  /**< bytes in `mem`, its size */
	size_t mem_limit; /**< bytes kept in memory before the file is used */
	int fd;           /**< unlinked temporary file for the rest, or -1 */
	uint64_t size;    /**< bytes added in all */
	int failed;       /**< errno of a failed add (memory or file), or 0 */
};

/** An empty spool keeping up to `mem_limit` bytes in memory. */
void d2s_spool_init(struct d2s_spool *s, size_t mem_limit);
/** Append p[0..n). Returns 0, or -1 with errno (and s->failed) set when
 *  memory or the temporary file fails; a failed spool stays failed. */
int d2s_spool_add(struct d2s_spool *s, const void *p, size_t n);
/** Copy bytes [off, off + n) added earlier into `dst`. Returns 0, or -1
 *  with errno when the file cannot be read. */
int d2s_spool_read(const struct d2s_spool *s, uint64_t off, size_t n, char *dst);
/** Write every byte added, in order, to file descriptor `out` (the file
 *  part by sendfile where the kernel allows). Returns 0, or -1 with errno. */
int d2s_spool_copy_to(const struct d2s_spool *s, int out);
/** Free the memory and close the file; the spool is empty again. */
void d2s_spool_free(struct d2s_spool *s);

/** An unlinked temporary file in $TMPDIR (else /tmp), read-write:
 *  O_TMPFILE where the file system has it, mkstemp + unlink otherwise.
 *  Returns the descriptor (close-on-exec), or -1 with errno. */
int d2s_unlinked_tmp(void);
/** Write all of p[0..n) to `fd` (retrying short writes and EINTR).
 *  Returns 0, or -1 with errno. */
int d2s_write_all(int fd, const char *p, size_t n);

#endif

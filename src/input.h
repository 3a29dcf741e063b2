/* input.h - read stage: one input, read twice. Pass 1 reads it as it
 * comes; pass 2 reads the same bytes again: memory is borrowed, a regular
 * file is read again from where pass 1 began (through a duplicate of its
 * descriptor), and anything else (a pipe, a terminal) is kept while pass 1
 * reads it, in a spool (1 MiB in memory, then an unlinked file in
 * $TMPDIR). The pipeline's caller has already closed its descriptors by
 * pass 2. */
#ifndef D2S_INPUT_H
#define D2S_INPUT_H

#include <stddef.h>
#include <sys/types.h>
#include "reader.h"
#include "spool.h"

/** An input. Fill with d2s_input_fd or d2s_input_mem; free with
 *  d2s_input_free. Fields are private. */
struct d2s_input {
	const char *name;           /**< input name for messages (borrowed) */
	const char *mem;            /**< memory input (borrowed), or NULL */
	size_t len;
	int fd;                     /**< regular file: our duplicate, or -1 */
	off_t off;                  /**< where pass 1 began reading it */
	char *prefix;               /**< bytes of it read before `off` (owned) */
	size_t n_prefix;
	struct d2s_spool spool;     /**< anything else: all of it */
};

/** Pass 1's reader of descriptor `fd` named `name` (borrowed), with the
 *  `n` bytes of `prefix` already read from it coming first; `in` is set
 *  up to read it again. NULL on out of memory. */
struct d2s_reader *d2s_input_fd(struct d2s_input *in, int fd, const char *name, const char *prefix,
				size_t n);
/** Pass 1's reader of data[0..len) named `name` (both borrowed: they must
 *  stay valid until the second read). NULL on out of memory. */
struct d2s_reader *d2s_input_mem(struct d2s_input *in, const char *data, size_t len,
				 const char *name);
/** A reader of the same bytes again, from the first. NULL when the file or
 *  spool cannot be read (errno). */
struct d2s_reader *d2s_input_again(struct d2s_input *in);
/** Free what `in` holds (its descriptor, prefix and spool). */
void d2s_input_free(struct d2s_input *in);

#endif

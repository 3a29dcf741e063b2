/* reader.h - read stage: splits an input byte stream into document pieces.
 *
 * A piece is the exact bytes of one YAML document: its leading comments and
 * directives, its `---` line, its content, its trailing comments and `...`
 * line. Concatenating all pieces gives the input back byte for byte.
 * Pieces are cut lexically at lines that start with `---` or `...` followed
 * by a blank or line break (YAML 1.2 §9.1: such a line always ends a document,
 * it cannot occur inside any scalar), so the cut needs no parse.
 *
 * The reader also rejects what libfyaml 0.7.12 would silently treat as the end
 * of the stream: NUL bytes and invalid UTF-8 (README.md, "Dependencies",
 * the list of libfyaml problems; tests/test_hostile.py).
 *
 * Memory: the reader holds one piece; a piece larger than `big_limit` is handed
 * out in chunks (d2s_reader_stream) so pass-through documents of any size
 * need only a bounded buffer. */
#ifndef D2S_READER_H
#define D2S_READER_H

#include <stddef.h>
#include <sys/types.h>
#include "spool.h"

struct d2s_reader;

/** One document piece; `text` is valid until the next reader call. */
struct d2s_piece {
	const char *text;  /**< bytes of the piece (or its head when !complete) */
	size_t len;
	long line;         /**< 1-based line of text[0] in the input */
	int complete;      /**< 0: only the first `len` bytes of a large piece */
};

/** Open a reader on file descriptor `fd` (not closed by the reader);
 *  `name` is used in messages. `big_limit` = bytes after which a piece is
 *  handed out incomplete (0 = 1 MiB). Returns NULL on out of memory. */
struct d2s_reader *d2s_reader_new(int fd, const char *name, size_t big_limit);
/** Hand a fresh fd reader bytes already read from its fd (a peek at the
 *  input); they come first. Returns 0, or -1 if the reader has started. */
int d2s_reader_preload(struct d2s_reader *r, const char *data, size_t len);
/** Add every byte fd reader `r` reads from its fd from now on to spool `s`
 *  (borrowed; must outlive the reader): the input kept for a second read.
 *  Bytes preloaded are not added (the caller has them). A spool that fails
 *  is an input error of the reader. */
void d2s_reader_tee(struct d2s_reader *r, struct d2s_spool *s);
/** Open a reader over a memory buffer (not copied: must outlive the reader). */
struct d2s_reader *d2s_reader_new_mem(const char *data, size_t len, const char *name);
/** Free the reader (NULL is fine); the fd stays open. */
void d2s_reader_free(struct d2s_reader *r);

/** Next piece. Returns 1 with `pc` filled, 0 at end of input, -1 on an
 *  input error (message and position from d2s_reader_error). With
 *  `allow_partial` a piece over the size limit comes back incomplete; the
 *  caller must then finish it with d2s_reader_stream or d2s_reader_complete. */
int d2s_reader_next(struct d2s_reader *r, struct d2s_piece *pc, int allow_partial);

/** Read the rest of the current incomplete piece into memory; `pc` is
 *  updated to the whole piece. Returns 0 or -1 on input error. */
int d2s_reader_complete(struct d2s_reader *r, struct d2s_piece *pc);

/** Pull up to `max` further bytes of the current piece into `dst` (first the
 *  head already returned, then the rest). Returns the byte count, 0 at the
 *  end of the piece, -1 on input error. Used as a libfyaml input callback. */
ssize_t d2s_reader_stream(struct d2s_reader *r, void *dst, size_t max);

/** The last input error: message and 1-based position. */
const char *d2s_reader_error(const struct d2s_reader *r, long *line, long *col);

/** Check a whole text held in memory the way the reader checks a stream
 *  (NUL bytes, malformed UTF-8: libfyaml 0.7.12 ends the stream silently
 *  at some and never returns on others). Returns 0, or -1 with the message
 *  in msg (size n) and the 1-based position of the first bad byte. */
int d2s_text_check(const char *text, size_t len, char *msg, size_t n, long *line, long *col);

/** True when the first line of t[0..n) that is not blank, a comment or a
 *  directive is a `---` marker at column 0 (also when there is none: only
 *  comments need no separator). */
int d2s_starts_with_marker(const char *t, size_t n);

/** The offset in t[0..n) of the `...` document end marker line (at column
 *  0, YAML 1.2.2 section 9.1.4.1) that only blank and comment lines follow,
 *  or `n` when there is none. A document written after t must go before
 *  that offset: after `...` the next document may start with a directive,
 *  which needs the `...` right before it. */
size_t d2s_end_marker_at(const char *t, size_t n);

#endif

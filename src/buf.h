/* buf.h - growable byte buffer and bump arena shared by every stage.
 *
 * Both own their memory; nothing here knows about YAML. */
#ifndef D2S_BUF_H
#define D2S_BUF_H

#include <stddef.h>
#include <stdarg.h>

/** A growable byte string. `data` is always NUL-terminated when len > 0
 *  or after any append; the buffer owns `data` (free with d2s_buf_free). */
struct d2s_buf {
	char *data;   /**< bytes, owned */
	size_t len;   /**< bytes used, excluding the terminating NUL */
	size_t cap;   /**< bytes allocated */
};

/** Append `n` bytes of `s`. Aborts the process on allocation failure
 *  (out of memory is not a recoverable input error). */
void d2s_buf_add(struct d2s_buf *b, const char *s, size_t n);
/** Append a NUL-terminated string. */
void d2s_buf_puts(struct d2s_buf *b, const char *s);
/** Append `n` copies of byte `c`. */
void d2s_buf_fill(struct d2s_buf *b, char c, size_t n);
/** Append printf-formatted text. */
void d2s_buf_printf(struct d2s_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/** Forget the content, keep the allocation. */
void d2s_buf_reset(struct d2s_buf *b);
/** Free the allocation and zero the struct. */
void d2s_buf_free(struct d2s_buf *b);
/** Detach the bytes: the caller owns and frees the returned string
 *  (never NULL); the buffer is left empty. */
char *d2s_buf_take(struct d2s_buf *b);
/** Append the whole file at `path` to `b`. Returns 0, or -1 with errno set
 *  when it cannot be opened or read (`b` may then hold part of it). */
int d2s_buf_read_file(struct d2s_buf *b, const char *path);

/** A bump allocator: many small allocations freed at once. */
struct d2s_arena {
	struct d2s_arena_chunk *head;  /**< newest chunk in use, owned */
	struct d2s_arena_chunk *spare; /**< chunks kept by a reset for reuse, owned */
};

/** Allocate `n` zeroed bytes (8-byte aligned) that live until
 *  d2s_arena_reset or d2s_arena_free. Aborts on out of memory. */
void *d2s_arena_alloc(struct d2s_arena *a, size_t n);
/** Copy `n` bytes into the arena and NUL-terminate them. */
char *d2s_arena_strndup(struct d2s_arena *a, const char *s, size_t n);
/** Release every allocation; keep up to 256 KiB of chunks for reuse. */
void d2s_arena_reset(struct d2s_arena *a);
/** Release everything. */
void d2s_arena_free(struct d2s_arena *a);

/** Abort with a message on allocation failure; returns p otherwise. */
void *d2s_check_alloc(void *p);

#endif

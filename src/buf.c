/* buf.c - support for every stage: growable byte buffer and bump arena (no
 * YAML knowledge). */
#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *d2s_check_alloc(void *p)
{
	if (!p) {
		fputs("deploy2sts: error: out of memory\n", stderr);
		abort();
	}
	return p;
}

static void buf_reserve(struct d2s_buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap *= 2;
	b->data = d2s_check_alloc(realloc(b->data, cap));
	b->cap = cap;
}

void d2s_buf_add(struct d2s_buf *b, const char *s, size_t n)
{
	buf_reserve(b, n);
	if (n)
		memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void d2s_buf_puts(struct d2s_buf *b, const char *s)
{
	d2s_buf_add(b, s, strlen(s));
}

void d2s_buf_fill(struct d2s_buf *b, char c, size_t n)
{
	buf_reserve(b, n);
	memset(b->data + b->len, c, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void d2s_buf_printf(struct d2s_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	buf_reserve(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void d2s_buf_reset(struct d2s_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

void d2s_buf_free(struct d2s_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

int d2s_buf_read_file(struct d2s_buf *b, const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		d2s_buf_add(b, chunk, n);
	int rc = ferror(f) ? -1 : 0;
	fclose(f);
	return rc;
}

char *d2s_buf_take(struct d2s_buf *b)
{
	char *s = b->data ? b->data : d2s_check_alloc(calloc(1, 1));
	b->data = NULL;
	b->len = b->cap = 0;
	return s;
}

struct d2s_arena_chunk {
	struct d2s_arena_chunk *next;
	size_t used, cap;
	_Alignas(16) unsigned char mem[];
};

/* `align` is a power of two; chunks start 16-byte aligned. */
static void *arena_raw(struct d2s_arena *a, size_t n, size_t align)
{
	struct d2s_arena_chunk *c = a->head;
	size_t off = c ? (c->used + align - 1) & ~(align - 1) : 0;
	if (!c || off > c->cap || c->cap - off < n) {
		if (a->spare && a->spare->cap >= n) {
			c = a->spare; /* reuse a chunk kept by the last reset */
			a->spare = c->next;
		} else {
			size_t cap = n > 16384 ? n : 16384;
			c = d2s_check_alloc(malloc(sizeof(*c) + cap));
			c->cap = cap;
		}
		c->next = a->head;
		a->head = c;
		off = 0;
	}
	c->used = off + n;
	return c->mem + off;
}

void *d2s_arena_alloc(struct d2s_arena *a, size_t n)
{
	void *p = arena_raw(a, n, 16);
	memset(p, 0, n);
	return p;
}

char *d2s_arena_strndup(struct d2s_arena *a, const char *s, size_t n)
{
	char *p = arena_raw(a, n + 1, 1); /* filled below: no need to zero or align */
	if (n)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void d2s_arena_reset(struct d2s_arena *a)
{
	size_t kept = 0;
	struct d2s_arena_chunk *c = a->head;
	for (struct d2s_arena_chunk *x = a->spare; x; x = x->next)
		kept += x->cap;
	while (c) {
		struct d2s_arena_chunk *n = c->next;
		if (kept + c->cap <= 262144) {
			kept += c->cap;
			c->next = a->spare;
			a->spare = c;
		} else {
			free(c);
		}
		c = n;
	}
	a->head = NULL;
}

static void free_chain(struct d2s_arena_chunk *c)
{
	while (c) {
		struct d2s_arena_chunk *n = c->next;
		free(c);
		c = n;
	}
}

void d2s_arena_free(struct d2s_arena *a)
{
	free_chain(a->head);
	free_chain(a->spare);
	a->head = a->spare = NULL;
}

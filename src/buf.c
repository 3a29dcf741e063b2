/* buf.c - growable byte buffer and bump arena (no YAML knowledge). */
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

static void *arena_raw(struct d2s_arena *a, size_t n)
{
	n = (n + 15) & ~(size_t)15;
	struct d2s_arena_chunk *c = a->head;
	if (!c || c->cap - c->used < n) {
		size_t cap = n > 65536 ? n : 65536;
		c = d2s_check_alloc(malloc(sizeof(*c) + cap));
		c->next = a->head;
		c->used = 0;
		c->cap = cap;
		a->head = c;
	}
	void *p = c->mem + c->used;
	c->used += n;
	return p;
}

void *d2s_arena_alloc(struct d2s_arena *a, size_t n)
{
	void *p = arena_raw(a, n);
	memset(p, 0, n);
	return p;
}

char *d2s_arena_strndup(struct d2s_arena *a, const char *s, size_t n)
{
	char *p = arena_raw(a, n + 1); /* filled below: no need to zero */
	if (n)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void d2s_arena_reset(struct d2s_arena *a)
{
	struct d2s_arena_chunk *c = a->head;
	if (!c)
		return;
	/* keep the oldest chunk (usually the only one) */
	while (c->next) {
		struct d2s_arena_chunk *n = c->next;
		free(c);
		c = n;
	}
	c->used = 0;
	a->head = c;
}

void d2s_arena_free(struct d2s_arena *a)
{
	struct d2s_arena_chunk *c = a->head;
	while (c) {
		struct d2s_arena_chunk *n = c->next;
		free(c);
		c = n;
	}
	a->head = NULL;
}

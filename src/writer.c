/* writer.c - write stage: ordered output with pending items and a spool. */
#include "writer.h"
#include "buf.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void d2s_writer_init(struct d2s_writer *w, FILE *out)
{
	memset(w, 0, sizeof(*w));
	w->out = out;
	w->mem_limit = 8u << 20;
	w->keep_window = 1u << 20;
}

static void emit(struct d2s_writer *w, const char *s, size_t n)
{
	if (n && fwrite(s, 1, n, w->out) != n)
		w->failed = 1;
}

static void drain(struct d2s_writer *w);

/* Keep leading auto items that have waited a whole window. */
static void auto_keep(struct d2s_writer *w, size_t incoming)
{
	int kept = 0;
	for (size_t i = w->head; i < w->n; i++) {
		struct d2s_witem *it = &w->items[i];
		if (it->action != D2S_PENDING)
			continue;
		if (!it->auto_keep || w->spool_len + incoming - (it->off + it->len) < w->keep_window)
			break;
		it->action = D2S_KEEP;
		kept = 1;
	}
	if (kept)
		drain(w);
}

static void spool_add(struct d2s_writer *w, const char *s, size_t n)
{
	if (!w->spill && w->mem_len + n > w->mem_limit) {
		w->spill = tmpfile();
		if (w->spill && w->mem_len &&
		    fwrite(w->mem, 1, w->mem_len, w->spill) != w->mem_len)
			w->failed = 1;
		if (w->spill) {
			free(w->mem);
			w->mem = NULL;
			w->mem_len = w->mem_cap = 0;
		}
	}
	if (w->spill) {
		if (n && fwrite(s, 1, n, w->spill) != n)
			w->failed = 1;
	} else {
		if (w->mem_len + n > w->mem_cap) {
			size_t cap = w->mem_cap ? w->mem_cap : 65536;
			while (cap < w->mem_len + n)
				cap *= 2;
			w->mem = d2s_check_alloc(realloc(w->mem, cap));
			w->mem_cap = cap;
		}
		memcpy(w->mem + w->mem_len, s, n);
		w->mem_len += n;
	}
	w->spool_len += n;
}

static size_t push(struct d2s_writer *w, enum d2s_action a, const char *s, size_t n)
{
	if (w->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 64;
		w->items = d2s_check_alloc(realloc(w->items, w->cap * sizeof(*w->items)));
	}
	struct d2s_witem *it = &w->items[w->n];
	memset(it, 0, sizeof(*it));
	it->action = a;
	it->off = w->spool_len;
	it->len = n;
	spool_add(w, s, n);
	return w->base + w->n++;
}

static char *fetch_index(struct d2s_writer *w, size_t i, size_t *len)
{
	struct d2s_witem *it = &w->items[i];
	char *s = d2s_check_alloc(malloc(it->len + 1));
	if (w->spill) {
		fflush(w->spill);
		if (pread(fileno(w->spill), s, it->len, (off_t)it->off) != (ssize_t)it->len)
			w->failed = 1;
	} else {
		memcpy(s, w->mem + it->off, it->len);
	}
	s[it->len] = '\0';
	*len = it->len;
	return s;
}

char *d2s_writer_fetch(struct d2s_writer *w, size_t id, size_t *len)
{
	return fetch_index(w, id - w->base, len);
}

static void reset_spool(struct d2s_writer *w)
{
	w->base += w->n;
	w->head = w->n = 0;
	w->mem_len = 0;
	w->spool_len = 0;
	if (w->spill) {
		fclose(w->spill);
		w->spill = NULL;
	}
}

/* Drop written items and, in memory, their bytes, once they are more than
 * half of the spool (amortized: each byte is moved at most once more). */
static void compact(struct d2s_writer *w)
{
	if (w->spill || w->head == 0)
		return;
	uint64_t cut = w->items[w->head].off;
	if (cut * 2 < w->mem_len && w->head * 2 < w->n)
		return;
	memmove(w->mem, w->mem + cut, w->mem_len - (size_t)cut);
	w->mem_len -= (size_t)cut;
	w->spool_len -= cut;
	for (size_t i = w->head; i < w->n; i++)
		w->items[i].off -= cut;
	memmove(w->items, w->items + w->head, (w->n - w->head) * sizeof(*w->items));
	w->base += w->head;
	w->n -= w->head;
	w->head = 0;
}

static void drain(struct d2s_writer *w)
{
	while (w->head < w->n && w->items[w->head].action != D2S_PENDING) {
		struct d2s_witem *it = &w->items[w->head];
		if (it->action == D2S_KEEP) {
			if (!w->spill) {
				emit(w, w->mem + it->off, it->len);
			} else {
				size_t len;
				char *s = fetch_index(w, w->head, &len);
				emit(w, s, len);
				free(s);
			}
		} else if (it->action == D2S_REPLACE) {
			emit(w, it->repl, it->repl_len);
		}
		free(it->repl);
		it->repl = NULL;
		w->head++;
	}
	if (w->head == w->n)
		reset_spool(w);
	else
		compact(w);
}

void d2s_writer_raw(struct d2s_writer *w, const char *s, size_t n)
{
	if (w->head < w->n)
		auto_keep(w, n);
	if (w->head == w->n) {
		emit(w, s, n);
		return;
	}
	/* merge with a trailing raw item */
	if (w->n > w->head && w->items[w->n - 1].action == D2S_KEEP &&
	    w->items[w->n - 1].off + w->items[w->n - 1].len == w->spool_len) {
		spool_add(w, s, n);
		w->items[w->n - 1].len += n;
		return;
	}
	push(w, D2S_KEEP, s, n);
}

size_t d2s_writer_pending(struct d2s_writer *w, const char *s, size_t n)
{
	if (w->head < w->n)
		auto_keep(w, n);
	return push(w, D2S_PENDING, s, n);
}

size_t d2s_writer_pending_auto(struct d2s_writer *w, const char *s, size_t n)
{
	size_t id = d2s_writer_pending(w, s, n);
	w->items[id - w->base].auto_keep = 1;
	return id;
}

int d2s_writer_is_pending(const struct d2s_writer *w, size_t id)
{
	return id >= w->base + w->head && id < w->base + w->n &&
	       w->items[id - w->base].action == D2S_PENDING;
}

void d2s_writer_resolve(struct d2s_writer *w, size_t id, enum d2s_action a,
			const char *s, size_t n)
{
	if (!d2s_writer_is_pending(w, id))
		return;
	struct d2s_witem *it = &w->items[id - w->base];
	it->action = a;
	if (a == D2S_REPLACE) {
		it->repl = d2s_check_alloc(malloc(n + 1));
		memcpy(it->repl, s, n);
		it->repl_len = n;
	}
	drain(w);
}

int d2s_writer_finish(struct d2s_writer *w)
{
	for (size_t i = w->head; i < w->n; i++)
		if (w->items[i].action == D2S_PENDING)
			w->items[i].action = D2S_KEEP;
	drain(w);
	if (fflush(w->out))
		w->failed = 1;
	return w->failed ? -1 : 0;
}

void d2s_writer_free(struct d2s_writer *w)
{
	for (size_t i = w->head; i < w->n; i++)
		free(w->items[i].repl);
	free(w->items);
	free(w->mem);
	if (w->spill)
		fclose(w->spill);
	memset(w, 0, sizeof(*w));
}

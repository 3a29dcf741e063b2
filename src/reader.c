/* reader.c - read stage: input bytes -> document pieces (see reader.h).
 *
 * Bytes are scanned once, incrementally: a small line state machine finds
 * document markers and notes whether the piece has content yet, without
 * needing whole lines in memory. */
#include "reader.h"
#include "buf.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum line_state { LS_START, LS_LEAD, LS_REST };

struct d2s_reader {
	int fd;
	const char *name;
	char *buf;
	size_t cap, fill;
	int eof;
	size_t big;
	uint64_t base;        /* absolute offset of buf[0] */

	size_t start;         /* piece start (buf index) */
	size_t next_start;    /* start of the following piece once returned */
	long line, next_line; /* 1-based line of start / next_start */

	/* line scanner */
	size_t scan;          /* next byte to scan */
	long scan_line;       /* line number at scan */
	uint64_t line_abs;    /* absolute offset of the current line's start */
	enum line_state ls;
	int has_content, has_marker, end_after_line;
	int at_stream_start;
	size_t boundary;      /* piece end once found, else SIZE_MAX */
	long boundary_line;

	size_t valid;         /* bytes below this index are valid UTF-8 */
	int saw_cr;           /* a CR was read: no line-skipping fast path */

	struct d2s_spool *tee; /* every byte read from fd is added here (or NULL) */

	/* streaming of a large piece */
	int streaming;
	size_t stream_pos;

	char err[160];
	long err_line, err_col;
};

static struct d2s_reader *reader_alloc(const char *name)
{
	struct d2s_reader *r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->name = name;
	r->line = r->next_line = r->scan_line = 1;
	r->boundary = SIZE_MAX;
	r->at_stream_start = 1;
	r->big = 1u << 20;
	return r;
}

struct d2s_reader *d2s_reader_new(int fd, const char *name, size_t big_limit)
{
	struct d2s_reader *r = reader_alloc(name);
	if (!r)
		return NULL;
	r->fd = fd;
	if (big_limit)
		r->big = big_limit;
	return r;
}

int d2s_reader_preload(struct d2s_reader *r, const char *data, size_t len)
{
	if (r->fill)
		return -1;
	r->cap = len + 65536;
	r->buf = d2s_check_alloc(malloc(r->cap));
	memcpy(r->buf, data, len);
	r->fill = len;
	r->saw_cr = memchr(data, '\r', len) != NULL;
	return 0;
}

void d2s_reader_tee(struct d2s_reader *r, struct d2s_spool *s)
{
	r->tee = s;
}

struct d2s_reader *d2s_reader_new_mem(const char *data, size_t len, const char *name)
{
	struct d2s_reader *r = reader_alloc(name);
	if (!r)
		return NULL;
	r->fd = -1;
	r->buf = d2s_check_alloc(malloc(len + 1));
	memcpy(r->buf, data, len);
	r->cap = len + 1;
	r->fill = len;
	r->eof = 1;
	r->big = SIZE_MAX;
	r->saw_cr = memchr(data, '\r', len) != NULL;
	return r;
}

void d2s_reader_free(struct d2s_reader *r)
{
	if (!r)
		return;
	free(r->buf);
	free(r);
}

const char *d2s_reader_error(const struct d2s_reader *r, long *line, long *col)
{
	*line = r->err_line;
	*col = r->err_col;
	return r->err;
}

/* Position of buf index i (i >= scan's line start) for messages. */
static void position_of(struct d2s_reader *r, size_t i, long *line, long *col)
{
	long l = r->scan_line;
	uint64_t ls = r->line_abs;
	size_t from = (size_t)(ls - r->base);
	if (from > i)
		from = i;
	for (size_t k = from; k < i; k++) {
		if (r->buf[k] == '\n' || (r->buf[k] == '\r' && (k + 1 >= r->fill || r->buf[k + 1] != '\n'))) {
			l++;
			ls = r->base + k + 1;
		}
	}
	*line = l;
	*col = (long)(r->base + i - ls) + 1;
}

static int fail_at(struct d2s_reader *r, size_t i, const char *msg)
{
	position_of(r, i, &r->err_line, &r->err_col);
	snprintf(r->err, sizeof(r->err), "%s", msg);
	return -1;
}

/* Validate buf[valid..fill): UTF-8 well-formed (no overlongs, surrogates or
 * code points past U+10FFFF) and no NUL byte. Returns 0 or -1. */
static int validate(struct d2s_reader *r)
{
	const unsigned char *b = (const unsigned char *)r->buf;
	size_t i = r->valid, n = r->fill;
	while (i < n) {
		/* fast path: 8 ASCII non-NUL bytes */
		if (i + 8 <= n) {
			uint64_t w;
			memcpy(&w, b + i, 8);
			if (!(w & 0x8080808080808080ull) &&
			    !((w - 0x0101010101010101ull) & ~w & 0x8080808080808080ull)) {
				i += 8;
				continue;
			}
		}
		unsigned c = b[i];
		if (c == 0)
			return fail_at(r, i, "NUL byte in input (YAML allows no NUL; is this UTF-16 or binary?)");
		if (c < 0x80) {
			i++;
			continue;
		}
		size_t need;
		unsigned min;
		if (c >= 0xC2 && c <= 0xDF) {
			need = 1;
			min = 0x80;
		} else if (c >= 0xE0 && c <= 0xEF) {
			need = 2;
			min = 0x800;
		} else if (c >= 0xF0 && c <= 0xF4) {
			need = 3;
			min = 0x10000;
		} else {
			return fail_at(r, i, "invalid UTF-8 byte in input");
		}
		if (i + need >= n) {
			if (!r->eof)
				break; /* incomplete sequence: wait for more bytes */
			return fail_at(r, i, "truncated UTF-8 sequence at end of input");
		}
		unsigned cp = c & (0x3F >> need);
		for (size_t k = 1; k <= need; k++) {
			if ((b[i + k] & 0xC0) != 0x80)
				return fail_at(r, i, "invalid UTF-8 sequence in input");
			cp = (cp << 6) | (b[i + k] & 0x3F);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return fail_at(r, i, "invalid UTF-8 sequence in input");
		i += need + 1;
	}
	r->valid = i;
	return 0;
}

/* Drop bytes before `keep` and read more. Returns 1 if bytes were added,
 * 0 at EOF, -1 on error. */
static int read_more(struct d2s_reader *r, size_t keep)
{
	if (r->eof)
		return 0;
	if (keep > 0 && (keep > r->cap / 2 || (r->streaming && keep >= 65536))) {
		memmove(r->buf, r->buf + keep, r->fill - keep);
		r->fill -= keep;
		r->base += keep;
		r->start -= keep;
		r->scan -= keep;
		r->valid -= keep;
		r->stream_pos = r->stream_pos >= keep ? r->stream_pos - keep : 0;
		if (r->boundary != SIZE_MAX)
			r->boundary -= keep;
	}
	if (r->cap - r->fill < 65536) {
		size_t cap = r->cap ? r->cap * 2 : 262144;
		while (cap - r->fill < 65536)
			cap *= 2;
		r->buf = d2s_check_alloc(realloc(r->buf, cap));
		r->cap = cap;
	}
	ssize_t n;
	do
		n = read(r->fd, r->buf + r->fill, r->cap - r->fill - 1);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		snprintf(r->err, sizeof(r->err), "read error: %s", strerror(errno));
		r->err_line = r->scan_line;
		r->err_col = 1;
		return -1;
	}
	if (n == 0)
		r->eof = 1;
	if (n > 0 && r->tee && d2s_spool_add(r->tee, r->buf + r->fill, (size_t)n)) {
		snprintf(r->err, sizeof(r->err), "cannot keep the input for the second pass "
			 "(TMPDIR): %s", strerror(errno));
		r->err_line = r->scan_line;
		r->err_col = 1;
		return -1;
	}
	if (!r->saw_cr && memchr(r->buf + r->fill, '\r', (size_t)n))
		r->saw_cr = 1;
	r->fill += (size_t)n;
	if (validate(r))
		return -1;
	return n > 0 ? 1 : 0;
}

static int is_break_or_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Classify the start of a line at scan. Returns 0 when more bytes are
 * needed, 1 when done (state moves on), 2 when a boundary was set. */
static int scan_line_start(struct d2s_reader *r)
{
	if (r->at_stream_start && r->valid - r->scan < 3 && !r->eof)
		return 0;
	if (r->at_stream_start && r->valid - r->scan >= 3 &&
	    memcmp(r->buf + r->scan, "\xEF\xBB\xBF", 3) == 0) {
		r->scan += 3; /* a byte order mark is not part of the line */
		r->line_abs += 3;
	}
	size_t i = r->scan, avail = r->valid - i;
	if (avail < 4 && !r->eof) {
		/* need 4 bytes or a line break to decide */
		if (!memchr(r->buf + i, '\n', avail) && !memchr(r->buf + i, '\r', avail))
			return 0;
	}
	int dash = avail >= 3 && memcmp(r->buf + i, "---", 3) == 0 &&
		   (avail == 3 ? r->eof : is_break_or_blank(r->buf[i + 3]));
	int dots = avail >= 3 && memcmp(r->buf + i, "...", 3) == 0 &&
		   (avail == 3 ? r->eof : is_break_or_blank(r->buf[i + 3]));
	r->at_stream_start = 0;
	if (dash) {
		if ((r->has_content || r->has_marker) && r->scan > r->start) {
			r->boundary = r->scan;
			r->boundary_line = r->scan_line;
			return 2;
		}
		r->has_marker = 1;
		r->ls = LS_REST;
		return 1;
	}
	if (dots) {
		r->end_after_line = 1;
		r->ls = LS_REST;
		return 1;
	}
	r->ls = LS_LEAD;
	return 1;
}

static void scan_lead(struct d2s_reader *r)
{
	while (r->scan < r->valid && (r->buf[r->scan] == ' ' || r->buf[r->scan] == '\t'))
		r->scan++;
	if (r->scan == r->valid)
		return;
	char c = r->buf[r->scan];
	uint64_t col = r->base + r->scan - r->line_abs;
	int blank_or_comment = c == '\n' || c == '\r' || c == '#';
	int directive = c == '%' && col == 0 && !r->has_content && !r->has_marker;
	if (!blank_or_comment && !directive)
		r->has_content = 1;
	r->ls = LS_REST;
}

/* Move to the end of the current line. Returns 0 when more bytes are needed,
 * 1 at a new line, 2 when a boundary was set after the line. */
static int scan_rest(struct d2s_reader *r)
{
	const char *b = r->buf;
	size_t i = r->scan, n = r->valid;
	const char *nlp = memchr(b + i, '\n', n - i);
	size_t lim = nlp ? (size_t)(nlp - b) : n;
	const char *crp = memchr(b + i, '\r', lim - i); /* a CR before the LF ends the line */
	i = crp ? (size_t)(crp - b) : lim;
	if (i == n) {
		r->scan = n;
		return 0;
	}
	size_t nl = i + 1;
	if (b[i] == '\r') {
		if (i + 1 == n && !r->eof)
			{ r->scan = i; return 0; }
		if (i + 1 < n && b[i + 1] == '\n')
			nl = i + 2;
	}
	r->scan = nl;
	r->scan_line++;
	r->line_abs = r->base + nl;
	r->ls = LS_START;
	if (r->end_after_line) {
		r->end_after_line = 0;
		r->boundary = nl;
		r->boundary_line = r->scan_line;
		return 2;
	}
	return 1;
}

/* Scan available bytes. Returns 1 if a boundary is known, 0 if more input is
 * needed. */
static int scan(struct d2s_reader *r)
{
	if (r->boundary != SIZE_MAX)
		return 1;
	for (;;) {
		int k;
		if (r->scan >= r->valid)
			return 0;
		if (r->ls == LS_START && (r->has_content || r->has_marker) && !r->saw_cr &&
		    r->buf[r->scan] != '-' && r->buf[r->scan] != '.') {
			/* inside a document only a line starting with '-' or '.' can
			 * end it: hop from line break to line break */
			const char *nl = memchr(r->buf + r->scan, '\n', r->valid - r->scan);
			if (!nl) {
				r->ls = LS_REST;
				r->scan = r->valid;
				return 0;
			}
			r->scan = (size_t)(nl - r->buf) + 1;
			r->scan_line++;
			r->line_abs = r->base + r->scan;
			continue;
		}
		switch (r->ls) {
		case LS_START:
			k = scan_line_start(r);
			break;
		case LS_LEAD:
			scan_lead(r);
			k = r->ls == LS_REST ? 1 : 0;
			break;
		default:
			k = scan_rest(r);
			break;
		}
		if (k == 2)
			return 1;
		if (k == 0)
			return 0;
	}
}

static void begin_piece(struct d2s_reader *r)
{
	r->start = r->next_start;
	r->line = r->next_line;
	r->has_content = r->has_marker = r->end_after_line = 0;
	r->boundary = SIZE_MAX;
	r->streaming = 0;
}

/* Scan until a boundary or EOF; `limit` stops early when the piece grows
 * beyond it. Returns 1 boundary/EOF reached, 2 limit hit, -1 error. */
static int find_end(struct d2s_reader *r, size_t limit, size_t keep_from)
{
	for (;;) {
		if (scan(r))
			return 1;
		if (r->eof) {
			r->boundary = r->fill;
			r->boundary_line = r->scan_line;
			return 1;
		}
		if (r->scan - r->start > limit)
			return 2;
		if (read_more(r, keep_from == SIZE_MAX ? r->start : keep_from) < 0)
			return -1;
	}
}

int d2s_reader_next(struct d2s_reader *r, struct d2s_piece *pc, int allow_partial)
{
	if (r->valid < r->fill && validate(r))
		return -1; /* memory or preloaded input: validated on first use */
	begin_piece(r);
	int k = find_end(r, allow_partial ? r->big : SIZE_MAX, SIZE_MAX);
	if (k < 0)
		return -1;
	pc->line = r->line;
	pc->text = r->buf + r->start;
	if (k == 2) {
		pc->len = r->scan - r->start;
		pc->complete = 0;
		r->stream_pos = r->start;
		return 1;
	}
	if (r->boundary == r->start)
		return 0; /* end of input */
	pc->len = r->boundary - r->start;
	pc->complete = 1;
	r->next_start = r->boundary;
	r->next_line = r->boundary_line;
	return 1;
}

int d2s_reader_complete(struct d2s_reader *r, struct d2s_piece *pc)
{
	if (find_end(r, SIZE_MAX, SIZE_MAX) < 0)
		return -1;
	pc->text = r->buf + r->start;
	pc->len = r->boundary - r->start;
	pc->complete = 1;
	r->next_start = r->boundary;
	r->next_line = r->boundary_line;
	return 0;
}

ssize_t d2s_reader_stream(struct d2s_reader *r, void *dst, size_t max)
{
	r->streaming = 1;
	for (;;) {
		size_t lim = r->boundary != SIZE_MAX ? r->boundary : r->scan;
		if (r->stream_pos < lim) {
			size_t n = lim - r->stream_pos;
			if (n > max)
				n = max;
			memcpy(dst, r->buf + r->stream_pos, n);
			r->stream_pos += n;
			return (ssize_t)n;
		}
		if (r->boundary != SIZE_MAX) {
			r->next_start = r->boundary;
			r->next_line = r->boundary_line;
			return 0;
		}
		if (scan(r))
			continue;
		if (r->eof) {
			r->boundary = r->fill;
			r->boundary_line = r->scan_line;
			continue;
		}
		r->start = r->stream_pos; /* handed-out bytes are no longer needed */
		if (read_more(r, r->start) < 0)
			return -1;
	}
}

int d2s_text_check(const char *text, size_t len, char *msg, size_t n, long *line, long *col)
{
	struct d2s_reader *r = d2s_reader_new_mem(text, len, "");
	if (!r) {
		snprintf(msg, n, "out of memory");
		*line = *col = 1;
		return -1;
	}
	struct d2s_piece pc;
	int rc;
	while ((rc = d2s_reader_next(r, &pc, 0)) == 1)
		;
	if (rc < 0)
		snprintf(msg, n, "%s", d2s_reader_error(r, line, col));
	d2s_reader_free(r);
	return rc < 0 ? -1 : 0;
}

int d2s_starts_with_marker(const char *t, size_t n)
{
	size_t i = 0;
	while (i < n) {
		size_t j = i;
		while (j < n && (t[j] == ' ' || t[j] == '\t'))
			j++;
		if (j < n && t[j] != '#' && t[j] != '%' && t[j] != '\n' && t[j] != '\r')
			return j == i && n - j >= 3 && !strncmp(t + j, "---", 3);
		while (j < n && t[j] != '\n')
			j++;
		i = j + 1;
	}
	return 1; /* nothing but comments: no separator needed */
}

size_t d2s_end_marker_at(const char *t, size_t n)
{
	size_t at = n, i = 0;
	while (i < n) {
		size_t j = i;
		while (j < n && t[j] != '\n')
			j++;
		size_t k = i;
		while (k < j && (t[k] == ' ' || t[k] == '\t' || t[k] == '\r'))
			k++;
		if (j - i >= 3 && !strncmp(t + i, "...", 3) &&
		    (i + 3 == j || t[i + 3] == ' ' || t[i + 3] == '\t' || t[i + 3] == '\r'))
			at = i;
		else if (k < j && t[k] != '#')
			at = n; /* content after it */
		i = j + 1;
	}
	return at;
}

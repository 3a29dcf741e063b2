/* scalar.c - read stage helper: scalar values from source text (see scalar.h). */
#include "scalar.h"

#include <string.h>

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int is_break(char c)
{
	return c == '\n' || c == '\r';
}

/* Offset just past the line break at t[i] (CRLF is one break). */
static size_t skip_break(const char *t, size_t n, size_t i)
{
	return i + (t[i] == '\r' && i + 1 < n && t[i + 1] == '\n' ? 2 : 1);
}

/* ---------- flow scalars ---------- */

static size_t put_utf8(char *o, unsigned long cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xC0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xE0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (char)(0xF0 | (cp >> 18));
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	o[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The double-quoted escape at s[i] == '\\' (not a line break): written to
 * o; returns the bytes written and sets *used to the source bytes read. */
static size_t put_escape(char *o, const char *s, size_t n, size_t i, size_t *used)
{
	static const char simple_in[] = "0abt\tnvfre \"/\\";
	static const char simple_out[] = "\0\a\b\t\t\n\v\f\r\x1b \"/\\";
	char e = i + 1 < n ? s[i + 1] : '\0';
	const char *k = e ? memchr(simple_in, e, sizeof(simple_in) - 1) : NULL;
	*used = 2;
	if (k) {
		o[0] = simple_out[k - simple_in];
		return 1;
	}
	unsigned long cp;
	size_t digits = e == 'x' ? 2 : e == 'u' ? 4 : e == 'U' ? 8 : 0;
	switch (e) {
	case 'N': cp = 0x85; break;
	case '_': cp = 0xA0; break;
	case 'L': cp = 0x2028; break;
	case 'P': cp = 0x2029; break;
	default:
		cp = 0;
		if (!digits || i + 2 + digits > n) {
			o[0] = '\\'; /* not an escape libfyaml accepts: keep the text */
			*used = 1;
			return 1;
		}
		for (size_t d = 0; d < digits; d++) {
			int h = hex_value(s[i + 2 + d]);
			if (h < 0) {
				o[0] = '\\';
				*used = 1;
				return 1;
			}
			cp = cp << 4 | (unsigned long)h;
		}
		*used = 2 + digits;
	}
	return put_utf8(o, cp > 0x10FFFF ? 0xFFFD : cp);
}

char *d2s_flow_scalar_value(struct d2s_arena *a, const char *text, size_t start, size_t end,
			    enum d2s_style style, size_t *len)
{
	const char *s = text + start;
	size_t n = end - start;
	if (style == D2S_SINGLE || style == D2S_DOUBLE) {
		s++;
		n = n >= 2 ? n - 2 : 0;
	}
	/* the value is never longer than 3/2 of its text (\L: 2 bytes -> 3) */
	char *o = d2s_arena_alloc(a, n + n / 2 + 1);
	size_t k = 0, floor = 0, i = 0;
	while (i < n) {
		char c = s[i];
		if (style == D2S_SINGLE && c == '\'') {
			o[k++] = '\'';
			i += 2;
			floor = k;
			continue;
		}
		int escaped_break = style == D2S_DOUBLE && c == '\\' && i + 1 < n && is_break(s[i + 1]);
		if (style == D2S_DOUBLE && c == '\\' && !escaped_break) {
			size_t used;
			k += put_escape(o + k, s, n, i, &used);
			i += used;
			floor = k;
			continue;
		}
		if (!escaped_break && !is_break(c)) {
			o[k++] = c;
			i++;
			continue;
		}
		/* line folding: blanks around breaks go; one break is a space,
		 * k > 1 breaks are k-1 newlines; an escaped break is no space */
		if (escaped_break)
			i++;
		else
			while (k > floor && is_blank(o[k - 1]))
				k--;
		size_t breaks = 0;
		while (i < n && is_break(s[i])) {
			i = skip_break(s, n, i);
			breaks++;
			while (i < n && is_blank(s[i]))
				i++;
		}
		if (breaks == 1 && !escaped_break)
			o[k++] = ' ';
		for (; breaks > 1; breaks--)
			o[k++] = '\n';
		floor = k;
	}
	o[k] = '\0';
	*len = k;
	return o;
}

/* ---------- block scalars ---------- */

struct header {
	int folded;
	int indent;   /* explicit indentation indicator, 0 = detect */
	char chomp;   /* '-' strip, '+' keep, 0 clip */
};

/* Skip to the end of the line at t[i]. */
static size_t to_eol(const char *t, size_t end, size_t i)
{
	while (i < end && !is_break(t[i]))
		i++;
	return i;
}

#define BOM "\xEF\xBB\xBF"

/* t[i] starts a line (a byte order mark before it at the text start does
 * not count). */
static int at_line_start(const char *t, size_t i)
{
	return i == 0 || is_break(t[i - 1]) || (i == 3 && !memcmp(t, BOM, 3));
}

/* The last block scalar header in t[from, start): between it and `from`
 * only indicators (: - ? --- ...), properties (!tag &anchor), directives,
 * comments and blanks may stand. Returns 0 or -1. */
static int find_header(const char *t, size_t from, size_t start, struct header *h)
{
	int found = 0;
	size_t i = from;
	while (i < start) {
		char c = t[i];
		int ends = i + 1 >= start || is_blank(t[i + 1]) || is_break(t[i + 1]);
		int indicator = (c == ':' || c == '-' || c == '?') && ends;
		if (is_blank(c) || is_break(c) || indicator) {
			i++;
		} else if (c == '#' || (c == '%' && at_line_start(t, i))) {
			i = to_eol(t, start, i);
		} else if ((i == 0 && start >= 3 && !memcmp(t, BOM, 3)) ||
			   ((c == '-' || c == '.') && at_line_start(t, i) && i + 3 <= start &&
			    t[i + 1] == c && t[i + 2] == c)) {
			i += 3; /* byte order mark, --- or ... */
		} else if (c == '!' || c == '&') {
			while (i < start && !is_blank(t[i]) && !is_break(t[i]))
				i++;
		} else if (c == '|' || c == '>') {
			memset(h, 0, sizeof(*h));
			h->folded = c == '>';
			for (i++; i < start && !is_blank(t[i]) && !is_break(t[i]); i++) {
				if (t[i] >= '1' && t[i] <= '9')
					h->indent = t[i] - '0';
				else if (t[i] == '-' || t[i] == '+')
					h->chomp = t[i];
				else
					return -1;
			}
			found = 1;
		} else {
			return -1;
		}
	}
	return found ? 0 : -1;
}

/* A line [ls, le): leading spaces in *sp; 1 when it holds only spaces. */
static int blank_line(const char *t, size_t ls, size_t le, size_t *sp)
{
	size_t i = ls;
	while (i < le && t[i] == ' ')
		i++;
	*sp = i - ls;
	return i == le;
}

/* Content indentation: the leading spaces of the first line holding more
 * than spaces, else the longest run of spaces (YAML 1.2.2 §8.1.1.1); -1
 * when that first line is not indented past the parent (no content). */
static long detect_indent(const char *t, size_t len, size_t start, int parent_col)
{
	size_t most = 0, sp;
	for (size_t i = start; i < len;) {
		size_t le = to_eol(t, len, i);
		if (!blank_line(t, i, le, &sp))
			return (long)sp > parent_col ? (long)sp : (long)most;
		if (sp > most)
			most = sp;
		i = le < len ? skip_break(t, len, le) : len;
	}
	return (long)most;
}

/* A document marker (--- or ...) starting the line at t[i]. */
static int doc_marker(const char *t, size_t len, size_t i)
{
	return i + 3 <= len && (!memcmp(t + i, "---", 3) || !memcmp(t + i, "...", 3)) &&
	       (i + 3 == len || is_blank(t[i + 3]) || is_break(t[i + 3]));
}

static void put_breaks(char *o, size_t *k, size_t n)
{
	memset(o + *k, '\n', n);
	*k += n;
}

char *d2s_block_scalar_value(struct d2s_arena *a, const char *text, size_t len, size_t from,
			     size_t start, int parent_col, size_t *out_len)
{
	struct header h;
	if (start > len || find_header(text, from, start, &h))
		return NULL;
	size_t indent = h.indent ? (size_t)((parent_col > 0 ? parent_col : 0) + h.indent)
				 : (size_t)detect_indent(text, len, start, parent_col);
	char *o = d2s_arena_alloc(a, 2 * (len - start) + 2);
	size_t k = 0, empty = 0, sp;
	int content = 0, prev_more = 0, last_break = 0;
	for (size_t i = start; i < len;) {
		size_t le = to_eol(text, len, i);
		/* a last line without its break still ends as if it had one
		 * (YAML Test Suite L24T/01, JEF9/02) */
		int has_break = le < len || le > i;
		if (blank_line(text, i, le, &sp) && sp <= indent) {
			empty += has_break;
		} else if (sp < indent || (long)sp <= parent_col ||
			   (indent == 0 && doc_marker(text, len, i))) {
			break; /* a less indented line: the scalar has ended */
		} else {
			const char *line = text + i + indent;
			int more = is_blank(line[0]);
			int fold = h.folded && !prev_more && !more;
			if (!content)
				put_breaks(o, &k, empty);
			else if (fold && empty == 0)
				o[k++] = ' ';
			else
				put_breaks(o, &k, empty + !fold);
			memcpy(o + k, line, le - i - indent);
			k += le - i - indent;
			content = 1;
			prev_more = more;
			last_break = has_break;
			empty = 0;
		}
		i = le < len ? skip_break(text, len, le) : len;
	}
	if (h.chomp != '-' && content && last_break)
		o[k++] = '\n';
	if (h.chomp == '+')
		put_breaks(o, &k, empty);
	o[k] = '\0';
	*out_len = k;
	return o;
}

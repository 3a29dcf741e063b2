/* quantity.c - convert stage helper: Kubernetes resource.Quantity syntax
 * (see quantity.h; the grammar and its parser are in
 * k8s.io/apimachinery/pkg/api/resource/quantity.go). */
#include "quantity.h"

#include <stdlib.h>
#include <string.h>

/* Suffixes other than a decimal exponent ("" is decimalSI's unit). */
static const char *const suffixes[] = { "Ki", "Mi", "Gi", "Ti", "Pi", "Ei",
					"m", "", "k", "M", "G", "T", "P", "E", NULL };

/* A signed decimal integer with at least one digit and nothing after it
 * (the exponent of "1e3", "5E-2": quantitySuffixer.interpret's
 * strconv.ParseInt). */
static int is_exponent(const char *p)
{
	if (*p == '+' || *p == '-')
		p++;
	if (*p < '0' || *p > '9')
		return 0;
	while (*p >= '0' && *p <= '9')
		p++;
	return *p == '\0';
}

static int known_suffix(const char *p)
{
	for (int i = 0; suffixes[i]; i++)
		if (!strcmp(p, suffixes[i]))
			return 1;
	return (p[0] == 'e' || p[0] == 'E') && is_exponent(p + 1);
}

int d2s_quantity_split(const char *s, struct d2s_quantity *q)
{
	if (!s)
		return -1;
	const char *p = s;
	int neg = 0, digits = 0, nonzero = 0;
	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	const char *number = p;
	for (; *p >= '0' && *p <= '9'; p++, digits++)
		nonzero |= *p != '0';
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++, digits++)
			nonzero |= *p != '0';
	if (!digits || !known_suffix(p))
		return -1;
	q->sign = !nonzero ? 0 : neg ? -1 : 1;
	q->number = number;
	q->number_len = (size_t)(p - number);
	q->suffix = p;
	return 0;
}

int d2s_quantity_parse(const char *s, int *sign)
{
	struct d2s_quantity q;
	if (d2s_quantity_split(s, &q))
		return -1;
	if (sign)
		*sign = q.sign;
	return 0;
}

/* A quantity's magnitude as digits * 10^exp10 * 2^exp2: `digits` holds the
 * significant decimal digits (no leading zero; empty for zero). */
struct magnitude {
	char *digits;   /* malloc'ed, NUL-terminated */
	size_t n;       /* strlen(digits) */
	long long exp10;
	int exp2;
};

/* The decimal exponent of an "e<N>" suffix, saturated far beyond any
 * quantity Kubernetes accepts (the comparison stays exact up to there). */
static long long exponent_value(const char *p)
{
	int neg = *p == '-';
	if (*p == '+' || *p == '-')
		p++;
	long long v = 0;
	for (; *p >= '0' && *p <= '9'; p++)
		if (v < 1000000000000LL)
			v = v * 10 + (*p - '0');
	return neg ? -v : v;
}

/* Scale of suffix `sfx` (known_suffix): *exp10 and *exp2. */
static void suffix_scale(const char *sfx, long long *exp10, int *exp2)
{
	static const char *const bin[] = { "Ki", "Mi", "Gi", "Ti", "Pi", "Ei" };
	static const char *const dec[] = { "m", "", "k", "M", "G", "T", "P", "E" };
	*exp10 = 0;
	*exp2 = 0;
	for (int i = 0; i < 6; i++)
		if (!strcmp(sfx, bin[i]))
			*exp2 = 10 * (i + 1);
	for (int i = 0; i < 8; i++)
		if (!strcmp(sfx, dec[i]))
			*exp10 = i == 0 ? -3 : 3 * (i - 1);
	if ((sfx[0] == 'e' || sfx[0] == 'E') && sfx[1])
		*exp10 = exponent_value(sfx + 1);
}

static int magnitude_of(const struct d2s_quantity *q, struct magnitude *m)
{
	m->digits = malloc(q->number_len + 32); /* room for the factor 2^60 */
	if (!m->digits)
		return -1;
	m->n = 0;
	long long frac = 0;
	int seen_dot = 0;
	for (size_t i = 0; i < q->number_len; i++) {
		char c = q->number[i];
		if (c == '.') {
			seen_dot = 1;
			continue;
		}
		frac += seen_dot;
		if (m->n || c != '0')
			m->digits[m->n++] = c;
	}
	m->digits[m->n] = '\0';
	suffix_scale(q->suffix, &m->exp10, &m->exp2);
	m->exp10 -= frac;
	return 0;
}

/* digits *= 2, in place (the buffer has room for the carry). */
static void double_digits(struct magnitude *m)
{
	int carry = 0;
	for (size_t i = m->n; i-- > 0;) {
		int d = (m->digits[i] - '0') * 2 + carry;
		m->digits[i] = (char)('0' + d % 10);
		carry = d / 10;
	}
	if (carry) {
		memmove(m->digits + 1, m->digits, m->n + 1);
		m->digits[0] = (char)('0' + carry);
		m->n++;
	}
}

/* Compare two non-zero magnitudes with the same exp2: the decimal point
 * sits n + exp10 digits after the first digit; then digit by digit, each
 * padded with zeros. */
static int cmp_aligned(const struct magnitude *a, const struct magnitude *b)
{
	long long la = (long long)a->n + a->exp10, lb = (long long)b->n + b->exp10;
	if (la != lb)
		return la < lb ? -1 : 1;
	for (size_t i = 0; i < a->n || i < b->n; i++) {
		char x = i < a->n ? a->digits[i] : '0', y = i < b->n ? b->digits[i] : '0';
		if (x != y)
			return x < y ? -1 : 1;
	}
	return 0;
}

int d2s_quantity_cmp(const char *a, const char *b, int *cmp)
{
	struct d2s_quantity qa, qb;
	if (d2s_quantity_split(a, &qa) || d2s_quantity_split(b, &qb))
		return -1;
	if (qa.sign != qb.sign || qa.sign == 0) {
		*cmp = qa.sign - qb.sign;
		return 0;
	}
	struct magnitude ma, mb;
	if (magnitude_of(&qa, &ma))
		return -1;
	if (magnitude_of(&qb, &mb)) {
		free(ma.digits);
		return -1;
	}
	/* move the binary factor to one side: at most 2^60, exact */
	for (; ma.exp2 > mb.exp2; ma.exp2--)
		double_digits(&ma);
	for (; mb.exp2 > ma.exp2; mb.exp2--)
		double_digits(&mb);
	*cmp = qa.sign * cmp_aligned(&ma, &mb);
	free(ma.digits);
	free(mb.digits);
	return 0;
}

int d2s_quantity_positive(const char *s)
{
	int sign = 0;
	return d2s_quantity_parse(s, &sign) == 0 && sign > 0;
}

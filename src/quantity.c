/* quantity.c - convert stage helper: Kubernetes resource.Quantity syntax
 * (see quantity.h; the grammar and its parser are in
 * k8s.io/apimachinery/pkg/api/resource/quantity.go). */
#include "quantity.h"

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

int d2s_quantity_parse(const char *s, int *sign)
{
	if (!s)
		return -1;
	const char *p = s;
	int neg = 0, digits = 0, nonzero = 0;
	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	for (; *p >= '0' && *p <= '9'; p++, digits++)
		nonzero |= *p != '0';
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++, digits++)
			nonzero |= *p != '0';
	if (!digits || !known_suffix(p))
		return -1;
	if (sign)
		*sign = !nonzero ? 0 : neg ? -1 : 1;
	return 0;
}

int d2s_quantity_positive(const char *s)
{
	int sign = 0;
	return d2s_quantity_parse(s, &sign) == 0 && sign > 0;
}

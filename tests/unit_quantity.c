/* unit_quantity.c - Kubernetes resource.Quantity syntax (src/quantity.c),
 * cases from k8s.io/apimachinery/pkg/api/resource/quantity_test.go, and the
 * exact comparison of values (Quantity.Cmp) that the size= minimum uses. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "quantity.h"

static void valid_quantities(void **state)
{
	(void)state;
	static const struct { const char *s; int sign; } ok[] = {
		{ "1Gi", 1 }, { "20Gi", 1 }, { "1.5Gi", 1 }, { ".5Gi", 1 }, { "5.Mi", 1 },
		{ "100", 1 }, { "100m", 1 }, { "1k", 1 }, { "1M", 1 }, { "1E", 1 }, { "1Ei", 1 },
		{ "1e3", 1 }, { "1E3", 1 }, { "5e-2", 1 }, { "5e+2", 1 }, { "+1Gi", 1 },
		{ "0", 0 }, { "0Gi", 0 }, { "-0", 0 }, { "0.000Mi", 0 }, { "-1Gi", -1 },
		{ "-.5", -1 }, { "0.001", 1 },
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		int sign = 7;
		if (d2s_quantity_parse(ok[i].s, &sign) != 0 || sign != ok[i].sign)
			fail_msg("%s: want valid with sign %d, got sign %d", ok[i].s, ok[i].sign, sign);
	}
}

static void invalid_quantities(void **state)
{
	(void)state;
	static const char *const bad[] = { "", " 1Gi", "1Gi ", "Gi", ".", "-", "+", "1GB", "1gi",
		"1 Gi", "1.2.3", "1e", "1e+", "1ee3", "1e3Gi", "1K", "1KiB", "ten", "1,5Gi", "1i",
		"1u", "1n", "--1", "0x10", NULL };
	for (int i = 0; bad[i]; i++)
		if (d2s_quantity_parse(bad[i], NULL) == 0)
			fail_msg("\"%s\" accepted", bad[i]);
	assert_int_equal(d2s_quantity_parse(NULL, NULL), -1);
}

static void positive(void **state)
{
	(void)state;
	assert_true(d2s_quantity_positive("1Gi"));
	assert_true(d2s_quantity_positive("1m"));
	assert_false(d2s_quantity_positive("0"));
	assert_false(d2s_quantity_positive("0Gi"));
	assert_false(d2s_quantity_positive("-1Gi"));
	assert_false(d2s_quantity_positive("abc"));
}

/* Exact comparison across suffixes (resource.Quantity Cmp): binary and
 * decimal SI, exponents, fractions, signs; no floating point rounding. */
static void compare(void **state)
{
	(void)state;
	static const struct { const char *a, *b; int want; } cases[] = {
		{ "1Mi", "1048576", 0 }, { "1Mi", "1.048576M", 0 }, { "1Mi", "1048576e0", 0 },
		{ "1Mi", "1024Ki", 0 }, { "1Gi", "1024Mi", 0 }, { "0.5Gi", "512Mi", 0 },
		{ "1M", "1Mi", -1 }, { "1G", "1Gi", -1 }, { "1e9", "1G", 0 }, { "1E9", "1G", 0 },
		{ "100m", "1Mi", -1 }, { "1048576000m", "1Mi", 0 }, { "1048576001m", "1Mi", 1 },
		{ "1048575.9999999999999999999", "1Mi", -1 }, { "1048576.0000000000000000001", "1Mi", 1 },
		{ "10", "1Mi", -1 }, { "1e3", "1Mi", -1 }, { "1e7", "1Mi", 1 }, { "5e-2", "1", -1 },
		{ ".5Ei", "512Pi", 0 }, { "1Ei", "1152921504606846976", 0 }, { "2Ei", "1Ei", 1 },
		{ "000001Mi", "1Mi", 0 }, { "1.Mi", "1Mi", 0 }, { "1.000Mi", "1Mi", 0 },
		{ "0", "-0", 0 }, { "0Gi", "0", 0 }, { "-1Gi", "1Mi", -1 }, { "-1Gi", "-1Mi", -1 },
		{ "-1Mi", "-1M", -1 }, { "1e999999999999999", "1Ei", 1 }, { "1e-999999999999", "1m", -1 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int got = 7, back = 7;
		if (d2s_quantity_cmp(cases[i].a, cases[i].b, &got) || d2s_quantity_cmp(cases[i].b, cases[i].a, &back))
			fail_msg("%s <=> %s: not compared", cases[i].a, cases[i].b);
		got = (got > 0) - (got < 0);
		back = (back > 0) - (back < 0);
		if (got != cases[i].want || back != -cases[i].want)
			fail_msg("%s <=> %s: want %d, got %d (reversed %d)", cases[i].a, cases[i].b, cases[i].want,
				 got, back);
	}
	int cmp;
	assert_int_equal(d2s_quantity_cmp("1GB", "1Gi", &cmp), -1);
	assert_int_equal(d2s_quantity_cmp("1Gi", "", &cmp), -1);
}

/* The parts as written: the number without its sign, and the suffix. */
static void split(void **state)
{
	(void)state;
	struct d2s_quantity q;
	assert_int_equal(d2s_quantity_split("-1.5Gi", &q), 0);
	assert_int_equal(q.sign, -1);
	assert_int_equal(q.number_len, 3);
	assert_memory_equal(q.number, "1.5", 3);
	assert_string_equal(q.suffix, "Gi");
	assert_int_equal(d2s_quantity_split("10", &q), 0);
	assert_string_equal(q.suffix, "");
	assert_int_equal(q.number_len, 2);
	assert_int_equal(d2s_quantity_split("5e-2", &q), 0);
	assert_string_equal(q.suffix, "e-2");
	assert_int_equal(d2s_quantity_split("1 Gi", &q), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(valid_quantities),
		cmocka_unit_test(invalid_quantities),
		cmocka_unit_test(positive),
		cmocka_unit_test(compare),
		cmocka_unit_test(split),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* unit_quantity.c - Kubernetes resource.Quantity syntax (src/quantity.c),
 * cases from k8s.io/apimachinery/pkg/api/resource/quantity_test.go. */
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(valid_quantities),
		cmocka_unit_test(invalid_quantities),
		cmocka_unit_test(positive),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* fuzz_selector.c - libFuzzer target: the kubectl label-selector parser and
 * matcher. The first line is the selector, the rest "key=value" labels. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "select.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstr(data, size);
	if (!text)
		return 0;
	char *nl = strchr(text, '\n');
	if (nl)
		*nl = '\0';
	const char *keys[16], *vals[16];
	size_t n = 0;
	char *save = NULL;
	for (char *l = nl ? strtok_r(nl + 1, "\n", &save) : NULL; l && n < 16; l = strtok_r(NULL, "\n", &save)) {
		char *eq = strchr(l, '=');
		keys[n] = l;
		vals[n++] = eq ? (*eq = '\0', eq + 1) : "";
	}
	struct d2s_selector sel;
	char err[256];
	if (d2s_selector_parse(text, &sel, err, sizeof(err)) == 0) {
		d2s_selector_match(&sel, keys, vals, n);
		d2s_selector_free(&sel);
	}
	free(text);
	return 0;
}

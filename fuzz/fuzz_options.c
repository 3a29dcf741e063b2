/* fuzz_options.c - libFuzzer target: the option parser. Input lines are
 * "key=value" (or "key" for booleans), as flags, --config and the KRM
 * functionConfig feed them to d2s_options_set. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "options.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstr(data, size);
	if (!text)
		return 0;
	struct d2s_options o;
	d2s_options_init(&o);
	char err[512], *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *eq = strchr(line, '=');
		if (eq)
			*eq = '\0';
		d2s_options_set(&o, line, eq ? eq + 1 : NULL, err, sizeof(err));
	}
	struct d2s_options copy;
	d2s_options_copy(&copy, &o);
	d2s_options_free(&copy);
	d2s_options_free(&o);
	free(text);
	return 0;
}

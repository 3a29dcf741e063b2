/* fuzz_options.c - libFuzzer target: option parsing through the option
 * table. Input lines are "key=value" (or "key" for booleans), as flags and
 * the ConfigMap functionConfig feed them to d2s_options_set; the same lines
 * also go through the run-time settings and the environment reader (a line
 * "ENV_NAME=value" is a variable). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "optable.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *env_text;

/* getenv over the input: the value of line "NAME=value", or NULL. */
static const char *fuzz_getenv(const char *name)
{
	static char value[4096];
	size_t n = strlen(name);
	for (const char *p = env_text; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (len > n && !strncmp(p, name, n) && p[n] == '=' && len - n - 1 < sizeof(value)) {
			memcpy(value, p + n + 1, len - n - 1);
			value[len - n - 1] = '\0';
			return value;
		}
		p = nl ? nl + 1 : NULL;
	}
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstr(data, size);
	if (!text)
		return 0;
	struct d2s_options o;
	struct d2s_run r = {0};
	struct d2s_pairs env = {0};
	d2s_options_init(&o);
	char err[512], *save = NULL;
	env_text = text;
	if (d2s_env_pairs(&env, fuzz_getenv, err, sizeof(err)) == 0) {
		d2s_pairs_apply(&env, &o, err, sizeof(err));
		d2s_pairs_apply_run(&env, &r, err, sizeof(err));
	}
	d2s_pairs_free(&env);
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *eq = strchr(line, '=');
		if (eq)
			*eq = '\0';
		d2s_options_set(&o, line, eq ? eq + 1 : NULL, err, sizeof(err));
		const struct d2s_option *opt = d2s_opt_find(line);
		if (opt && opt->scope == D2S_SCOPE_RUN)
			d2s_opt_set(opt, NULL, &r, eq ? eq + 1 : NULL, err, sizeof(err));
	}
	d2s_run_free(&r);
	struct d2s_options copy;
	d2s_options_copy(&copy, &o);
	d2s_options_free(&copy);
	d2s_options_free(&o);
	free(text);
	return 0;
}

/* unit_options.c - the option table (optable.h) and its consumers: table
 * invariants, value checks and messages, environment variables with their
 * separators, precedence of merged pairs, getopt arrays, and the
 * StatefulSetConversion reader filling struct d2s_vct directly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "config.h"
#include "optdoc.h"
#include "optable.h"

#define EACH(o) for (const struct d2s_option *o = d2s_optable; o->help || o->name; o++)

/* Every name once; env names derived; paths start with spec.; kinds complete. */
static void table_invariants(void **state)
{
	(void)state;
	int n = 0;
	EACH(o) {
		if (!o->name)
			continue;
		n++;
		assert_ptr_equal(d2s_opt_find(o->name), o);
		if (o->short_name)
			assert_ptr_equal(d2s_opt_find_short(o->short_name), o);
		assert_non_null(o->help);
		if (o->path)
			assert_int_equal(strncmp(o->path, "spec.", 5), 0);
		if (o->kind == D2S_OPT_ENUM)
			assert_non_null(o->values);
		if (o->kind == D2S_OPT_CALLBACK)
			assert_true(o->set && o->load);
		if (o->kind == D2S_OPT_ACTION)
			assert_int_equal(o->scope, D2S_SCOPE_NONE);
		else
			assert_int_not_equal(o->scope, D2S_SCOPE_NONE);
	}
	assert_true(n >= 30);
	char buf[96];
	assert_string_equal(d2s_opt_env_name(d2s_opt_find("pod-management-policy"), buf, sizeof(buf)),
			    "DEPLOY2STS_POD_MANAGEMENT_POLICY");
	assert_null(d2s_opt_find("no-such-flag"));
}

static void set_checks_values(void **state)
{
	(void)state;
	struct d2s_options o;
	char err[512];
	d2s_options_init(&o);
	assert_int_equal(d2s_options_set(&o, "pod-management-policy", "Sideways", err, sizeof(err)), -1);
	assert_string_equal(err, "invalid value \"Sideways\" for pod-management-policy: want OrderedReady or Parallel");
	assert_int_equal(d2s_options_set(&o, "partition", "-1", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "non-negative integer"));
	assert_int_equal(d2s_options_set(&o, "max-unavailable", "101%", err, sizeof(err)), -1);
	assert_int_equal(d2s_options_set(&o, "max-unavailable", "100%", err, sizeof(err)), 0);
	assert_int_equal(d2s_options_set(&o, "opt-in", "maybe", err, sizeof(err)), -1);
	assert_int_equal(d2s_options_set(&o, "opt-in", NULL, err, sizeof(err)), 0);
	assert_int_equal(o.sel.opt_in, 1);
	assert_int_equal(d2s_options_set(&o, "only", "a*", err, sizeof(err)), 0);
	assert_int_equal(d2s_options_set(&o, "only", "b*", err, sizeof(err)), 0);
	assert_int_equal(o.sel.n_only, 2);
	assert_int_equal(d2s_options_set(&o, "nope", "x", err, sizeof(err)), -1);
	assert_string_equal(err, "unknown option \"nope\"");
	assert_int_equal(d2s_options_set(&o, "output", "x.yaml", err, sizeof(err)), 0); /* run-time: ignored */
	assert_int_equal(d2s_options_set(&o, "volume-claim-template", "name=d,size=1Gi,accessModes=ReadWriteOnce",
					 err, sizeof(err)), 0);
	assert_int_equal(d2s_options_set(&o, "volume-claim-template", "name=d,size=2Gi", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "already given"));
	d2s_options_free(&o);
}

/* A fake environment for d2s_env_pairs. */
static const char *fake_env(const char *name)
{
	static const char *const vars[][2] = {
		{ "DEPLOY2STS_ONLY", "a\nb" },
		{ "DEPLOY2STS_VOLUME_CLAIM_TEMPLATE", "name=x,size=1Gi,accessModes=ReadWriteOnce;ReadOnlyMany\n"
						      "name=y,size=2Gi" },
		{ "DEPLOY2STS_POD_MANAGEMENT_POLICY", "OrderedReady" },
		{ "DEPLOY2STS_LOG", "legacy.log" },
		{ "DEPLOY2STS_QUIET", "" },
	};
	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		if (!strcmp(vars[i][0], name))
			return vars[i][1];
	return NULL;
}

static void env_and_precedence(void **state)
{
	(void)state;
	struct d2s_pairs env = {0}, cli = {0}, all = {0};
	char err[512];
	assert_int_equal(d2s_env_pairs(&env, fake_env, err, sizeof(err)), 0);
	assert_string_equal(d2s_pairs_get(&env, "log-file"), "legacy.log");
	assert_null(d2s_pairs_get(&env, "quiet")); /* empty = unset */
	d2s_pairs_add(&cli, "pod-management-policy", "Parallel");
	d2s_pairs_merge(&all, &cli, &env);
	struct d2s_options o;
	struct d2s_run r = {0};
	d2s_options_init(&o);
	d2s_options_set(&o, "only", "from-config", err, sizeof(err));
	assert_int_equal(d2s_pairs_apply(&all, &o, err, sizeof(err)), 0);
	assert_int_equal(d2s_pairs_apply_run(&all, &r, err, sizeof(err)), 0);
	assert_string_equal(o.pod_management_policy, "Parallel");      /* flag > env */
	assert_int_equal(o.sel.n_only, 2);                              /* env > config */
	assert_string_equal(o.sel.only[0], "a");
	assert_int_equal(o.n_vcts, 2);                                  /* one per line */
	assert_string_equal(o.vcts[0].access_modes, "ReadWriteOnce;ReadOnlyMany");
	assert_string_equal(r.log_file, "legacy.log");
	d2s_options_free(&o);
	d2s_run_free(&r);
	d2s_pairs_free(&env);
	d2s_pairs_free(&cli);
	d2s_pairs_free(&all);
}

static const char *bad_env(const char *name)
{
	return !strcmp(name, "DEPLOY2STS_PARTITION") ? "x" : NULL;
}

static void env_bad_value_names_variable(void **state)
{
	(void)state;
	struct d2s_pairs env = {0};
	char err[512];
	assert_int_equal(d2s_env_pairs(&env, bad_env, err, sizeof(err)), -1);
	assert_string_equal(err, "environment DEPLOY2STS_PARTITION: invalid value \"x\" for partition: "
			    "want a non-negative integer");
	d2s_pairs_free(&env);
}

static void getopt_arrays(void **state)
{
	(void)state;
	struct option longs[64];
	char shorts[64];
	assert_int_equal(d2s_opt_getopt(longs, 64, shorts, sizeof(shorts)), 0);
	assert_non_null(strstr(shorts, "f:"));
	assert_non_null(strstr(shorts, "q"));
	int found = 0;
	for (int i = 0; longs[i].name; i++)
		if (!strcmp(longs[i].name, "partition")) {
			found = 1;
			assert_int_equal(longs[i].has_arg, required_argument);
			assert_ptr_equal(d2s_opt_from_getopt(longs[i].val), d2s_opt_find("partition"));
		}
	assert_true(found);
	assert_int_equal(d2s_opt_getopt(longs, 4, shorts, sizeof(shorts)), -1);
}

static void config_fills_vct(void **state)
{
	(void)state;
	static const char text[] =
		"apiVersion: deploy2sts.io/v1alpha1\nkind: StatefulSetConversion\nspec:\n"
		"  volumeClaimTemplates:\n"
		"  - metadata: {name: data}\n"
		"    spec: {accessModes: [ReadWriteOnce, ReadWriteOncePod], storageClassName: fast,\n"
		"           volumeMode: Block, resources: {requests: {storage: 5Gi}}}\n"
		"  volumeMounts: [{name: data, mountPath: '/a,b=c'}]\n"
		"  headlessService: false\n"
		"  ordinals: {start: 3}\n";
	struct d2s_options o;
	char err[600];
	d2s_options_init(&o);
	assert_int_equal(d2s_config_load_text(&o, text, strlen(text), "c.yaml", err, sizeof(err)), 0);
	assert_int_equal(o.n_vcts, 1);
	assert_string_equal(o.vcts[0].name, "data");
	assert_string_equal(o.vcts[0].size, "5Gi");
	assert_string_equal(o.vcts[0].mount_path, "/a,b=c");
	assert_string_equal(o.vcts[0].access_modes, "ReadWriteOnce;ReadWriteOncePod");
	assert_string_equal(o.vcts[0].storage_class, "fast");
	assert_string_equal(o.vcts[0].volume_mode, "Block");
	assert_int_equal(o.no_headless_service, 1);
	assert_int_equal(o.ordinals_start, 3);
	d2s_options_free(&o);
}

static void config_errors_name_key(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
		{ "spec:\n  podManagementPolicy: Sideways\n",
		  "c.yaml:4:24: spec.podManagementPolicy: invalid value \"Sideways\"" },
		{ "spec:\n  selector: {onlyy: [a]}\n", "c.yaml:4:14: spec.selector: unknown key \"onlyy\" (known: only," },
		{ "spec:\n  overrides: [{name: a, selector: {only: [b]}}]\n", "spec.overrides[]: unknown key \"selector\"" },
		{ "spec:\n  volumeMounts: [{name: a, mountPath: /a}]\n",
		  "spec.volumeMounts: needs spec.volumeClaimTemplates" },
		{ "spec:\n  volumeClaimTemplates: [{metadata: {name: a}, spec: {resources: {requests: {storage: 1Gi}},"
		  " accessModes: [Sometimes]}}]\n", "spec.volumeClaimTemplates[a].spec.accessModes: \"\" takes" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[512], err[600];
		snprintf(text, sizeof(text), "apiVersion: deploy2sts.io/v1alpha1\nkind: StatefulSetConversion\n%s",
			 cases[i][0]);
		struct d2s_options o;
		d2s_options_init(&o);
		assert_int_equal(d2s_config_load_text(&o, text, strlen(text), "c.yaml", err, sizeof(err)), -1);
		if (!strstr(err, cases[i][1]))
			fail_msg("%s\nwant: %s", err, cases[i][1]);
		d2s_options_free(&o);
	}
}

static void completion_scripts(void **state)
{
	(void)state;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_int_equal(d2s_opt_completion(f, "bash"), 0);
	assert_int_equal(d2s_opt_completion(f, "zsh"), 0);
	assert_int_equal(d2s_opt_completion(f, "fish"), -1);
	fclose(f);
	assert_non_null(strstr(buf, "--pod-management-policy) COMPREPLY=($(compgen -W \"OrderedReady Parallel\""));
	assert_non_null(strstr(buf, "-f|--filename) COMPREPLY=($(compgen -f"));
	assert_non_null(strstr(buf, "'--update-strategy=[updateStrategy.type]:value:(RollingUpdate OnDelete)'"));
	assert_null(strstr(buf, "--completion)")); /* hidden */
	assert_null(strstr(buf, "--completion=")); 
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(table_invariants),
		cmocka_unit_test(set_checks_values),
		cmocka_unit_test(env_and_precedence),
		cmocka_unit_test(env_bad_value_names_variable),
		cmocka_unit_test(getopt_arrays),
		cmocka_unit_test(config_fills_vct),
		cmocka_unit_test(config_errors_name_key),
		cmocka_unit_test(completion_scripts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

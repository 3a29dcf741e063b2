/* unit_report.c - the ConversionReport collector and writer (src/report.h):
 * PVC names, YAML and JSON content, the summary line, the no-op check, and
 * (with python3, PyYAML and jsonschema) that both formats parse to the same
 * value and that it validates against docs/conversion-report.schema.json. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "report.h"

static int contains(const char *hay, const char *needle)
{
	return hay && strstr(hay, needle) != NULL;
}

#define assert_has(hay, needle) do { if (!contains((hay), (needle))) { \
	fprintf(stderr, "--- missing: %s\n--- in:\n%s\n", (needle), (hay) ? (hay) : "(null)"); \
	fail(); } } while (0)
#define assert_lacks(hay, needle) do { if (contains((hay), (needle))) { \
	fprintf(stderr, "--- unexpected: %s\n--- in:\n%s\n", (needle), (hay)); fail(); } } while (0)

static char *render(const struct d2s_conv_report *r, const struct d2s_diag *d,
		    enum d2s_creport_format fmt)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	assert_non_null(f);
	assert_int_equal(d2s_creport_write(r, d, fmt, f), 0);
	fclose(f);
	return text;
}

/* Three converted, two skipped, absorbed/cloned/shared PVCs, one reference
 * and one kept warning. */
static struct d2s_conv_report *fixture(struct d2s_diag *d)
{
	struct d2s_conv_report *r = d2s_creport_new("deploy2sts test");
	d2s_creport_seen(r, "shop", "web", "in.yaml", 3, 1);
	d2s_creport_converted(r, "shop", "web", "shop", "web", "web-headless", D2S_CR_SVC_GENERATED);
	d2s_creport_replicas(r, "shop", "web", 3, 1);
	d2s_creport_claim(r, "shop", "web", &(struct d2s_creport_claim){
		.name = "data", .storage = "1Gi", .storage_class = "fast",
		.access_modes = "ReadWriteOnce" });
	d2s_creport_seen(r, "shop", "api", "in.yaml", 40, 1);
	d2s_creport_converted(r, "shop", "api", "shop", "api", "api", D2S_CR_SVC_REUSED);
	d2s_creport_replicas(r, "shop", "api", -1, 0);
	d2s_creport_claim(r, "shop", "api", &(struct d2s_creport_claim){
		.name = "cache", .from_pvc = "api-cache", .storage = "2Gi",
		.access_modes = "ReadWriteOnce,ReadWriteOncePod" });
	d2s_creport_pvc(r, &(struct d2s_creport_pvc){ .ns = "shop", .name = "api-cache",
		.deployment = "api", .claim = "cache", .fate = D2S_FATE_KEPT });
	d2s_creport_seen(r, "shop", "worker", "in.yaml", 80, 1);
	d2s_creport_converted(r, "shop", "worker", "shop", "worker", "worker-headless",
			      D2S_CR_SVC_NONE);
	d2s_creport_replicas(r, "shop", "worker", 2, 0);
	d2s_creport_claim(r, "shop", "worker", &(struct d2s_creport_claim){
		.name = "state", .from_pvc = "worker-state", .storage = "5Gi",
		.access_modes = "ReadWriteOnce" });
	d2s_creport_pvc(r, &(struct d2s_creport_pvc){ .ns = "shop", .name = "worker-state",
		.deployment = "worker", .claim = "state", .fate = D2S_FATE_KEPT });
	/* recorded again: the clone replaces the first fate */
	d2s_creport_pvc(r, &(struct d2s_creport_pvc){ .ns = "shop", .name = "worker-state",
		.deployment = "worker", .claim = "state", .fate = D2S_FATE_CLONED,
		.cloned_into = "state-worker-0" });
	d2s_creport_pvc(r, &(struct d2s_creport_pvc){ .ns = "shop", .name = "files",
		.deployment = "worker", .fate = D2S_FATE_SHARED,
		.reason = "accessModes ReadWriteMany" });
	/* the HPA is seen after the conversion: it names the Deployment */
	d2s_creport_hpa(r, "shop", "api", "api", 2, 4);
	d2s_creport_ref(r, "HorizontalPodAutoscaler", "shop", "api", "spec.scaleTargetRef",
			"StatefulSet", "api");
	d2s_creport_seen(r, "shop", "db-init", "in.yaml", 120, 1);
	d2s_creport_skipped(r, "shop", "db-init", D2S_SKIP_HOOK, "helm.sh/hook: pre-install");
	d2s_creport_seen(r, "shop", "legacy", "in.yaml", 150, 1);
	d2s_creport_skipped(r, "shop", "legacy", D2S_SKIP_UNSUPPORTED_API, NULL);
	memset(d, 0, sizeof(*d));
	d->keep = 1;
	d2s_diagf(d, D2S_WARNING, &(struct d2s_where){ .file = "in.yaml", .line = 12, .col = 7,
		.kind = "Deployment", .ns = "shop", .name = "web", .field = "spec.strategy" },
		"spec.strategy has no StatefulSet equivalent; removed");
	return r;
}

static void pvc_names(void **state)
{
	(void)state;
	char **v = d2s_creport_pvc_names("data", "web", 1, 3);
	assert_string_equal(v[0], "data-web-1");
	assert_string_equal(v[1], "data-web-2");
	assert_string_equal(v[2], "data-web-3");
	assert_null(v[3]);
	d2s_creport_names_free(v);
	v = d2s_creport_pvc_names("data", "web", 0, 0);
	assert_null(v[0]);
	d2s_creport_names_free(v);
}

static void yaml_content(void **state)
{
	(void)state;
	struct d2s_diag d;
	struct d2s_conv_report *r = fixture(&d);
	char *y = render(r, &d, D2S_CREPORT_YAML);
	assert_true(strncmp(y, "apiVersion: \"deploy2sts.io/v1alpha1\"\nkind: \"ConversionReport\"\n",
			    60) == 0);
	/* ordinals.start = 1, replicas = 3 */
	assert_has(y, "    ordinalsStart: 1\n    volumeClaimTemplates:\n    - name: \"data\"\n"
		      "      source: \"flag\"\n      storage: \"1Gi\"\n"
		      "      storageClassName: \"fast\"\n      accessModes:\n"
		      "      - \"ReadWriteOnce\"\n      pvcNames:\n      - \"data-web-1\"\n"
		      "      - \"data-web-2\"\n      - \"data-web-3\"\n");
	assert_lacks(y, "data-web-0");
	assert_lacks(y, "data-web-4");
	/* HPA range: names up to maxReplicas */
	assert_has(y, "    replicas:\n      count: 1\n      source: \"hpa\"\n"
		      "      horizontalPodAutoscaler: \"api\"\n      minReplicas: 2\n"
		      "      maxReplicas: 4\n");
	assert_has(y, "- \"cache-api-3\"\n");
	assert_lacks(y, "cache-api-4");
	assert_has(y, "storageClassName: null\n");
	assert_has(y, "- \"ReadWriteOncePod\"\n");
	/* skipped reasons */
	assert_has(y, "  status: \"skipped\"\n  reason: \"hook\"\n"
		      "  message: \"helm.sh/hook: pre-install\"\n");
	assert_has(y, "reason: \"unsupported-apiVersion\"\n");
	/* fates */
	assert_has(y, "name: \"api-cache\"\n  deployment: \"api\"\n  claimTemplate: \"cache\"\n"
		      "  fate: \"kept\"\n");
	assert_has(y, "fate: \"cloned\"\n  clonedInto: \"state-worker-0\"\n  dataSource:\n"
		      "    kind: \"PersistentVolumeClaim\"\n    name: \"worker-state\"\n");
	assert_has(y, "      prefilled:\n      - \"state-worker-0\"\n");
	assert_has(y, "fate: \"kept-shared\"\n  reason: \"accessModes ReadWriteMany\"\n");
	assert_has(y, "service: \"none\"\n");
	assert_has(y, "  source:\n    file: \"in.yaml\"\n    line: 12\n    column: 7\n");
	assert_has(y, "field: \"spec.scaleTargetRef\"\n  target:\n    kind: \"StatefulSet\"\n");
	assert_has(y, "error: null\n");
	free(y);
	d2s_creport_free(r);
	d2s_diag_free(&d);
}

static void json_content(void **state)
{
	(void)state;
	struct d2s_diag d;
	struct d2s_conv_report *r = fixture(&d);
	d2s_creport_error(r, "in.yaml:200:3: Deployment shop/bad: \"quoted\"\tand\\");
	char *j = render(r, &d, D2S_CREPORT_JSON);
	assert_true(strncmp(j, "{\n  \"apiVersion\": \"deploy2sts.io/v1alpha1\",\n", 43) == 0);
	assert_has(j, "\"pvcNames\": [\n              \"data-web-1\",\n"
		      "              \"data-web-2\",\n              \"data-web-3\"\n            ]");
	assert_has(j, "\"error\": \"in.yaml:200:3: Deployment shop/bad: \\\"quoted\\\"\\tand\\\\\"\n}\n");
	assert_has(j, "\"severity\": \"warning\"");
	assert_has(j, "\"warnings\": 1,");
	assert_has(j, "\"pvcsAbsorbed\": 2,");
	free(j);
	d2s_creport_free(r);
	d2s_diag_free(&d);
}

/* Both formats written to temp files; python3 checks they load to the same
 * value and that the value validates against the schema. */
static int python_check(const char *json_text, const char *yaml_text, int quiet)
{
	char jp[] = "/tmp/d2s-report-XXXXXX", yp[] = "/tmp/d2s-report-XXXXXX";
	int jf = mkstemp(jp), yf = mkstemp(yp);
	assert_true(jf >= 0 && yf >= 0);
	assert_int_equal(write(jf, json_text, strlen(json_text)), (ssize_t)strlen(json_text));
	assert_int_equal(write(yf, yaml_text, strlen(yaml_text)), (ssize_t)strlen(yaml_text));
	close(jf), close(yf);
	char cmd[1024];
	snprintf(cmd, sizeof(cmd), "/usr/bin/python3 -c '"
		 "import json, sys, yaml, jsonschema\n"
		 "j = json.load(open(sys.argv[1], encoding=\"utf-8\"))\n"
		 "y = yaml.safe_load(open(sys.argv[2], encoding=\"utf-8\"))\n"
		 "assert j == y, (j, y)\n"
		 "s = json.load(open(\"docs/conversion-report.schema.json\"))\n"
		 "jsonschema.Draft202012Validator.check_schema(s)\n"
		 "jsonschema.Draft202012Validator(s).validate(j)\n"
		 "' %s %s%s", jp, yp, quiet ? " 2>/dev/null" : "");
	int rc = system(cmd);
	unlink(jp), unlink(yp);
	return rc;
}

static void schema_and_equal_formats(void **state)
{
	(void)state;
	if (system("/usr/bin/python3 -c 'import yaml, jsonschema' 2>/dev/null") != 0) {
		printf("SKIP: python3 yaml/jsonschema missing\n");
		return;
	}
	struct d2s_diag d;
	struct d2s_conv_report *r = fixture(&d);
	char *j = render(r, &d, D2S_CREPORT_JSON), *y = render(r, &d, D2S_CREPORT_YAML);
	assert_int_equal(python_check(j, y, 0), 0);
	free(j), free(y);
	/* an empty report is valid too */
	struct d2s_conv_report *e = d2s_creport_new(NULL);
	j = render(e, NULL, D2S_CREPORT_JSON), y = render(e, NULL, D2S_CREPORT_YAML);
	assert_int_equal(python_check(j, y, 0), 0);
	/* and the schema rejects a wrong status (the check can fail) */
	free(j), free(y);
	d2s_creport_seen(e, "", "x", NULL, 0, 0);
	j = render(e, NULL, D2S_CREPORT_JSON);
	char *p = strstr(j, "\"pending\"");
	assert_non_null(p);
	memcpy(p, "\"pendin!\"", 9);
	assert_int_not_equal(python_check(j, j, 1), 0);
	free(j);
	d2s_creport_free(e);
	d2s_creport_free(r);
	d2s_diag_free(&d);
}

static void escaping(void **state)
{
	(void)state;
	if (system("/usr/bin/python3 -c 'import yaml, jsonschema' 2>/dev/null") != 0)
		return;
	struct d2s_conv_report *r = d2s_creport_new(NULL);
	const char *odd = "a\"b\\c\nd\x01\x7f\xff\xc3\xa9\xe2\x80\xa8\xc2\x85z";
	d2s_creport_seen(r, "", "web", odd, 1, 1);
	d2s_creport_error(r, odd);
	char *j = render(r, NULL, D2S_CREPORT_JSON), *y = render(r, NULL, D2S_CREPORT_YAML);
	assert_has(j, "\"a\\\"b\\\\c\\nd\\u0001\\u007f\\ufffd\xc3\xa9\\u2028\\u0085z\"");
	assert_has(y, "\"a\\\"b\\\\c\\nd\\u0001\\u007f\\ufffd\xc3\xa9\\u2028\\u0085z\"");
	assert_int_equal(python_check(j, y, 0), 0);
	free(j), free(y);
	/* every byte value, and every 2-byte sequence starting with a lead byte */
	char all[256 + 2 * 64 * 64 + 1];
	size_t n = 0;
	for (int c = 1; c < 256; c++)
		all[n++] = (char)c;
	for (int a = 0xc0; a < 0x100; a++)
		for (int b = 0x80; b < 0xc0; b++)
			all[n++] = (char)a, all[n++] = (char)b;
	all[n] = '\0';
	d2s_creport_error(r, all);
	j = render(r, NULL, D2S_CREPORT_JSON), y = render(r, NULL, D2S_CREPORT_YAML);
	assert_int_equal(python_check(j, y, 0), 0);
	free(j), free(y);
	d2s_creport_free(r);
}

static void summary_line(void **state)
{
	(void)state;
	struct d2s_diag d;
	struct d2s_conv_report *r = fixture(&d);
	char *s = d2s_creport_summary(r);
	assert_string_equal(s, "deploy2sts: converted 3 Deployments (web, api, worker) into "
			    "StatefulSets; 1 headless Service generated; 1 headless Service "
			    "reused; 2 PVCs absorbed (1 kept, 1 cloned); 1 PVC kept shared; "
			    "1 reference rewritten; skipped 2 (db-init, legacy)");
	free(s);
	d2s_creport_free(r);
	d2s_diag_free(&d);

	/* the example of the issue, word for word */
	r = d2s_creport_new(NULL);
	const char *names[] = { "web", "api", "worker" };
	for (size_t i = 0; i < 3; i++)
		d2s_creport_converted(r, "", names[i], "", names[i], names[i],
				      D2S_CR_SVC_GENERATED);
	d2s_creport_pvc(r, &(struct d2s_creport_pvc){ .name = "web-data", .deployment = "web",
		.claim = "data", .fate = D2S_FATE_KEPT });
	s = d2s_creport_summary(r);
	assert_string_equal(s, "deploy2sts: converted 3 Deployments (web, api, worker) into "
			    "StatefulSets; 3 headless Services generated; 1 PVC absorbed and kept");
	free(s);
	d2s_creport_free(r);
}

static void summary_singular_and_truncated(void **state)
{
	(void)state;
	struct d2s_conv_report *r = d2s_creport_new(NULL);
	assert_null(d2s_creport_summary(r));
	d2s_creport_converted(r, "a", "only", "a", "only", "only", D2S_CR_SVC_NONE);
	char *s = d2s_creport_summary(r);
	assert_string_equal(s, "deploy2sts: converted 1 Deployment (only) into a StatefulSet");
	free(s);
	char name[16];
	for (int i = 0; i < 11; i++) {
		snprintf(name, sizeof(name), "d%d", i);
		d2s_creport_converted(r, "b", name, "b", name, name, D2S_CR_SVC_NONE);
	}
	s = d2s_creport_summary(r);
	assert_string_equal(s, "deploy2sts: converted 12 Deployments (a/only, b/d0, b/d1, b/d2, "
			    "b/d3, b/d4, b/d5, b/d6, b/d7, b/d8 and 2 more) into StatefulSets");
	free(s);
	d2s_creport_free(r);
}

static void noop_check(void **state)
{
	(void)state;
	struct d2s_conv_report *r = d2s_creport_new(NULL);
	assert_null(d2s_creport_noop(r));
	d2s_creport_seen(r, "", "web", "in.yaml", 1, 1);
	d2s_creport_skipped(r, "", "web", D2S_SKIP_NOT_SELECTED_ONLY, NULL);
	d2s_creport_seen(r, "", "api", "in.yaml", 30, 1);
	d2s_creport_skipped(r, "", "api", D2S_SKIP_ANNOTATION_FALSE,
			    "annotation deploy2sts.io/convert is \"false\"");
	char *m = d2s_creport_noop(r);
	assert_non_null(m);
	assert_string_equal(m, "no Deployment converted although the input has 2 Deployments "
			    "(web: not-selected-only, api: annotation deploy2sts.io/convert is "
			    "\"false\"); check --only, --exclude, --selector, --opt-in and the "
			    "deploy2sts.io/convert annotations");
	free(m);
	m = d2s_creport_summary(r);
	assert_string_equal(m, "deploy2sts: converted 0 Deployments; skipped 2 (web, api)");
	free(m);
	d2s_creport_converted(r, "", "db", "", "db", "db", D2S_CR_SVC_GENERATED);
	assert_null(d2s_creport_noop(r));
	d2s_creport_free(r);
}

static void failed_run_still_reported(void **state)
{
	(void)state;
	struct d2s_conv_report *r = d2s_creport_new(NULL);
	d2s_creport_seen(r, "ns", "web", "in.yaml", 1, 1);
	d2s_creport_converted(r, "ns", "web", "ns", "web", "web-headless", D2S_CR_SVC_GENERATED);
	d2s_creport_seen(r, "ns", "bad", "in.yaml", 50, 1);
	d2s_creport_failed(r, "ns", "bad");
	d2s_creport_seen(r, "ns", "later", "in.yaml", 90, 1);
	d2s_creport_error(r, "in.yaml:55:3: Deployment ns/bad: volume data is a secret");
	assert_null(d2s_creport_noop(r));
	char *y = render(r, NULL, D2S_CREPORT_YAML);
	assert_has(y, "name: \"bad\"\n  source:\n    file: \"in.yaml\"\n    line: 50\n"
		      "    column: 1\n  status: \"failed\"\n");
	assert_has(y, "name: \"later\"\n  source:\n    file: \"in.yaml\"\n    line: 90\n"
		      "    column: 1\n  status: \"pending\"\n");
	assert_has(y, "error: \"in.yaml:55:3: Deployment ns/bad: volume data is a secret\"\n");
	free(y);
	char *s = d2s_creport_summary(r);
	assert_string_equal(s, "deploy2sts: converted 1 Deployment (web) into a StatefulSet; "
			    "1 headless Service generated; 1 failed (bad)");
	free(s);
	d2s_creport_free(r);
}

/* The same facts as diagnostics, for KRM results. */
static void facts_as_diagnostics(void **state)
{
	(void)state;
	struct d2s_diag d;
	struct d2s_conv_report *r = fixture(&d);
	struct d2s_diag k = { 0 };
	k.keep = 1;
	d2s_creport_to_diag(r, &k);
	assert_int_equal(k.n_entries, 6);
	assert_int_equal(k.entries[0].severity, D2S_INFO);
	assert_string_equal(k.entries[0].kind, "Deployment");
	assert_string_equal(k.entries[0].ns, "shop");
	assert_string_equal(k.entries[0].name, "web");
	assert_int_equal(k.entries[0].line, 3);
	assert_string_equal(k.entries[0].message, "converted into StatefulSet shop/web; serviceName "
			    "web-headless (headless Service generated); replicas 3; ordinals.start 1; "
			    "claim data: data-web-1, data-web-2, data-web-3");
	assert_string_equal(k.entries[1].message, "converted into StatefulSet shop/api; serviceName "
			    "api (existing headless Service reused); replicas 2 to 4 "
			    "(HorizontalPodAutoscaler api); claim cache (from PVC api-cache): "
			    "cache-api-0, cache-api-1, cache-api-2, cache-api-3; all start empty");
	assert_string_equal(k.entries[2].message, "converted into StatefulSet shop/worker; "
			    "serviceName worker-headless (no Service generated); replicas 2; claim "
			    "state (from PVC worker-state): state-worker-0, state-worker-1; "
			    "state-worker-0 starts with the data of worker-state, the others start empty");
	assert_string_equal(k.entries[3].message, "not converted (hook): helm.sh/hook: pre-install");
	assert_string_equal(k.entries[4].message, "not converted (unsupported-apiVersion)");
	assert_string_equal(k.entries[5].kind, "HorizontalPodAutoscaler");
	assert_string_equal(k.entries[5].field, "spec.scaleTargetRef");
	assert_string_equal(k.entries[5].message, "now points at StatefulSet api");
	d2s_diag_free(&k);
	d2s_creport_free(r);
	d2s_diag_free(&d);
}

/* The recording helpers the pipeline calls: skip reasons from select.c,
 * hooks, shared claims (reason shortened, the first reason kept), a Service
 * found later, and d2s_creport_to_diag running once. */
static void recording_helpers(void **state)
{
	(void)state;
	struct d2s_conv_report *r = d2s_creport_new(NULL);
	enum d2s_skip why;
	struct d2s_selection sel = { 0 };
	char *only[] = { "api*" };
	sel.only = only, sel.n_only = 1;
	assert_int_equal(d2s_selection_match(&sel, "web", NULL, NULL, &why), 0);
	assert_int_equal(why, D2S_SKIP_NOT_SELECTED_ONLY);
	d2s_creport_not_selected(r, "shop", "web", why);
	d2s_creport_hook(r, "shop", "job", "pre-install");
	d2s_creport_unsupported(r, "shop", "old", "extensions/v1beta1", 0);
	d2s_creport_converted(r, "shop", "api", "shop", "api", "api-headless", D2S_CR_SVC_GENERATED);
	d2s_creport_service_reused(r, "shop", "api");
	d2s_creport_shared(r, "shop", "files", "api", "shared (accessModes ReadWriteMany; mounted by "
			   "Deployment shop/api): every replica keeps sharing it", 1);
	d2s_creport_shared(r, "shop", "files", "api", NULL, 1);
	d2s_creport_shared(r, "shop", "absent", "api", NULL, 0);
	char *json = render(r, NULL, D2S_CREPORT_JSON);
	assert_has(json, "\"reason\": \"not-selected-only\"");
	assert_has(json, "\"message\": \"helm.sh/hook: pre-install\"");
	assert_has(json, "\"status\": \"failed\"");
	assert_has(json, "\"service\": \"reused\"");
	assert_has(json, "\"reason\": \"shared (accessModes ReadWriteMany; mounted by Deployment shop/api)\"");
	assert_lacks(json, "absent");
	assert_lacks(json, "--shared-volume");
	free(json);
	struct d2s_diag k = { 0 };
	k.keep = 1;
	d2s_creport_to_diag(r, &k);
	size_t n = k.n_entries;
	d2s_creport_to_diag(r, &k);
	assert_int_equal(k.n_entries, n);
	d2s_diag_free(&k);
	d2s_creport_free(r);
}

static void format_and_path(void **state)
{
	(void)state;
	enum d2s_creport_format f = D2S_CREPORT_JSON;
	assert_int_equal(d2s_creport_format("out.yaml", NULL, &f), 0);
	assert_int_equal(f, D2S_CREPORT_YAML);
	assert_int_equal(d2s_creport_format("out.json", NULL, &f), 0);
	assert_int_equal(f, D2S_CREPORT_JSON);
	assert_int_equal(d2s_creport_format("-", NULL, &f), 0);
	assert_int_equal(f, D2S_CREPORT_YAML);
	assert_int_equal(d2s_creport_format("out.yaml", "json", &f), 0);
	assert_int_equal(f, D2S_CREPORT_JSON);
	assert_int_equal(d2s_creport_format("out.json", "xml", &f), -1);

	struct d2s_conv_report *r = d2s_creport_new(NULL);
	char path[] = "/tmp/d2s-report-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(d2s_creport_write_path(r, NULL, D2S_CREPORT_JSON, path), 0);
	FILE *in = fopen(path, "r");
	char buf[256] = { 0 };
	assert_non_null(in);
	assert_true(fread(buf, 1, sizeof(buf) - 1, in) > 0);
	fclose(in);
	unlink(path);
	assert_non_null(strstr(buf, "\"kind\": \"ConversionReport\""));
	assert_int_equal(d2s_creport_write_path(r, NULL, D2S_CREPORT_YAML, "/nonexistent/dir/r"), -1);
	d2s_creport_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pvc_names),
		cmocka_unit_test(yaml_content),
		cmocka_unit_test(json_content),
		cmocka_unit_test(schema_and_equal_formats),
		cmocka_unit_test(escaping),
		cmocka_unit_test(summary_line),
		cmocka_unit_test(summary_singular_and_truncated),
		cmocka_unit_test(noop_check),
		cmocka_unit_test(failed_run_still_reported),
		cmocka_unit_test(facts_as_diagnostics),
		cmocka_unit_test(format_and_path),
		cmocka_unit_test(recording_helpers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* unit_krm.c - KRM door: file index annotations of generated objects
 * (krmfile.h; kyaml kio/kioutil: kpt refuses two objects with one path and
 * index, and writes each file in index order). */
#include "helpers.h"
#include "buf.h"
#include "krmfile.h"
#include "tree.h"

#define OBJ(kind, name, ann) "---\napiVersion: v1\nkind: " kind "\nmetadata:\n  name: " name \
	"\n  annotations:\n" ann
#define FILED(path, index) "    config.kubernetes.io/path: '" path "'\n" \
	"    config.kubernetes.io/index: '" index "'\n"
#define GEN(path) "    config.kubernetes.io/path: " path "\n"

/* Run d2s_krm_files_assign on `stream`, the input items being `inputs` (a
 * ResourceList text); returns the new stream (free it). */
static char *assign(const char *inputs, const char *stream, struct d2s_krm_files *f)
{
	struct d2s_parser *p = d2s_parser_new();
	struct d2s_doc doc = {0};
	struct d2s_buf out = {0};
	assert_int_equal(d2s_parse(p, inputs, strlen(inputs), &doc), 0);
	assert_int_equal(d2s_krm_files_assign(stream, strlen(stream), d2s_get(doc.root, "items"), f, &out), 0);
	d2s_buf_puts(&out, "");
	d2s_doc_free(&doc);
	d2s_parser_free(p);
	return d2s_buf_take(&out);
}

#define INPUTS "items:\n- {kind: X, metadata: {name: a}}\n- {kind: X, metadata: {name: b}}\n" \
	"- {kind: X, metadata: {name: c}}\n- {kind: X, metadata: {name: o}}\n"

static void service_after_its_anchor(void **state)
{
	(void)state;
	struct d2s_krm_files f = {0};
	char *out = assign(INPUTS, OBJ("X", "a", FILED("app.yaml", "0")) OBJ("Service", "a-svc", GEN("app.yaml"))
			   OBJ("X", "b", FILED("app.yaml", "1")) OBJ("Service", "b-svc", GEN("app.yaml"))
			   OBJ("X", "o", FILED("other.yaml", "0")) OBJ("X", "c", FILED("app.yaml", "2")), &f);
	assert_has(out, "name: a-svc\n  annotations:\n    config.kubernetes.io/path: app.yaml\n"
		   "    config.kubernetes.io/index: \"1\"\n");
	assert_has(out, "name: b\n  annotations:\n" FILED("app.yaml", "2"));
	assert_has(out, "name: b-svc\n  annotations:\n    config.kubernetes.io/path: app.yaml\n"
		   "    config.kubernetes.io/index: \"3\"\n");
	assert_has(out, "name: c\n  annotations:\n" FILED("app.yaml", "4"));
	assert_has(out, "name: o\n  annotations:\n" FILED("other.yaml", "0"));
	assert_int_equal(f.n, 6);
	assert_true(f.v[1].generated && f.v[1].anchor == 0 && f.v[1].idx == 1);
	assert_false(f.v[0].generated);
	d2s_krm_files_free(&f);
	free(out);
}

static void without_anchor_goes_last(void **state)
{
	(void)state;
	struct d2s_krm_files f = {0};
	/* a generated object first in its file, and a file with an index that
	 * is not a number (its indexes are kept) */
	char *out = assign(INPUTS, OBJ("Service", "x-svc", GEN("app.yaml")) OBJ("X", "a", FILED("app.yaml", "0"))
			   OBJ("X", "b", FILED("app.yaml", "1")) OBJ("X", "c", FILED("odd.yaml", "x"))
			   OBJ("Service", "c-svc", GEN("odd.yaml")), &f);
	assert_has(out, "name: x-svc\n  annotations:\n    config.kubernetes.io/path: app.yaml\n"
		   "    config.kubernetes.io/index: \"2\"\n");
	assert_has(out, "name: b\n  annotations:\n" FILED("app.yaml", "1"));
	assert_has(out, "name: c\n  annotations:\n" FILED("odd.yaml", "x"));
	assert_has(out, "name: c-svc\n  annotations:\n    config.kubernetes.io/path: odd.yaml\n"
		   "    config.kubernetes.io/index: \"0\"\n");
	d2s_krm_files_free(&f);
	free(out);
}

static void nothing_generated_nothing_changed(void **state)
{
	(void)state;
	struct d2s_krm_files f = {0};
	/* an input item with a path and no index is not "generated" */
	const char *in = OBJ("X", "a", FILED("app.yaml", "0")) OBJ("X", "b", GEN("app.yaml"));
	char *out = assign(INPUTS, in, &f);
	assert_string_equal(out, in);
	d2s_krm_files_free(&f);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(service_after_its_anchor),
		cmocka_unit_test(without_anchor_goes_last),
		cmocka_unit_test(nothing_generated_nothing_changed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

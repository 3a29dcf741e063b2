/* unit_tree.c - the read stage's tree: scalar values as YAML defines them
 * (decoded by scalar.c). Cases we wrote, then every valid YAML Test Suite
 * case: each scalar value in our tree must equal the `=VAL` events of its
 * test.event, in order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <cmocka.h>

#include "buf.h"
#include "reader.h"
#include "tree.h"

#define SUITE "../shared/yaml-test-suite"

/* The value of `k` in the one-document text `yaml`. */
static char *value_of_k(const char *yaml)
{
	struct d2s_parser *p = d2s_parser_new();
	struct d2s_doc doc = {0};
	assert_non_null(p);
	int rc = d2s_parse(p, yaml, strlen(yaml), &doc);
	if (rc)
		fprintf(stderr, "%s:%ld:%ld: %s\n", yaml, doc.err_line, doc.err_col, doc.err_msg);
	assert_int_equal(rc, 0);
	const char *v = d2s_get_str(doc.root, "k");
	assert_non_null(v);
	char *copy = strdup(v);
	d2s_doc_free(&doc);
	d2s_parser_free(p);
	return copy;
}

#define ASSERT_K(yaml, want) do { \
	char *got_ = value_of_k(yaml); \
	assert_string_equal(got_, want); \
	free(got_); \
} while (0)

/* Lookups see through aliases and merge keys `<<`, as Kubernetes' decoder
 * (sigs.k8s.io/yaml over go-yaml) does; explicit core tags decide types. */
static void aliases_merge_keys_and_tags(void **state)
{
	(void)state;
	ASSERT_K("a: &x v\nk: *x\n", "v");
	ASSERT_K("base: &b {k: merged}\nm:\n  <<: *b\n  j: 1\nk: top\n", "top");
	static const char text[] =
		"labels: &l {app: w}\n"
		"sel: {matchLabels: *l}\n"
		"base: &b {k: from-base, z: 1}\n"
		"over: &o {k: from-over}\n"
		"m1: {<<: *b, own: 2}\n"
		"m2: {<<: [*o, *b], k2: x}\n"
		"m3: {<<: *b, k: own}\n"
		"q: {'<<': *b}\n"
		"n1: !!int \"3\"\nn2: !!str 3\nn3: 3\nn4: \"3\"\nn6: &n 7\nn5: *n\n";
	struct d2s_parser *p = d2s_parser_new();
	struct d2s_doc doc = {0};
	assert_int_equal(d2s_parse(p, text, strlen(text), &doc), 0);
	const struct d2s_node *ml = d2s_path(doc.root, "sel", "matchLabels");
	assert_non_null(ml);
	assert_int_equal(ml->type, D2S_MAP);
	assert_string_equal(d2s_get_str(ml, "app"), "w");
	assert_true(d2s_get(doc.root, "labels")->aliased);
	assert_non_null(d2s_shared(ml));
	assert_null(d2s_shared(d2s_get(doc.root, "sel")));
	assert_ptr_equal(d2s_holds_anchor(doc.root), d2s_get(doc.root, "labels"));
	assert_string_equal(d2s_get_str(d2s_get(doc.root, "m1"), "k"), "from-base");
	assert_string_equal(d2s_get_str(d2s_get(doc.root, "m1"), "own"), "2");
	assert_string_equal(d2s_get_str(d2s_get(doc.root, "m2"), "k"), "from-over");
	assert_string_equal(d2s_get_str(d2s_get(doc.root, "m2"), "z"), "1");
	assert_string_equal(d2s_get_str(d2s_get(doc.root, "m3"), "k"), "own");
	assert_null(d2s_get(d2s_get(doc.root, "q"), "k")); /* a quoted '<<' is a plain key */
	assert_null(d2s_get_key(d2s_get(doc.root, "m1"), "k")); /* the key itself is not there */
	assert_true(d2s_is_uint(d2s_get(doc.root, "n1")));
	assert_false(d2s_is_uint(d2s_get(doc.root, "n2")));
	assert_true(d2s_is_uint(d2s_get(doc.root, "n3")));
	assert_false(d2s_is_uint(d2s_get(doc.root, "n4")));
	assert_true(d2s_is_uint(d2s_get(doc.root, "n5")));
	d2s_doc_free(&doc);
	d2s_parser_free(p);
}

static void single_quoted_escapes(void **state)
{
	(void)state;
	ASSERT_K("k: 'it''s'\n", "it's");
	ASSERT_K("k: ''\n", "");
	ASSERT_K("k: ''''\n", "'");
	/* runs of '' (libfyaml 0.7.12 reads a''' here) */
	ASSERT_K("k: 'a''''b'\n", "a''b");
	ASSERT_K("k: ''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''\n",
		 "'''''''''''''''''''''''''''''''''");
	ASSERT_K("k: 'echo ''a'' ''b'' ''c'' ''d'' ''e'' > /tmp/x'\n",
		 "echo 'a' 'b' 'c' 'd' 'e' > /tmp/x");
}

static void double_quoted_escapes(void **state)
{
	(void)state;
	ASSERT_K("k: \"a\\tb\\x41\\u00e9\\U0001F600\\L\\\"\\\\\"\n",
		 "a\tbA\xc3\xa9\xf0\x9f\x98\x80\xe2\x80\xa8\"\\");
	/* an escaped line break joins without a space; blanks before it stay */
	ASSERT_K("k: \"one \\\n    two\"\n", "one two");
	ASSERT_K("k: \"one\\\n\n  two\"\n", "one\ntwo");
	/* an escaped blank before a break is kept, plain blanks are not */
	ASSERT_K("k: \"a\\t  \n  b\"\n", "a\t b");
}

static void plain_and_block_scalars(void **state)
{
	(void)state;
	ASSERT_K("k:\n", "");
	ASSERT_K("k: one\r  two\r\r  three\r", "one two\nthree");
	ASSERT_K("k: |\n  a\n   b\n\n  c\n\nz: 1\n", "a\n b\n\nc\n");
	ASSERT_K("k: >-\n  a\n  b\n\n  c\n    d\n  e\n", "a b\nc\n  d\ne");
	ASSERT_K("k: |+ # keep\n  a\n\n\nz: 1\n", "a\n\n\n");
	ASSERT_K("k: !!str |2\n    a\n   b\n", "  a\n b\n");
	/* lone CR breaks (libfyaml 0.7.12 leaks on such block scalars) */
	ASSERT_K("k: >\r  y\r\r\r\r\r\r\r\r\r\r  z\r", "y\n\n\n\n\n\n\n\n\nz\n");
}

/* A block scalar at the root, after a byte order mark and `---`. */
static void root_block_scalar_after_bom(void **state)
{
	(void)state;
	static const char text[] = "\xef\xbb\xbf--- >\n a\n b\n";
	struct d2s_parser *p = d2s_parser_new();
	struct d2s_doc doc = {0};
	unsigned long before = d2s_value_fallbacks(p);
	assert_int_equal(d2s_parse(p, text, sizeof(text) - 1, &doc), 0);
	assert_non_null(doc.root);
	assert_string_equal(doc.root->value, "a b\n");
	assert_int_equal(d2s_value_fallbacks(p), before);
	d2s_doc_free(&doc);
	d2s_parser_free(p);
}

static void single_quoted_folding(void **state)
{
	(void)state;
	ASSERT_K("k: 'one\n  two'\n", "one two");
	ASSERT_K("k: 'one  \n\n   two\t\n\n\n  three  '\n", "one\ntwo\n\nthree  ");
	ASSERT_K("k: '  lead\n  '\n", "  lead ");
	ASSERT_K("k: 'a\r\n  b''c\r\n\r\n  d'\r\n", "a b'c\nd");
	ASSERT_K("k: 'a\r  b'\r", "a b");
	ASSERT_K("k: '\n\n  '\n", "\n");
	ASSERT_K("k: '\n\n\n  x\n  '\n", "\n\nx ");
}

/* --- the YAML Test Suite --- */

static char *slurp(const char *path, size_t *len)
{
	struct d2s_buf b = {0};
	if (d2s_buf_read_file(&b, path)) {
		d2s_buf_free(&b);
		return NULL;
	}
	*len = b.len;
	return d2s_buf_take(&b);
}

/* A scalar value in test.event's escaping. */
static void escape_value(struct d2s_buf *out, const char *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		switch (v[i]) {
		case '\\': d2s_buf_puts(out, "\\\\"); break;
		case '\n': d2s_buf_puts(out, "\\n"); break;
		case '\r': d2s_buf_puts(out, "\\r"); break;
		case '\t': d2s_buf_puts(out, "\\t"); break;
		case '\b': d2s_buf_puts(out, "\\b"); break;
		default: d2s_buf_add(out, v + i, 1);
		}
	}
}

/* Scalars under `n` in document order, one escaped value per line. */
static void collect_values(const struct d2s_node *n, struct d2s_buf *out)
{
	if (!n)
		return;
	if (n->type == D2S_SCALAR) {
		escape_value(out, n->value, n->len);
		d2s_buf_puts(out, "\n");
	}
	size_t kids = n->type == D2S_MAP ? 2 * n->n : n->type == D2S_SEQ ? n->n : 0;
	for (size_t i = 0; i < kids; i++)
		collect_values(n->kids[i], out);
}

/* The values of test.event's =VAL lines: "=VAL [&anchor ][<tag> ]Svalue". */
static void expected_values(const char *ev, struct d2s_buf *out)
{
	for (const char *l = ev; *l;) {
		const char *eol = strchr(l, '\n');
		size_t n = eol ? (size_t)(eol - l) : strlen(l);
		if (n > 5 && !memcmp(l, "=VAL ", 5)) {
			const char *s = l + 5, *e = l + n;
			while (s < e && (*s == '&' || *s == '<')) {
				const char *sp = memchr(s, *s == '<' ? '>' : ' ', (size_t)(e - s));
				s = sp ? sp + 1 : e;
				while (s < e && *s == ' ')
					s++;
			}
			if (s < e) /* skip the style character */
				d2s_buf_add(out, s + 1, (size_t)(e - s - 1));
			d2s_buf_puts(out, "\n");
		}
		l += n + (eol != NULL);
	}
}

/* Our values for every document of in.yaml; -1 if one does not parse. */
static int tree_values(struct d2s_parser *p, const char *in, size_t len, struct d2s_buf *out)
{
	struct d2s_reader *r = d2s_reader_new_mem(in, len, "in.yaml");
	struct d2s_piece pc;
	int rc = 0, got;
	while (rc == 0 && (got = d2s_reader_next(r, &pc, 0)) == 1) {
		struct d2s_doc doc = {0};
		if (d2s_parse(p, pc.text, pc.len, &doc) == 0)
			collect_values(doc.root, out);
		else
			rc = -1;
		d2s_doc_free(&doc);
	}
	if (rc == 0 && got < 0)
		rc = -1;
	d2s_reader_free(r);
	return rc;
}

static int check_case(struct d2s_parser *p, const char *dir, int *compared)
{
	char path[4096];
	size_t in_len, ev_len;
	snprintf(path, sizeof(path), "%s/error", dir);
	FILE *f = fopen(path, "r");
	if (f) {
		fclose(f);
		return 0;
	}
	snprintf(path, sizeof(path), "%s/in.yaml", dir);
	char *in = slurp(path, &in_len);
	snprintf(path, sizeof(path), "%s/test.event", dir);
	char *ev = slurp(path, &ev_len);
	int bad = 0;
	if (in && ev) {
		struct d2s_buf want = {0}, got = {0};
		expected_values(ev, &want);
		if (tree_values(p, in, in_len, &got) != 0 ||
		    strcmp(want.data ? want.data : "", got.data ? got.data : "")) {
			fprintf(stderr, "FAIL %s\n--- want\n%s--- got\n%s", dir,
				want.data ? want.data : "", got.data ? got.data : "");
			bad = 1;
		}
		(*compared)++;
		d2s_buf_free(&want);
		d2s_buf_free(&got);
	}
	free(in);
	free(ev);
	return bad;
}

static int walk(struct d2s_parser *p, const char *dir, int *compared)
{
	int bad = check_case(p, dir, compared);
	DIR *d = opendir(dir);
	if (!d)
		return bad;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || de->d_type != DT_DIR)
			continue;
		char sub[4096];
		snprintf(sub, sizeof(sub), "%s/%s", dir, de->d_name);
		bad += walk(p, sub, compared);
	}
	closedir(d);
	return bad;
}

static void yaml_test_suite_values(void **state)
{
	(void)state;
	DIR *d = opendir(SUITE);
	if (!d) {
		printf("SKIP yaml-test-suite values: %s not found\n", SUITE);
		skip();
	}
	closedir(d);
	struct d2s_parser *p = d2s_parser_new();
	assert_non_null(p);
	int compared = 0;
	int bad = walk(p, SUITE, &compared);
	unsigned long asked = d2s_value_fallbacks(p);
	d2s_parser_free(p);
	printf("yaml-test-suite values: %d of %d valid cases differ, %lu values asked from libfyaml\n",
	       bad, compared, asked);
	assert_int_equal(asked, 0);
	assert_true(compared >= 308); /* every valid case of the suite */
	assert_int_equal(bad, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(aliases_merge_keys_and_tags),
		cmocka_unit_test(single_quoted_escapes),
		cmocka_unit_test(single_quoted_folding),
		cmocka_unit_test(double_quoted_escapes),
		cmocka_unit_test(plain_and_block_scalars),
		cmocka_unit_test(root_block_scalar_after_bom),
		cmocka_unit_test(yaml_test_suite_values),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* helpers.h - test helpers: run the whole pipeline on a string in memory. */
#ifndef D2S_TEST_HELPERS_H
#define D2S_TEST_HELPERS_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "diag.h"
#include "optable.h"
#include "options.h"
#include "pipeline.h"

/** Result of one in-memory run. */
struct run {
	char *out;            /* output bytes (malloc'ed) */
	size_t len;
	int rc;               /* 0 ok, 1 error */
	struct d2s_diag diag; /* kept entries */
	char *err;            /* stderr text */
	size_t err_len;
};

/* Run the inputs texts[0..n) (named names[0..n)) through one pipeline.
 * args: NULL-terminated "key=value" or "key" (boolean) strings; run-time
 * keys (quiet, strict) go to a struct d2s_run, the others to the options;
 * the key "by-template" makes positions name chart templates, as under
 * Helm (main.c sets it for the Helm clients). */
static inline int run_inputs(struct run *r, const char *const *texts, const char *const *names, size_t n,
			     const char *const *args)
{
	int by_template = 0;
	struct d2s_options o;
	struct d2s_run run = {0};
	d2s_options_init(&o);
	char err[512];
	for (size_t i = 0; args && args[i]; i++) {
		if (!strcmp(args[i], "by-template")) {
			by_template = 1;
			continue;
		}
		char *kv = strdup(args[i]);
		char *eq = strchr(kv, '=');
		if (eq)
			*eq = '\0';
		const struct d2s_option *opt = d2s_opt_find(kv);
		int bad = opt && opt->scope == D2S_SCOPE_RUN
			? d2s_opt_set(opt, NULL, &run, eq ? eq + 1 : NULL, err, sizeof(err))
			: d2s_options_set(&o, kv, eq ? eq + 1 : NULL, err, sizeof(err));
		free(kv);
		if (bad) {
			fprintf(stderr, "option error: %s\n", err);
			d2s_options_free(&o);
			d2s_run_free(&run);
			return -1;
		}
	}
	memset(r, 0, sizeof(*r));
	FILE *errf = open_memstream(&r->err, &r->err_len);
	r->diag.keep = 1;
	r->diag.err = errf;
	r->diag.strict = run.strict;
	r->diag.quiet = run.quiet;
	r->diag.by_template = by_template;
	d2s_run_free(&run);
	FILE *f = open_memstream(&r->out, &r->len);
	struct d2s_pipeline *p = d2s_pipeline_new(&o, &r->diag, f);
	int rc = 0;
	for (size_t i = 0; i < n && !rc; i++)
		rc = d2s_pipeline_feed_mem(p, texts[i], strlen(texts[i]), names[i]);
	if (!rc)
		rc = d2s_pipeline_finish(p);
	d2s_pipeline_free(p);
	fclose(f);
	fclose(errf);
	r->rc = rc || r->diag.errors ? 1 : 0;
	d2s_options_free(&o);
	return 0;
}

/* True when an info about `kind` `name` containing `text` was kept. */
static inline int has_info(const struct run *r, const char *kind, const char *name, const char *text)
{
	for (size_t i = 0; i < r->diag.n_entries; i++) {
		const struct d2s_diag_entry *e = &r->diag.entries[i];
		if (e->severity == D2S_INFO && e->kind && !strcmp(e->kind, kind) && e->name &&
		    !strcmp(e->name, name) && strstr(e->message, text))
			return 1;
	}
	return 0;
}

/* One input, "in.yaml" (see run_inputs). */
static inline int run_args(struct run *r, const char *input, const char *const *args)
{
	static const char *const name = "in.yaml";
	return run_inputs(r, &input, &name, 1, args);
}

static inline void run_free(struct run *r)
{
	free(r->out);
	free(r->err);
	d2s_diag_free(&r->diag);
}

#define RUN(r, input, ...) do { \
	static const char *const a_[] = { __VA_ARGS__, NULL }; \
	assert_int_equal(run_args((r), (input), a_), 0); } while (0)

static inline int contains(const char *hay, const char *needle)
{
	return hay && strstr(hay, needle) != NULL;
}

static inline size_t count_of(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = hay; p && (p = strstr(p, needle)); p++)
		n++;
	return n;
}

/** The severity ("info", "warning", "error") of the first kept diagnostic
 *  whose message holds `needle`, or NULL: infos are kept, not printed. */
static inline const char *severity_of(const struct run *r, const char *needle)
{
	for (size_t i = 0; i < r->diag.n_entries; i++)
		if (contains(r->diag.entries[i].message, needle))
			return d2s_diag_severity_name(r->diag.entries[i].severity);
	return NULL;
}

#define assert_severity(r, needle, sev) do { const char *s_ = severity_of((r), (needle)); \
	if (!s_ || strcmp(s_, (sev))) { fprintf(stderr, "--- %s: want %s, got %s\n", (needle), (sev), \
	s_ ? s_ : "nothing"); fail(); } } while (0)

#define assert_has(hay, needle) do { if (!contains((hay), (needle))) { \
	fprintf(stderr, "--- missing: %s\n--- in:\n%s\n", (needle), (hay) ? (hay) : "(null)"); \
	fail(); } } while (0)
#define assert_lacks(hay, needle) do { if (contains((hay), (needle))) { \
	fprintf(stderr, "--- unexpected: %s\n--- in:\n%s\n", (needle), (hay)); fail(); } } while (0)

#endif

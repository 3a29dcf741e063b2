/* main.c - command line: option table (getopt_long, environment, --config)
 * -> options + run settings -> pipeline. Thin on purpose: everything it
 * calls is in the library stages. */
#include "buf.h"
#include "config.h"
#include "diag.h"
#include "krm.h"
#include "optdoc.h"
#include "options.h"
#include "pipeline.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libfyaml.h>

#ifndef D2S_VERSION
#define D2S_VERSION "0.1.0"
#endif
#ifndef D2S_COMMIT
#define D2S_COMMIT "unknown"
#endif

static int usage_error(const char *msg)
{
	fprintf(stderr, "deploy2sts: error: %s\nTry 'deploy2sts --help'.\n", msg);
	return 2;
}

/* --help, --version, --completion SHELL: print and stop (returns 3). */
static int action(const struct d2s_option *opt, const char *arg)
{
	switch (opt->action) {
	case D2S_ACT_HELP:
		d2s_opt_help(stdout);
		return 3;
	case D2S_ACT_VERSION:
		printf("deploy2sts %s (commit %s, libfyaml %s)\n", D2S_VERSION, D2S_COMMIT, fy_library_version());
		return 3;
	default:
		if (d2s_opt_completion(stdout, arg) == 0)
			return 3;
		char err[160];
		snprintf(err, sizeof(err), "--%s takes bash or zsh, not \"%s\"", opt->name, arg);
		return usage_error(err);
	}
}

/* One flag: checked on scratch structs so that a bad value fails at once. */
static int one_flag(const struct d2s_option *opt, const char *arg, struct d2s_pairs *cli)
{
	char err[512];
	if (opt->kind == D2S_OPT_ACTION)
		return action(opt, arg);
	struct d2s_options scratch;
	struct d2s_run run = {0};
	d2s_options_init(&scratch);
	int rc = d2s_opt_set(opt, &scratch, &run, arg, err, sizeof(err));
	d2s_options_free(&scratch);
	d2s_run_free(&run);
	if (rc)
		return usage_error(err);
	d2s_pairs_add(cli, opt->name, arg);
	return 0;
}

/* Collect flags as (key, value) pairs. Positional arguments are allowed
 * only for the kustomize legacy plugin (argv[1] = its config file). */
static int parse_args(int argc, char **argv, struct d2s_pairs *cli, int legacy)
{
	struct option longopts[64];
	char shorts[64], err[512];
	if (d2s_opt_getopt(longopts, sizeof(longopts) / sizeof(longopts[0]), shorts, sizeof(shorts)))
		return usage_error("internal: option table too large");
	int c, idx, rc = 0;
	opterr = 0;
	optind = 1;
	while (!rc && (c = getopt_long(argc, argv, shorts, longopts, &idx)) != -1) {
		const struct d2s_option *opt = d2s_opt_from_getopt(c);
		if (c == ':') {
			snprintf(err, sizeof(err), "option %s needs a value", argv[optind - 1]);
			rc = usage_error(err);
		} else if (!opt) {
			snprintf(err, sizeof(err), "unknown option %s", argv[optind - 1]);
			rc = usage_error(err);
		} else {
			rc = one_flag(opt, optarg, cli);
		}
	}
	if (!rc && optind < argc && !legacy) {
		snprintf(err, sizeof(err), "unexpected argument \"%s\" (input files take -f)", argv[optind]);
		rc = usage_error(err);
	}
	return rc;
}

/* Options from the kustomize legacy plugin config, --config, the
 * environment and the flags (`all`: environment merged under flags). */
static int build_options(struct d2s_options *o, struct d2s_run *r, const struct d2s_pairs *all,
			 const char *legacy)
{
	char err[1024];
	if (d2s_pairs_apply_run(all, r, err, sizeof(err)))
		return usage_error(err);
	if (r->in_place && (r->output || r->n_files == 0))
		return usage_error("--in-place needs -f FILE and no --output");
	if (legacy && d2s_config_load_text(o, legacy, strlen(legacy), "KUSTOMIZE_PLUGIN_CONFIG_STRING",
					   err, sizeof(err)))
		return usage_error(err);
	if (r->config && d2s_config_load_file(o, r->config, err, sizeof(err)))
		return usage_error(err);
	if (d2s_pairs_apply(all, o, err, sizeof(err)))
		return usage_error(err);
	return 0;
}

/* Write to a temporary file beside `path`; rename over it only on success. */
struct sink {
	FILE *f;
	char *tmp;
	const char *path;
};

static int sink_open(struct sink *s, const char *path)
{
	memset(s, 0, sizeof(*s));
	if (!path) {
		s->f = stdout;
		return 0;
	}
	s->path = path;
	size_t n = strlen(path) + 32;
	s->tmp = malloc(n);
	if (!s->tmp)
		return -1;
	snprintf(s->tmp, n, "%s.deploy2sts-XXXXXX", path);
	int fd = mkstemp(s->tmp);
	if (fd < 0) {
		free(s->tmp);
		s->tmp = NULL;
		return -1;
	}
	s->f = fdopen(fd, "w");
	if (!s->f) {
		close(fd);
		unlink(s->tmp);
		free(s->tmp);
		s->tmp = NULL;
		return -1;
	}
	return 0;
}

static int sink_close(struct sink *s, int ok)
{
	if (!s->path)
		return fflush(stdout) ? -1 : 0;
	int rc = fclose(s->f) == 0 && ok ? rename(s->tmp, s->path) : -1;
	if (rc)
		unlink(s->tmp);
	free(s->tmp);
	return rc;
}

/* Read up to `max` bytes of fd (less only at end of input). */
static size_t peek(int fd, char *buf, size_t max)
{
	size_t n = 0;
	while (n < max) {
		ssize_t k = read(fd, buf + n, max - n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		n += (size_t)k;
	}
	return n;
}

/* stdin starting with a ResourceList: KRM function mode. Returns -2 when
 * it is not one (the bytes read are in `head`). */
static int maybe_krm(struct d2s_options *o, const struct d2s_pairs *cli, struct d2s_diag *diag,
		     FILE *out, struct d2s_buf *head)
{
	char chunk[65536];
	size_t n = peek(0, chunk, sizeof(chunk));
	d2s_buf_add(head, chunk, n);
	if (!d2s_krm_detect(head->data, head->len))
		return -2;
	while ((n = peek(0, chunk, sizeof(chunk))) > 0)
		d2s_buf_add(head, chunk, n);
	diag->keep = 1; /* diagnostics become results */
	int rc = d2s_krm_run(head->data, head->len, "<stdin>", o, cli, diag, out);
	return rc < 0 ? -2 : rc;
}

static int run(struct d2s_options *o, const struct d2s_run *r, const struct d2s_pairs *cli,
	       struct d2s_diag *diag, const char *in, const char *out)
{
	struct sink s;
	if (sink_open(&s, out)) {
		free(s.tmp);
		fprintf(stderr, "deploy2sts: error: %s: cannot create output: %s\n", out, strerror(errno));
		return 1;
	}
	struct d2s_buf head = {0};
	int only_stdin = !in && (r->n_files == 0 || (r->n_files == 1 && !strcmp(r->files[0], "-")));
	if (only_stdin) {
		int k = maybe_krm(o, cli, diag, s.f, &head);
		if (k != -2) {
			d2s_buf_free(&head);
			if (sink_close(&s, k == 0) && k == 0)
				k = 1;
			return k ? 1 : 0;
		}
	}
	struct d2s_pipeline *p = d2s_pipeline_new(o, diag, s.f);
	int rc = p ? 0 : -1;
	for (size_t i = 0; p && !rc && i < (in ? 1 : r->n_files ? r->n_files : 1); i++) {
		const char *name = in ? in : r->n_files ? r->files[i] : "-";
		int fd = strcmp(name, "-") ? open(name, O_RDONLY) : 0;
		if (fd < 0) {
			fprintf(stderr, "deploy2sts: error: %s: %s\n", name, strerror(errno));
			rc = -1;
			break;
		}
		const char *shown = strcmp(name, "-") ? name : "<stdin>";
		if (fd == 0 && head.len) {
			rc = d2s_pipeline_feed_fd_prefixed(p, fd, shown, head.data, head.len);
			d2s_buf_free(&head);
		} else {
			rc = d2s_pipeline_feed_fd(p, fd, shown);
		}
		if (fd)
			close(fd);
	}
	d2s_buf_free(&head);
	if (p && !rc)
		rc = d2s_pipeline_finish(p);
	d2s_pipeline_free(p);
	if (sink_close(&s, rc == 0 && diag->errors == 0) && !rc) {
		fprintf(stderr, "deploy2sts: error: %s: cannot write output\n", out ? out : "stdout");
		rc = -1;
	}
	return rc || diag->errors ? 1 : 0;
}

/* Flags over environment variables: the pairs that configure this run. */
static int gather(int argc, char **argv, struct d2s_pairs *all, int legacy)
{
	struct d2s_pairs cli = {0}, env = {0};
	char err[700];
	int rc = parse_args(argc, argv, &cli, legacy);
	if (!rc && d2s_env_pairs(&env, NULL, err, sizeof(err)))
		rc = usage_error(err);
	if (!rc)
		d2s_pairs_merge(all, &cli, &env);
	d2s_pairs_free(&cli);
	d2s_pairs_free(&env);
	return rc;
}

static int convert_all(struct d2s_options *o, const struct d2s_run *r, const struct d2s_pairs *all)
{
	struct d2s_diag diag = { .quiet = r->quiet, .strict = r->strict, .err = stderr };
	static char outbuf[1 << 18];
	setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	if (r->log_file && *r->log_file && d2s_diag_open_log(&diag, r->log_file)) {
		fprintf(stderr, "deploy2sts: error: --log-file %s: %s\n", r->log_file, strerror(errno));
		return 2;
	}
	int rc = 0;
	if (r->in_place) {
		for (size_t i = 0; i < r->n_files && !rc; i++)
			rc = run(o, r, all, &diag, r->files[i], r->files[i]);
	} else {
		rc = run(o, r, all, &diag, NULL, r->output);
	}
	d2s_diag_free(&diag);
	return rc;
}

int main(int argc, char **argv)
{
	struct d2s_options o;
	struct d2s_run r = {0};
	struct d2s_pairs all = {0};
	const char *legacy = getenv("KUSTOMIZE_PLUGIN_CONFIG_STRING");
	if (legacy && !*legacy)
		legacy = NULL;
	d2s_options_init(&o);
	int rc = gather(argc, argv, &all, legacy != NULL);
	if (!rc)
		rc = build_options(&o, &r, &all, legacy);
	if (!rc)
		rc = convert_all(&o, &r, &all);
	d2s_pairs_free(&all);
	d2s_run_free(&r);
	d2s_options_free(&o);
	return rc == 3 ? 0 : rc;
}

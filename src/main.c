/* main.c - command line: option table (getopt_long, environment, --config)
 * -> options + run settings -> pipeline -> output sink (output.h), with the
 * run's log (runlog.h). Thin on purpose: everything it calls is in the
 * library stages. */
#include "buf.h"
#include "config.h"
#include "diag.h"
#include "krm.h"
#include "optdoc.h"
#include "options.h"
#include "output.h"
#include "pipeline.h"
#include "report.h"
#include "runlog.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
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
/* the platform --version names: the compiler's target (a cross build says its own) */
#ifndef D2S_ARCH
#if defined(__linux__) && defined(__x86_64__)
#define D2S_ARCH "linux/amd64"
#elif defined(__linux__) && defined(__aarch64__)
#define D2S_ARCH "linux/arm64"
#else
#define D2S_ARCH "other platform"
#endif
#endif

/* The long name of the run-time option that sets field `f` of d2s_run. */
#define RUN_FLAG(f) (d2s_opt_find_run(offsetof(struct d2s_run, f))->name)

/* An error printed outside the diagnostics: on stderr, and on the terminal
 * under Helm 4 (which shows no plugin stderr). */
static void say_error(struct d2s_diag *diag, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say_error(struct d2s_diag *diag, const char *fmt, ...)
{
	char msg[PATH_MAX + 512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fputs(msg, stderr);
	d2s_diag_tty_puts(diag, msg);
}

/* A usage error: its text goes to `ue` (main prints it, and logs it). */
static int usage_error(struct d2s_buf *ue, const char *msg)
{
	d2s_buf_printf(ue, "deploy2sts: error: %s\n", msg);
	return 2;
}

/* --help, --version, --completion SHELL: print and stop (returns 3). */
static int action(const struct d2s_option *opt, const char *arg, struct d2s_buf *ue)
{
	switch (opt->action) {
	case D2S_ACT_HELP:
		d2s_opt_help(stdout);
		return 3;
	case D2S_ACT_VERSION:
		printf("deploy2sts %s (%s, commit %s, libfyaml %s)\n", D2S_VERSION, D2S_ARCH, D2S_COMMIT,
		       fy_library_version());
		return 3;
	default:
		if (d2s_opt_completion(stdout, arg) == 0)
			return 3;
		char err[160];
		snprintf(err, sizeof(err), "--%s takes bash or zsh, not \"%s\"", opt->name, arg);
		return usage_error(ue, err);
	}
}

/* One flag: checked on scratch structs so that a bad value fails at once. */
static int one_flag(const struct d2s_option *opt, const char *arg, struct d2s_pairs *cli,
		    struct d2s_buf *ue)
{
	char err[512];
	if (opt->kind == D2S_OPT_ACTION)
		return action(opt, arg, ue);
	struct d2s_options scratch;
	struct d2s_run run = {0};
	d2s_options_init(&scratch);
	int rc = d2s_opt_set(opt, &scratch, &run, arg, err, sizeof(err));
	d2s_options_free(&scratch);
	d2s_run_free(&run);
	if (rc)
		return usage_error(ue, err);
	d2s_pairs_add(cli, opt->name, arg);
	return 0;
}

/* The message for unknown argument `a` into err[n], with a hint when `a`
 * starts with a known long flag: a value given to a flag that takes none
 * ("--opt-in=true", "--opt-in true"), or a flag and its value in one
 * argument ("--flag value"), as Helm passes --post-renderer-args="--flag
 * value" (one argument each). */
static void unknown_option(const char *a, char *err, size_t n)
{
	size_t k = strcspn(a, " \t=");
	char name[64];
	const struct d2s_option *opt = NULL;
	if (!strncmp(a, "--", 2) && k > 2 && k - 2 < sizeof(name)) {
		memcpy(name, a + 2, k - 2);
		name[k - 2] = '\0';
		opt = d2s_opt_find(name);
	}
	const char *v = opt ? a + k + strspn(a + k, " \t=") : "";
	if (opt && !d2s_opt_takes_value(opt))
		snprintf(err, n, "option --%s takes no value (found \"%s\"): write --%s alone (under Helm: "
			 "--post-renderer-args=--%s)", name, a, name, name);
	else if (opt && a[k] != '=' && *v)
		snprintf(err, n, "unknown option \"%s\": flag and value arrived as one argument; "
			 "write --%s=%s (under Helm: --post-renderer-args=--%s=%s)", a, name, v, name, v);
	else if (opt && a[k] != '=')
		snprintf(err, n, "unknown option \"%s\": blanks after the flag; write --%s=VALUE", a, name);
	else
		snprintf(err, n, "unknown option %s", a);
}

/* Collect flags as (key, value) pairs. Positional arguments are allowed
 * only for the kustomize legacy plugin (argv[1] = its config file). */
static int parse_args(int argc, char **argv, struct d2s_pairs *cli, int legacy, struct d2s_buf *ue)
{
	struct option longopts[64];
	char shorts[64], err[512];
	if (d2s_opt_getopt(longopts, sizeof(longopts) / sizeof(longopts[0]), shorts, sizeof(shorts)))
		return usage_error(ue, "internal: option table too large");
	int c, idx, rc = 0;
	opterr = 0;
	optind = 1;
	while (!rc && (c = getopt_long(argc, argv, shorts, longopts, &idx)) != -1) {
		const struct d2s_option *opt = d2s_opt_from_getopt(c);
		if (c == ':') {
			snprintf(err, sizeof(err), "option %s needs a value", argv[optind - 1]);
			rc = usage_error(ue, err);
		} else if (!opt) {
			unknown_option(argv[optind - 1], err, sizeof(err));
			rc = usage_error(ue, err);
		} else {
			rc = one_flag(opt, optarg, cli, ue);
		}
	}
	if (!rc && optind < argc && !legacy) {
		snprintf(err, sizeof(err), "unexpected argument \"%s\" (input files take -f)", argv[optind]);
		rc = usage_error(ue, err);
	}
	return rc;
}

/* The --report file can be written (and its format is known), checked
 * before the run, so an unwritable report is a usage error and never a
 * failure after the output was written. Returns 0, or -1 with `err`. */
static int report_writable(const struct d2s_run *r, char *err, size_t errlen)
{
	enum d2s_creport_format fmt;
	if (d2s_creport_format(r->report, r->report_format, &fmt)) {
		snprintf(err, errlen, "--%s %s: name a .yaml, .yml or .json file, or give --%s yaml|json",
			 RUN_FLAG(report), r->report, RUN_FLAG(report_format));
		return -1;
	}
	if (!strcmp(r->report, "-"))
		return 0;
	int fd = open(r->report, O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
	if (fd < 0) {
		snprintf(err, errlen, "--%s %s: %s", RUN_FLAG(report), r->report, strerror(errno));
		return -1;
	}
	close(fd);
	return 0;
}

/* Options from the kustomize legacy plugin config, --config, the
 * environment and the flags (`all`: environment merged under flags). */
static int build_options(struct d2s_options *o, struct d2s_run *r, const struct d2s_pairs *all,
			 const char *legacy, struct d2s_buf *ue)
{
	char err[1024];
	if (d2s_pairs_apply_run(all, r, err, sizeof(err)))
		return usage_error(ue, err);
	if (r->in_place && (r->output || r->n_files == 0)) {
		snprintf(err, sizeof(err), "--%s needs -%c FILE and no --%s", RUN_FLAG(in_place),
			 d2s_opt_find_run(offsetof(struct d2s_run, files))->short_name, RUN_FLAG(output));
		return usage_error(ue, err);
	}
	if (legacy && d2s_config_load_text(o, legacy, strlen(legacy), "KUSTOMIZE_PLUGIN_CONFIG_STRING",
					   err, sizeof(err)))
		return usage_error(ue, err);
	if (r->config && d2s_config_load_file(o, r->config, err, sizeof(err)))
		return usage_error(ue, err);
	if (d2s_pairs_apply(all, o, err, sizeof(err)))
		return usage_error(ue, err);
	if (d2s_migrate_copies(o) && o->drop_absorbed_pvcs)
		return usage_error(ue, "--migrate-data clones the absorbed PVCs, so they must stay: "
				   "drop --drop-absorbed-pvcs");
	if (r->report && report_writable(r, err, sizeof(err)))
		return usage_error(ue, err);
	return 0;
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

/* Input `i` of the run: `in` (--in-place), else -f FILE i, else "-". */
static const char *input_name(const struct d2s_run *r, const char *in, size_t i)
{
	if (in)
		return in;
	return r->files && i < r->n_files && r->files[i] ? r->files[i] : "-";
}

/* Feed each input (`in`, else the -f files, else stdin) to the pipeline. */
static int feed_all(struct d2s_pipeline *p, const struct d2s_run *r, struct d2s_diag *diag,
		    const char *in, struct d2s_buf *head)
{
	int rc = 0;
	for (size_t i = 0; !rc && i < (in ? 1 : r->n_files ? r->n_files : 1); i++) {
		const char *name = input_name(r, in, i);
		int fd = strcmp(name, "-") ? open(name, O_RDONLY) : 0;
		if (fd < 0) {
			struct d2s_where w = { .file = name };
			d2s_diagf(diag, D2S_ERROR, &w, "%s", strerror(errno));
			return -1;
		}
		const char *shown = strcmp(name, "-") ? name : "<stdin>";
		if (fd == 0 && head->len) {
			rc = d2s_pipeline_feed_fd_prefixed(p, fd, shown, head->data, head->len);
			d2s_buf_free(head);
		} else {
			rc = d2s_pipeline_feed_fd(p, fd, shown);
		}
		if (fd)
			close(fd);
	}
	return rc;
}

/* The no-op check: Deployments in the input and none converted is a
 * warning, an error under --require-conversion (returns 1 then). */
static int noop_check(const struct d2s_options *o, struct d2s_diag *diag)
{
	return d2s_creport_noop_check(diag->report, diag, o->require_conversion);
}

/* One run into one output: `out` (NULL = stdout), all or nothing. In KRM
 * mode the ResourceList is the answer even when it carries errors, so
 * stdout gets it either way (a file named by -o only on success). */
static int run(struct d2s_options *o, const struct d2s_run *r, const struct d2s_pairs *cli,
	       struct d2s_diag *diag, const char *in, const char *out)
{
	char err[PATH_MAX + 256];
	struct d2s_out s;
	if (d2s_out_open(&s, out, err, sizeof(err))) {
		d2s_diagf(diag, D2S_ERROR, NULL, "%s", err);
		return 1;
	}
	struct d2s_buf head = {0};
	int rc, ok, only_stdin = !in && r->n_files <= 1 && !strcmp(input_name(r, NULL, 0), "-");
	int k = only_stdin ? maybe_krm(o, cli, diag, s.f, &head) : -2;
	if (k != -2) {
		rc = k;
		ok = k == 0 || (k == 1 && !out);
	} else {
		struct d2s_pipeline *p = d2s_pipeline_new(o, diag, s.f);
		rc = p ? feed_all(p, r, diag, in, &head) : -1;
		if (p && !rc)
			rc = d2s_pipeline_finish(p);
		d2s_pipeline_free(p);
		if (!rc && !diag->errors && !r->in_place) /* before the output is committed */
			rc = noop_check(o, diag);
		ok = rc == 0 && diag->errors == 0;
	}
	d2s_buf_free(&head);
	if (d2s_out_close(&s, ok, err, sizeof(err))) {
		d2s_diagf(diag, D2S_ERROR, NULL, "%s", err);
		rc = -1;
	}
	return rc || diag->errors ? 1 : 0;
}

/* Flags over environment variables: the pairs that configure this run. */
static int gather(int argc, char **argv, struct d2s_pairs *all, int legacy, struct d2s_buf *ue)
{
	struct d2s_pairs cli = {0}, env = {0};
	char err[700];
	int rc = parse_args(argc, argv, &cli, legacy, ue);
	if (!rc && d2s_env_pairs(&env, NULL, err, sizeof(err)))
		rc = usage_error(ue, err);
	if (!rc)
		d2s_pairs_merge(all, &cli, &env);
	d2s_pairs_free(&cli);
	d2s_pairs_free(&env);
	return rc;
}

static int convert_all(struct d2s_options *o, const struct d2s_run *r, const struct d2s_pairs *all,
		       struct d2s_diag *diag)
{
	int rc = 0;
	diag->quiet = r->quiet;
	diag->strict = r->strict;
	if (r->in_place) {
		for (size_t i = 0; i < r->n_files && !rc; i++)
			rc = run(o, r, all, diag, input_name(r, NULL, i), input_name(r, NULL, i));
	} else {
		rc = run(o, r, all, diag, NULL, r->output);
	}
	return rc;
}

/* The message of the last error kept in `diag`, or a generic one. */
static const char *last_error(const struct d2s_diag *diag)
{
	for (size_t i = diag->n_entries; i-- > 0;)
		if (diag->entries[i].severity == D2S_ERROR)
			return diag->entries[i].message;
	return "the run failed (see the diagnostics)";
}

/* After the run: the no-op check for --in-place (over every file), the
 * error, the --report file (not `--report -`: report_to_stderr writes it
 * last), and the summary line on stderr unless -q. Returns the exit code;
 * *summary gets the line (malloc'ed, NULL when nothing was converted or
 * skipped) for the log. */
static int finish_report(struct d2s_conv_report *rep, const struct d2s_options *o,
			 const struct d2s_run *r, struct d2s_diag *diag, int rc, char **summary)
{
	if (!rc && r->in_place && noop_check(o, diag))
		rc = 1;
	if (rc)
		d2s_creport_error(rep, last_error(diag));
	d2s_creport_to_diag(rep, diag); /* the facts as infos: the log file and the report */
	enum d2s_creport_format fmt;
	if (r->report && strcmp(r->report, "-") &&
	    (d2s_creport_format(r->report, r->report_format, &fmt) ||
	     d2s_creport_write_path(rep, diag, fmt, r->report))) {
		say_error(diag, "deploy2sts: error: --%s %s: %s\n", RUN_FLAG(report), r->report, strerror(errno));
		rc = 1;
	}
	*summary = d2s_creport_summary(rep);
	static const char tag[] = "deploy2sts: ";
	if (*summary && rc && !strncmp(*summary, tag, strlen(tag))) {
		/* what was decided before the error: none of it was written */
		struct d2s_buf b = {0};
		d2s_buf_printf(&b, "%sfailed, nothing was written (before the error: %s)", tag,
			       *summary + strlen(tag));
		free(*summary);
		*summary = b.data;
	}
	if (*summary && !r->quiet)
		fprintf(stderr, "%s\n", *summary);
	return rc;
}

/* `--report -`: the report on stderr as one YAML document between `---`
 * and `...` (YAML 1.2 document markers; the JSON form is a YAML document
 * too), written after every other line of stderr so that
 * `2>&1 >/dev/null | sed -n '/^---$/,/^\.\.\.$/p'` extracts it: nothing
 * inside the report starts a line with `---` or `...` (every string is
 * quoted). Returns `rc`, or 1 when stderr cannot be written. */
static int report_to_stderr(const struct d2s_conv_report *rep, const struct d2s_run *r,
			    const struct d2s_diag *diag, int rc)
{
	enum d2s_creport_format fmt;
	if (!rep || !r->report || strcmp(r->report, "-") ||
	    d2s_creport_format(r->report, r->report_format, &fmt))
		return rc;
	fflush(stderr);
	if (fputs("---\n", stderr) < 0 || d2s_creport_write(rep, diag, fmt, stderr) ||
	    fputs("...\n", stderr) < 0 || fflush(stderr))
		return 1;
	return rc;
}

/* Open the log (named, or the default one under Helm); a usage error of
 * this run (`ue`) goes there too. Returns 0 or 2. */
static int open_log(struct d2s_runlog *log, struct d2s_diag *diag, const struct d2s_run *r,
		    int argc, char **argv, const struct d2s_buf *ue)
{
	if (d2s_runlog_open(log, diag, r->log_file, argc, argv, ue->len ? ue->data : NULL) == 0)
		return 0;
	say_error(diag, "deploy2sts: error: --%s %s: %s\n", RUN_FLAG(log_file), r->log_file, strerror(errno));
	return 2;
}

int main(int argc, char **argv)
{
	struct d2s_options o;
	struct d2s_run r = {0};
	struct d2s_pairs all = {0};
	struct d2s_buf ue = {0};
	struct d2s_diag diag = { .err = stderr };
	struct d2s_runlog log = { .client = d2s_client_detect() };
	/* under Helm the user knows the chart's templates, not Helm's stream */
	diag.by_template = log.client == D2S_CLIENT_HELM_PLUGIN || log.client == D2S_CLIENT_HELM_POSTREND;
	const char *legacy = getenv("KUSTOMIZE_PLUGIN_CONFIG_STRING");
	if (legacy && !*legacy)
		legacy = NULL;
	d2s_options_init(&o);
	int rc = gather(argc, argv, &all, legacy != NULL, &ue);
	if (!rc)
		rc = build_options(&o, &r, &all, legacy, &ue);
	if (rc == 2)
		fprintf(stderr, "%sTry 'deploy2sts --help'.\n", ue.data);
	if (rc != 3) {
		int lrc = open_log(&log, &diag, &r, argc, argv, &ue);
		rc = rc ? rc : lrc;
	}
	struct d2s_conv_report *rep = NULL;
	char *summary = NULL;
	if (!rc) {
		rep = d2s_creport_new("deploy2sts " D2S_VERSION);
		diag.report = rep;
		diag.keep |= r.report != NULL; /* the report lists every diagnostic */
		rc = finish_report(rep, &o, &r, &diag, convert_all(&o, &r, &all, &diag), &summary);
	}
	const char *tag = "deploy2sts: "; /* the log's line has its own prefix */
	if (rc != 3)
		d2s_runlog_end(&log, &diag, rc, summary && !strncmp(summary, tag, strlen(tag)) ?
			       summary + strlen(tag) : summary);
	rc = report_to_stderr(rep, &r, &diag, rc); /* after every other line of stderr */
	free(summary);
	d2s_creport_free(rep);
	d2s_diag_free(&diag);
	d2s_buf_free(&ue);
	d2s_pairs_free(&all);
	d2s_run_free(&r);
	d2s_options_free(&o);
	return rc == 3 ? 0 : rc;
}

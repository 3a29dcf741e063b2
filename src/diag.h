/* diag.h - diagnostics, used by every stage: errors, warnings and infos with their position and
 * object, written to stderr and the log file and kept for KRM results.
 *
 * Message format (docs/architecture.md, "Diagnostics"):
 *   deploy2sts: error: <file>:<line>:<col>: <Kind> <ns>/<name>: <message>
 */
#ifndef D2S_DIAG_H
#define D2S_DIAG_H

#include <stdarg.h>
#include <stdio.h>

struct d2s_conv_report;

/** Severity of one diagnostic; the names are the KRM `results[].severity`. */
enum d2s_severity { D2S_INFO, D2S_WARNING, D2S_ERROR };
/** The name of `sev`: "info", "warning" or "error" (KRM results, the
 *  report, messages). */
const char *d2s_diag_severity_name(enum d2s_severity sev);

/** Where a diagnostic points. Every field is optional (NULL / 0 = unknown);
 *  the strings are borrowed for the duration of the call only. */
struct d2s_where {
	const char *file;        /**< input name, "-" or "<stdin>" for stdin */
	long line, col;          /**< 1-based; 0 = unknown */
	const char *api_version; /**< object apiVersion */
	const char *kind;        /**< object kind */
	const char *ns;          /**< metadata.namespace */
	const char *name;        /**< metadata.name */
	const char *field;       /**< field path, e.g. "spec.strategy" */
};

/** Flags of one diagnostic (d2s_vdiagf). */
enum {
	/** Data-affecting: the diagnostic tells what happens to the data users
	 *  keep in volumes (claims that start empty, an absorbed PVC kept or
	 *  dropped, a claim that stays shared or is split, a --migrate-data
	 *  clone, a pre-bound volume left out); and the warning that a run
	 *  converts none of the input's Deployments (the release would stay as
	 *  it was). Such a warning also goes to the terminal under Helm 4
	 *  (d2s_diag.tty), which shows no plugin stderr.
	 *  Errors go there anyway; the flag matters for warnings. */
	D2S_DIAG_DATA = 1,
};

/** Where one document of a Helm stream came from: input lines
 *  [first, last] of `file` hold the rendering of chart template `name`,
 *  whose line 1 is input line `body` (all strings owned by the d2s_diag). */
struct d2s_diag_template {
	char *file, *name;
	long first, last, body;
};

/** One kept diagnostic (all strings owned by the d2s_diag). */
struct d2s_diag_entry {
	enum d2s_severity severity;
	char *message, *file, *api_version, *kind, *ns, *name, *field;
	long line, col;
	unsigned flags;     /**< D2S_DIAG_* of the report */
};

/** The diagnostics sink. Zero-initialise, then set the flags. */
struct d2s_diag {
	int quiet;          /**< -q: do not print warnings/infos to stderr */
	int strict;         /**< --strict: warnings count as errors */
	int print_infos;    /**< print infos to stderr too (off by default) */
	int keep;           /**< keep entries (KRM mode needs them as results) */
	FILE *log;          /**< --log-file / DEPLOY2STS_LOG, owned; may be NULL */
	FILE *err;          /**< stderr, or NULL to print nothing there */
	int errors;         /**< errors reported (strict warnings included) */
	int warnings;       /**< warnings reported (not counting strict ones) */
	int strict_warnings;/**< warnings counted in `errors` by --strict */
	struct d2s_diag_entry *entries; /**< kept entries, owned */
	size_t n_entries, cap_entries;
	/** The run's conversion report (report.h), borrowed; NULL = none. It
	 *  travels with the sink because every stage that decides something
	 *  about a Deployment already holds the sink. */
	struct d2s_conv_report *report;
	/** The controlling terminal when Helm 4 hides our stderr (runlog.c
	 *  opens it), owned; NULL = none. Errors and D2S_DIAG_DATA warnings
	 *  (not with -q) are also written here, as git and gpg prompt there. */
	FILE *tty;
	int tty_lines;      /**< lines written to `tty` */
	/** Under Helm (main.c sets it for the Helm 3 post-renderer and the
	 *  Helm 4 plugin): a position inside a document with a known chart
	 *  template is printed as that template and the line inside its
	 *  rendering (d2s_diag_template), not as a line of Helm's stream, which
	 *  the user never sees. Kept entries (KRM results, the report) keep the
	 *  stream position. */
	int by_template;
	struct d2s_diag_template *templates; /**< in input order, owned */
	size_t n_templates;
};

/** Report a diagnostic (printf format `fmt`) at `w`. Under --strict a
 *  warning is reported and counted as an error. Never fails (allocation
 *  failure aborts). ("report" names the ConversionReport only, report.h.) */
void d2s_diagf(struct d2s_diag *d, enum d2s_severity sev,
		const struct d2s_where *w, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/** d2s_diagf for a data-affecting diagnostic (D2S_DIAG_DATA): what happens
 *  to the data in a volume. Under Helm 4 such a warning also reaches the
 *  terminal. */
void d2s_diagf_data(struct d2s_diag *d, enum d2s_severity sev,
		    const struct d2s_where *w, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/** The core of d2s_diagf with `flags` (D2S_DIAG_*) and a va_list, for
 *  wrappers that format their own position (e.g. d2s_cx_diagf) and pass a
 *  caller's flags on. */
void d2s_vdiagf(struct d2s_diag *d, enum d2s_severity sev, unsigned flags,
		const struct d2s_where *w, const char *fmt, va_list ap)
	__attribute__((format(printf, 5, 0)));

/** Write `text` (whole lines, each ending in a newline) to d->tty when it
 *  is open, counting its lines; for messages printed outside d2s_diagf
 *  (usage errors, an unwritable log or report). Nothing when d or d->tty
 *  is NULL. */
void d2s_diag_tty_puts(struct d2s_diag *d, const char *text);

/** Errors reported at error severity, i.e. `errors` without the warnings
 *  --strict counts there. The pipeline derives its failure from this: a
 *  strict warning fails the run (exit code) but does not stop the flow. */
int d2s_diag_hard_errors(const struct d2s_diag *d);

/** Record that input lines [first, last] of `file` render chart template
 *  `name` (from a `# Source:` comment under Helm 3, the
 *  postrenderer.helm.sh/postrender-filename annotation under Helm 4), its
 *  line 1 at input line `body`. Nothing unless d->by_template. Strings are
 *  copied. */
void d2s_diag_template(struct d2s_diag *d, const char *file, long first, long last, long body,
		       const char *name);

/** Open the log file `path` for appending; returns 0, or -1 with errno set. */
int d2s_diag_open_log(struct d2s_diag *d, const char *path);

/** Free kept entries and close the log file and the terminal. */
void d2s_diag_free(struct d2s_diag *d);

#endif

/* runlog.h - the run's log file: --log-file / DEPLOY2STS_LOG_FILE, or a
 * default one when Helm runs deploy2sts.
 *
 * Helm 3 shows a post-renderer's stderr only when it fails
 * (pkg/postrender/exec.go wraps it into the error); Helm 4 never shows a
 * plugin's stderr (the user reads only `plugin "deploy2sts" exited with
 * error`). So when Helm is the caller and no log file was named, every
 * diagnostic also goes to D2S_DEFAULT_LOG under $XDG_STATE_HOME (else
 * $HOME/.local/state), and a failing run's last stderr line names that file.
 * Each run appends a header line (time, pid, client, argv) and an end line
 * (exit status, counts, summary). */
#ifndef D2S_RUNLOG_H
#define D2S_RUNLOG_H

#include "diag.h"

/** The default log file, relative to the XDG state directory. */
#define D2S_DEFAULT_LOG "deploy2sts/deploy2sts.log"
/** A default log larger than this (bytes) is renamed to `<log>.1` first. */
#define D2S_DEFAULT_LOG_MAX ((long)1 << 20)

/** Who runs deploy2sts. */
enum d2s_client {
	D2S_CLIENT_NONE,          /**< a shell, kustomize, kpt, Argo CD, ... */
	D2S_CLIENT_HELM_PLUGIN,   /**< Helm 4 plugin: HELM_PLUGIN_NAME is set */
	D2S_CLIENT_HELM_POSTREND, /**< Helm 3 --post-renderer: the parent process is helm */
};

/** The log of one run. Zero-initialise. */
struct d2s_runlog {
	enum d2s_client client;
	char *path;     /**< the log file written, or NULL (owned) */
	int is_default; /**< `path` is the default log (not named by the user) */
};

/** Detect the client: HELM_PLUGIN_NAME set (Helm 4 runs plugins with it),
 *  else a parent process named helm, helm3, helm4 (/proc/PPID/comm or the
 *  base name of /proc/PPID/exe; Helm 3 passes no variable of its own). */
enum d2s_client d2s_client_detect(void);

/** Short name of `c` for the log header ("helm4-plugin", ...). */
const char *d2s_client_name(enum d2s_client c);

/** The default log path for the environment `getenv` (malloc'ed), or NULL
 *  when neither an absolute XDG_STATE_HOME nor HOME is set. */
char *d2s_runlog_default_path(const char *(*get)(const char *));

/** Open the log of this run into d->log: `named` (a --log-file value; ""
 *  = none) if not NULL, else the default log when l->client is Helm.
 *  Writes the header line (argv: `argc`, `argv`) and then `early`
 *  (messages already printed before the log was open, may be NULL).
 *  Returns 0, or -1 (errno set) only when the `named` file cannot be
 *  opened: a default log that cannot be opened prints one warning on
 *  d->err and the run goes on without it. */
int d2s_runlog_open(struct d2s_runlog *l, struct d2s_diag *d, const char *named, int argc,
		    char **argv, const char *early);

/** End the run's log: `summary` (one line without newline, or NULL),
 *  then an end line with `exit_code` and the error and warning counts of
 *  `d` (exit 2: "usage error" instead). Under Helm, a failing run then prints the log path
 *  as its last line on d->err. Frees l->path (the FILE is d's). */
void d2s_runlog_end(struct d2s_runlog *l, struct d2s_diag *d, int exit_code, const char *summary);

#endif

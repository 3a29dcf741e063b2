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
 * (exit status, counts, summary).
 *
 * Under Helm 4 (also 4.3.2: internal/plugin/runtime_subprocess.go
 * runPostrenderer collects the plugin's stderr into a buffer nobody reads)
 * errors and data-affecting warnings also go to the controlling terminal,
 * /dev/tty, as git and gpg prompt there (d2s_diag.tty), followed by one
 * line that names the log file. Without a terminal (CI, a daemon) nothing
 * is written there and nothing fails. */
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

/** The terminal device of Helm 4 runs (D2S_CLIENT_HELM_PLUGIN). */
#define D2S_TTY_PATH "/dev/tty"

/** Open the terminal `path` (D2S_TTY_PATH; a test may name a pty) for
 *  writing into d->tty, when l->client is the Helm 4 plugin, our stderr is
 *  not that terminal already (then Helm shows it) and writing would not
 *  stop us (a background job on a terminal with `stty tostop`). Returns 1
 *  when opened, 0 otherwise: no terminal (ENXIO in CI), another client,
 *  any failure. Never an error: the terminal is a courtesy. */
int d2s_runlog_open_tty(const struct d2s_runlog *l, struct d2s_diag *d, const char *path);

/** The default log path for the environment `getenv` (malloc'ed), or NULL
 *  when neither an absolute XDG_STATE_HOME nor HOME is set. */
char *d2s_runlog_default_path(const char *(*get)(const char *));

/** Open the log of this run into d->log: `named` (a --log-file value; ""
 *  = none) if not NULL, else the default log when l->client is Helm.
 *  First opens the terminal under Helm 4 (d2s_runlog_open_tty with
 *  D2S_TTY_PATH). Writes the header line (argv: `argc`, `argv`) and then
 *  `early` (messages already printed before the log was open, may be NULL;
 *  they are errors, so they go to the terminal too).
 *  Returns 0, or -1 (errno set) only when the `named` file cannot be
 *  opened: a default log that cannot be opened prints one warning on
 *  d->err and the run goes on without it. */
int d2s_runlog_open(struct d2s_runlog *l, struct d2s_diag *d, const char *named, int argc,
		    char **argv, const char *early);

/** End the run's log: `summary` (one line without newline, or NULL),
 *  then an end line with `exit_code` and the error and warning counts of
 *  `d` (exit 2: "usage error" instead). Under Helm, a failing run then prints the log path
 *  as its last line on d->err; when anything went to the terminal
 *  (d->tty_lines), a last line there names the log too. Frees l->path
 *  (the FILEs are d's). */
void d2s_runlog_end(struct d2s_runlog *l, struct d2s_diag *d, int exit_code, const char *summary);

#endif

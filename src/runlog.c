/* runlog.c - the run's log file (see runlog.h): which client runs us, where
 * the default log lives, its header and end lines. */
#include "runlog.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#ifndef D2S_VERSION
#define D2S_VERSION "0.1.0"
#endif

/* helm, helm3, helm4, ...: "helm" then digits only. */
static int is_helm_name(const char *s)
{
	if (strncmp(s, "helm", 4))
		return 0;
	for (s += 4; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

static int parent_is_helm(void)
{
	char path[64], buf[PATH_MAX];
	snprintf(path, sizeof(path), "/proc/%ld/comm", (long)getppid());
	FILE *f = fopen(path, "r");
	if (f) {
		int ok = fgets(buf, sizeof(buf), f) != NULL;
		fclose(f);
		buf[strcspn(buf, "\n")] = '\0';
		if (ok && is_helm_name(buf))
			return 1;
	}
	snprintf(path, sizeof(path), "/proc/%ld/exe", (long)getppid());
	ssize_t n = readlink(path, buf, sizeof(buf) - 1);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	const char *base = strrchr(buf, '/');
	return is_helm_name(base ? base + 1 : buf);
}

enum d2s_client d2s_client_detect(void)
{
	const char *p = getenv("HELM_PLUGIN_NAME");
	if (p && *p)
		return D2S_CLIENT_HELM_PLUGIN;
	return parent_is_helm() ? D2S_CLIENT_HELM_POSTREND : D2S_CLIENT_NONE;
}

const char *d2s_client_name(enum d2s_client c)
{
	switch (c) {
	case D2S_CLIENT_HELM_PLUGIN:
		return "helm4-plugin";
	case D2S_CLIENT_HELM_POSTREND:
		return "helm-post-renderer";
	default:
		return "cli";
	}
}

char *d2s_runlog_default_path(const char *(*get)(const char *))
{
	const char *state = get("XDG_STATE_HOME"), *home = get("HOME");
	const char *fmt = "%s/" D2S_DEFAULT_LOG;
	if (!state || state[0] != '/') { /* the XDG spec ignores relative paths */
		if (!home || !*home)
			return NULL;
		state = home;
		fmt = "%s/.local/state/" D2S_DEFAULT_LOG;
	}
	size_t n = strlen(state) + sizeof(D2S_DEFAULT_LOG) + 16;
	char *p = malloc(n);
	if (p)
		snprintf(p, n, fmt, state);
	return p;
}

/* mkdir -p of the directory part of `path` (mode 0700: logs may quote
 * manifests). Returns 0 or -1. */
static int make_parents(const char *path)
{
	char *d = strdup(path);
	int rc = d ? 0 : -1;
	for (char *p = d ? d + 1 : NULL; p && *p && !rc; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(d, 0700) && errno != EEXIST)
			rc = -1;
		*p = '/';
	}
	free(d);
	return rc;
}

/* Writing to terminal `fd` would stop us with SIGTTOU: we are a background
 * job and the terminal has TOSTOP set (termios(3)). */
static int would_stop(int fd)
{
	struct termios t;
	pid_t fg = tcgetpgrp(fd);
	return fg >= 0 && fg != getpgrp() && tcgetattr(fd, &t) == 0 && (t.c_lflag & TOSTOP);
}

/* File descriptors a and b are the same terminal device. */
static int same_tty(int a, int b)
{
	struct stat sa, sb;
	return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && S_ISCHR(sa.st_mode) && S_ISCHR(sb.st_mode) &&
	       sa.st_rdev == sb.st_rdev;
}

int d2s_runlog_open_tty(const struct d2s_runlog *l, struct d2s_diag *d, const char *path)
{
	if (l->client != D2S_CLIENT_HELM_PLUGIN || d->tty)
		return 0;
	int fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return 0; /* no controlling terminal: CI, cron, a daemon */
	FILE *f = NULL;
	if (isatty(fd) && !same_tty(fd, 2) && !would_stop(fd))
		f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		return 0;
	}
	d->tty = f;
	return 1;
}

static const char *env_get(const char *name)
{
	return getenv(name);
}

/* Argument `s` as a shell word (quoted when it has anything special);
 * control characters become '?' so that the header stays one line. */
static void put_word(FILE *f, const char *s)
{
	int plain = *s != '\0';
	for (const char *p = s; *p && plain; p++)
		plain = strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./=:,@%+-", *p) != NULL;
	if (plain) {
		fputs(s, f);
		return;
	}
	fputc('\'', f);
	for (const char *p = s; *p; p++) {
		if (*p == '\'')
			fputs("'\\''", f);
		else
			fputc((unsigned char)*p < 0x20 || *p == 0x7f ? '?' : *p, f);
	}
	fputc('\'', f);
}

static void header(FILE *f, enum d2s_client c, int argc, char **argv)
{
	char when[32];
	time_t now = time(NULL);
	struct tm tm;
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
	fprintf(f, "deploy2sts: run %s: pid %ld, version %s, client %s, argv:", when, (long)getpid(),
		D2S_VERSION, d2s_client_name(c));
	for (int i = 0; i < argc; i++) {
		fputc(' ', f);
		put_word(f, argv[i]);
	}
	fputc('\n', f);
}

/* The default log: directory created, rotated past D2S_DEFAULT_LOG_MAX. */
static int open_default(struct d2s_runlog *l, struct d2s_diag *d)
{
	l->path = d2s_runlog_default_path(env_get);
	if (!l->path) {
		errno = ENOENT;
		return -1;
	}
	l->is_default = 1;
	struct stat st;
	if (stat(l->path, &st) == 0 && st.st_size > D2S_DEFAULT_LOG_MAX) {
		size_t n = strlen(l->path) + 3;
		char *old = malloc(n);
		if (old) {
			snprintf(old, n, "%s.1", l->path);
			if (rename(l->path, old)) {
				/* kept: appending to a long log beats losing it */
			}
			free(old);
		}
	}
	return make_parents(l->path) ? -1 : d2s_diag_open_log(d, l->path);
}

int d2s_runlog_open(struct d2s_runlog *l, struct d2s_diag *d, const char *named, int argc,
		    char **argv, const char *early)
{
	d2s_runlog_open_tty(l, d, D2S_TTY_PATH);
	if (early)
		d2s_diag_tty_puts(d, early); /* usage errors */
	if (named && !*named)
		return 0;
	if (named) {
		if (d2s_diag_open_log(d, named))
			return -1;
		l->path = strdup(named);
	} else if (l->client != D2S_CLIENT_NONE && open_default(l, d)) {
		char msg[PATH_MAX + 200];
		snprintf(msg, sizeof(msg), "deploy2sts: warning: cannot open the log file %s: %s "
			 "(diagnostics go to stderr only)\n", l->path ? l->path : "(no HOME)", strerror(errno));
		if (d->err)
			fputs(msg, d->err);
		d2s_diag_tty_puts(d, msg);
		free(l->path);
		l->path = NULL;
		return 0;
	}
	if (!d->log)
		return 0;
	header(d->log, l->client, argc, argv);
	if (early)
		fputs(early, d->log);
	fflush(d->log);
	return 0;
}

void d2s_runlog_end(struct d2s_runlog *l, struct d2s_diag *d, int exit_code, const char *summary)
{
	if (d->log) {
		/* the run summary, then the end line that closes the run's entries */
		if (summary)
			fprintf(d->log, "deploy2sts: summary: %s\n", summary);
		if (exit_code == 2)
			fputs("deploy2sts: end: exit 2, usage error\n", d->log);
		else
			fprintf(d->log, "deploy2sts: end: exit %d, %d error%s, %d warning%s\n", exit_code,
				d->errors, d->errors == 1 ? "" : "s", d->warnings, d->warnings == 1 ? "" : "s");
		fflush(d->log);
	}
	if (exit_code && l->client != D2S_CLIENT_NONE && l->path && d->err)
		fprintf(d->err, "deploy2sts: all diagnostics of this run are in %s\n", l->path);
	if (d->tty && d->tty_lines) {
		if (l->path)
			fprintf(d->tty, "deploy2sts: Helm 4 does not show this plugin's stderr: these messages "
				"and every other one of this run are in %s\n", l->path);
		else
			fputs("deploy2sts: Helm 4 does not show this plugin's stderr, and this run wrote no log "
			      "file (--log-file FILE names one)\n", d->tty);
		fflush(d->tty);
	}
	free(l->path);
	l->path = NULL;
}

/* unit_diag.c - where diagnostics go (src/diag.h, src/runlog.h): stderr,
 * kept entries, and under Helm 4, which shows no plugin stderr, the
 * terminal: errors and data-affecting warnings (D2S_DIAG_DATA) only, with a
 * last line naming the log. The terminal is a real pseudo-terminal here
 * (posix_openpt), opened through d2s_runlog_open_tty as /dev/tty would be. */
#include "helpers.h"
#include "runlog.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

/* Everything written to `f` so far (a tmpfile), NUL-terminated; malloc'ed. */
static char *slurp(FILE *f)
{
	fflush(f);
	long n = ftell(f);
	char *s = calloc(1, (size_t)(n > 0 ? n : 0) + 1);
	assert_non_null(s);
	rewind(f);
	if (n > 0)
		assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
	fseek(f, 0, SEEK_END);
	return s;
}

static const struct d2s_where where = { .file = "<stdin>", .line = 3, .col = 5, .kind = "Deployment",
					 .name = "web", .field = "spec" };

/* A wrapper that passes its caller's flags on, as d2s_cx_diagf would. */
static void wrapper(struct d2s_diag *d, enum d2s_severity sev, unsigned flags, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void wrapper(struct d2s_diag *d, enum d2s_severity sev, unsigned flags, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	d2s_vdiagf(d, sev, flags, &where, fmt, ap);
	va_end(ap);
}

/* Only errors and data-affecting warnings reach the terminal; stderr and
 * the kept entries see every one as before. */
static void tty_gets_errors_and_data_warnings(void **state)
{
	(void)state;
	struct d2s_diag d = { .err = tmpfile(), .tty = tmpfile(), .keep = 1 };
	assert_non_null(d.err);
	assert_non_null(d.tty);
	d2s_diagf(&d, D2S_WARNING, &where, "plain warning %d", 1);
	d2s_diagf_data(&d, D2S_WARNING, &where, "claims start EMPTY (%s)", "data");
	d2s_diagf(&d, D2S_ERROR, &where, "an error");
	d2s_diagf_data(&d, D2S_INFO, &where, "a data info");
	wrapper(&d, D2S_WARNING, D2S_DIAG_DATA, "through a wrapper %s", "too");
	wrapper(&d, D2S_WARNING, 0, "plain through a wrapper");
	char *tty = slurp(d.tty), *err = slurp(d.err);
	assert_string_equal(tty,
		"deploy2sts: warning: <stdin>:3:5: Deployment web: claims start EMPTY (data)\n"
		"deploy2sts: error: <stdin>:3:5: Deployment web: an error\n"
		"deploy2sts: warning: <stdin>:3:5: Deployment web: through a wrapper too\n");
	assert_int_equal(d.tty_lines, 3);
	assert_has(err, "plain warning 1");
	assert_has(err, "claims start EMPTY");
	assert_has(err, "plain through a wrapper");
	assert_int_equal(d.n_entries, 6);
	assert_int_equal(d.entries[0].flags, 0);
	assert_int_equal(d.entries[1].flags, D2S_DIAG_DATA);
	assert_int_equal(d.entries[3].flags, D2S_DIAG_DATA);
	assert_int_equal(d.entries[4].flags, D2S_DIAG_DATA);
	assert_int_equal(d.warnings, 4);
	assert_int_equal(d.errors, 1);
	free(tty);
	free(err);
	fclose(d.err);
	d2s_diag_free(&d); /* closes the terminal */
	assert_null(d.tty);
}

/* -q hides warnings on the terminal too; errors still show. --strict makes
 * every warning an error, so a plain one reaches the terminal then. */
static void quiet_and_strict(void **state)
{
	(void)state;
	struct d2s_diag q = { .err = tmpfile(), .tty = tmpfile(), .quiet = 1 };
	d2s_diagf_data(&q, D2S_WARNING, &where, "data warning");
	d2s_diagf(&q, D2S_ERROR, &where, "an error");
	char *tty = slurp(q.tty);
	assert_lacks(tty, "data warning");
	assert_has(tty, "an error");
	free(tty);
	fclose(q.err);
	d2s_diag_free(&q);

	struct d2s_diag s = { .tty = tmpfile(), .strict = 1 };
	d2s_diagf(&s, D2S_WARNING, &where, "plain warning");
	tty = slurp(s.tty);
	assert_has(tty, "deploy2sts: error: <stdin>:3:5: Deployment web: plain warning");
	free(tty);
	d2s_diag_free(&s);

	/* no terminal: nothing to write, nothing fails */
	struct d2s_diag none = { 0 };
	d2s_diagf(&none, D2S_ERROR, &where, "an error");
	d2s_diag_tty_puts(&none, "text\n");
	d2s_diag_tty_puts(NULL, "text\n");
	assert_int_equal(none.tty_lines, 0);
}

/* A pseudo-terminal pair: *master and the slave's path. Returns 0. */
static int make_pty(int *master, char *path, size_t n)
{
	*master = posix_openpt(O_RDWR | O_NOCTTY);
	if (*master < 0 || grantpt(*master) || unlockpt(*master) || !ptsname(*master))
		return -1;
	snprintf(path, n, "%s", ptsname(*master));
	return 0;
}

/* What the terminal shows so far (the master side), NUL-terminated. */
static char *drain(int master)
{
	static char buf[8192];
	size_t len = 0;
	struct pollfd p = { .fd = master, .events = POLLIN };
	while (len + 1 < sizeof(buf) && poll(&p, 1, 200) > 0) {
		ssize_t k = read(master, buf + len, sizeof(buf) - 1 - len);
		if (k <= 0)
			break;
		len += (size_t)k;
	}
	buf[len] = '\0';
	return buf;
}

/* d2s_runlog_open_tty opens a terminal for the Helm 4 plugin only, never
 * a file that is not a terminal, and never the terminal stderr already is;
 * d2s_runlog_end then names the log there. */
static void runlog_terminal(void **state)
{
	(void)state;
	int master;
	char path[128];
	if (make_pty(&master, path, sizeof(path))) {
		fprintf(stderr, "SKIP runlog_terminal: no pseudo-terminal (%s)\n", strerror(errno));
		skip();
	}
	struct d2s_runlog cli = { .client = D2S_CLIENT_NONE }, helm3 = { .client = D2S_CLIENT_HELM_POSTREND };
	struct d2s_runlog helm4 = { .client = D2S_CLIENT_HELM_PLUGIN };
	struct d2s_diag d = { 0 };
	assert_int_equal(d2s_runlog_open_tty(&cli, &d, path), 0);
	assert_int_equal(d2s_runlog_open_tty(&helm3, &d, path), 0);
	assert_int_equal(d2s_runlog_open_tty(&helm4, &d, "/dev/null"), 0);  /* not a terminal */
	assert_int_equal(d2s_runlog_open_tty(&helm4, &d, "/nonexistent/tty"), 0);
	assert_null(d.tty);

	/* stderr is that terminal already: Helm shows it, no second copy */
	int saved = dup(2), slave = open(path, O_RDWR | O_NOCTTY);
	assert_true(saved >= 0 && slave >= 0);
	dup2(slave, 2);
	int opened = d2s_runlog_open_tty(&helm4, &d, path);
	dup2(saved, 2);
	close(saved);
	close(slave);
	assert_int_equal(opened, 0);

	assert_int_equal(d2s_runlog_open_tty(&helm4, &d, path), 1);
	helm4.path = strdup("/state/deploy2sts/deploy2sts.log");
	d2s_diagf(&d, D2S_WARNING, &where, "plain warning");
	d2s_diagf(&d, D2S_ERROR, &where, "the StatefulSet name is longer than 52");
	d2s_runlog_end(&helm4, &d, 1, NULL);
	char *shown = drain(master);
	assert_has(shown, "deploy2sts: error: <stdin>:3:5: Deployment web: the StatefulSet name is longer than 52");
	assert_has(shown, "every other one of this run are in /state/deploy2sts/deploy2sts.log");
	assert_lacks(shown, "plain warning");
	d2s_diag_free(&d);

	/* nothing for the terminal: no closing line either */
	struct d2s_diag quiet = { 0 };
	struct d2s_runlog l2 = { .client = D2S_CLIENT_HELM_PLUGIN };
	assert_int_equal(d2s_runlog_open_tty(&l2, &quiet, path), 1);
	d2s_diagf(&quiet, D2S_WARNING, &where, "plain warning");
	d2s_runlog_end(&l2, &quiet, 0, NULL);
	assert_string_equal(drain(master), "");
	d2s_diag_free(&quiet);
	close(master);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tty_gets_errors_and_data_warnings),
		cmocka_unit_test(quiet_and_strict),
		cmocka_unit_test(runlog_terminal),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

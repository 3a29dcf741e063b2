/* diag.c - diagnostics (every stage reports here): formats and routes them
 * (stderr, log file, KRM results). */
#include "diag.h"
#include "buf.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static char *dup_or_null(const char *s)
{
	return s ? d2s_check_alloc(strdup(s)) : NULL;
}

/* The chart template whose rendering holds `line` of `file`, or NULL. */
static const struct d2s_diag_template *template_at(const struct d2s_diag *d, const char *file,
						   long line)
{
	for (size_t i = d->n_templates; file && line > 0 && i-- > 0;) {
		const struct d2s_diag_template *t = &d->templates[i];
		if (t->first <= line && line <= t->last && !strcmp(t->file, file))
			return t;
	}
	return NULL;
}

static void format_where(const struct d2s_diag *d, struct d2s_buf *b, const struct d2s_where *w)
{
	if (!w)
		return;
	const struct d2s_diag_template *t = d->by_template ? template_at(d, w->file, w->line) : NULL;
	if (t) { /* the chart template and the line inside its rendering */
		long l = w->line - t->body + 1;
		d2s_buf_printf(b, "%s:%ld:%ld: ", t->name, l > 0 ? l : 1, w->col > 0 ? w->col : 1);
	} else if (w->file) {
		d2s_buf_puts(b, w->file);
		if (w->line > 0)
			d2s_buf_printf(b, ":%ld:%ld", w->line, w->col > 0 ? w->col : 1);
		d2s_buf_puts(b, ": ");
	}
	if (w->kind || w->name) {
		d2s_buf_puts(b, w->kind ? w->kind : "object");
		d2s_buf_puts(b, " ");
		if (w->ns && *w->ns)
			d2s_buf_printf(b, "%s/", w->ns);
		d2s_buf_puts(b, w->name && *w->name ? w->name : "(unnamed)");
		d2s_buf_puts(b, ": ");
	}
}

static void keep_entry(struct d2s_diag *d, enum d2s_severity sev, unsigned flags,
		       const struct d2s_where *w, const char *msg)
{
	if (d->n_entries == d->cap_entries) {
		d->cap_entries = d->cap_entries ? d->cap_entries * 2 : 16;
		d->entries = d2s_check_alloc(realloc(d->entries,
			d->cap_entries * sizeof(*d->entries)));
	}
	struct d2s_diag_entry *e = &d->entries[d->n_entries++];
	memset(e, 0, sizeof(*e));
	e->severity = sev;
	e->flags = flags;
	e->message = dup_or_null(msg);
	if (w) {
		e->file = dup_or_null(w->file);
		e->api_version = dup_or_null(w->api_version);
		e->kind = dup_or_null(w->kind);
		e->ns = dup_or_null(w->ns);
		e->name = dup_or_null(w->name);
		e->field = dup_or_null(w->field);
		e->line = w->line;
		e->col = w->col;
	}
}

int d2s_diag_hard_errors(const struct d2s_diag *d)
{
	return d->errors - d->strict_warnings;
}

void d2s_diag_tty_puts(struct d2s_diag *d, const char *text)
{
	if (!d || !d->tty || !text)
		return;
	fputs(text, d->tty);
	fflush(d->tty);
	for (const char *p = text; *p; p++)
		d->tty_lines += *p == '\n';
}

void d2s_diagf(struct d2s_diag *d, enum d2s_severity sev,
		const struct d2s_where *w, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	d2s_vdiagf(d, sev, 0, w, fmt, ap);
	va_end(ap);
}

void d2s_diagf_data(struct d2s_diag *d, enum d2s_severity sev,
		    const struct d2s_where *w, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	d2s_vdiagf(d, sev, D2S_DIAG_DATA, w, fmt, ap);
	va_end(ap);
}

const char *d2s_diag_severity_name(enum d2s_severity sev)
{
	static const char *const names[] = { "info", "warning", "error" };
	return names[sev];
}

void d2s_vdiagf(struct d2s_diag *d, enum d2s_severity sev, unsigned flags,
		const struct d2s_where *w, const char *fmt, va_list ap)
{
	if (sev == D2S_WARNING && d->strict) {
		sev = D2S_ERROR;
		d->strict_warnings++;
	}
	if (sev == D2S_ERROR)
		d->errors++;
	else if (sev == D2S_WARNING)
		d->warnings++;
	if (sev == D2S_INFO && !d->keep && !d->print_infos && !d->log)
		return; /* nobody reads it: skip the formatting */

	struct d2s_buf msg = {0};
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n > 0) {
		char *tmp = d2s_check_alloc(malloc((size_t)n + 1));
		va_copy(ap2, ap);
		vsnprintf(tmp, (size_t)n + 1, fmt, ap2);
		va_end(ap2);
		d2s_buf_add(&msg, tmp, (size_t)n);
		free(tmp);
	}

	struct d2s_buf line = {0};
	d2s_buf_printf(&line, "deploy2sts: %s: ", d2s_diag_severity_name(sev));
	format_where(d, &line, w);
	d2s_buf_add(&line, msg.data ? msg.data : "", msg.len);
	d2s_buf_puts(&line, "\n");

	int show = sev == D2S_ERROR || (!d->quiet && (sev == D2S_WARNING || d->print_infos));
	if (show && d->err)
		fputs(line.data, d->err);
	/* Helm 4 drops our stderr: errors and data-affecting warnings go to the terminal too */
	if (sev == D2S_ERROR || (sev == D2S_WARNING && (flags & D2S_DIAG_DATA) && !d->quiet))
		d2s_diag_tty_puts(d, line.data);
	if (d->log) { /* the log is the whole record: notes too */
		fputs(line.data, d->log);
		fflush(d->log);
	}
	if (d->keep)
		keep_entry(d, sev, flags, w, msg.data ? msg.data : "");
	d2s_buf_free(&line);
	d2s_buf_free(&msg);
}

void d2s_diag_template(struct d2s_diag *d, const char *file, long first, long last, long body,
		       const char *name)
{
	if (!d->by_template || !file || !name)
		return;
	if ((d->n_templates & (d->n_templates - 1)) == 0)
		d->templates = d2s_check_alloc(realloc(d->templates, (d->n_templates ? 2 * d->n_templates : 1) *
						       sizeof(*d->templates)));
	struct d2s_diag_template *t = &d->templates[d->n_templates++];
	t->file = d2s_check_alloc(strdup(file));
	t->name = d2s_check_alloc(strdup(name));
	t->first = first;
	t->last = last;
	t->body = body;
}

int d2s_diag_open_log(struct d2s_diag *d, const char *path)
{
	FILE *f = fopen(path, "a");
	if (!f)
		return -1;
	if (d->log)
		fclose(d->log);
	d->log = f;
	return 0;
}

void d2s_diag_free(struct d2s_diag *d)
{
	for (size_t i = 0; i < d->n_entries; i++) {
		struct d2s_diag_entry *e = &d->entries[i];
		free(e->message);
		free(e->file);
		free(e->api_version);
		free(e->kind);
		free(e->ns);
		free(e->name);
		free(e->field);
	}
	free(d->entries);
	d->entries = NULL;
	d->n_entries = d->cap_entries = 0;
	for (size_t i = 0; i < d->n_templates; i++) {
		free(d->templates[i].file);
		free(d->templates[i].name);
	}
	free(d->templates);
	d->templates = NULL;
	d->n_templates = 0;
	if (d->log)
		fclose(d->log);
	d->log = NULL;
	if (d->tty)
		fclose(d->tty);
	d->tty = NULL;
}

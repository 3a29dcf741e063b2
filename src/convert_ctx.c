/* convert_ctx.c - convert stage, internal: reporting and small node helpers
 * shared by convert.c, storage.c and service.c (see convert_ctx.h). */
#include "convert_ctx.h"

#include <stdarg.h>
#include <stdio.h>

/* d2s_cx_diagf and d2s_cx_diagf_data: `flags` are D2S_DIAG_*. */
static void cx_vdiag(struct d2s_cx *c, enum d2s_severity sev, unsigned flags,
		     const struct d2s_node *at, const char *field, const char *fmt, va_list ap)
{
	struct d2s_where w = {
		.file = c->file, .api_version = "apps/v1", .kind = "Deployment",
		.ns = c->ns, .name = c->name, .field = field,
	};
	if (!at)
		at = c->doc->root; /* every message has a position: the object's */
	if (at) {
		long l, col;
		d2s_linecol(c->doc->text, at->start, &l, &col);
		w.line = c->line0 + l - 1;
		w.col = col;
	}
	d2s_vdiagf(c->diag, sev, flags, &w, fmt, ap);
	if (sev == D2S_ERROR)
		c->failed = 1;
}

void d2s_cx_diagf(struct d2s_cx *c, enum d2s_severity sev, const struct d2s_node *at,
		  const char *field, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	cx_vdiag(c, sev, 0, at, field, fmt, ap);
	va_end(ap);
}

void d2s_cx_diagf_data(struct d2s_cx *c, enum d2s_severity sev, const struct d2s_node *at,
		       const char *field, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	cx_vdiag(c, sev, D2S_DIAG_DATA, at, field, fmt, ap);
	va_end(ap);
}

size_t d2s_cx_pair_index(const struct d2s_node *map, const char *key)
{
	for (size_t i = 0; map && i < map->n; i++)
		if (d2s_is(map->kids[2 * i], key))
			return i;
	return (size_t)-1;
}

int d2s_cx_editable(struct d2s_cx *c, const struct d2s_node *n, const char *field)
{
	(void)field;
	const struct d2s_node *s = d2s_shared(n);
	if (!s)
		return 1;
	c->ed.expand = 1;
	return 0;
}

void d2s_cx_remove_key(struct d2s_cx *c, const struct d2s_node *map, const char *key)
{
	size_t i = d2s_cx_pair_index(map, key);
	if (i == (size_t)-1) {
		if (d2s_get(map, key)) /* it comes from a merge key */
			c->ed.expand = 1;
		return;
	}
	if (!d2s_cx_editable(c, map, key))
		return;
	const struct d2s_node *a = d2s_holds_anchor(map->kids[2 * i + 1]);
	if (a) { /* removing it would leave an alias without its anchor */
		c->ed.expand = 1;
		return;
	}
	d2s_yremove_pair(&c->ed, map, i);
}

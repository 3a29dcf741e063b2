/* convert_ctx.c - convert stage, internal: reporting and small node helpers
 * shared by convert.c, storage.c and service.c (see convert_ctx.h). */
#include "convert_ctx.h"

#include <stdarg.h>
#include <stdio.h>

void d2s_cx_report(struct d2s_cx *c, enum d2s_severity sev, const struct d2s_node *at,
		   const char *field, const char *fmt, ...)
{
	struct d2s_where w = {
		.file = c->file, .api_version = "apps/v1", .kind = "Deployment",
		.ns = c->ns, .name = c->name, .field = field,
	};
	if (at) {
		long l, col;
		d2s_linecol(c->doc->text, at->start, &l, &col);
		w.line = c->line0 + l - 1;
		w.col = col;
	}
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	d2s_report(c->diag, sev, &w, "%s", msg);
	if (sev == D2S_ERROR)
		c->failed = 1;
}

int d2s_cx_is_uint(const struct d2s_node *n)
{
	if (!n || n->type != D2S_SCALAR || n->style != D2S_PLAIN || !n->value[0])
		return 0;
	for (const char *p = n->value; *p; p++)
		if (*p < '0' || *p > '9')
			return 0;
	return 1;
}

size_t d2s_cx_pair_index(const struct d2s_node *map, const char *key)
{
	for (size_t i = 0; map && i < map->n; i++)
		if (d2s_is(map->kids[2 * i], key))
			return i;
	return (size_t)-1;
}

void d2s_cx_remove_key(struct d2s_cx *c, const struct d2s_node *map, const char *key)
{
	size_t i = d2s_cx_pair_index(map, key);
	if (i != (size_t)-1)
		d2s_yremove_pair(&c->ed, map, i);
}

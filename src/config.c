/* config.c - the typed readers of options: a StatefulSetConversion
 * (`--config FILE`, the kustomize legacy plugin config, a typed KRM
 * functionConfig) and a ConfigMap functionConfig (see config.h). Keys are
 * found in the option table (optable.h) by their `path`; nothing here names
 * an option. */
#include "config.h"
#include "reader.h"
#include "buf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define fail d2s_cfg_fail

/* Options visible at this level of the spec (overrides have no selector). */
static int visible(const struct d2s_option *opt, int top)
{
	return opt->name && opt->path && (top || !(opt->flags & D2S_OF_TOP));
}

/* The option whose path is "spec." + rel, or NULL; *aux when rel is its
 * path_aux; *inner when rel is a mapping holding option paths. */
static const struct d2s_option *find_path(const char *rel, int top, int *aux, int *inner)
{
	size_t n = strlen(rel);
	*aux = *inner = 0;
	for (const struct d2s_option *opt = d2s_optable; opt->help || opt->name; opt++) {
		if (!visible(opt, top))
			continue;
		if (!strcmp(opt->path + 5, rel))
			return opt;
		if (opt->path_aux && !strcmp(opt->path_aux + 5, rel))
			*aux = 1;
		if (!strncmp(opt->path + 5, rel, n) && opt->path[5 + n] == '.')
			*inner = 1;
	}
	return NULL;
}

/* "known: a, b, c" for the keys directly under prefix `rel` ("" = spec). */
static void known_keys(const char *rel, int top, struct d2s_buf *b)
{
	size_t n = strlen(rel);
	for (const struct d2s_option *opt = d2s_optable; opt->help || opt->name; opt++) {
		const char *paths[2] = { visible(opt, top) ? opt->path : NULL,
					 visible(opt, top) ? opt->path_aux : NULL };
		for (int i = 0; i < 2; i++) {
			if (!paths[i] || strncmp(paths[i] + 5, rel, n))
				continue;
			const char *k = paths[i] + 5 + n, *dot = strchr(k, '.');
			size_t len = dot ? (size_t)(dot - k) : strlen(k);
			char key[96];
			snprintf(key, sizeof(key), "%.*s", (int)len, k);
			if (!b->data || !strstr(b->data, key))
				d2s_buf_printf(b, "%s%s", b->len ? ", " : "", key);
		}
	}
}

static int unknown(struct d2s_cfgerr *c, const struct d2s_node *k, const char *where, const char *rel, int top)
{
	struct d2s_buf b = {0};
	known_keys(rel, top, &b);
	if (!top && !*rel)
		d2s_buf_puts(&b, ", name");
	fail(c, k, "%s: unknown key \"%s\" (known: %s)", where, d2s_str(k) ? k->value : "?",
	     b.data ? b.data : "");
	d2s_buf_free(&b);
	return -1;
}

static int set_scalar(struct d2s_cfgerr *c, struct d2s_options *o, const struct d2s_option *opt,
		      const struct d2s_node *v, const char *path)
{
	if (!v || v->type != D2S_SCALAR)
		return fail(c, v, "%s: want a single value, found a list or mapping", path);
	char msg[512];
	if (d2s_opt_set(opt, o, NULL, v->value, msg, sizeof(msg)))
		return fail(c, v, "%s: %s", path, msg);
	return 0;
}

static int set_bool(struct d2s_cfgerr *c, struct d2s_options *o, const struct d2s_option *opt,
		    const struct d2s_node *v, const char *path)
{
	const char *s = d2s_str(v);
	if (!s || (strcmp(s, "true") && strcmp(s, "false")))
		return fail(c, v, "%s: want true or false, found \"%s\"", path, s ? s : "?");
	int b = !strcmp(s, "true") != !!(opt->flags & D2S_OF_INVERT);
	char msg[256];
	return d2s_opt_set(opt, o, NULL, b ? "true" : "false", msg, sizeof(msg));
}

/* A label map (matchLabels) -> the selector text k=v,k2=v2. */
static int set_labels(struct d2s_cfgerr *c, struct d2s_options *o, const struct d2s_option *opt,
		      const struct d2s_node *v, const char *path)
{
	if (!v || v->type != D2S_MAP)
		return fail(c, v, "%s: want a mapping", path);
	struct d2s_buf b = {0};
	for (size_t i = 0; i < v->n; i++) {
		const struct d2s_node *k = v->kids[2 * i], *x = v->kids[2 * i + 1];
		if (k->type != D2S_SCALAR || x->type != D2S_SCALAR || strpbrk(x->value, ",=") ||
		    strpbrk(k->value, ",=")) {
			d2s_buf_free(&b);
			return fail(c, x, "%s.%s: want a plain value without ',' or '='", path,
				    d2s_str(k) ? k->value : "?");
		}
		d2s_buf_printf(&b, "%s%s=%s", b.len ? "," : "", k->value, x->value);
	}
	char msg[512];
	int rc = b.len && d2s_opt_set(opt, o, NULL, b.data, msg, sizeof(msg)) ? fail(c, v, "%s: %s", path, msg) : 0;
	d2s_buf_free(&b);
	return rc;
}

/* One key of the spec whose option is `opt`. */
static int set_node(struct d2s_cfgerr *c, struct d2s_options *o, const struct d2s_option *opt,
		    const struct d2s_node *x, const struct d2s_node *parent)
{
	const char *path = opt->path;
	if (opt->kind == D2S_OPT_CALLBACK)
		return opt->load(o, x, parent, path, c);
	if (opt->flags & D2S_OF_LABELS)
		return set_labels(c, o, opt, x, path);
	if (opt->kind == D2S_OPT_BOOL)
		return set_bool(c, o, opt, x, path);
	if (opt->kind != D2S_OPT_LIST)
		return set_scalar(c, o, opt, x, path);
	if (!x || x->type != D2S_SEQ)
		return fail(c, x, "%s: want a list", path);
	for (size_t i = 0; i < x->n; i++)
		if (set_scalar(c, o, opt, x->kids[i], path))
			return -1;
	return 0;
}

static int spec_fields(struct d2s_cfgerr *c, struct d2s_options *o, const struct d2s_node *spec, int top);

/* The keys of mapping `m` at key path "spec." + rel (rel "" or "a.b."). */
static int map_fields(struct d2s_cfgerr *c, struct d2s_options *o, const struct d2s_node *m,
		      const char *rel, int top)
{
	char where[160];
	snprintf(where, sizeof(where), "%s%s%.*s", !*rel && !top ? "spec.overrides[]" : "spec",
		 *rel ? "." : "", (int)(*rel ? strlen(rel) - 1 : 0), rel);
	if (!m || m->type != D2S_MAP)
		return fail(c, m, "%s: want a mapping", where);
	for (size_t i = 0; i < m->n; i++) {
		const struct d2s_node *k = m->kids[2 * i], *x = m->kids[2 * i + 1];
		if (k->type != D2S_SCALAR)
			return fail(c, k, "%s: keys must be plain strings", where);
		if (!*rel && (d2s_is(k, top ? "overrides" : "name")))
			continue; /* overrides: after the base fields, so they start from them */
		char sub[160];
		int aux, inner;
		snprintf(sub, sizeof(sub), "%s%s", rel, k->value);
		const struct d2s_option *opt = find_path(sub, top, &aux, &inner);
		int rc = 0;
		if (opt) {
			rc = set_node(c, o, opt, x, m);
		} else if (inner) {
			snprintf(sub, sizeof(sub), "%s%s.", rel, k->value);
			rc = map_fields(c, o, x, sub, top);
		} else if (!aux) {
			rc = unknown(c, k, where, rel, top);
		}
		if (rc)
			return -1;
	}
	return 0;
}

/* Keys read by a callback beside its own (spec.volumeMounts) need it. */
static int check_aux(struct d2s_cfgerr *c, const struct d2s_node *spec, int top)
{
	for (const struct d2s_option *opt = d2s_optable; opt->help || opt->name; opt++) {
		if (!visible(opt, top) || !opt->path_aux)
			continue;
		const struct d2s_node *aux = d2s_get(spec, opt->path_aux + 5);
		if (aux && !d2s_get(spec, opt->path + 5))
			return fail(c, aux, "%s: needs %s of the same names", opt->path_aux, opt->path);
	}
	return 0;
}

static int overrides_field(struct d2s_cfgerr *c, struct d2s_options *o, const struct d2s_node *v)
{
	if (!v || v->type != D2S_SEQ)
		return fail(c, v, "spec.overrides: want a list");
	for (size_t i = 0; i < v->n; i++) {
		const struct d2s_node *item = v->kids[i];
		const char *name = d2s_get_str(item, "name");
		if (!name)
			return fail(c, item, "spec.overrides[]: name (a Deployment name or glob) is required");
		struct d2s_options *ov = d2s_check_alloc(calloc(1, sizeof(*ov)));
		d2s_options_copy(ov, o);
		o->overrides = d2s_check_alloc(realloc(o->overrides, (o->n_overrides + 1) * sizeof(*o->overrides)));
		o->overrides[o->n_overrides].name = d2s_check_alloc(strdup(name));
		o->overrides[o->n_overrides++].opts = ov;
		if (spec_fields(c, ov, item, 0))
			return -1;
	}
	return 0;
}

static int spec_fields(struct d2s_cfgerr *c, struct d2s_options *o, const struct d2s_node *spec, int top)
{
	if (!spec || spec->type != D2S_MAP)
		return fail(c, spec, "spec: want a mapping");
	if (map_fields(c, o, spec, "", top) || check_aux(c, spec, top))
		return -1;
	if (top && d2s_get(spec, "overrides"))
		return overrides_field(c, o, d2s_get(spec, "overrides"));
	return 0;
}

int d2s_config_apply(struct d2s_options *o, const struct d2s_node *root, char *err, size_t errlen,
		     const struct d2s_node **at)
{
	struct d2s_cfgerr c = { err, errlen, at };
	if (!root || root->type != D2S_MAP)
		return fail(&c, root, "want a StatefulSetConversion mapping");
	if (!d2s_is(d2s_get(root, "apiVersion"), "deploy2sts.io/v1alpha1") ||
	    !d2s_is(d2s_get(root, "kind"), "StatefulSetConversion"))
		return fail(&c, root, "want apiVersion deploy2sts.io/v1alpha1, kind StatefulSetConversion");
	for (size_t i = 0; i < root->n; i++) {
		const struct d2s_node *k = root->kids[2 * i];
		if (!d2s_is(k, "apiVersion") && !d2s_is(k, "kind") && !d2s_is(k, "metadata") && !d2s_is(k, "spec"))
			return fail(&c, k, "unknown key \"%s\"", d2s_str(k) ? k->value : "?");
	}
	const struct d2s_node *spec = d2s_get(root, "spec");
	return spec ? spec_fields(&c, o, spec, 1) : 0;
}

int d2s_config_apply_configmap(struct d2s_options *o, const struct d2s_node *root, char *err,
			       size_t errlen, const struct d2s_node **at)
{
	struct d2s_cfgerr c = { err, errlen, at };
	const struct d2s_node *data = d2s_get(root, "data");
	if (!data)
		return 0;
	if (data->type != D2S_MAP)
		return fail(&c, data, "data: want a mapping");
	for (size_t i = 0; i < data->n; i++) {
		const struct d2s_node *k = data->kids[2 * i], *x = data->kids[2 * i + 1];
		if (k->type != D2S_SCALAR || x->type != D2S_SCALAR)
			return fail(&c, k, "data: keys and values must be strings");
		char msg[512];
		if (d2s_options_set(o, k->value, x->value, msg, sizeof(msg)))
			return fail(&c, x, "data.%s: %s", k->value, msg);
	}
	return 0;
}

int d2s_config_load_text(struct d2s_options *o, const char *text, size_t len, const char *name,
			 char *err, size_t errlen)
{
	struct d2s_parser *p = d2s_parser_new();
	struct d2s_doc doc = {0};
	if (!p)
		return -1;
	int rc = -1;
	char msg[600];
	long line, col;
	const struct d2s_node *at = NULL;
	if (d2s_text_check(text, len, msg, sizeof(msg), &line, &col)) {
		snprintf(err, errlen, "%s:%ld:%ld: %s", name, line, col, msg);
	} else if (d2s_parse(p, text, len, &doc)) {
		snprintf(err, errlen, "%s:%ld:%ld: invalid YAML: %s", name, doc.err_line, doc.err_col, doc.err_msg);
	} else if (doc.n_docs != 1) {
		snprintf(err, errlen, "%s: want exactly one StatefulSetConversion document", name);
	} else if (d2s_config_apply(o, doc.root, msg, sizeof(msg), &at)) {
		line = col = 1;
		if (at)
			d2s_linecol(text, at->start, &line, &col);
		snprintf(err, errlen, "%s:%ld:%ld: %s", name, line, col, msg);
	} else {
		rc = 0;
	}
	d2s_doc_free(&doc);
	d2s_parser_free(p);
	return rc;
}

int d2s_config_load_file(struct d2s_options *o, const char *path, char *err, size_t errlen)
{
	struct d2s_buf b = {0};
	if (d2s_buf_read_file(&b, path)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		d2s_buf_free(&b);
		return -1;
	}
	int rc = d2s_config_load_text(o, b.data ? b.data : "", b.len, path, err, errlen);
	d2s_buf_free(&b);
	return rc;
}

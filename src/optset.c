/* optset.c - setting options from text, driven by the option table
 * (optable.h): one code path for flags, environment variables, the
 * ConfigMap functionConfig and the scalar keys of a StatefulSetConversion. */
#include "optable.h"
#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *field(const struct d2s_option *opt, struct d2s_options *o, struct d2s_run *r, size_t off)
{
	char *base = opt->scope == D2S_SCOPE_MODEL ? (char *)o : (char *)r;
	return base ? base + off : NULL;
}

static int bad(char *err, size_t errlen, const char *key, const char *value, const char *want)
{
	snprintf(err, errlen, "invalid value \"%s\" for %s: %s", value ? value : "", key, want);
	return -1;
}

static int set_bool(const struct d2s_option *opt, int *slot, const char *v, char *err, size_t errlen)
{
	if (!v || !strcmp(v, "true") || !strcmp(v, "1") || !strcmp(v, "yes"))
		*slot = 1;
	else if (!strcmp(v, "false") || !strcmp(v, "0") || !strcmp(v, "no"))
		*slot = 0;
	else
		return bad(err, errlen, opt->name, v, "want true or false");
	return 0;
}

static int set_enum(const struct d2s_option *opt, char **slot, const char *v, char *err, size_t errlen)
{
	for (int i = 0; opt->values[i]; i++)
		if (!strcmp(v, opt->values[i])) {
			free(*slot);
			*slot = d2s_check_alloc(strdup(v));
			return 0;
		}
	struct d2s_buf want = {0};
	for (int i = 0; opt->values[i]; i++)
		d2s_buf_printf(&want, "%s%s", i == 0 ? "want " : opt->values[i + 1] ? ", " : " or ",
			       opt->values[i]);
	bad(err, errlen, opt->name, v, want.data);
	d2s_buf_free(&want);
	return -1;
}

static void list_append(char ***v, size_t *n, const char *s)
{
	*v = d2s_check_alloc(realloc(*v, (*n + 1) * sizeof(**v)));
	(*v)[(*n)++] = d2s_check_alloc(strdup(s));
}

int d2s_opt_set(const struct d2s_option *opt, struct d2s_options *o, struct d2s_run *r,
		const char *v, char *err, size_t errlen)
{
	void *slot = field(opt, o, r, opt->offset);
	char want[400];
	if (opt->kind == D2S_OPT_BOOL)
		return set_bool(opt, slot, v, err, errlen);
	if (!v)
		return bad(err, errlen, opt->name, v, "a value is required");
	switch (opt->kind) {
	case D2S_OPT_STRING:
		if (opt->check && opt->check(v, want, sizeof(want)))
			return bad(err, errlen, opt->name, v, want);
		free(*(char **)slot);
		*(char **)slot = d2s_check_alloc(strdup(v));
		return 0;
	case D2S_OPT_COUNT:
		if (d2s_opt_parse_count(v, slot))
			return bad(err, errlen, opt->name, v, "want a non-negative integer");
		return 0;
	case D2S_OPT_ENUM:
		return set_enum(opt, slot, v, err, errlen);
	case D2S_OPT_LIST:
		list_append(slot, field(opt, o, r, opt->count_offset), v);
		return 0;
	case D2S_OPT_CALLBACK:
		if (opt->set(o, v, want, sizeof(want)))
			return bad(err, errlen, opt->name, v, want);
		return 0;
	default:
		snprintf(err, errlen, "option \"%s\" cannot be set", opt->name);
		return -1;
	}
}

void d2s_opt_reset(const struct d2s_option *opt, struct d2s_options *o, struct d2s_run *r)
{
	if (opt->kind == D2S_OPT_CALLBACK && (opt->flags & D2S_OF_REPEAT) && o) {
		opt->reset(o);
	} else if (opt->kind == D2S_OPT_LIST && field(opt, o, r, 0)) {
		char ***list = field(opt, o, r, opt->offset);
		size_t *n = field(opt, o, r, opt->count_offset);
		for (size_t k = 0; k < *n; k++)
			free((*list)[k]);
		free(*list);
		*list = NULL;
		*n = 0;
	}
}

int d2s_options_set(struct d2s_options *o, const char *key, const char *value, char *err, size_t errlen)
{
	const struct d2s_option *opt = d2s_opt_find(key);
	if (!opt || opt->kind == D2S_OPT_ACTION) {
		snprintf(err, errlen, "unknown option \"%s\"", key);
		return -1;
	}
	if (opt->scope == D2S_SCOPE_MODEL)
		return d2s_opt_set(opt, o, NULL, value, err, errlen);
	struct d2s_run scratch = {0}; /* run-time keys: checked, not used here */
	int rc = d2s_opt_set(opt, NULL, &scratch, value, err, errlen);
	d2s_run_free(&scratch);
	return rc;
}

/* ---------- pairs ---------- */

void d2s_pairs_add(struct d2s_pairs *p, const char *key, const char *val)
{
	p->keys = d2s_check_alloc(realloc(p->keys, (p->n + 1) * sizeof(char *)));
	p->vals = d2s_check_alloc(realloc(p->vals, (p->n + 1) * sizeof(char *)));
	p->keys[p->n] = d2s_check_alloc(strdup(key));
	p->vals[p->n] = val ? d2s_check_alloc(strdup(val)) : NULL;
	p->n++;
}

void d2s_pairs_free(struct d2s_pairs *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->keys[i]);
		free(p->vals[i]);
	}
	free(p->keys);
	free(p->vals);
	memset(p, 0, sizeof(*p));
}

static int has_key(const struct d2s_pairs *p, const char *key, size_t before)
{
	for (size_t i = 0; i < before && i < p->n; i++)
		if (!strcmp(p->keys[i], key))
			return 1;
	return 0;
}

const char *d2s_pairs_get(const struct d2s_pairs *p, const char *key)
{
	const char *v = NULL;
	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(p->keys[i], key))
			v = p->vals[i] ? p->vals[i] : "true";
	return v;
}

/* Apply the pairs of one scope: first mention of a key clears its list. */
static int apply_scope(const struct d2s_pairs *p, struct d2s_options *o, struct d2s_run *r,
		       enum d2s_opt_scope scope, char *err, size_t errlen)
{
	for (size_t i = 0; i < p->n; i++) {
		const struct d2s_option *opt = d2s_opt_find(p->keys[i]);
		if (opt && opt->scope == scope && !has_key(p, p->keys[i], i))
			d2s_opt_reset(opt, o, r);
	}
	for (size_t i = 0; i < p->n; i++) {
		const struct d2s_option *opt = d2s_opt_find(p->keys[i]);
		int rc = opt && opt->scope == scope ? d2s_opt_set(opt, o, r, p->vals[i], err, errlen)
			 : scope == D2S_SCOPE_MODEL ? d2s_options_set(o, p->keys[i], p->vals[i], err, errlen) : 0;
		if (rc)
			return -1;
	}
	return 0;
}

int d2s_pairs_apply(const struct d2s_pairs *p, struct d2s_options *o, char *err, size_t errlen)
{
	if (apply_scope(p, o, NULL, D2S_SCOPE_MODEL, err, errlen))
		return -1;
	for (size_t i = 0; i < o->n_overrides; i++)
		if (apply_scope(p, o->overrides[i].opts, NULL, D2S_SCOPE_MODEL, err, errlen))
			return -1;
	return 0;
}

int d2s_pairs_apply_run(const struct d2s_pairs *p, struct d2s_run *r, char *err, size_t errlen)
{
	return apply_scope(p, NULL, r, D2S_SCOPE_RUN, err, errlen);
}

void d2s_pairs_merge(struct d2s_pairs *out, const struct d2s_pairs *hi, const struct d2s_pairs *lo)
{
	for (size_t i = 0; i < lo->n; i++)
		if (!has_key(hi, lo->keys[i], hi->n))
			d2s_pairs_add(out, lo->keys[i], lo->vals[i]);
	for (size_t i = 0; i < hi->n; i++)
		d2s_pairs_add(out, hi->keys[i], hi->vals[i]);
}

/* ---------- environment ---------- */

static const char *plain_getenv(const char *name)
{
	return getenv(name);
}

/* Add the value(s) of one variable; lists split on newlines. */
static int env_one(struct d2s_pairs *out, const struct d2s_option *opt, const char *var, const char *v,
		   char *err, size_t errlen)
{
	int list = opt->kind == D2S_OPT_LIST || (opt->flags & D2S_OF_REPEAT);
	char *copy = d2s_check_alloc(strdup(v)), *save = NULL, msg[512];
	int rc = 0;
	for (char *t = list ? strtok_r(copy, "\n", &save) : copy; t && !rc;
	     t = list ? strtok_r(NULL, "\n", &save) : NULL) {
		struct d2s_options o;
		struct d2s_run r = {0};
		d2s_options_init(&o);
		rc = d2s_opt_set(opt, &o, &r, t, msg, sizeof(msg));
		d2s_options_free(&o);
		d2s_run_free(&r);
		if (rc)
			snprintf(err, errlen, "environment %s: %s", var, msg);
		else
			d2s_pairs_add(out, opt->name, t);
	}
	free(copy);
	return rc;
}

int d2s_env_pairs(struct d2s_pairs *out, const char *(*get)(const char *), char *err, size_t errlen)
{
	if (!get)
		get = plain_getenv;
	for (const struct d2s_option *opt = d2s_optable; opt->help || opt->name; opt++) {
		if (!opt->name || opt->scope == D2S_SCOPE_NONE)
			continue;
		char var[96];
		const char *v = get(d2s_opt_env_name(opt, var, sizeof(var)));
		if ((!v || !*v) && opt->env_legacy) {
			snprintf(var, sizeof(var), "%s", opt->env_legacy);
			v = get(var);
		}
		if (v && *v && env_one(out, opt, var, v, err, errlen))
			return -1;
	}
	return 0;
}

/* optvalue.c - compound option values from flag text and from YAML (see
 * optvalue.h). */
#include "optvalue.h"
#include "buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int d2s_cfg_fail(struct d2s_cfgerr *c, const struct d2s_node *n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->err, c->errlen, fmt, ap);
	va_end(ap);
	if (c->at)
		*c->at = n;
	return -1;
}

static const char *key_text(const struct d2s_node *k)
{
	const char *s = d2s_str(k);
	return s ? s : "?";
}

int d2s_vct_set(void *base, const char *value, char *err, size_t errlen)
{
	struct d2s_vct t;
	if (d2s_vct_parse(&t, value, err, errlen))
		return -1;
	if (d2s_options_add_vct(base, &t)) {
		snprintf(err, errlen, "a claim template with this name is already given");
		return -1;
	}
	return 0;
}

void d2s_vct_reset(void *base)
{
	struct d2s_options *o = base;
	for (size_t k = 0; k < o->n_vcts; k++)
		d2s_vct_free(&o->vcts[k]);
	free(o->vcts);
	o->vcts = NULL;
	o->n_vcts = 0;
}

static char *dup_or_null(const char *s)
{
	return s ? d2s_check_alloc(strdup(s)) : NULL;
}

/* spec.volumeMounts: [{name, mountPath}] - only those keys. */
static int check_mounts(const struct d2s_node *mounts, struct d2s_cfgerr *c)
{
	for (size_t i = 0; mounts && mounts->type == D2S_SEQ && i < mounts->n; i++) {
		const struct d2s_node *m = mounts->kids[i];
		for (size_t k = 0; m->type == D2S_MAP && k < m->n; k++)
			if (!d2s_is(m->kids[2 * k], "name") && !d2s_is(m->kids[2 * k], "mountPath"))
				return d2s_cfg_fail(c, m->kids[2 * k], "spec.volumeMounts: unknown key \"%s\" "
						    "(known: name, mountPath)", key_text(m->kids[2 * k]));
	}
	return 0;
}

static const char *mount_path_for(const struct d2s_node *mounts, const char *name)
{
	for (size_t i = 0; mounts && mounts->type == D2S_SEQ && i < mounts->n; i++)
		if (d2s_is(d2s_get(mounts->kids[i], "name"), name))
			return d2s_get_str(mounts->kids[i], "mountPath");
	return NULL;
}

/* accessModes list -> the model's ';'-separated text. */
static int access_modes(struct d2s_vct *v, const struct d2s_node *x, const char *path, struct d2s_cfgerr *c)
{
	if (x->type != D2S_SEQ)
		return d2s_cfg_fail(c, x, "%s[%s].spec.accessModes: want a list", path, v->name);
	struct d2s_buf b = {0};
	for (size_t m = 0; m < x->n; m++) {
		if (!d2s_str(x->kids[m])) {
			d2s_buf_free(&b);
			return d2s_cfg_fail(c, x->kids[m], "%s[%s].spec.accessModes: want strings", path, v->name);
		}
		d2s_buf_printf(&b, "%s%s", m ? ";" : "", x->kids[m]->value);
	}
	free(v->access_modes);
	v->access_modes = b.data ? b.data : dup_or_null("");
	return 0;
}

/* The keys of a template's spec other than resources. */
static int template_spec(struct d2s_vct *v, const struct d2s_node *spec, const char *path,
			 struct d2s_cfgerr *c)
{
	for (size_t k = 0; k < spec->n; k++) {
		const struct d2s_node *key = spec->kids[2 * k], *x = spec->kids[2 * k + 1];
		char **slot = d2s_is(key, "storageClassName") ? &v->storage_class
			: d2s_is(key, "volumeMode") ? &v->volume_mode : NULL;
		if (slot) {
			if (x->type != D2S_SCALAR)
				return d2s_cfg_fail(c, x, "%s[].spec.%s: want a value", path, key->value);
			free(*slot);
			*slot = dup_or_null(x->value);
		} else if (d2s_is(key, "accessModes")) {
			if (access_modes(v, x, path, c))
				return -1;
		} else if (!d2s_is(key, "resources")) {
			return d2s_cfg_fail(c, key, "%s[].spec: unknown key \"%s\"", path, key_text(key));
		}
	}
	return 0;
}

/* The YAML place of a d2s_vct_check field. */
static const char *yaml_field(const char *field)
{
	return !strcmp(field, "name") ? "metadata.name"
		: !strcmp(field, "size") ? "spec.resources.requests.storage"
		: !strcmp(field, "mountPath") ? "volumeMounts[].mountPath"
		: !strcmp(field, "accessModes") ? "spec.accessModes" : field;
}

static int one_template(struct d2s_options *o, const struct d2s_node *t, const struct d2s_node *mounts,
			const char *path, struct d2s_cfgerr *c)
{
	const char *name = d2s_str(d2s_path(t, "metadata", "name"));
	const char *size = d2s_str(d2s_path(t, "spec", "resources", "requests", "storage"));
	if (!name || !size)
		return d2s_cfg_fail(c, t, "%s[]: metadata.name and spec.resources.requests.storage are required",
				    path);
	struct d2s_vct v = { .name = dup_or_null(name), .size = dup_or_null(size),
			     .mount_path = dup_or_null(mount_path_for(mounts, name)) };
	int rc = template_spec(&v, d2s_get(t, "spec"), path, c);
	const char *field;
	char want[400];
	if (!rc && d2s_vct_check(&v, &field, want, sizeof(want)))
		rc = d2s_cfg_fail(c, t, "%s[%s].%s: \"%s\" %s", path, name, yaml_field(field),
				  !strcmp(field, "name") ? name : !strcmp(field, "size") ? size : "", want);
	if (rc) {
		d2s_vct_free(&v);
		return -1;
	}
	if (d2s_options_add_vct(o, &v))
		return d2s_cfg_fail(c, t, "%s[%s]: a claim template with this name is already given", path, name);
	return 0;
}

int d2s_vct_load(void *base, const struct d2s_node *value, const struct d2s_node *parent,
		 const char *path, struct d2s_cfgerr *c)
{
	const struct d2s_node *mounts = d2s_get(parent, "volumeMounts");
	if (!value || value->type != D2S_SEQ)
		return d2s_cfg_fail(c, value, "%s: want a list", path);
	if (check_mounts(mounts, c))
		return -1;
	for (size_t i = 0; i < value->n; i++)
		if (one_template(base, value->kids[i], mounts, path, c))
			return -1;
	return 0;
}

int d2s_retention_set(void *base, const char *value, char *err, size_t errlen)
{
	return d2s_retention_parse(base, value, err, errlen);
}

int d2s_retention_load(void *base, const struct d2s_node *v, const struct d2s_node *parent,
		       const char *path, struct d2s_cfgerr *c)
{
	struct d2s_options *o = base;
	(void)parent;
	if (!v || v->type != D2S_MAP)
		return d2s_cfg_fail(c, v, "%s: want a mapping", path);
	for (size_t i = 0; i < v->n; i++) {
		const struct d2s_node *k = v->kids[2 * i], *x = v->kids[2 * i + 1];
		char **slot = d2s_is(k, "whenDeleted") ? &o->pvc_when_deleted
			: d2s_is(k, "whenScaled") ? &o->pvc_when_scaled : NULL;
		if (!slot)
			return d2s_cfg_fail(c, k, "%s: unknown key \"%s\" (known: whenDeleted, whenScaled)",
					    path, key_text(k));
		const char *s = d2s_str(x);
		if (!s || !d2s_is_retention(s))
			return d2s_cfg_fail(c, x, "%s.%s: want Retain or Delete, found \"%s\"", path, k->value,
					    s ? s : "?");
		free(*slot);
		*slot = dup_or_null(s);
	}
	return 0;
}

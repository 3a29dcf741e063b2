/* config.c - StatefulSetConversion / ConfigMap -> options (see config.h). */
#include "config.h"
#include "reader.h"
#include "buf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------- flag pairs ---------- */

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

const char *d2s_pairs_get(const struct d2s_pairs *p, const char *key)
{
	const char *v = NULL;
	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(p->keys[i], key))
			v = p->vals[i] ? p->vals[i] : "true";
	return v;
}

static void clear_list(struct d2s_options *o, const char *key)
{
	char ***lists[] = { &o->only, &o->exclude, &o->shared_volumes };
	size_t *counts[] = { &o->n_only, &o->n_exclude, &o->n_shared_volumes };
	const char *names[] = { "only", "exclude", "shared-volume" };
	for (int i = 0; i < 3; i++) {
		if (strcmp(key, names[i]))
			continue;
		for (size_t k = 0; k < *counts[i]; k++)
			free((*lists[i])[k]);
		free(*lists[i]);
		*lists[i] = NULL;
		*counts[i] = 0;
	}
	if (!strcmp(key, "volume-claim-template")) {
		for (size_t k = 0; k < o->n_vcts; k++)
			d2s_vct_free(&o->vcts[k]);
		free(o->vcts);
		o->vcts = NULL;
		o->n_vcts = 0;
	}
}

static int apply_pairs_one(const struct d2s_pairs *p, struct d2s_options *o, char *err, size_t errlen)
{
	for (size_t i = 0; i < p->n; i++) {
		int first = 1;
		for (size_t k = 0; k < i; k++)
			first &= strcmp(p->keys[k], p->keys[i]) != 0;
		if (first)
			clear_list(o, p->keys[i]);
	}
	for (size_t i = 0; i < p->n; i++)
		if (d2s_options_set(o, p->keys[i], p->vals[i], err, errlen))
			return -1;
	return 0;
}

int d2s_pairs_apply(const struct d2s_pairs *p, struct d2s_options *o, char *err, size_t errlen)
{
	if (apply_pairs_one(p, o, err, errlen))
		return -1;
	for (size_t i = 0; i < o->n_overrides; i++)
		if (apply_pairs_one(p, o->overrides[i].opts, err, errlen))
			return -1;
	return 0;
}

/* ---------- StatefulSetConversion ---------- */

struct cfg {
	char *err;
	size_t errlen;
	const struct d2s_node **at;
};

static int fail(struct cfg *c, const struct d2s_node *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct cfg *c, const struct d2s_node *n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->err, c->errlen, fmt, ap);
	va_end(ap);
	if (c->at)
		*c->at = n;
	return -1;
}

static int set(struct cfg *c, struct d2s_options *o, const char *flag, const struct d2s_node *v,
	       const char *path)
{
	if (!v || v->type != D2S_SCALAR)
		return fail(c, v, "%s: want a single value, found a list or mapping", path);
	char msg[512];
	if (d2s_options_set(o, flag, v->value, msg, sizeof(msg)))
		return fail(c, v, "%s: %s", path, msg);
	return 0;
}

static int each_string(struct cfg *c, struct d2s_options *o, const char *flag, const struct d2s_node *v,
		       const char *path)
{
	if (!v || v->type != D2S_SEQ)
		return fail(c, v, "%s: want a list", path);
	for (size_t i = 0; i < v->n; i++)
		if (set(c, o, flag, v->kids[i], path))
			return -1;
	return 0;
}

static int join_map(struct cfg *c, const struct d2s_node *v, const char *path, struct d2s_buf *b,
		    const char *const *allowed)
{
	if (!v || v->type != D2S_MAP)
		return fail(c, v, "%s: want a mapping", path);
	for (size_t i = 0; i < v->n; i++) {
		const struct d2s_node *k = v->kids[2 * i], *x = v->kids[2 * i + 1];
		int ok = allowed == NULL;
		for (int a = 0; allowed && allowed[a]; a++)
			ok |= d2s_is(k, allowed[a]);
		if (!ok || k->type != D2S_SCALAR)
			return fail(c, k, "%s: unknown key \"%s\"", path, d2s_str(k) ? k->value : "?");
		if (x->type != D2S_SCALAR || strpbrk(x->value, ",=") || strpbrk(k->value, ",="))
			return fail(c, x, "%s.%s: want a plain value without ',' or '='", path, k->value);
		d2s_buf_printf(b, "%s%s=%s", b->len ? "," : "", k->value, x->value);
	}
	return 0;
}

static int set_bool_node(struct cfg *c, struct d2s_options *o, const char *flag,
			 const struct d2s_node *v, const char *path, int invert)
{
	const char *s = d2s_str(v);
	if (!s || (strcmp(s, "true") && strcmp(s, "false")))
		return fail(c, v, "%s: want true or false, found \"%s\"", path, s ? s : "?");
	int b = !strcmp(s, "true") != !!invert;
	char msg[256];
	d2s_options_set(o, flag, b ? "true" : "false", msg, sizeof(msg));
	return 0;
}

static int selector_field(struct cfg *c, struct d2s_options *o, const struct d2s_node *v)
{
	if (!v || v->type != D2S_MAP)
		return fail(c, v, "spec.selector: want a mapping");
	for (size_t i = 0; i < v->n; i++) {
		const struct d2s_node *k = v->kids[2 * i], *x = v->kids[2 * i + 1];
		if (d2s_is(k, "only") && each_string(c, o, "only", x, "spec.selector.only"))
			return -1;
		if (d2s_is(k, "exclude") && each_string(c, o, "exclude", x, "spec.selector.exclude"))
			return -1;
		if (d2s_is(k, "optIn") && set_bool_node(c, o, "opt-in", x, "spec.selector.optIn", 0))
			return -1;
		if (d2s_is(k, "matchLabels")) {
			struct d2s_buf b = {0};
			int rc = join_map(c, x, "spec.selector.matchLabels", &b, NULL);
			if (!rc && b.len) {
				char msg[512];
				if (d2s_options_set(o, "selector", b.data, msg, sizeof(msg)))
					rc = fail(c, x, "spec.selector.matchLabels: %s", msg);
			}
			d2s_buf_free(&b);
			if (rc)
				return -1;
		}
		if (!d2s_is(k, "only") && !d2s_is(k, "exclude") && !d2s_is(k, "optIn") && !d2s_is(k, "matchLabels"))
			return fail(c, k, "spec.selector: unknown key \"%s\" (known: only, exclude, matchLabels, optIn)",
				    d2s_str(k) ? k->value : "?");
	}
	return 0;
}

static int update_strategy_field(struct cfg *c, struct d2s_options *o, const struct d2s_node *v)
{
	if (!v || v->type != D2S_MAP)
		return fail(c, v, "spec.updateStrategy: want a mapping");
	for (size_t i = 0; i < v->n; i++) {
		const struct d2s_node *k = v->kids[2 * i], *x = v->kids[2 * i + 1];
		if (d2s_is(k, "type")) {
			if (set(c, o, "update-strategy", x, "spec.updateStrategy.type"))
				return -1;
		} else if (d2s_is(k, "rollingUpdate") && x->type == D2S_MAP) {
			for (size_t j = 0; j < x->n; j++) {
				const struct d2s_node *k2 = x->kids[2 * j], *x2 = x->kids[2 * j + 1];
				if (d2s_is(k2, "partition")) {
					if (set(c, o, "partition", x2, "spec.updateStrategy.rollingUpdate.partition"))
						return -1;
				} else if (d2s_is(k2, "maxUnavailable")) {
					if (set(c, o, "max-unavailable", x2, "spec.updateStrategy.rollingUpdate.maxUnavailable"))
						return -1;
				} else {
					return fail(c, k2, "spec.updateStrategy.rollingUpdate: unknown key \"%s\"",
						    d2s_str(k2) ? k2->value : "?");
				}
			}
		} else {
			return fail(c, k, "spec.updateStrategy: unknown key \"%s\"", d2s_str(k) ? k->value : "?");
		}
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

static int claim_templates(struct cfg *c, struct d2s_options *o, const struct d2s_node *v,
			   const struct d2s_node *mounts)
{
	if (!v || v->type != D2S_SEQ)
		return fail(c, v, "spec.volumeClaimTemplates: want a list");
	for (size_t i = 0; mounts && mounts->type == D2S_SEQ && i < mounts->n; i++) {
		const struct d2s_node *m = mounts->kids[i];
		for (size_t k = 0; m->type == D2S_MAP && k < m->n; k++)
			if (!d2s_is(m->kids[2 * k], "name") && !d2s_is(m->kids[2 * k], "mountPath"))
				return fail(c, m->kids[2 * k], "spec.volumeMounts: unknown key \"%s\" (known: name, mountPath)",
					    d2s_str(m->kids[2 * k]) ? m->kids[2 * k]->value : "?");
	}
	for (size_t i = 0; i < v->n; i++) {
		const struct d2s_node *t = v->kids[i];
		const char *name = d2s_str(d2s_path(t, "metadata", "name"));
		const char *size = d2s_str(d2s_path(t, "spec", "resources", "requests", "storage"));
		if (!name || !size)
			return fail(c, t, "spec.volumeClaimTemplates[]: metadata.name and "
				    "spec.resources.requests.storage are required");
		const struct d2s_node *spec = d2s_get(t, "spec");
		struct d2s_buf b = {0};
		d2s_buf_printf(&b, "name=%s,size=%s", name, size);
		const char *mp = mount_path_for(mounts, name);
		if (mp)
			d2s_buf_printf(&b, ",mountPath=%s", mp);
		for (size_t k = 0; k < spec->n; k++) {
			const struct d2s_node *key = spec->kids[2 * k], *x = spec->kids[2 * k + 1];
			if (d2s_is(key, "storageClassName") || d2s_is(key, "volumeMode")) {
				if (x->type != D2S_SCALAR) {
					d2s_buf_free(&b);
					return fail(c, x, "spec.volumeClaimTemplates[].spec.%s: want a value", key->value);
				}
				d2s_buf_printf(&b, ",%s=%s", key->value, x->value);
			} else if (d2s_is(key, "accessModes") && x->type == D2S_SEQ) {
				d2s_buf_puts(&b, ",accessModes=");
				for (size_t m = 0; m < x->n; m++)
					d2s_buf_printf(&b, "%s%s", m ? ";" : "", d2s_str(x->kids[m]) ? x->kids[m]->value : "");
			} else if (!d2s_is(key, "resources")) {
				d2s_buf_free(&b);
				return fail(c, key, "spec.volumeClaimTemplates[].spec: unknown key \"%s\"",
					    d2s_str(key) ? key->value : "?");
			}
		}
		char msg[512];
		int rc = 0;
		size_t commas = 0, equals = 0;
		for (const char *q = b.data; *q; q++) {
			commas += *q == ',';
			equals += *q == '=';
		}
		if (equals != commas + 1) /* a value held ',' or '=' */
			rc = fail(c, t, "spec.volumeClaimTemplates[%s]: values may not contain ',' or '='", name);
		else if (d2s_options_set(o, "volume-claim-template", b.data, msg, sizeof(msg)))
			rc = fail(c, t, "spec.volumeClaimTemplates[%s]: %s", name, msg);
		d2s_buf_free(&b);
		if (rc)
			return -1;
	}
	return 0;
}

static int spec_fields(struct cfg *c, struct d2s_options *o, const struct d2s_node *spec, int top);

static int overrides_field(struct cfg *c, struct d2s_options *o, const struct d2s_node *v)
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

static int scalar_field(struct cfg *c, struct d2s_options *o, const struct d2s_node *k,
			const struct d2s_node *x, int *handled)
{
	static const char *const map[][2] = {
		{ "serviceName", "service-name" }, { "podManagementPolicy", "pod-management-policy" },
		{ "recreateAs", "recreate-as" }, { "minReadySeconds", "min-ready-seconds" },
		{ "revisionHistoryLimit", "revision-history-limit" },
	};
	static const char *const bools[][2] = {
		{ "publishNotReadyAddresses", "publish-not-ready-addresses" },
		{ "dropAbsorbedPVCs", "drop-absorbed-pvcs" }, { "skipUnsupported", "skip-unsupported" },
	};
	char path[128];
	snprintf(path, sizeof(path), "spec.%s", k->value);
	*handled = 1;
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (d2s_is(k, map[i][0]))
			return set(c, o, map[i][1], x, path);
	for (size_t i = 0; i < sizeof(bools) / sizeof(bools[0]); i++)
		if (d2s_is(k, bools[i][0]))
			return set_bool_node(c, o, bools[i][1], x, path, 0);
	if (d2s_is(k, "headlessService"))
		return set_bool_node(c, o, "no-headless-service", x, path, 1);
	if (d2s_is(k, "sharedVolumes"))
		return each_string(c, o, "shared-volume", x, path);
	if (d2s_is(k, "ordinals")) {
		const struct d2s_node *s = d2s_get(x, "start");
		if (!s || x->n != 1)
			return fail(c, x, "spec.ordinals: want {start: N}");
		return set(c, o, "ordinals-start", s, "spec.ordinals.start");
	}
	if (d2s_is(k, "persistentVolumeClaimRetentionPolicy")) {
		static const char *const allowed[] = { "whenDeleted", "whenScaled", NULL };
		struct d2s_buf b = {0};
		int rc = join_map(c, x, path, &b, allowed);
		char msg[512];
		if (!rc && d2s_options_set(o, "pvc-retention-policy", b.data ? b.data : "", msg, sizeof(msg)))
			rc = fail(c, x, "%s: %s", path, msg);
		d2s_buf_free(&b);
		return rc;
	}
	*handled = 0;
	return 0;
}

static int spec_fields(struct cfg *c, struct d2s_options *o, const struct d2s_node *spec, int top)
{
	if (!spec || spec->type != D2S_MAP)
		return fail(c, spec, "spec: want a mapping");
	const struct d2s_node *mounts = d2s_get(spec, "volumeMounts");
	for (size_t i = 0; i < spec->n; i++) {
		const struct d2s_node *k = spec->kids[2 * i], *x = spec->kids[2 * i + 1];
		int handled = 0;
		if (k->type != D2S_SCALAR)
			return fail(c, k, "spec: keys must be plain strings");
		if (scalar_field(c, o, k, x, &handled))
			return -1;
		if (handled || d2s_is(k, "volumeMounts") || (!top && d2s_is(k, "name")))
			continue;
		int rc;
		if (d2s_is(k, "selector") && top)
			rc = selector_field(c, o, x);
		else if (d2s_is(k, "updateStrategy"))
			rc = update_strategy_field(c, o, x);
		else if (d2s_is(k, "volumeClaimTemplates"))
			rc = claim_templates(c, o, x, mounts);
		else if (d2s_is(k, "overrides") && top)
			rc = 0; /* after the base fields, so overrides start from them */
		else
			rc = fail(c, k, "%s: unknown key \"%s\"", top ? "spec" : "spec.overrides[]", k->value);
		if (rc)
			return -1;
	}
	if (mounts && !d2s_get(spec, "volumeClaimTemplates"))
		return fail(c, mounts, "spec.volumeMounts: needs spec.volumeClaimTemplates of the same names");
	if (top && d2s_get(spec, "overrides"))
		return overrides_field(c, o, d2s_get(spec, "overrides"));
	return 0;
}

int d2s_config_apply(struct d2s_options *o, const struct d2s_node *root, char *err, size_t errlen,
		     const struct d2s_node **at)
{
	struct cfg c = { err, errlen, at };
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
	struct cfg c = { err, errlen, at };
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

/* report_write.c - conversion report stage, its writer: builds a value tree
 * (render.h, the one value tree of the program) of the collected records
 * (report.c) and the summary line (report_text.c) in an arena, then prints
 * that one tree as YAML (every string double-quoted) or JSON, so both
 * formats always carry the same fields in the same order. Structure:
 * docs/report.md. Calls run one way: this file -> report_text.c -> report.c. */
#include "report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "render.h"

/** Most PVC names listed per claim template; the rest are counted. */
#define NAMES_MAX 1000

/* ---- building the value tree ---- */

struct tree {
	struct d2s_arena a;
	const struct d2s_conv_report *r;
};

enum kind { OBJ, ARR };

/* A new object or array, appended to `p` (under `key` when p is an object;
 * NULL p: the root). */
static struct d2s_val *add(struct tree *t, struct d2s_val *p, const char *key, enum kind k)
{
	struct d2s_val *v = k == OBJ ? d2s_v_map(&t->a) : d2s_v_seq(&t->a);
	if (p && p->type == D2S_V_MAP)
		d2s_v_put(&t->a, p, key, v);
	else if (p)
		d2s_v_push(&t->a, p, v);
	return v;
}

/* Append `v` to `p` (under `key` when p is an object). */
static void put(struct tree *t, struct d2s_val *p, const char *key, struct d2s_val *v)
{
	if (p->type == D2S_V_MAP)
		d2s_v_put(&t->a, p, key, v);
	else
		d2s_v_push(&t->a, p, v);
}

/* A string member; nothing when `s` is NULL, or "" and `omit_empty`. */
static void add_str(struct tree *t, struct d2s_val *p, const char *key, const char *s, int omit_empty)
{
	if (s && (s[0] || !omit_empty))
		put(t, p, key, d2s_v_str(&t->a, s));
}

/* A string member, or null when s is NULL. */
static void add_nstr(struct tree *t, struct d2s_val *p, const char *key, const char *s)
{
	put(t, p, key, s ? d2s_v_str(&t->a, s) : d2s_v_raw(&t->a, "null"));
}

static void add_int(struct tree *t, struct d2s_val *p, const char *key, long long v)
{
	char n[32];
	snprintf(n, sizeof(n), "%lld", v);
	put(t, p, key, d2s_v_raw(&t->a, n));
}

static void add_source(struct tree *t, struct d2s_val *p, const char *file, long line, long col)
{
	if (!file && !line)
		return;
	struct d2s_val *s = add(t, p, "source", OBJ);
	add_str(t, s, "file", file, 0);
	if (line > 0)
		add_int(t, s, "line", line), add_int(t, s, "column", col > 0 ? col : 1);
}

static void add_claim(struct tree *t, struct d2s_val *arr, const struct d2s_cr_dep *d,
		      const struct d2s_cr_claim *c, long n)
{
	struct d2s_val *o = add(t, arr, NULL, OBJ);
	add_str(t, o, "name", c->name, 0);
	add_str(t, o, "source", c->from_pvc ? "pvc" : "flag", 0);
	add_str(t, o, "pvc", c->from_pvc, 0);
	add_str(t, o, "storage", c->storage, 0);
	add_nstr(t, o, "storageClassName", c->storage_class);
	struct d2s_val *modes = add(t, o, "accessModes", ARR);
	const char *m = c->access_modes ? c->access_modes : "";
	while (*m) {
		size_t len = strcspn(m, ",");
		if (len)
			put(t, modes, NULL, d2s_v_str(&t->a, d2s_arena_strndup(&t->a, m, len)));
		m += len + (m[len] == ',');
	}
	struct d2s_val *names = add(t, o, "pvcNames", ARR);
	long listed = n > NAMES_MAX ? NAMES_MAX : n;
	char **v = d2s_creport_pvc_names(c->name, d->sts_name ? d->sts_name : d->name,
					 d->start, listed);
	for (size_t i = 0; v[i]; i++)
		put(t, names, NULL, d2s_v_str(&t->a, v[i]));
	d2s_creport_names_free(v);
	if (n > listed)
		add_int(t, o, "pvcNamesOmitted", n - listed);
	const struct d2s_cr_pvc *p = d2s_cr_cloned(t->r, d->ns, c->from_pvc);
	if (p && p->cloned_into)
		put(t, add(t, o, "prefilled", ARR), NULL, d2s_v_str(&t->a, p->cloned_into));
}

static void add_sts(struct tree *t, struct d2s_val *o, const struct d2s_cr_dep *d)
{
	struct d2s_val *s = add(t, o, "statefulSet", OBJ);
	add_str(t, s, "namespace", d->sts_ns, 1);
	add_str(t, s, "name", d->sts_name, 0);
	add_str(t, s, "serviceName", d->service, 0);
	add_str(t, s, "service", d2s_cr_svc_name(d->svc), 0);
	long count = d->replicas < 0 ? 1 : d->replicas;
	struct d2s_val *rep = add(t, s, "replicas", OBJ);
	add_int(t, rep, "count", count);
	add_str(t, rep, "source", d->hpa ? "hpa" : d->replicas < 0 ? "default" : "spec", 0);
	if (d->hpa) {
		add_str(t, rep, "horizontalPodAutoscaler", d->hpa, 0);
		add_int(t, rep, "minReplicas", d->hpa_min < 0 ? 1 : d->hpa_min);
		add_int(t, rep, "maxReplicas", d->hpa_max);
	}
	add_int(t, s, "ordinalsStart", d->start);
	struct d2s_val *claims = add(t, s, "volumeClaimTemplates", ARR);
	for (size_t i = 0; i < d->n_claims; i++)
		add_claim(t, claims, d, &d->claims[i], d2s_cr_pvc_count(d));
}

static void add_deps(struct tree *t, struct d2s_val *root)
{
	struct d2s_val *arr = add(t, root, "deployments", ARR);
	for (size_t i = 0; i < t->r->n_deps; i++) {
		const struct d2s_cr_dep *d = &t->r->deps[i];
		struct d2s_val *o = add(t, arr, NULL, OBJ);
		add_str(t, o, "namespace", d->ns, 1);
		add_str(t, o, "name", d->name, 0);
		add_source(t, o, d->file, d->line, d->col);
		add_str(t, o, "status", d2s_cr_status_name(d->status), 0);
		if (d->status == D2S_CR_SKIPPED)
			add_str(t, o, "reason", d2s_skip_name(d->why), 0);
		add_str(t, o, "message", d->detail, 1);
		if (d->status == D2S_CR_CONVERTED)
			add_sts(t, o, d);
	}
}

static void add_pvc_list(struct tree *t, struct d2s_val *root)
{
	struct d2s_val *arr = add(t, root, "pvcs", ARR);
	for (size_t i = 0; i < t->r->n_pvcs; i++) {
		const struct d2s_cr_pvc *p = &t->r->pvcs[i];
		struct d2s_val *o = add(t, arr, NULL, OBJ);
		add_str(t, o, "namespace", p->ns, 1);
		add_str(t, o, "name", p->name, 0);
		add_str(t, o, "deployment", p->deployment, 0);
		add_str(t, o, "claimTemplate", p->claim, 0);
		add_str(t, o, "fate", d2s_cr_fate_name(p->fate), 0);
		add_str(t, o, "reason", p->reason, 1);
		if (p->fate != D2S_FATE_CLONED)
			continue;
		add_str(t, o, "clonedInto", p->cloned_into, 0);
		struct d2s_val *ds = add(t, o, "dataSource", OBJ);
		add_str(t, ds, "kind", p->snapshot ? "VolumeSnapshot" : "PersistentVolumeClaim", 0);
		add_str(t, ds, "name", p->snapshot ? p->snapshot : p->name, 0);
	}
}

static void add_refs(struct tree *t, struct d2s_val *root)
{
	struct d2s_val *arr = add(t, root, "references", ARR);
	for (size_t i = 0; i < t->r->n_refs; i++) {
		const struct d2s_cr_ref *f = &t->r->refs[i];
		struct d2s_val *o = add(t, arr, NULL, OBJ);
		add_str(t, o, "kind", f->kind, 0);
		add_str(t, o, "namespace", f->ns, 1);
		add_str(t, o, "name", f->name, 0);
		add_str(t, o, "field", f->field, 0);
		struct d2s_val *to = add(t, o, "target", OBJ);
		add_str(t, to, "kind", f->tkind, 0);
		add_str(t, to, "name", f->tname, 0);
	}
}

static void add_diags(struct tree *t, struct d2s_val *root, const struct d2s_diag *diag)
{
	struct d2s_val *arr = add(t, root, "diagnostics", ARR);
	for (size_t i = 0; diag && i < diag->n_entries; i++) {
		const struct d2s_diag_entry *e = &diag->entries[i];
		struct d2s_val *o = add(t, arr, NULL, OBJ);
		add_str(t, o, "severity", d2s_diag_severity_name(e->severity), 0);
		add_str(t, o, "message", e->message ? e->message : "", 0);
		add_source(t, o, e->file, e->line, e->col);
		if (e->kind || e->name) {
			struct d2s_val *obj = add(t, o, "object", OBJ);
			add_str(t, obj, "apiVersion", e->api_version, 1);
			add_str(t, obj, "kind", e->kind, 1);
			add_str(t, obj, "namespace", e->ns, 1);
			add_str(t, obj, "name", e->name, 1);
		}
		add_str(t, o, "field", e->field, 1);
	}
}

static void add_summary(struct tree *t, struct d2s_val *root, const struct d2s_diag *diag, char *line)
{
	struct d2s_cr_counts c = d2s_creport_counts(t->r);
	struct d2s_val *s = add(t, root, "summary", OBJ);
	add_nstr(t, s, "text", line);
	const char *keys[] = { "deployments", "converted", "skipped", "failed",
			       "servicesGenerated", "servicesReused", "pvcsAbsorbed",
			       "pvcsKeptShared", "referencesRewritten", "warnings", "errors" };
	size_t vals[] = { t->r->n_deps, c.conv, c.skip, c.fail, c.gen, c.reused, c.absorbed,
			  c.fate[D2S_FATE_SHARED], t->r->n_refs,
			  diag ? (size_t)diag->warnings : 0, diag ? (size_t)diag->errors : 0 };
	for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++)
		add_int(t, s, keys[i], (long long)vals[i]);
}

static struct d2s_val *build(struct tree *t, const struct d2s_diag *diag)
{
	struct d2s_val *root = add(t, NULL, NULL, OBJ);
	add_str(t, root, "apiVersion", "deploy2sts.io/v1alpha1", 0);
	add_str(t, root, "kind", "ConversionReport", 0);
	struct d2s_val *meta = add(t, root, "metadata", OBJ);
	add_str(t, meta, "generator", t->r->generator, 0);
	char *line = d2s_creport_summary(t->r);
	add_summary(t, root, diag, line);
	free(line);
	add_deps(t, root);
	add_pvc_list(t, root);
	add_refs(t, root);
	add_diags(t, root, diag);
	add_nstr(t, root, "error", t->r->error);
	return root;
}

int d2s_creport_format(const char *path, const char *flag, enum d2s_creport_format *fmt)
{
	if (flag) {
		if (strcmp(flag, "yaml") && strcmp(flag, "json"))
			return -1;
		*fmt = strcmp(flag, "json") ? D2S_CREPORT_YAML : D2S_CREPORT_JSON;
		return 0;
	}
	size_t n = path ? strlen(path) : 0;
	*fmt = n >= 5 && !strcmp(path + n - 5, ".json") ? D2S_CREPORT_JSON : D2S_CREPORT_YAML;
	return 0;
}

int d2s_creport_write(const struct d2s_conv_report *r, const struct d2s_diag *diag,
		      enum d2s_creport_format fmt, FILE *f)
{
	struct tree t = { { 0 }, r };
	struct d2s_buf b = { 0 };
	const struct d2s_val *root = build(&t, diag);
	const struct d2s_layout yaml = { .indent = 2, .seq_indent = 0, .nl = "\n", .quote_all = 1 };
	if (fmt == D2S_CREPORT_JSON)
		d2s_render_json(&b, root);
	else
		d2s_render_pairs(&b, root, 0, &yaml);
	size_t w = fwrite(b.data, 1, b.len, f);
	int rc = w == b.len && fflush(f) == 0 && !ferror(f) ? 0 : -1;
	if (rc && !errno)
		errno = EIO;
	d2s_buf_free(&b);
	d2s_arena_free(&t.a);
	return rc;
}

int d2s_creport_write_path(const struct d2s_conv_report *r, const struct d2s_diag *diag,
			   enum d2s_creport_format fmt, const char *path)
{
	if (!strcmp(path, "-"))
		return d2s_creport_write(r, diag, fmt, stderr);
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	int rc = d2s_creport_write(r, diag, fmt, f);
	return fclose(f) || rc ? -1 : 0;
}

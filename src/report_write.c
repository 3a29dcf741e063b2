/* report_write.c - conversion report stage, its writer: builds a small value
 * tree of the collected records (report.c) and the summary line
 * (report_text.c) in an arena, then prints that one tree as YAML or JSON
 * (report_emit.c), so both formats always carry the same fields in the
 * same order. Structure: docs/report.md. Calls run one way: this file ->
 * report_text.c -> report.c. */
#include "report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "report_emit.h"
#include "report_int.h"

/** Most PVC names listed per claim template; the rest are counted. */
#define NAMES_MAX 1000

/* ---- building the value tree ---- */

struct tree {
	struct d2s_arena a;
	const struct d2s_conv_report *r;
};

#define add(t, p, key, type) d2s_rval_add(&(t)->a, (p), (key), (type))
#define add_str(t, p, key, s, omit_empty) d2s_rval_str(&(t)->a, (p), (key), (s), (omit_empty))
/* A string member, or null when s is NULL. */
static void add_nstr(struct tree *t, struct d2s_rval *p, const char *key, const char *s)
{
	add(t, p, key, s ? D2S_RV_STR : D2S_RV_NULL)->s = s;
}

static void add_int(struct tree *t, struct d2s_rval *p, const char *key, long long v)
{
	add(t, p, key, D2S_RV_INT)->i = v;
}

static void add_source(struct tree *t, struct d2s_rval *p, const char *file, long line, long col)
{
	if (!file && !line)
		return;
	struct d2s_rval *s = add(t, p, "source", D2S_RV_OBJ);
	add_str(t, s, "file", file, 0);
	if (line > 0)
		add_int(t, s, "line", line), add_int(t, s, "column", col > 0 ? col : 1);
}

static void add_claim(struct tree *t, struct d2s_rval *arr, const struct d2s_cr_dep *d,
		      const struct d2s_cr_claim *c, long n)
{
	struct d2s_rval *o = add(t, arr, NULL, D2S_RV_OBJ);
	add_str(t, o, "name", c->name, 0);
	add_str(t, o, "source", c->from_pvc ? "pvc" : "flag", 0);
	add_str(t, o, "pvc", c->from_pvc, 0);
	add_str(t, o, "storage", c->storage, 0);
	add_nstr(t, o, "storageClassName", c->storage_class);
	struct d2s_rval *modes = add(t, o, "accessModes", D2S_RV_ARR);
	const char *m = c->access_modes ? c->access_modes : "";
	while (*m) {
		size_t len = strcspn(m, ",");
		if (len)
			add(t, modes, NULL, D2S_RV_STR)->s = d2s_arena_strndup(&t->a, m, len);
		m += len + (m[len] == ',');
	}
	struct d2s_rval *names = add(t, o, "pvcNames", D2S_RV_ARR);
	long listed = n > NAMES_MAX ? NAMES_MAX : n;
	char **v = d2s_creport_pvc_names(c->name, d->sts_name ? d->sts_name : d->name,
					 d->start, listed);
	for (size_t i = 0; v[i]; i++)
		add(t, names, NULL, D2S_RV_STR)->s = d2s_arena_strndup(&t->a, v[i], strlen(v[i]));
	d2s_creport_names_free(v);
	if (n > listed)
		add_int(t, o, "pvcNamesOmitted", n - listed);
	const struct d2s_cr_pvc *p = d2s_cr_cloned(t->r, d->ns, c->from_pvc);
	if (p && p->cloned_into)
		add(t, add(t, o, "prefilled", D2S_RV_ARR), NULL, D2S_RV_STR)->s = p->cloned_into;
}

static void add_sts(struct tree *t, struct d2s_rval *o, const struct d2s_cr_dep *d)
{
	struct d2s_rval *s = add(t, o, "statefulSet", D2S_RV_OBJ);
	add_str(t, s, "namespace", d->sts_ns, 1);
	add_str(t, s, "name", d->sts_name, 0);
	add_str(t, s, "serviceName", d->service, 0);
	add_str(t, s, "service", svc_names[d->svc], 0);
	long count = d->replicas < 0 ? 1 : d->replicas;
	struct d2s_rval *rep = add(t, s, "replicas", D2S_RV_OBJ);
	add_int(t, rep, "count", count);
	add_str(t, rep, "source", d->hpa ? "hpa" : d->replicas < 0 ? "default" : "spec", 0);
	if (d->hpa) {
		add_str(t, rep, "horizontalPodAutoscaler", d->hpa, 0);
		add_int(t, rep, "minReplicas", d->hpa_min < 0 ? 1 : d->hpa_min);
		add_int(t, rep, "maxReplicas", d->hpa_max);
	}
	add_int(t, s, "ordinalsStart", d->start);
	struct d2s_rval *claims = add(t, s, "volumeClaimTemplates", D2S_RV_ARR);
	for (size_t i = 0; i < d->n_claims; i++)
		add_claim(t, claims, d, &d->claims[i], d2s_cr_pvc_count(d));
}

static void add_deps(struct tree *t, struct d2s_rval *root)
{
	struct d2s_rval *arr = add(t, root, "deployments", D2S_RV_ARR);
	for (size_t i = 0; i < t->r->n_deps; i++) {
		const struct d2s_cr_dep *d = &t->r->deps[i];
		struct d2s_rval *o = add(t, arr, NULL, D2S_RV_OBJ);
		add_str(t, o, "namespace", d->ns, 1);
		add_str(t, o, "name", d->name, 0);
		add_source(t, o, d->file, d->line, d->col);
		add_str(t, o, "status", status_names[d->status], 0);
		if (d->status == D2S_CR_SKIPPED)
			add_str(t, o, "reason", d2s_skip_name(d->why), 0);
		add_str(t, o, "message", d->detail, 1);
		if (d->status == D2S_CR_CONVERTED)
			add_sts(t, o, d);
	}
}

static void add_pvc_list(struct tree *t, struct d2s_rval *root)
{
	struct d2s_rval *arr = add(t, root, "pvcs", D2S_RV_ARR);
	for (size_t i = 0; i < t->r->n_pvcs; i++) {
		const struct d2s_cr_pvc *p = &t->r->pvcs[i];
		struct d2s_rval *o = add(t, arr, NULL, D2S_RV_OBJ);
		add_str(t, o, "namespace", p->ns, 1);
		add_str(t, o, "name", p->name, 0);
		add_str(t, o, "deployment", p->deployment, 0);
		add_str(t, o, "claimTemplate", p->claim, 0);
		add_str(t, o, "fate", fate_names[p->fate], 0);
		add_str(t, o, "reason", p->reason, 1);
		if (p->fate != D2S_FATE_CLONED)
			continue;
		add_str(t, o, "clonedInto", p->cloned_into, 0);
		struct d2s_rval *ds = add(t, o, "dataSource", D2S_RV_OBJ);
		add_str(t, ds, "kind", p->snapshot ? "VolumeSnapshot" : "PersistentVolumeClaim", 0);
		add_str(t, ds, "name", p->snapshot ? p->snapshot : p->name, 0);
	}
}

static void add_refs(struct tree *t, struct d2s_rval *root)
{
	struct d2s_rval *arr = add(t, root, "references", D2S_RV_ARR);
	for (size_t i = 0; i < t->r->n_refs; i++) {
		const struct d2s_cr_ref *f = &t->r->refs[i];
		struct d2s_rval *o = add(t, arr, NULL, D2S_RV_OBJ);
		add_str(t, o, "kind", f->kind, 0);
		add_str(t, o, "namespace", f->ns, 1);
		add_str(t, o, "name", f->name, 0);
		add_str(t, o, "field", f->field, 0);
		struct d2s_rval *to = add(t, o, "target", D2S_RV_OBJ);
		add_str(t, to, "kind", f->tkind, 0);
		add_str(t, to, "name", f->tname, 0);
	}
}

static void add_diags(struct tree *t, struct d2s_rval *root, const struct d2s_diag *diag)
{
	struct d2s_rval *arr = add(t, root, "diagnostics", D2S_RV_ARR);
	for (size_t i = 0; diag && i < diag->n_entries; i++) {
		const struct d2s_diag_entry *e = &diag->entries[i];
		struct d2s_rval *o = add(t, arr, NULL, D2S_RV_OBJ);
		add_str(t, o, "severity", sev_names[e->severity], 0);
		add_str(t, o, "message", e->message ? e->message : "", 0);
		add_source(t, o, e->file, e->line, e->col);
		if (e->kind || e->name) {
			struct d2s_rval *obj = add(t, o, "object", D2S_RV_OBJ);
			add_str(t, obj, "apiVersion", e->api_version, 1);
			add_str(t, obj, "kind", e->kind, 1);
			add_str(t, obj, "namespace", e->ns, 1);
			add_str(t, obj, "name", e->name, 1);
		}
		add_str(t, o, "field", e->field, 1);
	}
}

static void add_summary(struct tree *t, struct d2s_rval *root, const struct d2s_diag *diag, char *line)
{
	struct d2s_cr_counts c = d2s_creport_counts(t->r);
	struct d2s_rval *s = add(t, root, "summary", D2S_RV_OBJ);
	add_nstr(t, s, "text", line ? d2s_arena_strndup(&t->a, line, strlen(line)) : NULL);
	const char *keys[] = { "deployments", "converted", "skipped", "failed",
			       "servicesGenerated", "servicesReused", "pvcsAbsorbed",
			       "pvcsKeptShared", "referencesRewritten", "warnings", "errors" };
	size_t vals[] = { t->r->n_deps, c.conv, c.skip, c.fail, c.gen, c.reused, c.absorbed,
			  c.fate[D2S_FATE_SHARED], t->r->n_refs,
			  diag ? (size_t)diag->warnings : 0, diag ? (size_t)diag->errors : 0 };
	for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++)
		add_int(t, s, keys[i], (long long)vals[i]);
}

static struct d2s_rval *build(struct tree *t, const struct d2s_diag *diag)
{
	struct d2s_rval *root = add(t, NULL, NULL, D2S_RV_OBJ);
	add_str(t, root, "apiVersion", "deploy2sts.io/v1alpha1", 0);
	add_str(t, root, "kind", "ConversionReport", 0);
	struct d2s_rval *meta = add(t, root, "metadata", D2S_RV_OBJ);
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
	const struct d2s_rval *root = build(&t, diag);
	d2s_rval_print(&b, root, fmt == D2S_CREPORT_JSON);
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

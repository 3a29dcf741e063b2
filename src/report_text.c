/* report_text.c - conversion report stage, text side: the one-line run
 * summary, the no-op check and the per-object descriptions that become
 * diagnostics (and so KRM results). Reads the collector's records
 * (report.h, its last section). */
#include "report.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"

/** Names listed in the summary line before "and N more". */
#define SUMMARY_NAMES 10

static int several_namespaces(const struct d2s_conv_report *r)
{
	for (size_t i = 1; i < r->n_deps; i++)
		if (!d2s_cr_same(r->deps[i].ns, r->deps[0].ns))
			return 1;
	return 0;
}

static const char *plural(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* Append " (a, b, ... and N more)" naming the Deployments in status `st`;
 * with `why`, each skipped one is followed by ": <reason>". */
static void add_names(struct d2s_buf *b, const struct d2s_conv_report *r, enum d2s_cr_status st, int why)
{
	size_t shown = 0, total = 0;
	int qualify = several_namespaces(r);
	for (size_t i = 0; i < r->n_deps; i++) {
		const struct d2s_cr_dep *d = &r->deps[i];
		if (d->status != st)
			continue;
		if (total++ >= SUMMARY_NAMES)
			continue;
		d2s_buf_puts(b, shown++ ? ", " : " (");
		if (qualify && d->ns[0])
			d2s_buf_printf(b, "%s/", d->ns);
		d2s_buf_puts(b, d->name);
		if (why && st == D2S_CR_SKIPPED)
			d2s_buf_printf(b, ": %s", d->detail ? d->detail : d2s_skip_name(d->why));
		else if (why)
			d2s_buf_printf(b, ": %s", d2s_cr_status_name(st));
	}
	if (total > shown)
		d2s_buf_printf(b, " and %zu more", total - shown);
	if (shown)
		d2s_buf_puts(b, ")");
}

/* "; 2 PVCs absorbed and kept" or "; 3 PVCs absorbed (2 kept, 1 dropped)". */
static void add_pvcs(struct d2s_buf *b, const struct d2s_cr_counts *c)
{
	static const enum d2s_creport_fate order[] = { D2S_FATE_KEPT, D2S_FATE_DROPPED,
						       D2S_FATE_CLONED };
	if (c->absorbed) {
		d2s_buf_printf(b, "; %zu %s absorbed", c->absorbed, plural(c->absorbed, "PVC", "PVCs"));
		int kinds = 0;
		for (size_t i = 0; i < 3; i++)
			kinds += c->fate[order[i]] > 0;
		for (size_t i = 0, k = 0; i < 3; i++) {
			size_t n = c->fate[order[i]];
			if (!n)
				continue;
			if (kinds == 1)
				d2s_buf_printf(b, " and %s", d2s_cr_fate_name(order[i]));
			else
				d2s_buf_printf(b, "%s%zu %s", k++ ? ", " : " (", n, d2s_cr_fate_name(order[i]));
		}
		if (kinds > 1)
			d2s_buf_puts(b, ")");
	}
	size_t sh = c->fate[D2S_FATE_SHARED];
	if (sh)
		d2s_buf_printf(b, "; %zu %s kept shared", sh, plural(sh, "PVC", "PVCs"));
}

char *d2s_creport_summary(const struct d2s_conv_report *r)
{
	struct d2s_cr_counts c = d2s_creport_counts(r);
	if (!c.conv && !c.skip && !c.fail)
		return NULL;
	struct d2s_buf b = { 0 };
	d2s_buf_printf(&b, "deploy2sts: converted %zu %s", c.conv,
		       plural(c.conv, "Deployment", "Deployments"));
	add_names(&b, r, D2S_CR_CONVERTED, 0);
	if (c.conv)
		d2s_buf_puts(&b, plural(c.conv, " into a StatefulSet", " into StatefulSets"));
	if (c.gen)
		d2s_buf_printf(&b, "; %zu headless %s generated", c.gen,
			       plural(c.gen, "Service", "Services"));
	if (c.reused)
		d2s_buf_printf(&b, "; %zu headless %s reused", c.reused,
			       plural(c.reused, "Service", "Services"));
	add_pvcs(&b, &c);
	if (r->n_refs)
		d2s_buf_printf(&b, "; %zu %s rewritten", r->n_refs,
			       plural(r->n_refs, "reference", "references"));
	if (c.skip) {
		d2s_buf_printf(&b, "; skipped %zu", c.skip);
		add_names(&b, r, D2S_CR_SKIPPED, 0);
	}
	if (c.fail) {
		d2s_buf_printf(&b, "; %zu failed", c.fail);
		add_names(&b, r, D2S_CR_FAILED, 0);
	}
	return d2s_buf_take(&b);
}

char *d2s_creport_noop(const struct d2s_conv_report *r)
{
	struct d2s_cr_counts c = d2s_creport_counts(r);
	if (!r->n_deps || c.conv || c.fail || r->error)
		return NULL;
	struct d2s_buf b = { 0 };
	d2s_buf_printf(&b, "no Deployment converted although the input has %zu %s", r->n_deps,
		       plural(r->n_deps, "Deployment", "Deployments"));
	add_names(&b, r, D2S_CR_SKIPPED, 1);
	if (c.skip < r->n_deps) {
		d2s_buf_puts(&b, "; undecided");
		add_names(&b, r, D2S_CR_PENDING, 0);
	}
	d2s_buf_puts(&b, "; check --only, --exclude, --selector, --opt-in and the "
			 "deploy2sts.io/convert annotations");
	return d2s_buf_take(&b);
}

int d2s_creport_noop_check(const struct d2s_conv_report *r, struct d2s_diag *diag, int require)
{
	char *noop = r ? d2s_creport_noop(r) : NULL;
	if (!noop)
		return 0;
	d2s_diagf_data(diag, require ? D2S_ERROR : D2S_WARNING, NULL, "%s%s", noop,
		       require ? " (--require-conversion)" : "");
	free(noop);
	return require != 0;
}

/* ---- descriptions for the diagnostics (KRM results) ---- */

/* "; claim data (from PVC old): data-web-0, data-web-1; data-web-0 starts with the
 * data of old, the others start empty" */
static void describe_claim(struct d2s_buf *b, const struct d2s_conv_report *r,
			   const struct d2s_cr_dep *d, const struct d2s_cr_claim *c)
{
	long n = d2s_cr_pvc_count(d), shown = n > SUMMARY_NAMES ? SUMMARY_NAMES : n;
	d2s_buf_printf(b, "; claim %s", c->name);
	if (c->from_pvc)
		d2s_buf_printf(b, " (from PVC %s)", c->from_pvc);
	char **v = d2s_creport_pvc_names(c->name, d->sts_name ? d->sts_name : d->name,
					 d->start, shown);
	for (size_t i = 0; v[i]; i++)
		d2s_buf_printf(b, "%s%s", i ? ", " : ": ", v[i]);
	d2s_creport_names_free(v);
	if (n > shown)
		d2s_buf_printf(b, " and %ld more", n - shown);
	const struct d2s_cr_pvc *p = d2s_cr_cloned(r, d->ns, c->from_pvc);
	if (p && p->cloned_into)
		d2s_buf_printf(b, "; %s starts with the data of %s, the others start empty",
			       p->cloned_into, p->snapshot ? p->snapshot : p->name);
	else if (c->from_pvc && n > 0)
		d2s_buf_puts(b, n == 1 ? "; it starts empty" : "; all start empty");
}

static void describe_converted(struct d2s_buf *b, const struct d2s_conv_report *r,
			       const struct d2s_cr_dep *d)
{
	static const char *const svc_text[] = { "no Service generated",
						"headless Service generated",
						"existing headless Service reused" };
	d2s_buf_printf(b, "converted into StatefulSet %s%s%s; serviceName %s (%s); ",
		       d->sts_ns && d->sts_ns[0] ? d->sts_ns : "", d->sts_ns && d->sts_ns[0] ? "/" : "",
		       d->sts_name ? d->sts_name : d->name, d->service ? d->service : "",
		       svc_text[d->svc]);
	if (d->hpa)
		d2s_buf_printf(b, "replicas %ld to %ld (HorizontalPodAutoscaler %s)",
			       d->hpa_min < 0 ? 1 : d->hpa_min, d->hpa_max, d->hpa);
	else
		d2s_buf_printf(b, "replicas %ld%s", d->replicas < 0 ? 1 : d->replicas,
			       d->replicas < 0 ? " (default)" : "");
	if (d->start)
		d2s_buf_printf(b, "; ordinals.start %ld", d->start);
	for (size_t i = 0; i < d->n_claims; i++)
		describe_claim(b, r, d, &d->claims[i]);
}

void d2s_creport_to_diag(struct d2s_conv_report *r, struct d2s_diag *diag)
{
	if (!r || r->described)
		return;
	r->described = 1;
	struct d2s_buf b = { 0 };
	for (size_t i = 0; i < r->n_deps; i++) {
		const struct d2s_cr_dep *d = &r->deps[i];
		if (d->status != D2S_CR_CONVERTED && d->status != D2S_CR_SKIPPED)
			continue;
		d2s_buf_reset(&b);
		if (d->status == D2S_CR_CONVERTED)
			describe_converted(&b, r, d);
		else
			d2s_buf_printf(&b, "not converted (%s)%s%s", d2s_skip_name(d->why),
				       d->detail ? ": " : "", d->detail ? d->detail : "");
		struct d2s_where w = { .file = d->file, .line = d->line, .col = d->col,
				       .api_version = "apps/v1", .kind = "Deployment",
				       .ns = d->ns[0] ? d->ns : NULL, .name = d->name };
		d2s_diagf(diag, D2S_INFO, &w, "%s", b.data);
	}
	for (size_t i = 0; i < r->n_refs; i++) {
		const struct d2s_cr_ref *f = &r->refs[i];
		struct d2s_where w = { .kind = f->kind, .ns = f->ns[0] ? f->ns : NULL,
				       .name = f->name, .field = f->field };
		d2s_diagf(diag, D2S_INFO, &w, "now points at %s %s", f->tkind ? f->tkind : "",
			   f->tname ? f->tname : "");
	}
	d2s_buf_free(&b);
}

/* report.c - conversion report stage, its collector: the records of the
 * ConversionReport (see report.h; structure in docs/report.md), their
 * counts and the StatefulSet controller's claim names. The lowest file of
 * the stage: report_text.c (summary, no-op, diagnostics) reads these
 * records, report_write.c prints them. Every recording call accepts a NULL
 * report (no --report, or a unit under test) and then does nothing. */
#include "report.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"

/* Copy s into the report's arena (NULL stays NULL). */
static char *dup(struct d2s_conv_report *r, const char *s)
{
	return s ? d2s_arena_strndup(&r->a, s, strlen(s)) : NULL;
}

/* Make room for element n of *arr (capacity doubles at powers of two). */
static void *grow(void *arr, size_t n, size_t size)
{
	if (n & (n - 1))
		return arr;
	return d2s_check_alloc(realloc(arr, (n ? 2 * n : 1) * size));
}

struct d2s_conv_report *d2s_creport_new(const char *generator)
{
	struct d2s_conv_report *r = d2s_check_alloc(calloc(1, sizeof(*r)));
	r->generator = dup(r, generator);
	return r;
}

void d2s_creport_free(struct d2s_conv_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n_deps; i++)
		free(r->deps[i].claims);
	free(r->deps), free(r->pvcs), free(r->refs);
	d2s_map_free(&r->dep_index);
	d2s_arena_free(&r->a);
	free(r);
}

/* The entry of Deployment ns/name, created at its first mention. */
const char *d2s_cr_status_name(enum d2s_cr_status s)
{
	static const char *const names[] = { "pending", "converted", "skipped", "failed" };
	return names[s];
}

const char *d2s_cr_svc_name(enum d2s_creport_svc s)
{
	static const char *const names[] = { "none", "generated", "reused" };
	return names[s];
}

const char *d2s_cr_fate_name(enum d2s_creport_fate f)
{
	static const char *const names[] = { "kept", "dropped", "kept-shared", "cloned" };
	return names[f];
}

static struct d2s_cr_dep *dep_get(struct d2s_conv_report *r, const char *ns, const char *name)
{
	char key[512];
	d2s_key(key, sizeof(key), ns ? ns : "", name ? name : "");
	intptr_t at = d2s_map_get(&r->dep_index, key, 0);
	if (at)
		return &r->deps[at - 1];
	d2s_map_set(&r->dep_index, key, (intptr_t)r->n_deps + 1);
	r->deps = grow(r->deps, r->n_deps, sizeof(*r->deps));
	struct d2s_cr_dep *d = &r->deps[r->n_deps++];
	memset(d, 0, sizeof(*d));
	d->ns = dup(r, ns ? ns : ""), d->name = dup(r, name ? name : "");
	d->replicas = -1, d->hpa_min = -1;
	return d;
}

void d2s_creport_seen(struct d2s_conv_report *r, const char *ns, const char *name,
		      const char *file, long line, long col)
{
	if (!r)
		return;
	struct d2s_cr_dep *d = dep_get(r, ns, name);
	d->file = dup(r, file);
	d->line = line, d->col = col;
}

void d2s_creport_skipped(struct d2s_conv_report *r, const char *ns, const char *name,
			 enum d2s_skip why, const char *detail)
{
	if (!r)
		return;
	struct d2s_cr_dep *d = dep_get(r, ns, name);
	d->status = D2S_CR_SKIPPED, d->why = why;
	d->detail = dup(r, detail);
}

void d2s_creport_not_selected(struct d2s_conv_report *r, const char *ns, const char *name,
			      enum d2s_skip why)
{
	if (r && name)
		d2s_creport_skipped(r, ns, name, why, d2s_skip_text(why));
}

void d2s_creport_hook(struct d2s_conv_report *r, const char *ns, const char *name, const char *hook)
{
	if (!r || !name)
		return;
	struct d2s_buf b = {0};
	d2s_buf_printf(&b, "helm.sh/hook: %s", hook ? hook : "");
	d2s_creport_skipped(r, ns, name, D2S_SKIP_HOOK, b.data);
	d2s_buf_free(&b);
}

void d2s_creport_unsupported(struct d2s_conv_report *r, const char *ns, const char *name,
			     const char *api_version, int skip)
{
	if (!r || !name)
		return;
	if (skip)
		d2s_creport_skipped(r, ns, name, D2S_SKIP_UNSUPPORTED_API, api_version ? api_version : "(none)");
	else
		d2s_creport_failed(r, ns, name);
}

void d2s_creport_converted(struct d2s_conv_report *r, const char *ns, const char *name,
			   const char *sts_ns, const char *sts_name, const char *service,
			   enum d2s_creport_svc svc)
{
	if (!r)
		return;
	struct d2s_cr_dep *d = dep_get(r, ns, name);
	if (d->status != D2S_CR_FAILED) /* an error of another document (its PVC) stays */
		d->status = D2S_CR_CONVERTED;
	d->svc = svc;
	d->sts_ns = dup(r, sts_ns ? sts_ns : "");
	d->sts_name = dup(r, sts_name ? sts_name : d->name);
	d->service = dup(r, service);
}

void d2s_creport_service_reused(struct d2s_conv_report *r, const char *ns, const char *name)
{
	if (r && name)
		dep_get(r, ns, name)->svc = D2S_CR_SVC_REUSED;
}

void d2s_creport_failed(struct d2s_conv_report *r, const char *ns, const char *name)
{
	if (!r)
		return;
	dep_get(r, ns, name)->status = D2S_CR_FAILED;
}

void d2s_creport_replicas(struct d2s_conv_report *r, const char *ns, const char *name,
			  long replicas, long ordinals_start)
{
	if (!r)
		return;
	struct d2s_cr_dep *d = dep_get(r, ns, name);
	d->replicas = replicas < 0 ? -1 : replicas;
	d->start = ordinals_start < 0 ? 0 : ordinals_start; /* the API server rejects < 0 */
}

void d2s_creport_hpa(struct d2s_conv_report *r, const char *ns, const char *name,
		     const char *hpa, long min_replicas, long max_replicas)
{
	if (!r)
		return;
	struct d2s_cr_dep *d = dep_get(r, ns, name);
	d->hpa = dup(r, hpa ? hpa : "");
	d->hpa_min = min_replicas < 0 ? -1 : min_replicas;
	d->hpa_max = max_replicas < 0 ? 0 : max_replicas;
}

void d2s_creport_claim(struct d2s_conv_report *r, const char *ns, const char *name,
		       const struct d2s_creport_claim *c)
{
	if (!r)
		return;
	struct d2s_cr_dep *d = dep_get(r, ns, name);
	d->claims = grow(d->claims, d->n_claims, sizeof(*d->claims));
	d->claims[d->n_claims++] = (struct d2s_cr_claim){
		dup(r, c->name ? c->name : ""), dup(r, c->from_pvc), dup(r, c->storage),
		dup(r, c->storage_class), dup(r, c->access_modes)
	};
}

/* The claim template Deployment `dep` made from PVC `pvc`, or NULL. */
static const char *claim_of(const struct d2s_conv_report *r, const char *dep, const char *pvc)
{
	for (size_t i = 0; dep && pvc && i < r->n_deps; i++)
		for (size_t k = 0; d2s_cr_same(r->deps[i].name, dep) && k < r->deps[i].n_claims; k++)
			if (d2s_cr_same(r->deps[i].claims[k].from_pvc, pvc))
				return r->deps[i].claims[k].name;
	return NULL;
}

void d2s_creport_shared(struct d2s_conv_report *r, const char *ns, const char *pvc,
			const char *deployment, const char *why, int in_input)
{
	if (!r || !in_input)
		return;
	for (size_t i = 0; !why && i < r->n_pvcs; i++)
		if (r->pvcs[i].fate == D2S_FATE_SHARED && d2s_cr_same(r->pvcs[i].ns, ns) &&
		    d2s_cr_same(r->pvcs[i].name, pvc))
			return; /* the reason recorded first wins over the flag it led to */
	struct d2s_buf b = {0};
	const char *end = why ? strstr(why, "): ") : NULL;
	if (!why)
		d2s_buf_puts(&b, "--shared-volume");
	else if (end)
		d2s_buf_add(&b, why, (size_t)(end - why) + 1);
	else
		d2s_buf_add(&b, why, strcspn(why, ":"));
	struct d2s_creport_pvc p = { .ns = ns, .name = pvc, .deployment = deployment,
				     .fate = D2S_FATE_SHARED, .reason = b.data };
	d2s_creport_pvc(r, &p);
	d2s_buf_free(&b);
}

void d2s_creport_pvc(struct d2s_conv_report *r, const struct d2s_creport_pvc *p)
{
	if (!r)
		return;
	const char *claim = p->claim ? p->claim : p->fate == D2S_FATE_SHARED ? NULL :
			    claim_of(r, p->deployment, p->name);
	struct d2s_cr_pvc *e = NULL;
	for (size_t i = 0; i < r->n_pvcs && !e; i++)
		if (d2s_cr_same(r->pvcs[i].ns, p->ns) && d2s_cr_same(r->pvcs[i].name, p->name))
			e = &r->pvcs[i];
	if (!e) {
		r->pvcs = grow(r->pvcs, r->n_pvcs, sizeof(*r->pvcs));
		e = &r->pvcs[r->n_pvcs++];
	}
	*e = (struct d2s_cr_pvc){ dup(r, p->ns ? p->ns : ""), dup(r, p->name ? p->name : ""),
			   dup(r, p->deployment), dup(r, claim), dup(r, p->reason),
			   dup(r, p->cloned_into), dup(r, p->snapshot), p->fate };
}

void d2s_creport_pvc_forget(struct d2s_conv_report *r, const char *ns, const char *name)
{
	for (size_t i = 0; r && i < r->n_pvcs; i++) {
		if (d2s_cr_same(r->pvcs[i].ns, ns ? ns : "") && d2s_cr_same(r->pvcs[i].name, name ? name : "")) {
			memmove(&r->pvcs[i], &r->pvcs[i + 1], (r->n_pvcs - i - 1) * sizeof(*r->pvcs));
			r->n_pvcs--;
			return;
		}
	}
}

void d2s_creport_ref(struct d2s_conv_report *r, const char *kind, const char *ns,
		     const char *name, const char *field, const char *target_kind,
		     const char *target_name)
{
	if (!r)
		return;
	r->refs = grow(r->refs, r->n_refs, sizeof(*r->refs));
	r->refs[r->n_refs++] = (struct d2s_cr_ref){ dup(r, kind), dup(r, ns ? ns : ""), dup(r, name),
					     dup(r, field), dup(r, target_kind),
					     dup(r, target_name) };
}

void d2s_creport_error(struct d2s_conv_report *r, const char *message)
{
	if (!r)
		return;
	r->error = dup(r, message);
}

char **d2s_creport_pvc_names(const char *claim, const char *sts, long start, long n)
{
	size_t count = n > 0 ? (size_t)n : 0;
	char **v = d2s_check_alloc(calloc(count + 1, sizeof(*v)));
	for (size_t i = 0; i < count; i++) {
		struct d2s_buf b = { 0 };
		d2s_buf_printf(&b, "%s-%s-%ld", claim, sts, start + (long)i);
		v[i] = d2s_buf_take(&b);
	}
	return v;
}

void d2s_creport_names_free(char **names)
{
	for (size_t i = 0; names && names[i]; i++)
		free(names[i]);
	free(names);
}

/* ---- counts ---- */

struct d2s_cr_counts d2s_creport_counts(const struct d2s_conv_report *r)
{
	struct d2s_cr_counts c = { 0 };
	for (size_t i = 0; i < r->n_deps; i++) {
		const struct d2s_cr_dep *d = &r->deps[i];
		c.conv += d->status == D2S_CR_CONVERTED, c.skip += d->status == D2S_CR_SKIPPED;
		c.fail += d->status == D2S_CR_FAILED;
		c.gen += d->status == D2S_CR_CONVERTED && d->svc == D2S_CR_SVC_GENERATED;
		c.reused += d->status == D2S_CR_CONVERTED && d->svc == D2S_CR_SVC_REUSED;
	}
	for (size_t i = 0; i < r->n_pvcs; i++)
		c.fate[r->pvcs[i].fate]++;
	c.absorbed = r->n_pvcs - c.fate[D2S_FATE_SHARED];
	return c;
}


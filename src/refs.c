/* refs.c - references stage: rewriting one reference (see refs.h). */
#include "refs.h"
#include "edit.h"
#include "report.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>

static int prefix(const char *s, const char *p)
{
	return s && !strncmp(s, p, strlen(p));
}

/* The reference mapping of an HPA/VPA/ScaledObject, or NULL. */
static const struct d2s_node *ref_node(const struct d2s_node *root, int *keda)
{
	const char *av = d2s_get_str(root, "apiVersion"), *kind = d2s_get_str(root, "kind");
	const struct d2s_node *spec = d2s_get(root, "spec");
	*keda = 0;
	if (!kind || !av)
		return NULL;
	if (!strcmp(kind, "HorizontalPodAutoscaler") && prefix(av, "autoscaling/"))
		return d2s_get(spec, "scaleTargetRef");
	if (!strcmp(kind, "VerticalPodAutoscaler") && prefix(av, "autoscaling.k8s.io/"))
		return d2s_get(spec, "targetRef");
	if (!strcmp(kind, "ScaledObject") && prefix(av, "keda.sh/")) {
		*keda = 1;
		return d2s_get(spec, "scaleTargetRef");
	}
	return NULL;
}

const char *d2s_ref_target(const struct d2s_node *root)
{
	int keda;
	const struct d2s_node *ref = ref_node(root, &keda);
	if (!ref || ref->type != D2S_MAP)
		return NULL;
	const char *kind = d2s_get_str(ref, "kind");
	const char *av = d2s_get_str(ref, "apiVersion");
	if (kind ? strcmp(kind, "Deployment") : !keda)
		return NULL;
	if (av && strcmp(av, "apps/v1") && !prefix(av, "extensions/") && !prefix(av, "apps/"))
		return NULL;
	return d2s_get_str(ref, "name");
}

int d2s_ref_retarget(const struct d2s_doc *doc, struct d2s_buf *out)
{
	int keda;
	const struct d2s_node *ref = ref_node(doc->root, &keda);
	if (!ref || ref->type != D2S_MAP)
		return -1;
	struct d2s_edits e;
	struct d2s_arena a = {0};
	d2s_edits_init(&e, doc->text, doc->len);
	d2s_layout_detect(doc, &e.layout);
	const struct d2s_node *kind = d2s_get(ref, "kind"), *av = d2s_get(ref, "apiVersion");
	struct d2s_val *add = d2s_v_map(&a);
	if (av && !d2s_is(av, "apps/v1"))
		d2s_yset_scalar(&e, av, "apps/v1");
	else if (!av && keda)
		d2s_v_put(&a, add, "apiVersion", d2s_v_str(&a, "apps/v1"));
	if (kind)
		d2s_yset_scalar(&e, kind, "StatefulSet");
	else
		d2s_v_put(&a, add, "kind", d2s_v_str(&a, "StatefulSet"));
	if (add->n)
		d2s_yinsert_pairs(&e, ref, add, 1);
	int rc = e.reemit ? -1 : d2s_edits_apply(&e, out);
	d2s_edits_free(&e);
	d2s_arena_free(&a);
	return rc;
}

int d2s_is_hook(const struct d2s_node *root)
{
	return d2s_get(d2s_path(root, "metadata", "annotations"), "helm.sh/hook") != NULL;
}

void d2s_hook_note(struct d2s_diag *diag, const struct d2s_where *w)
{
	d2s_diagf(diag, D2S_INFO, w, "Helm hook (helm.sh/hook): passed through unchanged; hooks are "
		  "never converted, absorbed, retargeted or dropped (Helm 4 sends them to post-renderers, "
		  "Helm 3 does not)");
}

int d2s_progressive_target(const struct d2s_node *root, struct d2s_progressive *g)
{
	const char *av = d2s_get_str(root, "apiVersion"), *kind = d2s_get_str(root, "kind");
	const struct d2s_node *ref = NULL;
	if (kind && !strcmp(kind, "Rollout") && prefix(av, "argoproj.io/"))
		ref = d2s_path(root, "spec", "workloadRef");
	else if (kind && !strcmp(kind, "Canary") && prefix(av, "flagger.app/"))
		ref = d2s_path(root, "spec", "targetRef");
	const char *rk = d2s_get_str(ref, "kind"), *rn = d2s_get_str(ref, "name");
	if (!ref || !rn || !rk || strcmp(rk, "Deployment"))
		return 0;
	const struct d2s_node *meta = d2s_get(root, "metadata");
	const char *ns = d2s_get_str(meta, "namespace");
	memset(g, 0, sizeof(*g));
	g->kind = strdup(kind);
	g->ns = strdup(ns ? ns : "");
	g->name = strdup(d2s_get_str(meta, "name") ? d2s_get_str(meta, "name") : "");
	size_t n = strlen(g->ns) + strlen(rn) + 2;
	g->target_key = malloc(n);
	if (!g->kind || !g->ns || !g->name || !g->target_key) {
		d2s_progressive_free(g);
		return 0;
	}
	snprintf(g->target_key, n, "%s/%s", g->ns, rn);
	return 1;
}

void d2s_progressive_free(struct d2s_progressive *g)
{
	free(g->kind);
	free(g->ns);
	free(g->name);
	free(g->target_key);
	free(g->file);
	memset(g, 0, sizeof(*g));
}

/* Integer scalar `n`, or `dflt` when absent or not a number. */
static long count_of(const struct d2s_node *n, long dflt)
{
	if (!n || n->type != D2S_SCALAR || n->value[0] < '0' || n->value[0] > '9')
		return dflt;
	return strtol(n->value, NULL, 10);
}

void d2s_ref_record(struct d2s_conv_report *r, const struct d2s_node *root)
{
	int keda;
	const char *target = d2s_ref_target(root);
	if (!r || !target || !ref_node(root, &keda))
		return;
	const char *kind = d2s_get_str(root, "kind");
	const struct d2s_node *meta = d2s_get(root, "metadata");
	const char *ns = d2s_get_str(meta, "namespace"), *name = d2s_get_str(meta, "name");
	int vpa = !strcmp(kind, "VerticalPodAutoscaler");
	d2s_creport_ref(r, kind, ns, name, vpa ? "spec.targetRef" : "spec.scaleTargetRef",
			"StatefulSet", target);
	const struct d2s_node *spec = d2s_get(root, "spec");
	if (keda)
		d2s_creport_hpa(r, ns, target, name, count_of(d2s_get(spec, "minReplicaCount"), 0),
				count_of(d2s_get(spec, "maxReplicaCount"), 100));
	else if (!vpa)
		d2s_creport_hpa(r, ns, target, name, count_of(d2s_get(spec, "minReplicas"), 1),
				count_of(d2s_get(spec, "maxReplicas"), 1));
}

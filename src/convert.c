/* convert.c - convert stage: one Deployment's text edited in place into a
 * StatefulSet (kind, metadata, spec fields, updateStrategy, names), with the
 * claim templates of storage.c and the headless Service of service.c (see
 * convert.h, docs/architecture.md). */
#include "convert.h"
#include "convert_ctx.h"
#include "report.h"
#include "service.h"
#include "storage.h"

#include <stdlib.h>
#include <string.h>

static const char *type_name(const struct d2s_node *n)
{
	if (!n)
		return "nothing";
	switch (n->type) {
	case D2S_MAP: return "a mapping";
	case D2S_SEQ: return "a list";
	case D2S_ALIAS: return "an alias of an unknown anchor";
	default: return n->null_empty ? "empty" : "a scalar";
	}
}

/* True when `n` is YAML's null: nothing at all, ~, null, Null or NULL
 * (plain, untagged) or anything tagged !!null (YAML 1.2.2 core schema,
 * §10.3.2; go-yaml decodes them as null, which an optional list field of
 * the Kubernetes API reads as absent). */
static int is_null(const struct d2s_node *n)
{
	static const char *const words[] = { "", "~", "null", "Null", "NULL", NULL };
	if (!n || n->type != D2S_SCALAR)
		return 0;
	if (n->tag)
		return !strcmp(n->tag, "tag:yaml.org,2002:null");
	for (int i = 0; n->style == D2S_PLAIN && words[i]; i++)
		if (!strcmp(n->value, words[i]))
			return 1;
	return 0;
}

/* The value at `key` must be of type `t` (a list: non-empty when
 * `required`; a null value of an optional key counts as absent, as a
 * template's empty list renders `volumes:` with nothing after it); report
 * and return NULL otherwise. */
static const struct d2s_node *need(struct d2s_cx *c, const struct d2s_node *parent, const char *key,
				   const char *field, enum d2s_node_type t, int required)
{
	const struct d2s_node *v = d2s_get(parent, key);
	if ((!v || is_null(v)) && !required)
		return NULL;
	if (!v || v->type != t || (t == D2S_SEQ && v->n == 0 && required)) {
		d2s_cx_diagf(c, D2S_ERROR, v ? v : parent, field, "%s must be %s, found %s%s", field,
			      t == D2S_MAP ? "a mapping" : "a non-empty list", type_name(v),
			      v ? "" : " (is this a complete Deployment?)");
		return NULL;
	}
	return v;
}

/* `v` in decimal, in the arena. */
static char *num(struct d2s_cx *c, long v)
{
	char tmp[32];
	snprintf(tmp, sizeof(tmp), "%ld", v);
	return d2s_arena_strndup(&c->a, tmp, strlen(tmp));
}

/* ---------- duplicate keys ---------- */

static int key_cmp(const void *a, const void *b)
{
	const struct d2s_node *x = *(const struct d2s_node *const *)a;
	const struct d2s_node *y = *(const struct d2s_node *const *)b;
	int c = strcmp(x->value, y->value);
	return c ? c : (x->start < y->start ? -1 : x->start > y->start);
}

/* A mapping with two equal scalar keys is invalid YAML (YAML 1.2 §3.2.1.1)
 * and ambiguous to edit: libfyaml's event parser does not reject it, so the
 * documents we edit are checked here (sorting, so any size is cheap). */
static void check_duplicates(struct d2s_cx *c, const struct d2s_node *root)
{
	const struct d2s_node **stack = NULL, **keys = NULL;
	size_t sp = 0, cap = 0, kcap = 0;
	stack = d2s_check_alloc(malloc(16 * sizeof(*stack)));
	cap = 16;
	stack[sp++] = root;
	while (sp && !c->failed) {
		const struct d2s_node *n = stack[--sp];
		size_t k = n->type == D2S_MAP ? 2 * n->n : n->type == D2S_SEQ ? n->n : 0;
		if (sp + k > cap) {
			cap = (sp + k) * 2;
			stack = d2s_check_alloc(realloc(stack, cap * sizeof(*stack)));
		}
		for (size_t i = 0; i < k; i++)
			stack[sp++] = n->kids[i];
		if (n->type != D2S_MAP || n->n < 2)
			continue;
		if (n->n > kcap) {
			kcap = n->n;
			keys = d2s_check_alloc(realloc(keys, kcap * sizeof(*keys)));
		}
		size_t nk = 0;
		for (size_t i = 0; i < n->n; i++)
			if (n->kids[2 * i]->type == D2S_SCALAR)
				keys[nk++] = n->kids[2 * i];
		qsort(keys, nk, sizeof(*keys), key_cmp);
		for (size_t i = 1; i < nk; i++)
			if (!strcmp(keys[i]->value, keys[i - 1]->value)) {
				d2s_cx_diagf(c, D2S_ERROR, keys[i], NULL, "duplicate key \"%s\" (YAML allows each "
					      "key once per mapping): remove one", keys[i]->value);
				break;
			}
	}
	free(stack);
	free(keys);
}

/* ---------- update strategy ---------- */

/* spec.replicas when it is an integer for Kubernetes (d2s_is_uint), else
 * `dflt`. */
static long spec_replicas(const struct d2s_node *spec, long dflt)
{
	const struct d2s_node *r = d2s_get(spec, "replicas");
	return d2s_is_uint(r) ? strtol(d2s_str(r), NULL, 10) : dflt;
}

/* The partition for a paused Deployment (`paused` is its spec.paused node)
 * whose StatefulSet gets updateStrategy `out` (NULL: not chosen yet, so
 * RollingUpdate). A partition holds back every pod whose ordinal index is
 * at least its value (Kubernetes docs, "StatefulSets", Partitioned rolling
 * updates), so holding every pod takes replicas, or the largest maxReplicas
 * of the autoscalers that target it. With OnDelete no pod is replaced until
 * it is deleted, so nothing is needed. Returns --partition when given,
 * else that hold, else -1. What the user chose (--update-strategy,
 * --recreate-as, --partition) is an info; only the default warns. */
static long paused_partition(struct d2s_cx *c, const struct d2s_node *spec,
			     const struct d2s_node *paused, const char *out)
{
	const struct d2s_options *o = c->o;
	if (out && strcmp(out, "RollingUpdate")) { /* only a flag gives it */
		d2s_cx_diagf(c, D2S_INFO, paused, "spec.paused",
			      "paused: true with updateStrategy %s: no pod gets the new template until "
			      "you delete it, so no partition is needed", out);
		return o->partition;
	}
	long hold = spec_replicas(spec, 1);
	if (c->max_replicas > hold)
		hold = c->max_replicas; /* every pod an autoscaler can create */
	if (o->partition >= 0) {
		if (o->partition < hold)
			d2s_cx_diagf(c, D2S_INFO, paused, "spec.paused",
				      "paused: true, but --partition %ld lets the pods from ordinal index "
				      "%ld on get the new template now (%ld would hold every pod)",
				      o->partition, o->partition, hold);
		return o->partition;
	}
	d2s_cx_diagf(c, D2S_WARNING, paused, "spec.paused",
		      "paused: true becomes a RollingUpdate with partition %ld%s (no pod is updated "
		      "until the partition is lowered)", hold,
		      c->max_replicas > 0 && c->max_replicas == hold ?
		      ", the largest maxReplicas of the autoscalers that target it" : "");
	return hold;
}

/* maxUnavailable or maxSurge `v` (an int or "N%"; NULL: the API default
 * 25%) as a number of pods out of `replicas`, a percentage rounded down
 * (maxUnavailable) or up (maxSurge) as the Deployment controller does
 * (pkg/controller/deployment/util ResolveFenceposts); -1 when unreadable. */
static long scaled(const struct d2s_node *v, long replicas, int round_up)
{
	const char *s = v ? d2s_str(v) : "25%";
	char *end;
	long n = s ? strtol(s, &end, 10) : -1;
	if (!s || end == s || n < 0 || (*end && strcmp(end, "%")))
		return -1;
	return !*end ? n : round_up ? (n * replicas + 99) / 100 : n * replicas / 100;
}

/* A Deployment whose rolling update may take no pod down (maxUnavailable
 * resolves to 0, maxSurge to 1 or more: it starts new pods first; the API
 * defaults both to 25%, so 1 to 3 replicas by default) becomes a
 * StatefulSet, which has no maxSurge and deletes each pod before it starts
 * the new one (Kubernetes docs, "StatefulSets", Rolling Updates). Say so,
 * as an info: nothing is lost, but availability during an update drops. */
static void note_no_surge(struct d2s_cx *c, const struct d2s_node *spec, const struct d2s_node *strategy)
{
	const struct d2s_node *ru = strategy ? d2s_get(strategy, "rollingUpdate") : NULL;
	if (ru && ru->type != D2S_MAP)
		return;
	const struct d2s_node *mu = ru ? d2s_get(ru, "maxUnavailable") : NULL;
	const struct d2s_node *ms = ru ? d2s_get(ru, "maxSurge") : NULL;
	long replicas = spec_replicas(spec, 1);
	if (scaled(mu, replicas, 0) != 0 || scaled(ms, replicas, 1) <= 0)
		return;
	d2s_cx_diagf(c, D2S_INFO, mu ? mu : ru ? ru : strategy, "spec.strategy.rollingUpdate",
		      "updates without taking a pod down (maxUnavailable %s%s of %ld "
		      "replica%s is 0 pods; it starts new pods first, maxSurge %s%s); its StatefulSet has "
		      "no maxSurge: its rolling update deletes each pod before it starts the new one, so "
		      "one pod is unavailable at a time (with 1 replica, a short outage on every update)",
		      mu ? d2s_str(mu) : "25%", mu ? "" : " (default)", replicas, replicas == 1 ? "" : "s",
		      ms ? d2s_str(ms) : "25%", ms ? "" : " (default)");
}

/* Deployment spec.strategy/paused -> StatefulSet spec.updateStrategy
 * (apps/v1 StatefulSetUpdateStrategy: RollingUpdate with partition and
 * maxUnavailable, or OnDelete; Kubernetes docs, "StatefulSets", Update
 * strategies). Recreate has no equivalent. NULL: leave it unset. */
static struct d2s_val *update_strategy(struct d2s_cx *c, const struct d2s_node *spec)
{
	const struct d2s_options *o = c->o;
	const struct d2s_node *strategy = d2s_get(spec, "strategy");
	const char *type = NULL;
	if (strategy && strategy->type == D2S_MAP) {
		type = d2s_get_str(strategy, "type");
		if (!type && d2s_get(strategy, "rollingUpdate"))
			type = "RollingUpdate";
	}
	const struct d2s_node *paused = d2s_get(spec, "paused");
	int is_paused = d2s_is(paused, "true");
	const char *out = o->update_strategy;
	if (!out && type && !strcmp(type, "Recreate")) {
		out = o->recreate_as ? o->recreate_as : "RollingUpdate";
		d2s_cx_diagf(c, o->recreate_as ? D2S_INFO : D2S_WARNING, strategy, "spec.strategy",
			      "strategy Recreate has no StatefulSet equivalent; using updateStrategy %s "
			      "(%s)", out, strcmp(out, "OnDelete")
			      ? "pods are replaced one at a time; --recreate-as OnDelete for manual updates"
			      : "the controller never replaces a pod by itself: a pod gets the new template "
				"only when you delete it");
	} else if (!out && type) {
		out = "RollingUpdate";
	}
	if ((!type || !strcmp(type, "RollingUpdate")) && (!out || !strcmp(out, "RollingUpdate")) &&
	    !o->max_unavailable)
		note_no_surge(c, spec, strategy);
	long partition = is_paused ? paused_partition(c, spec, paused, out) : o->partition;
	if (!out && (partition >= 0 || o->max_unavailable))
		out = "RollingUpdate";
	if (!out)
		return NULL;
	struct d2s_val *us = d2s_v_map(&c->a);
	d2s_v_put(&c->a, us, "type", d2s_v_str(&c->a, out));
	if (!strcmp(out, "RollingUpdate") && (partition >= 0 || o->max_unavailable)) {
		struct d2s_val *ru = d2s_v_map(&c->a);
		if (partition >= 0)
			d2s_v_put(&c->a, ru, "partition", d2s_v_raw(&c->a, num(c, partition)));
		if (o->max_unavailable) {
			int pct = strchr(o->max_unavailable, '%') != NULL;
			d2s_v_put(&c->a, ru, "maxUnavailable", pct ? d2s_v_str(&c->a, o->max_unavailable)
						: d2s_v_raw(&c->a, o->max_unavailable));
		}
		d2s_v_put(&c->a, us, "rollingUpdate", ru);
	} else if (strcmp(out, "RollingUpdate") && (o->partition >= 0 || o->max_unavailable)) {
		d2s_cx_diagf(c, D2S_WARNING, NULL, "spec.updateStrategy",
			      "--partition and --max-unavailable apply to RollingUpdate only; ignored with %s", out);
	}
	return us;
}

/* ---------- the StatefulSet ---------- */

/* Remove the Deployment-only spec fields (strategy, progressDeadlineSeconds,
 * paused, rollbackTo) and put the StatefulSet ones into `head` (inserted at
 * the top of spec by the caller): serviceName, podManagementPolicy,
 * updateStrategy, persistentVolumeClaimRetentionPolicy, ordinals.start;
 * minReadySeconds and revisionHistoryLimit replace the Deployment's value or
 * are added (apps/v1 StatefulSetSpec; pkg/apis/apps/validation/validation.go,
 * ValidateStatefulSetSpec). */
static void spec_edits(struct d2s_cx *c, const struct d2s_node *spec, struct d2s_val *head,
		       const char *service_name)
{
	const struct d2s_options *o = c->o;
	struct d2s_arena *a = &c->a;
	struct d2s_val *us = update_strategy(c, spec);
	static const char *const drop[] = { "strategy", "progressDeadlineSeconds", "paused",
					    "rollbackTo", NULL };
	for (int i = 0; drop[i]; i++)
		d2s_cx_remove_key(c, spec, drop[i]);
	d2s_v_put(a, head, "serviceName", d2s_v_str(a, service_name));
	if (o->pod_management_policy)
		d2s_v_put(a, head, "podManagementPolicy", d2s_v_str(a, o->pod_management_policy));
	if (us)
		d2s_v_put(a, head, "updateStrategy", us);
	if (o->pvc_when_deleted || o->pvc_when_scaled) {
		struct d2s_val *p = d2s_v_map(a);
		if (o->pvc_when_deleted)
			d2s_v_put(a, p, "whenDeleted", d2s_v_str(a, o->pvc_when_deleted));
		if (o->pvc_when_scaled)
			d2s_v_put(a, p, "whenScaled", d2s_v_str(a, o->pvc_when_scaled));
		d2s_v_put(a, head, "persistentVolumeClaimRetentionPolicy", p);
	}
	if (o->ordinals_start >= 0) {
		struct d2s_val *p = d2s_v_map(a);
		d2s_v_put(a, p, "start", d2s_v_raw(a, num(c, o->ordinals_start)));
		d2s_v_put(a, head, "ordinals", p);
	}
	struct { const char *key; long v; } nums[] = {
		{ "minReadySeconds", o->min_ready_seconds },
		{ "revisionHistoryLimit", o->revision_history_limit },
	};
	for (size_t i = 0; i < 2; i++) {
		if (nums[i].v < 0)
			continue;
		const struct d2s_node *cur = d2s_get(spec, nums[i].key);
		if (cur && !d2s_cx_editable(c, cur, nums[i].key))
			continue;
		if (cur && cur->type == D2S_SCALAR && !cur->null_empty)
			d2s_yset_scalar(&c->ed, cur, num(c, nums[i].v));
		else if (cur)
			d2s_yset_empty(&c->ed, cur, d2s_v_raw(a, num(c, nums[i].v)));
		else
			d2s_v_put(a, head, nums[i].key, d2s_v_raw(a, num(c, nums[i].v)));
	}
}

/* Drop the annotation deployment.kubernetes.io/revision, which the
 * Deployment controller owns (the whole annotations key when it is the only
 * one). */
static void metadata_edits(struct d2s_cx *c, const struct d2s_node *root)
{
	const struct d2s_node *meta = d2s_get(root, "metadata");
	const struct d2s_node *ann = d2s_get(meta, "annotations");
	size_t i = d2s_cx_pair_index(ann, "deployment.kubernetes.io/revision");
	if (i == (size_t)-1)
		return;
	/* d2s_cx_remove_key: an anchor in the value an alias uses later must
	 * not go with it (the aliases are expanded first) */
	if (ann->n == 1)
		d2s_cx_remove_key(c, meta, "annotations");
	else
		d2s_cx_remove_key(c, ann, "deployment.kubernetes.io/revision");
}

/* Warn about pod template fields the StatefulSet controller overwrites:
 * each pod's hostname is its name <name>-<ordinal> and its subdomain the
 * serviceName (Kubernetes docs, "StatefulSets", Stable Network ID). */
static void template_warnings(struct d2s_cx *c, const struct d2s_node *pspec)
{
	static const char *const fields[] = { "hostname", "subdomain", NULL };
	for (int i = 0; fields[i]; i++) {
		const struct d2s_node *v = d2s_get(pspec, fields[i]);
		if (v)
			d2s_cx_diagf(c, D2S_WARNING, v, "spec.template.spec",
				      "spec.template.spec.%s is overwritten by the StatefulSet controller "
				      "(pods are named <name>-<ordinal>)", fields[i]);
	}
}

/* The StatefulSet name must be a DNS-1123 label of at most 52 characters
 * (the pods' controller-revision-hash label value is <name>-<hash> and
 * must fit 63: kubernetes/kubernetes#64023), the serviceName a DNS-1035
 * label (pkg/apis/core/validation/validation.go, ValidateServiceName).
 * Returns -1 after reporting an error. */
static int check_names(struct d2s_cx *c, const struct d2s_node *root, const char *svc)
{
	const struct d2s_node *nm = d2s_path(root, "metadata", "name");
	if (!d2s_is_dns1123_label(c->name, 52)) {
		d2s_cx_diagf(c, D2S_ERROR, nm ? nm : root, "metadata.name",
			      "a StatefulSet name must be a DNS-1123 label of at most 52 characters "
			      "(its pods' controller-revision-hash label adds 11; kubernetes/kubernetes#64023); "
			      "\"%s\" has %zu: rename it or --exclude it", c->name, strlen(c->name));
		return -1;
	}
	/* serviceName is set even without a generated Service: it must be valid */
	if (!d2s_is_dns1035_label(svc)) {
		d2s_cx_diagf(c, D2S_ERROR, nm ? nm : root, "spec.serviceName",
			      "service name \"%s\" is not a DNS-1035 label (a letter first, then lower case "
			      "letters, digits or '-', at most 63): choose another --service-name", svc);
		return -1;
	}
	return 0;
}

/* ---------- orchestration ---------- */

/* The Deployment's nodes d2s_convert works on. */
struct parts {
	const struct d2s_node *root, *spec, *pspec, *containers;
};

/* Check the shape every later step relies on: spec, spec.template,
 * spec.template.spec, a non-empty containers list, spec.selector, an
 * integer spec.replicas and a volumes list (apps/v1 DeploymentSpec).
 * Every problem is reported; returns -1 when any was an error. */
static int check_shape(struct d2s_cx *c, struct parts *p)
{
	const struct d2s_node *root = p->root;
	const struct d2s_node *spec = need(c, root, "spec", "spec", D2S_MAP, 1);
	const struct d2s_node *tmpl = spec ? need(c, spec, "template", "spec.template", D2S_MAP, 1) : NULL;
	const struct d2s_node *pspec = tmpl ? need(c, tmpl, "spec", "spec.template.spec", D2S_MAP, 1) : NULL;
	const struct d2s_node *containers = pspec ?
		need(c, pspec, "containers", "spec.template.spec.containers", D2S_SEQ, 1) : NULL;
	if (spec)
		need(c, spec, "selector", "spec.selector", D2S_MAP, 1);
	const struct d2s_node *replicas = spec ? d2s_get(spec, "replicas") : NULL;
	if (replicas && !replicas->null_empty && !d2s_is_uint(replicas))
		d2s_cx_diagf(c, D2S_ERROR, replicas, "spec.replicas",
			      "spec.replicas must be a non-negative integer, found \"%s\"",
			      replicas->type == D2S_SCALAR ? replicas->value : type_name(replicas));
	if (pspec)
		need(c, pspec, "volumes", "spec.template.spec.volumes", D2S_SEQ, 0);
	p->spec = spec;
	p->pspec = pspec;
	p->containers = containers;
	return c->failed || !containers ? -1 : 0;
}

/* Queue the edits of the StatefulSet itself and of its storage. */
static struct d2s_val *statefulset_edits(struct d2s_cx *c, const struct parts *p,
					 const struct d2s_convert_in *in, struct d2s_convert_out *out)
{
	const struct d2s_node *kind = d2s_get(p->root, "kind");
	if (!d2s_cx_editable(c, kind, "kind") || !d2s_cx_editable(c, p->spec, "spec"))
		return NULL;
	d2s_yset_scalar(&c->ed, kind, "StatefulSet");
	metadata_edits(c, p->root);
	d2s_cx_remove_key(c, p->root, "status");
	struct d2s_val *head = d2s_v_map(&c->a);
	spec_edits(c, p->spec, head, out->service_name);
	d2s_yinsert_pairs(&c->ed, p->spec, head, 1);

	struct d2s_val *claims = d2s_storage_claims(c, p->pspec, in->pvc_template, in->ctx,
						    &out->absorbed, &out->n_absorbed);
	d2s_storage_mounts(c, p->containers);
	template_warnings(c, p->pspec);
	if (claims->n) {
		struct d2s_val *pair = d2s_v_map(&c->a);
		d2s_v_put(&c->a, pair, "volumeClaimTemplates", claims);
		d2s_yinsert_pairs(&c->ed, p->spec, pair, 0);
	}
	return claims;
}

/* The headless Service into out->service ("---", the Deployment's
 * "# Source:" lines, then the object in the document's layout), unless
 * --no-headless-service. Returns -1 after an error. */
static int service_doc(struct d2s_cx *c, const struct parts *p, struct d2s_convert_out *out)
{
	if (c->o->no_headless_service)
		return 0;
	struct d2s_val *s = d2s_service_build(c, p->root, out->service_name);
	if (!s)
		return -1;
	d2s_buf_puts(&out->service, "---");
	d2s_buf_puts(&out->service, c->ed.layout.nl);
	d2s_source_comments(c->doc, &out->service);
	d2s_render_pairs(&out->service, s, 0, &c->ed.layout);
	return 0;
}

/* ---------- the conversion report (report.h) ---------- */

/* Text of scalar value `v` (RAW text copied from the input loses its
 * quotes), into `a`; NULL when `v` is absent or not a scalar. */
static const char *val_text(struct d2s_arena *a, const struct d2s_val *v)
{
	if (!v || (v->type != D2S_V_STR && v->type != D2S_V_RAW) || !v->s)
		return NULL;
	size_t n = strlen(v->s);
	if (v->type == D2S_V_RAW && n >= 2 && (v->s[0] == '"' || v->s[0] == '\'') && v->s[n - 1] == v->s[0])
		return d2s_arena_strndup(a, v->s + 1, n - 2);
	return v->s;
}

/* Value at `key` of MAP value `v`, or NULL. */
static const struct d2s_val *val_at(const struct d2s_val *v, const char *key)
{
	for (size_t i = 0; v && v->type == D2S_V_MAP && i < v->n; i++)
		if (!strcmp(v->keys[i], key))
			return v->kids[i];
	return NULL;
}

/* Record claim template `t` (absorbed from PVC `from`, or NULL) of the
 * StatefulSet in the report. */
static void record_claim(struct d2s_cx *c, const struct d2s_val *t, const char *from)
{
	const struct d2s_val *spec = val_at(t, "spec"), *modes = val_at(spec, "accessModes");
	struct d2s_buf m = {0};
	for (size_t i = 0; modes && modes->type == D2S_V_SEQ && i < modes->n; i++) {
		const char *s = val_text(&c->a, modes->kids[i]);
		if (s)
			d2s_buf_printf(&m, "%s%s", m.len ? "," : "", s);
	}
	struct d2s_creport_claim rc = {
		.name = val_text(&c->a, val_at(val_at(t, "metadata"), "name")), .from_pvc = from,
		.storage = val_text(&c->a, val_at(val_at(val_at(spec, "resources"), "requests"), "storage")),
		.storage_class = val_text(&c->a, val_at(spec, "storageClassName")),
		.access_modes = m.len ? m.data : NULL,
	};
	d2s_creport_claim(c->diag->report, c->ns, c->name, &rc);
	d2s_buf_free(&m);
}

/* Record the converted Deployment in the report: the StatefulSet, its
 * Service, replicas, ordinals.start and claim templates (the --volume-claim-
 * template ones first, then one per absorbed PVC, as d2s_storage_claims
 * builds them). */
static void record(struct d2s_cx *c, const struct parts *p, const struct d2s_val *claims,
		   const struct d2s_convert_out *out)
{
	struct d2s_conv_report *r = c->diag->report;
	if (!r)
		return;
	d2s_creport_converted(r, c->ns, c->name, c->ns, c->name, out->service_name,
			      out->service.len ? D2S_CR_SVC_GENERATED : D2S_CR_SVC_NONE);
	d2s_creport_replicas(r, c->ns, c->name, spec_replicas(p->spec, -1), c->o->ordinals_start);
	size_t flags = c->o->n_vcts;
	for (size_t i = 0; claims && i < claims->n; i++)
		record_claim(c, claims->kids[i], i < flags || i - flags >= out->n_absorbed ? NULL :
			     out->absorbed[i - flags]);
}

/* d2s_convert without the setup and teardown of `c`; same result codes. */
static int convert_doc(struct d2s_cx *c, const struct d2s_convert_in *in, struct d2s_convert_out *out)
{
	struct parts p = { .root = in->doc->root };
	const struct d2s_node *meta = d2s_get(p.root, "metadata");
	c->name = d2s_get_str(meta, "name");
	c->ns = d2s_get_str(meta, "namespace");
	if (!c->ns)
		c->ns = "";
	if (!c->name) {
		d2s_cx_diagf(c, D2S_ERROR, meta ? meta : p.root, "metadata.name", "metadata.name is missing");
		return -1;
	}
	check_duplicates(c, p.root);
	if (c->failed || check_shape(c, &p))
		return -1;
	/* {namespace} is the namespace the Service is applied in: -n for an
	 * object without metadata.namespace (kubectl apply --namespace) */
	const char *svc_ns = *c->ns || !c->o->default_namespace ? c->ns : c->o->default_namespace;
	out->service_name = d2s_service_name(c->o->service_name, c->name, svc_ns);
	if (check_names(c, p.root, out->service_name))
		return -1;
	const struct d2s_val *claims = statefulset_edits(c, &p, in, out);
	if (c->failed)
		return -1;
	if (c->ed.expand)
		return 2;
	if (c->ed.reemit)
		return 1;
	if (service_doc(c, &p, out) || c->failed)
		return -1;
	if (d2s_edits_apply(&c->ed, &out->text)) {
		d2s_cx_diagf(c, D2S_ERROR, NULL, NULL, "internal error: overlapping edits; please report "
			      "this input to the deploy2sts developers");
		return -1;
	}
	record(c, &p, claims, out);
	return 0;
}

int d2s_convert(const struct d2s_convert_in *in, struct d2s_convert_out *out)
{
	struct d2s_cx c = { .o = in->o, .doc = in->doc, .diag = in->diag, .file = in->file,
			    .line0 = in->line0, .max_replicas = in->max_replicas };
	memset(out, 0, sizeof(*out));
	d2s_edits_init(&c.ed, in->doc->text, in->doc->len);
	d2s_layout_detect(in->doc, &c.ed.layout);
	int rc = convert_doc(&c, in, out);
	if (rc < 0 && c.name)
		d2s_creport_failed(in->diag->report, c.ns, c.name);
	out->name = d2s_check_alloc(strdup(c.name ? c.name : ""));
	out->ns = d2s_check_alloc(strdup(c.ns ? c.ns : ""));
	d2s_edits_free(&c.ed);
	d2s_arena_free(&c.a);
	return rc;
}

void d2s_convert_out_free(struct d2s_convert_out *out)
{
	d2s_buf_free(&out->text);
	d2s_buf_free(&out->service);
	free(out->name);
	free(out->ns);
	free(out->service_name);
	for (size_t i = 0; i < out->n_absorbed; i++)
		free(out->absorbed[i]);
	free(out->absorbed);
	memset(out, 0, sizeof(*out));
}

int d2s_convert_edit_cb(const struct d2s_doc *doc, void *ctx)
{
	struct d2s_convert_edit *ce = ctx;
	ce->in->doc = doc;
	int rc = d2s_convert(ce->in, ce->out);
	if (rc)
		d2s_convert_out_free(ce->out);
	return rc;
}

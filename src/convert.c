/* convert.c - convert stage: Deployment text -> StatefulSet text (edited in
 * place) + headless Service (see convert.h). Rules: DESIGN §3.2-§3.4. */
#include "convert.h"

#include <fnmatch.h>
#include <libfyaml.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* Annotations carried from the Deployment to the generated Service: Helm 4
 * keeps documents apart by this one (DESIGN §1). */
static const char *const carried_annotations[] = {
	"postrenderer.helm.sh/postrender-filename",
	"config.kubernetes.io/path",
	"internal.config.kubernetes.io/path",
	NULL
};

struct cx {
	const struct d2s_convert_in *in;
	const struct d2s_options *o;
	const struct d2s_doc *doc;
	struct d2s_edits ed;
	struct d2s_arena a;
	const char *name, *ns;
	int failed;
};

static void report(struct cx *c, enum d2s_severity sev, const struct d2s_node *at,
		   const char *field, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void report(struct cx *c, enum d2s_severity sev, const struct d2s_node *at,
		   const char *field, const char *fmt, ...)
{
	struct d2s_where w = {
		.file = c->in->file, .api_version = "apps/v1", .kind = "Deployment",
		.ns = c->ns, .name = c->name, .field = field,
	};
	if (at) {
		long l, col;
		d2s_linecol(c->doc->text, at->start, &l, &col);
		w.line = c->in->line0 + l - 1;
		w.col = col;
	}
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	d2s_report(c->in->diag, sev, &w, "%s", msg);
	if (sev == D2S_ERROR)
		c->failed = 1;
}

static const char *type_name(const struct d2s_node *n)
{
	if (!n)
		return "nothing";
	switch (n->type) {
	case D2S_MAP: return "a mapping";
	case D2S_SEQ: return "a list";
	case D2S_ALIAS: return "an alias (deploy2sts does not expand aliases)";
	default: return n->null_empty ? "empty" : "a scalar";
	}
}

/* The value at `key` must be a mapping; report and return NULL otherwise. */
static const struct d2s_node *need(struct cx *c, const struct d2s_node *parent, const char *key,
				   const char *field, enum d2s_node_type t, int required)
{
	const struct d2s_node *v = d2s_get(parent, key);
	if (!v && !required)
		return NULL;
	if (!v || v->type != t || (t == D2S_SEQ && v->n == 0 && required)) {
		report(c, D2S_ERROR, v ? v : parent, field, "%s must be %s, found %s%s", field,
		       t == D2S_MAP ? "a mapping" : "a non-empty list", type_name(v),
		       v ? "" : " (is this a complete Deployment?)");
		return NULL;
	}
	return v;
}

static int is_int(const struct d2s_node *n)
{
	if (!n || n->type != D2S_SCALAR || n->style != D2S_PLAIN || !n->value[0])
		return 0;
	for (const char *p = n->value; *p; p++)
		if (*p < '0' || *p > '9')
			return 0;
	return 1;
}

static size_t pair_index(const struct d2s_node *map, const char *key)
{
	for (size_t i = 0; map && i < map->n; i++)
		if (d2s_is(map->kids[2 * i], key))
			return i;
	return (size_t)-1;
}

static void remove_key(struct cx *c, const struct d2s_node *map, const char *key)
{
	size_t i = pair_index(map, key);
	if (i != (size_t)-1)
		d2s_yremove_pair(&c->ed, map, i);
}

static void expand_service_name(const char *tmpl, const char *name, const char *ns, struct d2s_buf *b)
{
	for (const char *p = tmpl; *p; p++) {
		if (!strncmp(p, "{name}", 6)) {
			d2s_buf_puts(b, name);
			p += 5;
		} else if (!strncmp(p, "{namespace}", 11)) {
			d2s_buf_puts(b, ns);
			p += 10;
		} else {
			d2s_buf_add(b, p, 1);
		}
	}
	if (!b->data)
		d2s_buf_puts(b, "");
}

static char *num(struct cx *c, long v)
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
static void check_duplicates(struct cx *c, const struct d2s_node *root)
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
				report(c, D2S_ERROR, keys[i], NULL, "duplicate key \"%s\" (YAML allows each "
				       "key once per mapping): remove one", keys[i]->value);
				break;
			}
	}
	free(stack);
	free(keys);
}

/* ---------- update strategy (DESIGN §3.2) ---------- */

static struct d2s_val *update_strategy(struct cx *c, const struct d2s_node *spec)
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
		report(c, D2S_WARNING, strategy, "spec.strategy",
		       "strategy Recreate has no StatefulSet equivalent; using updateStrategy %s "
		       "(pods are replaced one at a time%s)", out,
		       strcmp(out, "OnDelete") ? "; --recreate-as OnDelete for manual updates" : "");
	} else if (!out && type) {
		out = "RollingUpdate";
	}
	long partition = o->partition;
	if (partition < 0 && is_paused) {
		const struct d2s_node *r = d2s_get(spec, "replicas");
		partition = is_int(r) ? strtol(r->value, NULL, 10) : 1;
		report(c, D2S_WARNING, paused, "spec.paused",
		       "paused: true becomes a RollingUpdate with partition %ld (no pod is updated "
		       "until the partition is lowered)", partition);
	}
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
	} else if (strcmp(out, "RollingUpdate") && (partition >= 0 || o->max_unavailable)) {
		report(c, D2S_WARNING, NULL, "spec.updateStrategy",
		       "--partition and --max-unavailable apply to RollingUpdate only; ignored with %s", out);
	}
	return us;
}

/* ---------- storage (DESIGN §3.4) ---------- */

static int in_list(char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], s))
			return 1;
	return 0;
}

static const struct d2s_vct *flag_vct(const struct d2s_options *o, const char *name)
{
	for (size_t i = 0; i < o->n_vcts; i++)
		if (!strcmp(o->vcts[i].name, name))
			return &o->vcts[i];
	return NULL;
}

static void split_into(struct cx *c, struct d2s_val *seq, const char *list)
{
	char *copy = d2s_arena_strndup(&c->a, list, strlen(list)), *save = NULL;
	for (char *t = strtok_r(copy, ";+", &save); t; t = strtok_r(NULL, ";+", &save))
		d2s_v_push(&c->a, seq, d2s_v_str(&c->a, t));
}

static struct d2s_val *flag_claim(struct cx *c, const struct d2s_vct *v)
{
	struct d2s_arena *a = &c->a;
	struct d2s_val *t = d2s_v_map(a), *meta = d2s_v_map(a), *spec = d2s_v_map(a);
	d2s_v_put(a, meta, "name", d2s_v_str(a, v->name));
	d2s_v_put(a, t, "metadata", meta);
	struct d2s_val *modes = d2s_v_seq(a);
	split_into(c, modes, v->access_modes ? v->access_modes : "ReadWriteOnce");
	d2s_v_put(a, spec, "accessModes", modes);
	if (v->storage_class)
		d2s_v_put(a, spec, "storageClassName", d2s_v_str(a, v->storage_class));
	if (v->volume_mode)
		d2s_v_put(a, spec, "volumeMode", d2s_v_str(a, v->volume_mode));
	struct d2s_val *res = d2s_v_map(a), *req = d2s_v_map(a);
	d2s_v_put(a, req, "storage", d2s_v_str(a, v->size));
	d2s_v_put(a, res, "requests", req);
	d2s_v_put(a, spec, "resources", res);
	d2s_v_put(a, t, "spec", spec);
	return t;
}

static const char *volume_claim(const struct d2s_node *vol)
{
	return d2s_str(d2s_path(vol, "persistentVolumeClaim", "claimName"));
}

/* Remove replaced/absorbed pod volumes; collect claim templates. */
static void convert_volumes(struct cx *c, const struct d2s_node *pspec, struct d2s_val *claims,
			    struct d2s_convert_out *out)
{
	const struct d2s_options *o = c->o;
	for (size_t i = 0; i < o->n_vcts; i++)
		d2s_v_push(&c->a, claims, flag_claim(c, &o->vcts[i]));
	const struct d2s_node *vols = d2s_get(pspec, "volumes");
	if (!vols || vols->type != D2S_SEQ)
		return;
	size_t removed = 0;
	char *gone = calloc(vols->n ? vols->n : 1, 1);
	d2s_check_alloc(gone);
	for (size_t i = 0; i < vols->n; i++) {
		const struct d2s_node *vol = vols->kids[i];
		const char *vname = d2s_get_str(vol, "name");
		if (!vname)
			continue;
		if (flag_vct(o, vname)) {
			gone[i] = 1;
			continue;
		}
		const char *claim = volume_claim(vol);
		if (!claim || in_list(o->shared_volumes, o->n_shared_volumes, vname))
			continue;
		struct d2s_val *tpl = c->in->pvc_template ?
			c->in->pvc_template(c->in->ctx, &c->a, c->ns, claim, vname) : NULL;
		if (!tpl) {
			report(c, D2S_WARNING, vol, "spec.template.spec.volumes",
			       "volume %s mounts PersistentVolumeClaim %s, which is not in the input: every "
			       "replica shares it (a ReadWriteOnce claim fails with Multi-Attach errors "
			       "when replicas > 1)", vname, claim);
			continue;
		}
		d2s_v_push(&c->a, claims, tpl);
		gone[i] = 1;
		out->absorbed = d2s_check_alloc(realloc(out->absorbed, (out->n_absorbed + 1) * sizeof(char *)));
		out->absorbed[out->n_absorbed++] = d2s_check_alloc(strdup(claim));
	}
	for (size_t i = 0; i < vols->n; i++)
		removed += gone[i];
	if (removed == vols->n && removed) {
		remove_key(c, pspec, "volumes");
	} else {
		for (size_t i = 0; i < vols->n; i++)
			if (gone[i])
				d2s_yremove_item(&c->ed, vols, i);
	}
	free(gone);
}

static int container_chosen(const struct d2s_vct *v, const char *cname)
{
	if (!v->containers)
		return 1;
	char *copy = d2s_check_alloc(strdup(v->containers)), *save = NULL;
	int hit = 0;
	for (char *t = strtok_r(copy, ";+", &save); t && !hit; t = strtok_r(NULL, ";+", &save))
		hit = fnmatch(t, cname ? cname : "", 0) == 0;
	free(copy);
	return hit;
}

static int mounts_volume(const struct d2s_node *container, const char *vname)
{
	const struct d2s_node *vm = d2s_get(container, "volumeMounts");
	for (size_t i = 0; vm && vm->type == D2S_SEQ && i < vm->n; i++)
		if (d2s_is(d2s_get(vm->kids[i], "name"), vname))
			return 1;
	return 0;
}

/* Add a volumeMount for every --volume-claim-template with a mountPath. */
static void add_mounts(struct cx *c, const struct d2s_node *containers)
{
	const struct d2s_options *o = c->o;
	for (size_t k = 0; k < o->n_vcts; k++) {
		const struct d2s_vct *v = &o->vcts[k];
		int mounted = 0;
		for (size_t i = 0; i < containers->n; i++)
			mounted |= mounts_volume(containers->kids[i], v->name);
		if (!v->mount_path && !mounted)
			report(c, D2S_WARNING, containers, "spec.volumeClaimTemplates",
			       "claim template %s is mounted by no container (add mountPath=...)", v->name);
	}
	for (size_t i = 0; i < containers->n; i++) {
		const struct d2s_node *ct = containers->kids[i];
		if (ct->type != D2S_MAP)
			continue;
		struct d2s_val *items = d2s_v_seq(&c->a);
		for (size_t k = 0; k < o->n_vcts; k++) {
			const struct d2s_vct *v = &o->vcts[k];
			if (!v->mount_path || !container_chosen(v, d2s_get_str(ct, "name")) ||
			    mounts_volume(ct, v->name))
				continue;
			struct d2s_val *m = d2s_v_map(&c->a);
			d2s_v_put(&c->a, m, "name", d2s_v_str(&c->a, v->name));
			d2s_v_put(&c->a, m, "mountPath", d2s_v_str(&c->a, v->mount_path));
			d2s_v_push(&c->a, items, m);
		}
		if (!items->n)
			continue;
		const struct d2s_node *vm = d2s_get(ct, "volumeMounts");
		if (vm && vm->type == D2S_SEQ) {
			d2s_yappend_items(&c->ed, vm, items); /* also fills volumeMounts: [] */
		} else if (vm) {
			d2s_yset_empty(&c->ed, vm, items); /* volumeMounts: (null) or ~ */
		} else {
			struct d2s_val *pair = d2s_v_map(&c->a);
			d2s_v_put(&c->a, pair, "volumeMounts", items);
			d2s_yinsert_pairs(&c->ed, ct, pair, 0);
		}
	}
}

/* ---------- the headless Service (DESIGN §3.3) ---------- */

static struct d2s_val *copy_string_map(struct cx *c, const struct d2s_node *m)
{
	struct d2s_val *v = d2s_v_map(&c->a);
	for (size_t i = 0; m && m->type == D2S_MAP && i < m->n; i++) {
		const struct d2s_node *k = m->kids[2 * i], *x = m->kids[2 * i + 1];
		if (k->type == D2S_SCALAR && x->type == D2S_SCALAR)
			d2s_v_put(&c->a, v, k->value, d2s_v_str(&c->a, x->value));
	}
	return v;
}

static int expr_holds(const struct d2s_node *e, const struct d2s_node *labels)
{
	const char *key = d2s_get_str(e, "key"), *op = d2s_get_str(e, "operator");
	const struct d2s_node *vals = d2s_get(e, "values");
	if (!key || !op)
		return 0;
	const char *have = d2s_get_str(labels, key);
	int in = 0;
	for (size_t i = 0; have && vals && vals->type == D2S_SEQ && i < vals->n; i++)
		in |= d2s_is(vals->kids[i], have);
	if (!strcmp(op, "In"))
		return have && in;
	if (!strcmp(op, "NotIn"))
		return !have || !in;
	if (!strcmp(op, "Exists"))
		return have != NULL;
	if (!strcmp(op, "DoesNotExist"))
		return have == NULL;
	return 0;
}

static struct d2s_val *service_selector(struct cx *c, const struct d2s_node *spec,
					const struct d2s_node *tmpl)
{
	const struct d2s_node *sel = d2s_get(spec, "selector");
	const struct d2s_node *ml = d2s_get(sel, "matchLabels");
	const struct d2s_node *me = d2s_get(sel, "matchExpressions");
	if (ml && ml->type == D2S_MAP && ml->n && !(me && me->type == D2S_SEQ && me->n))
		return copy_string_map(c, ml);
	const struct d2s_node *labels = d2s_path(tmpl, "metadata", "labels");
	int ok = labels && labels->type == D2S_MAP && labels->n;
	for (size_t i = 0; ok && ml && ml->type == D2S_MAP && i < ml->n; i++)
		ok = d2s_is(d2s_get(labels, ml->kids[2 * i]->value), d2s_str(ml->kids[2 * i + 1]));
	for (size_t i = 0; ok && me && me->type == D2S_SEQ && i < me->n; i++)
		ok = expr_holds(me->kids[i], labels);
	if (!ok) {
		report(c, D2S_ERROR, sel, "spec.selector",
		       "the selector cannot be written as a Service selector: matchExpressions need "
		       "template labels that satisfy them (or use --no-headless-service and bring a Service)");
		return NULL;
	}
	return copy_string_map(c, labels);
}

static struct d2s_val *service_ports(struct cx *c, const struct d2s_node *containers)
{
	struct d2s_val *ports = d2s_v_seq(&c->a);
	const char *seen[64];
	size_t n_seen = 0;
	for (size_t i = 0; i < containers->n; i++) {
		const struct d2s_node *ps = d2s_get(containers->kids[i], "ports");
		for (size_t k = 0; ps && ps->type == D2S_SEQ && k < ps->n; k++) {
			const struct d2s_node *p = ps->kids[k];
			const char *pname = d2s_get_str(p, "name");
			const struct d2s_node *num_node = d2s_get(p, "containerPort");
			if (!pname || !is_int(num_node))
				continue;
			int dup = 0;
			for (size_t s = 0; s < n_seen; s++)
				dup |= !strcmp(seen[s], pname);
			if (dup || n_seen == 64)
				continue;
			seen[n_seen++] = pname;
			struct d2s_val *sp = d2s_v_map(&c->a);
			d2s_v_put(&c->a, sp, "name", d2s_v_str(&c->a, pname));
			d2s_v_put(&c->a, sp, "port", d2s_v_raw(&c->a, num_node->value));
			d2s_v_put(&c->a, sp, "targetPort", d2s_v_str(&c->a, pname));
			const char *proto = d2s_get_str(p, "protocol");
			if (proto)
				d2s_v_put(&c->a, sp, "protocol", d2s_v_str(&c->a, proto));
			d2s_v_push(&c->a, ports, sp);
		}
	}
	return ports;
}

static void build_service(struct cx *c, const struct d2s_node *root, const struct d2s_node *spec,
			  const struct d2s_node *tmpl, const struct d2s_node *containers,
			  const char *svc, struct d2s_convert_out *out)
{
	struct d2s_arena *a = &c->a;
	const struct d2s_node *meta = d2s_get(root, "metadata");
	struct d2s_val *s = d2s_v_map(a), *m = d2s_v_map(a), *sp = d2s_v_map(a);
	d2s_v_put(a, s, "apiVersion", d2s_v_str(a, "v1"));
	d2s_v_put(a, s, "kind", d2s_v_str(a, "Service"));
	d2s_v_put(a, m, "name", d2s_v_str(a, svc));
	if (c->ns[0])
		d2s_v_put(a, m, "namespace", d2s_v_str(a, c->ns));
	struct d2s_val *labels = copy_string_map(c, d2s_get(meta, "labels"));
	if (labels->n)
		d2s_v_put(a, m, "labels", labels);
	const struct d2s_node *ann = d2s_get(meta, "annotations");
	struct d2s_val *sa = d2s_v_map(a);
	for (int i = 0; carried_annotations[i]; i++) {
		const char *v = d2s_get_str(ann, carried_annotations[i]);
		if (v)
			d2s_v_put(a, sa, carried_annotations[i], d2s_v_str(a, v));
	}
	if (sa->n)
		d2s_v_put(a, m, "annotations", sa);
	d2s_v_put(a, s, "metadata", m);
	d2s_v_put(a, sp, "clusterIP", d2s_v_str(a, "None"));
	if (c->o->publish_not_ready_addresses)
		d2s_v_put(a, sp, "publishNotReadyAddresses", d2s_v_raw(a, "true"));
	struct d2s_val *sel = service_selector(c, spec, tmpl);
	if (!sel)
		return;
	d2s_v_put(a, sp, "selector", sel);
	struct d2s_val *ports = service_ports(c, containers);
	if (ports->n)
		d2s_v_put(a, sp, "ports", ports);
	d2s_v_put(a, s, "spec", sp);

	d2s_buf_puts(&out->service, "---");
	d2s_buf_puts(&out->service, c->ed.layout.nl);
	d2s_source_comments(c->doc, &out->service);
	d2s_render_pairs(&out->service, s, 0, &c->ed.layout);
}

/* ---------- the StatefulSet ---------- */

static void spec_edits(struct cx *c, const struct d2s_node *spec, struct d2s_val *head,
		       const char *service_name)
{
	const struct d2s_options *o = c->o;
	struct d2s_arena *a = &c->a;
	struct d2s_val *us = update_strategy(c, spec);
	static const char *const drop[] = { "strategy", "progressDeadlineSeconds", "paused",
					    "rollbackTo", NULL };
	for (int i = 0; drop[i]; i++)
		remove_key(c, spec, drop[i]);
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
		if (cur && cur->type == D2S_SCALAR && !cur->null_empty)
			d2s_yset_scalar(&c->ed, cur, num(c, nums[i].v));
		else if (cur)
			d2s_yset_empty(&c->ed, cur, d2s_v_raw(a, num(c, nums[i].v)));
		else
			d2s_v_put(a, head, nums[i].key, d2s_v_raw(a, num(c, nums[i].v)));
	}
}

static void metadata_edits(struct cx *c, const struct d2s_node *root)
{
	const struct d2s_node *meta = d2s_get(root, "metadata");
	const struct d2s_node *ann = d2s_get(meta, "annotations");
	size_t i = pair_index(ann, "deployment.kubernetes.io/revision");
	if (i == (size_t)-1)
		return;
	if (ann->n == 1)
		remove_key(c, meta, "annotations");
	else
		d2s_yremove_pair(&c->ed, ann, i);
}

static void template_warnings(struct cx *c, const struct d2s_node *pspec)
{
	static const char *const fields[] = { "hostname", "subdomain", NULL };
	for (int i = 0; fields[i]; i++) {
		const struct d2s_node *v = d2s_get(pspec, fields[i]);
		if (v)
			report(c, D2S_WARNING, v, "spec.template.spec",
			       "spec.template.spec.%s is overwritten by the StatefulSet controller "
			       "(pods are named <name>-<ordinal>)", fields[i]);
	}
}

static int check_names(struct cx *c, const struct d2s_node *root, const char *svc)
{
	const struct d2s_node *nm = d2s_path(root, "metadata", "name");
	if (!d2s_is_dns1123_label(c->name, 52)) {
		report(c, D2S_ERROR, nm ? nm : root, "metadata.name",
		       "a StatefulSet name must be a DNS-1123 label of at most 52 characters "
		       "(its pods' controller-revision-hash label adds 11; kubernetes/kubernetes#64023); "
		       "\"%s\" has %zu: rename it or --exclude it", c->name, strlen(c->name));
		return -1;
	}
	/* serviceName is set even without a generated Service: it must be valid */
	if (!d2s_is_dns1035_label(svc)) {
		report(c, D2S_ERROR, nm ? nm : root, "spec.serviceName",
		       "service name \"%s\" is not a DNS-1035 label (a letter first, then lower case "
		       "letters, digits or '-', at most 63): choose another --service-name", svc);
		return -1;
	}
	return 0;
}

static int service_exists(struct cx *c, const char *svc, struct d2s_convert_out *out)
{
	if (!c->in->service_state)
		return 0;
	enum d2s_svc_state st = c->in->service_state(c->in->ctx, c->ns, svc);
	if (st == D2S_SVC_HEADLESS) {
		out->reused_service = 1;
		return 1;
	}
	if (st == D2S_SVC_NOT_HEADLESS) {
		report(c, D2S_ERROR, NULL, "spec.serviceName",
		       "Service %s exists in the input and is not headless (clusterIP is immutable, "
		       "the apply would fail): choose another --service-name, or --no-headless-service "
		       "if that Service is meant", svc);
		return -1;
	}
	return 0;
}

int d2s_convert(const struct d2s_convert_in *in, struct d2s_convert_out *out)
{
	struct cx c = { .in = in, .o = in->o, .doc = in->doc };
	const struct d2s_node *root = in->doc->root;
	memset(out, 0, sizeof(*out));
	d2s_edits_init(&c.ed, in->doc->text, in->doc->len);
	d2s_layout_detect(in->doc, &c.ed.layout);
	const struct d2s_node *meta = d2s_get(root, "metadata");
	c.name = d2s_get_str(meta, "name");
	c.ns = d2s_get_str(meta, "namespace");
	if (!c.ns)
		c.ns = "";
	int rc = -1;
	if (!c.name) {
		report(&c, D2S_ERROR, meta ? meta : root, "metadata.name", "metadata.name is missing");
		goto done;
	}
	check_duplicates(&c, root);
	if (c.failed)
		goto done;
	const struct d2s_node *spec = need(&c, root, "spec", "spec", D2S_MAP, 1);
	const struct d2s_node *tmpl = spec ? need(&c, spec, "template", "spec.template", D2S_MAP, 1) : NULL;
	const struct d2s_node *pspec = tmpl ? need(&c, tmpl, "spec", "spec.template.spec", D2S_MAP, 1) : NULL;
	const struct d2s_node *containers = pspec ?
		need(&c, pspec, "containers", "spec.template.spec.containers", D2S_SEQ, 1) : NULL;
	if (spec)
		need(&c, spec, "selector", "spec.selector", D2S_MAP, 1);
	const struct d2s_node *replicas = spec ? d2s_get(spec, "replicas") : NULL;
	if (replicas && !replicas->null_empty && !is_int(replicas))
		report(&c, D2S_ERROR, replicas, "spec.replicas",
		       "spec.replicas must be a non-negative integer, found \"%s\"",
		       replicas->type == D2S_SCALAR ? replicas->value : type_name(replicas));
	if (pspec)
		need(&c, pspec, "volumes", "spec.template.spec.volumes", D2S_SEQ, 0);
	if (c.failed || !containers)
		goto done;

	struct d2s_buf svc = {0};
	expand_service_name(c.o->service_name ? c.o->service_name : "{name}-headless",
			    c.name, c.ns, &svc);
	out->service_name = d2s_buf_take(&svc);
	if (check_names(&c, root, out->service_name))
		goto done;

	const struct d2s_node *kind = d2s_get(root, "kind");
	d2s_yset_scalar(&c.ed, kind, "StatefulSet");
	metadata_edits(&c, root);
	remove_key(&c, root, "status");
	struct d2s_val *head = d2s_v_map(&c.a);
	spec_edits(&c, spec, head, out->service_name);
	d2s_yinsert_pairs(&c.ed, spec, head, 1);

	struct d2s_val *claims = d2s_v_seq(&c.a);
	convert_volumes(&c, pspec, claims, out);
	add_mounts(&c, containers);
	template_warnings(&c, pspec);
	if (claims->n) {
		struct d2s_val *pair = d2s_v_map(&c.a);
		d2s_v_put(&c.a, pair, "volumeClaimTemplates", claims);
		d2s_yinsert_pairs(&c.ed, spec, pair, 0);
	}
	if (c.ed.reemit) {
		rc = 1;
		goto done;
	}
	int exists = service_exists(&c, out->service_name, out);
	if (exists < 0)
		goto done;
	if (!exists && !c.o->no_headless_service)
		build_service(&c, root, spec, tmpl, containers, out->service_name, out);
	if (c.failed)
		goto done;
	if (d2s_edits_apply(&c.ed, &out->text)) {
		report(&c, D2S_ERROR, NULL, NULL, "internal error: overlapping edits; please report "
		       "this input to the deploy2sts developers");
		goto done;
	}
	rc = 0;
done:
	out->name = d2s_check_alloc(strdup(c.name ? c.name : ""));
	out->ns = d2s_check_alloc(strdup(c.ns));
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

const char **d2s_deploy_claims(const struct d2s_node *deployment, const struct d2s_options *o,
			       size_t *n)
{
	*n = 0;
	const struct d2s_node *vols = d2s_path(deployment, "spec", "template", "spec", "volumes");
	if (!vols || vols->type != D2S_SEQ)
		return NULL;
	const char **v = d2s_check_alloc(calloc(vols->n + 1, sizeof(*v)));
	for (size_t i = 0; i < vols->n; i++) {
		const char *vname = d2s_get_str(vols->kids[i], "name");
		const char *claim = volume_claim(vols->kids[i]);
		if (!vname || !claim || flag_vct(o, vname) ||
		    in_list(o->shared_volumes, o->n_shared_volumes, vname))
			continue;
		v[(*n)++] = claim;
	}
	return v;
}

/* service.c - convert stage, headless Service: name, existing-Service check
 * and the generated Service document (see service.h). */
#include "service.h"
#include "convert_ctx.h"

#include <string.h>

/* Annotations carried from the Deployment to the generated Service so the
 * client files it with the StatefulSet: Helm 4 regroups a post-renderer's
 * output into files by postrenderer.helm.sh/postrender-filename (helm/helm
 * pkg/action/action.go, annotateAndMerge), kpt and kustomize write a KRM
 * function's items to config.kubernetes.io/path (KRM Functions
 * Specification, kubernetes-sigs/kustomize
 * cmd/config/docs/api-conventions/functions-spec.md). */
static const char *const carried_annotations[] = {
	"postrenderer.helm.sh/postrender-filename",
	"config.kubernetes.io/path",
	"internal.config.kubernetes.io/path",
	NULL
};

char *d2s_service_name(const char *tmpl, const char *name, const char *ns)
{
	struct d2s_buf b = {0};
	if (!tmpl)
		tmpl = "{name}-headless";
	for (const char *p = tmpl; *p; p++) {
		if (!strncmp(p, "{name}", 6)) {
			d2s_buf_puts(&b, name);
			p += 5;
		} else if (!strncmp(p, "{namespace}", 11)) {
			d2s_buf_puts(&b, ns);
			p += 10;
		} else {
			d2s_buf_add(&b, p, 1);
		}
	}
	if (!b.data)
		d2s_buf_puts(&b, "");
	return d2s_buf_take(&b);
}

/* Put the string pairs of mapping `m` into `v`, keys already in `v` kept:
 * own keys first, then those of the mappings its merge key `<<` names,
 * earlier ones first (YAML merge key type, https://yaml.org/type/merge.html;
 * go-yaml reads labels so for sigs.k8s.io/yaml). `depth` stops a cycle. */
static void put_string_pairs(struct d2s_cx *c, struct d2s_val *v, const struct d2s_node *m, int depth)
{
	m = d2s_deref(m);
	if (!m || m->type != D2S_MAP || depth > 32)
		return;
	for (size_t i = 0; i < m->n; i++) {
		const char *k = d2s_str(m->kids[2 * i]), *x = d2s_str(m->kids[2 * i + 1]);
		if (k && x && !d2s_is_merge_key(d2s_deref(m->kids[2 * i])) && !d2s_v_get(v, k))
			d2s_v_put(&c->a, v, k, d2s_v_str(&c->a, x));
	}
	for (size_t i = 0; i < m->n; i++) {
		if (!d2s_is_merge_key(d2s_deref(m->kids[2 * i])))
			continue;
		const struct d2s_node *x = d2s_deref(m->kids[2 * i + 1]);
		if (x && x->type == D2S_MAP)
			put_string_pairs(c, v, x, depth + 1);
		for (size_t j = 0; x && x->type == D2S_SEQ && j < x->n; j++)
			put_string_pairs(c, v, x->kids[j], depth + 1);
	}
}

/* The string pairs of mapping `m` as Kubernetes reads them (merge keys
 * included), as a new map in the arena. */
static struct d2s_val *copy_string_map(struct d2s_cx *c, const struct d2s_node *m)
{
	struct d2s_val *v = d2s_v_map(&c->a);
	put_string_pairs(c, v, m, 0);
	return v;
}

/* Whether template labels `labels` satisfy one LabelSelectorRequirement
 * (operators In, NotIn, Exists, DoesNotExist: meta/v1 LabelSelector). */
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

static struct d2s_val *service_selector(struct d2s_cx *c, const struct d2s_node *spec,
					const struct d2s_node *tmpl)
{
	const struct d2s_node *sel = d2s_get(spec, "selector");
	const struct d2s_node *ml = d2s_get(sel, "matchLabels");
	const struct d2s_node *me = d2s_get(sel, "matchExpressions");
	if (ml && ml->type == D2S_MAP && ml->n && !(me && me->type == D2S_SEQ && me->n))
		return copy_string_map(c, ml);
	const struct d2s_node *labels = d2s_path(tmpl, "metadata", "labels");
	int ok = labels && labels->type == D2S_MAP && labels->n;
	/* matchLabels as Kubernetes reads them: merge keys (<<) merged */
	const struct d2s_val *mlv = ml && ml->type == D2S_MAP ? copy_string_map(c, ml) : NULL;
	for (size_t i = 0; ok && mlv && i < mlv->n; i++)
		ok = d2s_is(d2s_get(labels, mlv->keys[i]), mlv->kids[i]->s);
	for (size_t i = 0; ok && me && me->type == D2S_SEQ && i < me->n; i++)
		ok = expr_holds(me->kids[i], labels);
	if (!ok) {
		d2s_cx_diagf(c, D2S_ERROR, sel, "spec.selector",
			      "the selector cannot be written as a Service selector: matchExpressions need "
			      "template labels that satisfy them (or use --no-headless-service and bring a Service)");
		return NULL;
	}
	return copy_string_map(c, labels);
}

/* Whether `ports` (SEQ of generated ServicePorts) has one named `name` or
 * one with port `port` and protocol `proto`. */
static int port_taken(const struct d2s_val *ports, const char *name, const char *port,
		      const char *proto)
{
	for (size_t i = 0; i < ports->n; i++) {
		const struct d2s_val *p = ports->kids[i];
		const char *pn = NULL, *pp = NULL, *pr = "TCP";
		for (size_t k = 0; k < p->n; k++) {
			if (!strcmp(p->keys[k], "name"))
				pn = p->kids[k]->s;
			else if (!strcmp(p->keys[k], "port"))
				pp = p->kids[k]->s;
			else if (!strcmp(p->keys[k], "protocol"))
				pr = p->kids[k]->s;
		}
		if ((pn && !strcmp(pn, name)) || (pp && !strcmp(pp, port) && !strcmp(pr, proto)))
			return 1;
	}
	return 0;
}

/* One ServicePort per named containerPort of `containers`, the first of
 * each (port, protocol) and of each name only: a Service's ports must be
 * unique by port and protocol, and their names unique
 * (pkg/apis/core/validation/validation.go, ValidateService). Protocol
 * defaults to TCP, as in ServicePort and ContainerPort. */
static struct d2s_val *service_ports(struct d2s_cx *c, const struct d2s_node *containers)
{
	struct d2s_val *ports = d2s_v_seq(&c->a);
	for (size_t i = 0; containers && i < containers->n; i++) {
		const struct d2s_node *ps = d2s_get(containers->kids[i], "ports");
		for (size_t k = 0; ps && ps->type == D2S_SEQ && k < ps->n; k++) {
			const struct d2s_node *p = ps->kids[k];
			const char *pname = d2s_get_str(p, "name");
			const struct d2s_node *num_node = d2s_get(p, "containerPort");
			const char *proto = d2s_get_str(p, "protocol");
			if (!pname || !d2s_is_uint(num_node) ||
			    port_taken(ports, pname, num_node->value, proto ? proto : "TCP"))
				continue;
			struct d2s_val *sp = d2s_v_map(&c->a);
			d2s_v_put(&c->a, sp, "name", d2s_v_str(&c->a, pname));
			d2s_v_put(&c->a, sp, "port", d2s_v_raw(&c->a, num_node->value));
			d2s_v_put(&c->a, sp, "targetPort", d2s_v_str(&c->a, pname));
			if (proto)
				d2s_v_put(&c->a, sp, "protocol", d2s_v_str(&c->a, proto));
			d2s_v_push(&c->a, ports, sp);
		}
	}
	return ports;
}

/* metadata of the Service: name, namespace, the Deployment's labels and
 * the carried annotations. */
static struct d2s_val *service_meta(struct d2s_cx *c, const struct d2s_node *root, const char *svc)
{
	struct d2s_arena *a = &c->a;
	const struct d2s_node *meta = d2s_get(root, "metadata");
	struct d2s_val *m = d2s_v_map(a);
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
	return m;
}

struct d2s_val *d2s_service_build(struct d2s_cx *c, const struct d2s_node *root, const char *svc)
{
	struct d2s_arena *a = &c->a;
	const struct d2s_node *spec = d2s_get(root, "spec");
	const struct d2s_node *tmpl = d2s_get(spec, "template");
	const struct d2s_node *containers = d2s_path(tmpl, "spec", "containers");
	struct d2s_val *s = d2s_v_map(a), *sp = d2s_v_map(a);
	d2s_v_put(a, s, "apiVersion", d2s_v_str(a, "v1"));
	d2s_v_put(a, s, "kind", d2s_v_str(a, "Service"));
	d2s_v_put(a, s, "metadata", service_meta(c, root, svc));
	d2s_v_put(a, sp, "clusterIP", d2s_v_str(a, "None"));
	if (c->o->publish_not_ready_addresses)
		d2s_v_put(a, sp, "publishNotReadyAddresses", d2s_v_raw(a, "true"));
	struct d2s_val *sel = service_selector(c, spec, tmpl);
	if (!sel)
		return NULL;
	d2s_v_put(a, sp, "selector", sel);
	struct d2s_val *ports = service_ports(c, containers);
	if (ports->n)
		d2s_v_put(a, sp, "ports", ports);
	d2s_v_put(a, s, "spec", sp);
	return s;
}

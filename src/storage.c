/* storage.c - convert stage, storage: claim templates, pod volumes,
 * volumeMounts and absorbed PVCs (see storage.h). */
#include "storage.h"
#include "convert_ctx.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

static int skipped_annotation(const char *k)
{
	static const char *const prefixes[] = { "helm.sh/", "meta.helm.sh/", "pv.kubernetes.io/",
		"volume.beta.kubernetes.io/", "volume.kubernetes.io/",
		"kubectl.kubernetes.io/last-applied-configuration", NULL };
	for (int i = 0; prefixes[i]; i++)
		if (!strncmp(k, prefixes[i], strlen(prefixes[i])))
			return 1;
	return 0;
}

struct d2s_val *d2s_claim_from_pvc(struct d2s_arena *a, const struct d2s_node *pvc, const char *volume)
{
	const struct d2s_node *meta = d2s_get(pvc, "metadata"), *spec = d2s_get(pvc, "spec");
	if (!spec || spec->type != D2S_MAP)
		return NULL;
	struct d2s_val *t = d2s_v_map(a), *m = d2s_v_map(a), *s = d2s_v_map(a);
	d2s_v_put(a, m, "name", d2s_v_str(a, volume));
	const struct d2s_node *labels = d2s_get(meta, "labels");
	if (labels && labels->type == D2S_MAP && labels->n) {
		struct d2s_val *l = d2s_v_from_node(a, labels);
		if (!l)
			return NULL;
		d2s_v_put(a, m, "labels", l);
	}
	const struct d2s_node *ann = d2s_get(meta, "annotations");
	struct d2s_val *av = d2s_v_map(a);
	for (size_t i = 0; ann && ann->type == D2S_MAP && i < ann->n; i++) {
		const char *k = d2s_str(ann->kids[2 * i]);
		const char *v = d2s_str(ann->kids[2 * i + 1]);
		if (k && v && !skipped_annotation(k))
			d2s_v_put(a, av, k, d2s_v_str(a, v));
	}
	if (av->n)
		d2s_v_put(a, m, "annotations", av);
	d2s_v_put(a, t, "metadata", m);
	static const char *const fields[] = { "accessModes", "resources", "storageClassName",
		"volumeMode", "dataSource", "dataSourceRef", NULL };
	for (int i = 0; fields[i]; i++) {
		const struct d2s_node *f = d2s_get(spec, fields[i]);
		if (!f)
			continue;
		struct d2s_val *v = d2s_v_from_node(a, f);
		if (!v)
			return NULL;
		d2s_v_put(a, s, fields[i], v);
	}
	d2s_v_put(a, t, "spec", s);
	return t;
}

int d2s_pvc_keep(const struct d2s_doc *doc, struct d2s_buf *out)
{
	const struct d2s_node *meta = d2s_get(doc->root, "metadata");
	if (!meta || meta->type != D2S_MAP)
		return -1;
	const struct d2s_node *ann = d2s_get(meta, "annotations");
	const struct d2s_node *cur = d2s_get(ann, "helm.sh/resource-policy");
	struct d2s_edits e;
	struct d2s_arena a = {0};
	d2s_edits_init(&e, doc->text, doc->len);
	d2s_layout_detect(doc, &e.layout);
	struct d2s_val *keep = d2s_v_map(&a);
	d2s_v_put(&a, keep, "helm.sh/resource-policy", d2s_v_str(&a, "keep"));
	if (cur && d2s_is(cur, "keep")) {
		/* already kept */
	} else if (cur && cur->type == D2S_SCALAR) {
		d2s_yset_scalar(&e, cur, "keep");
	} else if (ann && ann->type == D2S_MAP) {
		d2s_yinsert_pairs(&e, ann, keep, 0); /* also fills annotations: {} */
	} else if (ann) {
		d2s_yset_empty(&e, ann, keep); /* annotations: (null) or ~ */
	} else {
		struct d2s_val *add = d2s_v_map(&a);
		d2s_v_put(&a, add, "annotations", keep);
		d2s_yinsert_pairs(&e, meta, add, 0);
	}
	int rc = e.reemit ? -1 : d2s_edits_apply(&e, out);
	d2s_edits_free(&e);
	d2s_arena_free(&a);
	return rc;
}

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

static void split_into(struct d2s_cx *c, struct d2s_val *seq, const char *list)
{
	char *copy = d2s_arena_strndup(&c->a, list, strlen(list)), *save = NULL;
	for (char *t = strtok_r(copy, ";+", &save); t; t = strtok_r(NULL, ";+", &save))
		d2s_v_push(&c->a, seq, d2s_v_str(&c->a, t));
}

static struct d2s_val *flag_claim(struct d2s_cx *c, const struct d2s_vct *v)
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

struct d2s_val *d2s_storage_claims(struct d2s_cx *c, const struct d2s_node *pspec,
				   d2s_pvc_lookup lookup, void *ctx, char ***absorbed,
				   size_t *n_absorbed)
{
	const struct d2s_options *o = c->o;
	struct d2s_val *claims = d2s_v_seq(&c->a);
	for (size_t i = 0; i < o->n_vcts; i++)
		d2s_v_push(&c->a, claims, flag_claim(c, &o->vcts[i]));
	const struct d2s_node *vols = d2s_get(pspec, "volumes");
	if (!vols || vols->type != D2S_SEQ)
		return claims;
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
		struct d2s_val *tpl = lookup ? lookup(ctx, &c->a, c->ns, claim, vname) : NULL;
		if (!tpl) {
			d2s_cx_report(c, D2S_WARNING, vol, "spec.template.spec.volumes",
				      "volume %s mounts PersistentVolumeClaim %s, which is not in the input: every "
				      "replica shares it (a ReadWriteOnce claim fails with Multi-Attach errors "
				      "when replicas > 1)", vname, claim);
			continue;
		}
		d2s_v_push(&c->a, claims, tpl);
		gone[i] = 1;
		*absorbed = d2s_check_alloc(realloc(*absorbed, (*n_absorbed + 1) * sizeof(char *)));
		(*absorbed)[(*n_absorbed)++] = d2s_check_alloc(strdup(claim));
	}
	for (size_t i = 0; i < vols->n; i++)
		removed += gone[i];
	if (removed == vols->n && removed) {
		d2s_cx_remove_key(c, pspec, "volumes");
	} else {
		for (size_t i = 0; i < vols->n; i++)
			if (gone[i])
				d2s_yremove_item(&c->ed, vols, i);
	}
	free(gone);
	return claims;
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

void d2s_storage_mounts(struct d2s_cx *c, const struct d2s_node *containers)
{
	const struct d2s_options *o = c->o;
	for (size_t k = 0; k < o->n_vcts; k++) {
		const struct d2s_vct *v = &o->vcts[k];
		int mounted = 0;
		for (size_t i = 0; i < containers->n; i++)
			mounted |= mounts_volume(containers->kids[i], v->name);
		if (!v->mount_path && !mounted)
			d2s_cx_report(c, D2S_WARNING, containers, "spec.volumeClaimTemplates",
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


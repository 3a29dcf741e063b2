/* storage.c - convert stage, storage: claim templates, pod volumes,
 * volumeMounts and absorbed PVCs (see storage.h). */
#include "storage.h"
#include "report.h"
#include "convert_ctx.h"
#include "quantity.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

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

/* The key that names pod volume `vol`'s source (emptyDir, configMap, ...):
 * its first key other than `name`, or "no source". */
static const char *volume_source(const struct d2s_node *vol)
{
	vol = d2s_deref(vol);
	for (size_t i = 0; vol && vol->type == D2S_MAP && i < vol->n; i++) {
		const char *k = d2s_str(vol->kids[2 * i]);
		if (k && strcmp(k, "name"))
			return k;
	}
	return "no source";
}

/* Whether a --volume-claim-template may replace pod volume `vol` of the
 * same name: only a scratch volume (emptyDir, or a generic ephemeral
 * volume, whose claim lives and dies with the pod), never one that holds
 * something (a PVC's data, a ConfigMap's or Secret's files). Reports an
 * error naming the volume and its source otherwise. */
static int replaceable(struct d2s_cx *c, const struct d2s_node *vol, const char *vname)
{
	const char *src = volume_source(vol), *claim = volume_claim(vol);
	if (!strcmp(src, "emptyDir") || !strcmp(src, "ephemeral"))
		return 1;
	if (claim)
		d2s_cx_diagf(c, D2S_ERROR, vol, "spec.template.spec.volumes",
			      "--volume-claim-template name=%s would replace volume %s, which mounts "
			      "PersistentVolumeClaim %s, with an empty claim: drop the flag (a PVC in the input "
			      "becomes a claim template with its own size and class, one that is not stays "
			      "shared) or give the claim template another name", vname, vname, claim);
	else
		d2s_cx_diagf(c, D2S_ERROR, vol, "spec.template.spec.volumes",
			      "--volume-claim-template name=%s would replace volume %s (source %s) with an "
			      "empty claim: only an emptyDir or ephemeral volume can be replaced; give the "
			      "claim template another name", vname, vname, src);
	return 0;
}

/* Value at `key` of MAP value `v`, or NULL. */
static struct d2s_val *val_get(const struct d2s_val *v, const char *key)
{
	for (size_t i = 0; v && v->type == D2S_V_MAP && i < v->n; i++)
		if (!strcmp(v->keys[i], key))
			return v->kids[i];
	return NULL;
}

/* Check claim template `tpl` made from PVC `claim` for pod volume `vol`:
 * its storage request must be a quantity > 0 (pkg/apis/core/validation/
 * validation.go, ValidatePersistentVolumeClaimSpec), and a pre-bound
 * spec.volumeName is dropped with a warning (every replica's claim would
 * name that one PersistentVolume; only the first can bind). Returns -1
 * after reporting an error. */
static int check_claim(struct d2s_cx *c, const struct d2s_node *vol, const char *claim,
		       struct d2s_val *tpl)
{
	const char *ns = c->ns[0] ? c->ns : "", *sep = c->ns[0] ? "/" : "";
	struct d2s_val *spec = val_get(tpl, "spec");
	struct d2s_val *st = val_get(val_get(val_get(spec, "resources"), "requests"), "storage");
	const char *size = st && (st->type == D2S_V_STR || st->type == D2S_V_RAW) ? st->s : NULL;
	if (!size || !d2s_quantity_positive(size)) {
		d2s_cx_diagf(c, D2S_ERROR, vol, "spec.template.spec.volumes",
			      "PersistentVolumeClaim %s%s%s: spec.resources.requests.storage %s%s%s is not a "
			      "quantity greater than zero (such as 8Gi): fix the PVC, or list volume %s in "
			      "--shared-volume", ns, sep, claim, size ? "\"" : "", size ? size : "is missing",
			      size ? "\"" : "", d2s_get_str(vol, "name"));
		return -1;
	}
	if (spec && spec->n && !strcmp(spec->keys[spec->n - 1], "volumeName")) {
		struct d2s_val *pv = spec->kids[--spec->n];
		d2s_cx_diagf_data(c, D2S_WARNING, vol, "spec.volumeClaimTemplates",
			      "PersistentVolumeClaim %s%s%s is bound to PersistentVolume %s (spec.volumeName); "
			      "the claim template leaves it out, because every replica's claim would name that "
			      "one volume and only the first could bind: the replicas get new volumes",
			      ns, sep, claim, pv->s ? pv->s : "?");
	}
	return 0;
}

/* Queue the removal of the pod volumes marked in `gone` (the whole
 * `volumes` key when none is left). */
static void remove_volumes(struct d2s_cx *c, const struct d2s_node *pspec,
			   const struct d2s_node *vols, const char *gone)
{
	size_t removed = 0;
	for (size_t i = 0; i < vols->n; i++)
		removed += gone[i] != 0;
	if (!removed)
		return;
	if (removed == vols->n) {
		d2s_cx_remove_key(c, pspec, "volumes");
		return;
	}
	if (!d2s_cx_editable(c, vols, "spec.template.spec.volumes"))
		return;
	for (size_t i = 0; i < vols->n; i++) {
		const struct d2s_node *anchor = gone[i] ? d2s_holds_anchor(vols->kids[i]) : NULL;
		if (anchor) /* an alias would lose its anchor */
			c->ed.expand = 1;
		else if (gone[i])
			d2s_yremove_item(&c->ed, vols, i);
	}
}

/* The claim template for pod volume `vol` when its PVC is absorbed (the
 * claim name strdup'ed onto *absorbed), else NULL. */
static struct d2s_val *absorb(struct d2s_cx *c, const struct d2s_node *vol, d2s_pvc_lookup lookup,
			      void *ctx, char ***absorbed, size_t *n_absorbed)
{
	const struct d2s_options *o = c->o;
	const char *vname = d2s_get_str(vol, "name"), *claim = volume_claim(vol);
	if (!claim)
		return NULL;
	if (d2s_options_shared(o, vname)) {
		d2s_creport_shared(c->diag->report, c->ns, claim, c->name, NULL, 1);
		return NULL;
	}
	struct d2s_val *tpl = lookup ? lookup(ctx, &c->a, c->ns, claim, vname) : NULL;
	if (!tpl) {
		d2s_cx_diagf_data(c, D2S_WARNING, vol, "spec.template.spec.volumes",
			      "volume %s mounts PersistentVolumeClaim %s, which is not in the input: every "
			      "replica shares it (a ReadWriteOnce claim fails with Multi-Attach errors "
			      "when replicas > 1)", vname, claim);
		return NULL;
	}
	if (check_claim(c, vol, claim, tpl))
		return NULL;
	*absorbed = d2s_check_alloc(realloc(*absorbed, (*n_absorbed + 1) * sizeof(char *)));
	(*absorbed)[(*n_absorbed)++] = d2s_check_alloc(strdup(claim));
	return tpl;
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
	char *gone = d2s_check_alloc(calloc(vols->n ? vols->n : 1, 1));
	for (size_t i = 0; i < vols->n; i++) {
		const struct d2s_node *vol = d2s_deref(vols->kids[i]);
		const char *vname = d2s_get_str(vol, "name");
		if (!vname)
			continue;
		if (d2s_options_vct(o, vname)) {
			gone[i] = (char)replaceable(c, vol, vname);
			continue;
		}
		struct d2s_val *tpl = absorb(c, vol, lookup, ctx, absorbed, n_absorbed);
		if (tpl) {
			d2s_v_push(&c->a, claims, tpl);
			gone[i] = 1;
		}
	}
	remove_volumes(c, pspec, vols, gone);
	free(gone);
	return claims;
}

/* Whether container name `cname` matches glob `glob` of containers=. */
static int glob_hit(const char *glob, const char *cname)
{
	return fnmatch(glob, cname ? cname : "", 0) == 0;
}

static int container_chosen(const struct d2s_vct *v, const char *cname)
{
	if (!v->containers)
		return 1;
	char *copy = d2s_check_alloc(strdup(v->containers)), *save = NULL;
	int hit = 0;
	for (char *t = strtok_r(copy, ";+", &save); t && !hit; t = strtok_r(NULL, ";+", &save))
		hit = glob_hit(t, cname);
	free(copy);
	return hit;
}

/* Each glob of containers= must match a container: otherwise the claim
 * template would be mounted by nobody it was meant for. Reports an error
 * naming the glob and the containers there are. */
static void check_globs(struct d2s_cx *c, const struct d2s_vct *v, const struct d2s_node *containers)
{
	if (!v->containers)
		return;
	char *copy = d2s_check_alloc(strdup(v->containers)), *save = NULL;
	for (char *t = strtok_r(copy, ";+", &save); t; t = strtok_r(NULL, ";+", &save)) {
		int hit = 0;
		struct d2s_buf names = {0};
		for (size_t i = 0; i < containers->n; i++) {
			const char *cname = d2s_get_str(containers->kids[i], "name");
			hit |= glob_hit(t, cname);
			d2s_buf_printf(&names, "%s%s", i ? ", " : "", cname ? cname : "(unnamed)");
		}
		if (!hit)
			d2s_cx_diagf(c, D2S_ERROR, containers, "spec.template.spec.containers",
				      "--volume-claim-template name=%s: containers=%s matches no container "
				      "(containers: %s): fix the glob", v->name, t, names.data ? names.data : "");
		d2s_buf_free(&names);
	}
	free(copy);
}

/* The volumeMount of container `ct` at `path`, or NULL. */
static const struct d2s_node *mount_at(const struct d2s_node *ct, const char *path)
{
	const struct d2s_node *vm = d2s_get(ct, "volumeMounts");
	for (size_t i = 0; vm && vm->type == D2S_SEQ && i < vm->n; i++)
		if (d2s_is(d2s_get(vm->kids[i], "mountPath"), path))
			return d2s_deref(vm->kids[i]);
	return NULL;
}

static int mounts_volume(const struct d2s_node *container, const char *vname)
{
	const struct d2s_node *vm = d2s_get(container, "volumeMounts");
	for (size_t i = 0; vm && vm->type == D2S_SEQ && i < vm->n; i++)
		if (d2s_is(d2s_get(vm->kids[i], "name"), vname))
			return 1;
	return 0;
}

/* Name of the mount at `path` among the mounts `items` already queued
 * for one container, or NULL. */
static const char *queued_at(const struct d2s_val *items, const char *path)
{
	for (size_t i = 0; i < items->n; i++) {
		const struct d2s_val *p = val_get(items->kids[i], "mountPath");
		if (p && !strcmp(p->s, path))
			return val_get(items->kids[i], "name")->s;
	}
	return NULL;
}

/* The volumeMounts to add to container `ct`: {name, mountPath} for each
 * claim template with a mountPath whose containers= chooses `ct`, unless
 * `ct` mounts that name at that path already (a mount of it elsewhere
 * stays and the requested path is added). A path that another mount holds
 * is an error: mountPath must be unique within a container
 * (pkg/apis/core/validation/validation.go, ValidateVolumeMounts). */
static struct d2s_val *container_mounts(struct d2s_cx *c, const struct d2s_node *ct)
{
	const struct d2s_options *o = c->o;
	const char *cname = d2s_get_str(ct, "name");
	struct d2s_val *items = d2s_v_seq(&c->a);
	for (size_t k = 0; k < o->n_vcts; k++) {
		const struct d2s_vct *v = &o->vcts[k];
		if (!v->mount_path || !container_chosen(v, cname))
			continue;
		const struct d2s_node *m = mount_at(ct, v->mount_path);
		if (m && d2s_is(d2s_get(m, "name"), v->name))
			continue;
		const char *other = m ? d2s_get_str(m, "name") : queued_at(items, v->mount_path);
		if (m || other) {
			d2s_cx_diagf(c, D2S_ERROR, m ? m : ct, "spec.template.spec.containers",
				      "container %s already mounts %s at %s: --volume-claim-template name=%s "
				      "cannot mount there too (a mountPath is unique within a container): "
				      "choose another mountPath= or narrow containers=", cname ? cname : "?",
				      other ? other : "a volume", v->mount_path, v->name);
			continue;
		}
		struct d2s_val *mv = d2s_v_map(&c->a);
		d2s_v_put(&c->a, mv, "name", d2s_v_str(&c->a, v->name));
		d2s_v_put(&c->a, mv, "mountPath", d2s_v_str(&c->a, v->mount_path));
		d2s_v_push(&c->a, items, mv);
	}
	return items;
}

void d2s_storage_mounts(struct d2s_cx *c, const struct d2s_node *containers)
{
	const struct d2s_options *o = c->o;
	for (size_t k = 0; k < o->n_vcts; k++) {
		const struct d2s_vct *v = &o->vcts[k];
		int mounted = 0;
		for (size_t i = 0; i < containers->n; i++)
			mounted |= mounts_volume(containers->kids[i], v->name);
		check_globs(c, v, containers);
		if (!v->mount_path && !mounted)
			d2s_cx_diagf(c, D2S_WARNING, containers, "spec.volumeClaimTemplates",
				      "claim template %s is mounted by no container (add mountPath=...)", v->name);
	}
	for (size_t i = 0; i < containers->n; i++) {
		const struct d2s_node *ct = d2s_deref(containers->kids[i]);
		if (ct->type != D2S_MAP)
			continue;
		struct d2s_val *items = container_mounts(c, ct);
		if (!items->n)
			continue;
		const struct d2s_node *vm = d2s_get(ct, "volumeMounts");
		if (!d2s_cx_editable(c, ct, "spec.template.spec.containers") ||
		    (vm && !d2s_cx_editable(c, vm, "volumeMounts")))
			break; /* once: other containers may alias the same node */
		if (vm && vm->type == D2S_SEQ) {
			d2s_yappend_items(&c->ed, vm, items); /* also fills volumeMounts: [] */
		} else if (vm) {
			d2s_yset_empty(&c->ed, vm, items); /* volumeMounts: (null), ~ or nothing */
		} else {
			struct d2s_val *pair = d2s_v_map(&c->a);
			d2s_v_put(&c->a, pair, "volumeMounts", items);
			d2s_yinsert_pairs(&c->ed, ct, pair, 0);
		}
	}
}

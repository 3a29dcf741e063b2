/* claims.c - who mounts which claim, and which claims a StatefulSet takes
 * over (see claims.h): the PVC facts, the volume rules and the absorption.
 * What then becomes of each absorbed PVC document is in claims_fate.c. */
#include "claims.h"
#include "claims_int.h"
#include "refs.h"
#include "report.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------- who mounts what ---------- */

/* The kinds whose pod spec is at spec.template.spec. */
static int templated(const char *kind)
{
	static const char *const kinds[] = { "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet",
		"Job", "ReplicationController", NULL };
	for (int i = 0; kinds[i]; i++)
		if (!strcmp(kind, kinds[i]))
			return 1;
	return 0;
}

int d2s_is_workload(const char *kind)
{
	return kind && (!strcmp(kind, "Pod") || !strcmp(kind, "CronJob") || templated(kind));
}

static const struct d2s_node *pod_spec(const struct d2s_node *root, const char *kind)
{
	if (!kind)
		return NULL;
	if (!strcmp(kind, "Pod"))
		return d2s_get(root, "spec");
	if (!strcmp(kind, "CronJob"))
		return d2s_path(root, "spec", "jobTemplate", "spec", "template", "spec");
	return templated(kind) ? d2s_path(root, "spec", "template", "spec") : NULL;
}

void d2s_claims_users(struct d2s_index *ix, const struct d2s_node *root, const struct d2s_ident *id,
		      int hook)
{
	const struct d2s_node *vols = d2s_get(pod_spec(root, id->kind), "volumes");
	char wkey[512];
	d2s_key(wkey, sizeof(wkey), d2s_index_ns(ix, id->ns), id->name);
	for (size_t i = 0; vols && vols->type == D2S_SEQ && i < vols->n; i++) {
		const char *claim = d2s_str(d2s_path(vols->kids[i], "persistentVolumeClaim", "claimName"));
		if (claim)
			d2s_index_claim_user(ix, id->ns, claim, id->kind, wkey, hook);
	}
}

void d2s_claims_users_streamed(struct d2s_index *ix, const struct d2s_stream_claims *sc)
{
	char wkey[512];
	d2s_key(wkey, sizeof(wkey), d2s_index_ns(ix, sc->ns), sc->name);
	for (size_t i = 0; i < sc->n_claims; i++)
		d2s_index_claim_user(ix, sc->ns, sc->claims[i], sc->kind, wkey, sc->hook);
}

size_t d2s_claims_users_of(const struct d2s_index *ix, const char *key, int hooks,
			   const size_t *skip, size_t n, struct d2s_buf *out)
{
	size_t count = 0;
	for (size_t i = 0; i < ix->n_users; i++) {
		const struct d2s_claim_user *u = &ix->users[i];
		if ((u->hook && !hooks) || !d2s_key_match(u->claim, key, d2s_index_wild(ix)))
			continue;
		int skipped = 0;
		for (size_t k = 0; k < n && !skipped; k++)
			skipped = !strcmp(u->kind, "Deployment") && !strcmp(u->key, ix->deps[skip[k]].key);
		if (skipped)
			continue;
		if (count++)
			d2s_buf_puts(out, ", ");
		d2s_buf_puts(out, u->kind);
		d2s_buf_puts(out, " ");
		d2s_buf_puts(out, d2s_index_shown(u->key));
	}
	d2s_buf_add(out, "", 1);
	out->len--;
	return count;
}

/* ---------- PVC facts ---------- */

int d2s_pvc_match(const struct d2s_ident *id, const struct d2s_node *root)
{
	(void)root;
	return id->kind && !strcmp(id->kind, "PersistentVolumeClaim") && id->api_version &&
	       !strcmp(id->api_version, "v1") && id->name;
}

d2s_rec d2s_pvc_facts(const struct d2s_fact_in *in)
{
	struct d2s_index *ix = in->ix;
	const struct d2s_ident *id = in->id;
	struct d2s_where w = d2s_src_where(in->src, in->root, id);
	if (!in->in_list)
		w.col = 1;
	if (in->hook)
		d2s_hook_note(ix->diag, &w);
	char key[512];
	const char *ns = d2s_index_ns(ix, id->ns);
	D2S_INDEX_GROW(ix->pvcs, ix->n_pvcs);
	struct d2s_pvc_fact *r = &ix->pvcs[ix->n_pvcs];
	r->key = d2s_index_strdup(ix, d2s_key(key, sizeof(key), ns, id->name));
	r->ns = d2s_index_strdup(ix, ns); /* messages name the namespace the index assumes */
	r->name = d2s_index_strdup(ix, id->name);
	r->file = w.file; /* the input name: kept by the caller for the run */
	r->line = w.line;
	r->col = w.col;
	r->hook = in->hook;
	r->in_list = in->in_list;
	const struct d2s_node *modes = d2s_path(in->root, "spec", "accessModes");
	const char *shared = "";
	for (size_t i = 0; modes && modes->type == D2S_SEQ && i < modes->n; i++)
		if (d2s_is(modes->kids[i], "ReadWriteMany") || d2s_is(modes->kids[i], "ReadOnlyMany"))
			shared = modes->kids[i]->value;
	r->shared_mode = d2s_index_strdup(ix, shared);
	r->tpl = d2s_claim_from_pvc(&ix->a, in->root, "");
	d2s_nsmap_set(&ix->pvc_keys, ns, id->name, (intptr_t)ix->n_pvcs + 1);
	return d2s_index_rec(ix, D2S_REC_PVC, ix->n_pvcs++);
}

/* ---------- shared claims stay shared ----------
 * A claim with access mode ReadWriteMany or ReadOnlyMany is meant to be
 * mounted by many nodes at once
 * (https://kubernetes.io/docs/concepts/storage/persistent-volumes/#access-modes),
 * and one mounted by several workloads shares data between them: per-pod
 * claims would start empty and share nothing. A claim created by a Helm
 * hook (https://helm.sh/docs/topics/charts_hooks/) is never absorbed: Helm
 * 3 does not send hooks to post-renderers, so absorbing it under Helm 4
 * only would give another StatefulSet. Hook workloads are not counted as
 * users here for the same reason. */

static int in_names(char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], s))
			return 1;
	return 0;
}

static int in_deps(const size_t *v, size_t n, size_t dep)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == dep)
			return 1;
	return 0;
}

/* Why volume `v` of Deployment `d` must keep its claim shared: a message
 * into `why` and 1, or 0 when it may be split. */
static int keep_shared(const struct d2s_index *ix, const struct d2s_dep_fact *d,
		       const struct d2s_vol_fact *v, struct d2s_buf *why)
{
	const struct d2s_pvc_fact *r = d2s_index_pvc(ix, d->ns, v->claim, NULL);
	if (r && r->hook) {
		d2s_buf_puts(why, "a Helm hook (helm.sh/hook): hooks are never absorbed (Helm 3 does not "
			     "send them to post-renderers), so every replica shares it");
		return 1;
	}
	if (in_names(d->o->split_volumes, d->o->n_split_volumes, v->volume))
		return 0;
	char key[512];
	struct d2s_buf users = {0};
	/* users of the PVC itself: in its namespace, or without one (a claim
	 * of another namespace is another claim); a PVC without a namespace is
	 * taken to be in the Deployment's */
	const char *ckey = r && r->key[0] != '/' ? r->key :
			   d2s_key(key, sizeof(key), d2s_index_ns(ix, d->ns), v->claim);
	size_t n = d2s_claims_users_of(ix, ckey, 0, NULL, 0, &users);
	int shared = n >= 2 || (r && *r->shared_mode);
	if (shared) {
		d2s_buf_puts(why, "shared (");
		if (r && *r->shared_mode)
			d2s_buf_printf(why, "accessModes %s; ", r->shared_mode);
		d2s_buf_printf(why, "mounted by %s): every replica keeps sharing it, since per-pod claims "
			       "would start empty and share nothing; pass --shared-volume %s to keep it "
			       "shared without this warning, or --split-volume %s to give each replica its "
			       "own empty claim", users.data, v->volume, v->volume);
	}
	d2s_buf_free(&users);
	return shared;
}

/* Deployment `dep` keeps mounting PVC `r` through a volume left shared:
 * its StatefulSet is still a user of the PVC when it absorbs it through
 * another volume. */
static void note_kept(struct d2s_pvc_fact *r, size_t dep)
{
	if (!r || in_deps(r->kept_by, r->n_kept_by, dep))
		return;
	D2S_INDEX_GROW(r->kept_by, r->n_kept_by);
	r->kept_by[r->n_kept_by++] = dep;
}

/* The where of volume `v` of Deployment `d`. */
static struct d2s_where vol_where(const struct d2s_dep_fact *d, const struct d2s_vol_fact *v)
{
	struct d2s_where w = { .file = d->file, .line = v->line, .col = v->col, .api_version = "apps/v1",
			       .kind = "Deployment", .ns = d->ns, .name = d->name,
			       .field = "spec.template.spec.volumes" };
	return w;
}

/* The volume rules of converted Deployment `dep`: each PVC volume stays
 * shared (--shared-volume, or keep_shared: a warning) or may be split. */
static void volume_rules(struct d2s_index *ix, size_t dep)
{
	struct d2s_dep_fact *d = &ix->deps[dep];
	for (size_t i = 0; i < d->n_vols; i++) {
		struct d2s_vol_fact *v = &d->vols[i];
		struct d2s_pvc_fact *r = d2s_index_pvc(ix, d->ns, v->claim, NULL);
		int flag = d2s_options_shared(d->o, v->volume);
		struct d2s_buf why = {0};
		if (flag || keep_shared(ix, d, v, &why))
			note_kept(r, dep);
		v->shared = flag || why.len;
		if (v->shared)
			d2s_creport_shared(ix->diag->report, d->ns, v->claim, d->name, flag ? NULL : why.data,
					   r != NULL);
		if (!flag && why.len) {
			v->why = d2s_index_strdup(ix, why.data);
			struct d2s_where w = vol_where(d, v);
			d2s_diagf_data(ix->diag, D2S_WARNING, &w, "volume %s mounts PersistentVolumeClaim %s, "
				       "which is %s", v->volume, v->claim, why.data);
			if (d2s_migrate_copies(ix->o) && r)
				d2s_diagf(ix->diag, D2S_ERROR, &w, "--migrate-data %s: PersistentVolumeClaim %s "
					  "stays shared, so no replica gets a claim of its own to carry its data: "
					  "pass --shared-volume %s to keep it shared without migrating, or "
					  "--split-volume %s", ix->o->migrate_data, v->claim, v->volume, v->volume);
		}
		d2s_buf_free(&why);
	}
}

/* The PVC volumes of converted Deployment `dep` that are not shared and
 * whose PVC is in the input (and can be copied) become claim templates. */
static void absorb(struct d2s_index *ix, size_t dep)
{
	struct d2s_dep_fact *d = &ix->deps[dep];
	for (size_t i = 0; i < d->n_vols; i++) {
		struct d2s_vol_fact *v = &d->vols[i];
		const char *found;
		struct d2s_pvc_fact *r = v->shared ? NULL : d2s_index_pvc(ix, d->ns, v->claim, &found);
		if (!r || !r->tpl)
			continue; /* the conversion warns: every replica shares it */
		v->absorbed = 1;
		if (in_deps(r->absorbed_by, r->n_absorbed_by, dep))
			continue;
		if (!r->n_absorbed_by)
			r->volume = v->volume;
		if (strcmp(found, d2s_index_ns(ix, d->ns))) {
			struct d2s_where w = d2s_claims_pvc_where(r);
			d2s_index_assumed(ix, &w, "Deployment", d->key);
		}
		D2S_INDEX_GROW(r->absorbed_by, r->n_absorbed_by);
		r->absorbed_by[r->n_absorbed_by++] = dep;
	}
}

struct d2s_where d2s_claims_pvc_where(const struct d2s_pvc_fact *r)
{
	struct d2s_where w = { .file = r->file, .line = r->line, .col = r->col, .api_version = "v1",
			       .kind = "PersistentVolumeClaim", .ns = r->ns, .name = r->name };
	return w;
}

void d2s_claims_seal(struct d2s_index *ix)
{
	for (size_t i = 0; i < ix->n_deps; i++)
		if (ix->deps[i].state == D2S_DEP_CONVERTED) {
			volume_rules(ix, i);
			absorb(ix, i);
		}
	for (size_t i = 0; i < ix->n_pvcs; i++)
		if (ix->pvcs[i].n_absorbed_by)
			d2s_claims_decide(ix, &ix->pvcs[i]);
}

/* ---------- what the conversion asks ---------- */

const struct d2s_options *d2s_claims_options(const struct d2s_dep_fact *dep,
					     struct d2s_options *tmp)
{
	int copied = 0;
	for (size_t i = 0; i < dep->n_vols; i++) {
		if (!dep->vols[i].why)
			continue; /* not shared, or shared by --shared-volume already */
		if (!copied)
			d2s_options_copy(tmp, dep->o);
		copied = 1;
		tmp->shared_volumes = d2s_check_alloc(realloc(tmp->shared_volumes,
							      (tmp->n_shared_volumes + 1) * sizeof(char *)));
		tmp->shared_volumes[tmp->n_shared_volumes++] = d2s_check_alloc(strdup(dep->vols[i].volume));
	}
	return copied ? tmp : dep->o;
}

struct d2s_val *d2s_claims_template(const struct d2s_index *ix, const struct d2s_dep_fact *dep,
				    struct d2s_arena *a, const char *ns, const char *claim,
				    const char *volume)
{
	for (size_t i = 0; i < dep->n_vols; i++) {
		const struct d2s_vol_fact *v = &dep->vols[i];
		if (!v->absorbed || strcmp(v->volume, volume) || strcmp(v->claim, claim))
			continue;
		const struct d2s_pvc_fact *r = d2s_index_pvc(ix, ns, claim, NULL);
		struct d2s_val *t = r ? d2s_v_copy(a, r->tpl) : NULL;
		struct d2s_val *m = t ? d2s_v_get(t, "metadata") : NULL;
		if (m)
			m->kids[0] = d2s_v_str(a, volume); /* metadata.name */
		return t;
	}
	return NULL;
}

struct d2s_val *d2s_claim_from_pvc(struct d2s_arena *a, const struct d2s_node *pvc, const char *volume)
{
	const struct d2s_node *spec = d2s_get(pvc, "spec");
	if (!spec || spec->type != D2S_MAP)
		return NULL;
	/* metadata: the name only (see claims.h: no label or annotation of
	 * the PVC, which a chart or values change may alter) */
	struct d2s_val *t = d2s_v_map(a), *m = d2s_v_map(a), *s = d2s_v_map(a);
	d2s_v_put(a, m, "name", d2s_v_str(a, volume));
	d2s_v_put(a, t, "metadata", m);
	static const char *const fields[] = { "accessModes", "selector", "resources", "storageClassName",
		"volumeMode", "dataSource", "dataSourceRef", "volumeName", NULL };
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

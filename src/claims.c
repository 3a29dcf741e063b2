/* claims.c - the PVC rule and the fate of every claim a StatefulSet may
 * take over (see claims.h): the PVC facts, the volume rules (shared or
 * split), the absorption, what becomes of each absorbed PVC document (kept,
 * dropped, cloned), and that document in pass 2.
 *
 * --migrate-data: the StatefulSet controller names the claim of template
 * T for pod <sts>-<ordinal> "T-<sts>-<ordinal>" and adopts an existing claim
 * of that name instead of creating one (Kubernetes docs, StatefulSet
 * "Stable Storage"; pkg/controller/statefulset getPersistentVolumeClaimName).
 * A PVC of that name whose dataSource is the old PVC (CSI volume cloning:
 * https://kubernetes.io/docs/concepts/storage/volume-pvc-datasource/) or a
 * VolumeSnapshot of it
 * (https://kubernetes.io/docs/concepts/storage/persistent-volumes/#volume-snapshot-and-restore-volume-from-snapshot-support)
 * therefore gives the first pod the old data. Cloning needs the same
 * namespace, the same StorageClass and a size >= the source: the new claim
 * takes the source PVC's own spec (the claim template is made from the same
 * spec, d2s_claim_from_pvc), so class and size are equal by construction,
 * and the namespace is checked here. */
#include "claims.h"
#include "edit.h"
#include "reemit.h"
#include "refs.h"
#include "render.h"
#include "report.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Append to `out` ", "-separated the workloads that mount claim `key`
 * (hooks only when `hooks`), less the Deployments skip[0..n) (indexes into
 * ix->deps); returns how many. */
static size_t users_of(const struct d2s_index *ix, const char *key, int hooks, const size_t *skip,
		       size_t n, struct d2s_buf *out)
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
	struct d2s_where w = d2s_fact_where(in);
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
	size_t n = users_of(ix, ckey, 0, NULL, 0, &users);
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
			/* its data stays where it is, shared: nothing for --migrate-data to carry */
			d2s_diagf_data(ix->diag, D2S_WARNING, &w, "volume %s mounts PersistentVolumeClaim %s, "
				       "which is %s", v->volume, v->claim, why.data);
		}
		d2s_buf_free(&why);
	}
}

/* The where of PVC record `r` (strings borrowed from it). */
static struct d2s_where pvc_where(const struct d2s_pvc_fact *r)
{
	struct d2s_where w = { .file = r->file, .line = r->line, .col = r->col, .api_version = "v1",
			       .kind = "PersistentVolumeClaim", .ns = r->ns, .name = r->name };
	return w;
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
			struct d2s_where w = pvc_where(r);
			d2s_index_assumed(ix, &w, "Deployment", d->key);
		}
		D2S_INDEX_GROW(r->absorbed_by, r->n_absorbed_by);
		r->absorbed_by[r->n_absorbed_by++] = dep;
	}
}

static void decide(struct d2s_index *ix, struct d2s_pvc_fact *r);

void d2s_claims_seal(struct d2s_index *ix)
{
	for (size_t i = 0; i < ix->n_deps; i++)
		if (ix->deps[i].state == D2S_DEP_CONVERTED) {
			volume_rules(ix, i);
			absorb(ix, i);
		}
	for (size_t i = 0; i < ix->n_pvcs; i++)
		if (ix->pvcs[i].n_absorbed_by)
			decide(ix, &ix->pvcs[i]);
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

/* ---------- the decision (seal) ---------- */

/* Same namespace for the PVC (key `pvc`) and the StatefulSet (key `dep`):
 * a clone's dataSource must be in the claim's own namespace. */
static int same_ns(const char *pvc, const char *dep)
{
	size_t a = (size_t)(strchr(pvc, '/') - pvc), b = (size_t)(strchr(dep, '/') - dep);
	return a == b && !strncmp(pvc, dep, a);
}

/* The PVC other than `r` that --migrate-data snapshot=NAME already
 * restores, or NULL: a snapshot holds one volume. */
static const struct d2s_pvc_fact *snapshot_taken(const struct d2s_index *ix,
						 const struct d2s_pvc_fact *r)
{
	for (size_t i = 0; i < ix->n_pvcs; i++)
		if (&ix->pvcs[i] != r && ix->pvcs[i].snapshot)
			return &ix->pvcs[i];
	return NULL;
}

/* --migrate-data for absorbed PVC `r` (at `w`) of StatefulSet `d`: the
 * first replica's claim, unless the input holds a PVC of that name. An
 * error when the namespaces differ or the snapshot restores another PVC. */
static void clone(struct d2s_index *ix, struct d2s_pvc_fact *r, const struct d2s_where *w,
		  const struct d2s_dep_fact *d)
{
	const char *mode = ix->o->migrate_data ? ix->o->migrate_data : "clone";
	const char *snapshot = !strncmp(mode, "snapshot=", 9) ? mode + 9 : NULL;
	const struct d2s_pvc_fact *other = snapshot ? snapshot_taken(ix, r) : NULL;
	if (!same_ns(r->key, d->key) || !r->volume) {
		d2s_diagf(ix->diag, D2S_ERROR, w, "--migrate-data %s: StatefulSet %s is in another namespace "
			  "than this PVC (the Deployment matched it only by assuming a namespace); a clone's "
			  "data source must be in the claim's namespace: give both the same "
			  "metadata.namespace, or pass -n", mode, d2s_index_shown(d->key));
		return;
	}
	if (other) {
		d2s_diagf(ix->diag, D2S_ERROR, w, "--migrate-data snapshot=%s restores one volume, and it "
			  "is already used for PersistentVolumeClaim %s: a second absorbed PVC cannot start "
			  "from it; use --migrate-data clone, or keep this claim shared (--shared-volume %s)",
			  snapshot, d2s_index_shown(other->key), r->volume);
		return;
	}
	r->snapshot = snapshot;
	long start = d->o->ordinals_start > 0 ? d->o->ordinals_start : 0;
	struct d2s_buf name = {0};
	d2s_buf_printf(&name, "%s-%s-%ld", r->volume, d->name, start);
	struct d2s_creport_pvc p = { .ns = w->ns, .name = w->name, .deployment = d->name,
				     .claim = r->volume, .fate = D2S_FATE_CLONED,
				     .cloned_into = name.data, .snapshot = snapshot };
	d2s_creport_pvc(ix->diag->report, &p);
	if (d2s_nsmap_find(&ix->pvc_keys, d2s_index_ns(ix, w->ns), name.data, 0, 0, NULL)) {
		d2s_diagf(ix->diag, D2S_INFO, w, "--migrate-data: PersistentVolumeClaim %s is already in the "
			  "input: not added again", name.data);
	} else {
		r->fate = D2S_PVC_CLONE;
		r->clone_name = d2s_index_strdup(ix, name.data);
		d2s_diagf_data(ix->diag, D2S_INFO, w, "--migrate-data: PersistentVolumeClaim %s added with "
			       "dataSource %s %s, so pod %s-%ld starts with this claim's data; a claim of any "
			       "other replica starts empty", name.data,
			       snapshot ? "VolumeSnapshot" : "PersistentVolumeClaim", snapshot ? snapshot : w->name,
			       d->name, start);
	}
	d2s_buf_free(&name);
}

/* The workloads that still mount `r` beside the StatefulSets absorbing it:
 * other workloads, and absorbing ones that keep it through a shared volume. */
static void others_of(const struct d2s_index *ix, const struct d2s_pvc_fact *r, struct d2s_buf *out)
{
	users_of(ix, r->key, 1, r->absorbed_by, r->n_absorbed_by, out);
	for (size_t k = 0; k < r->n_absorbed_by; k++)
		for (size_t j = 0; j < r->n_kept_by; j++)
			if (r->kept_by[j] == r->absorbed_by[k]) {
				d2s_buf_puts(out, out->len ? ", StatefulSet " : "StatefulSet ");
				d2s_buf_puts(out, d2s_index_shown(ix->deps[r->absorbed_by[k]].key));
			}
}

/* PVC `r` (at `w`) would become the per-pod claims of Deployment `d`,
 * which start empty, and nobody said what becomes of its data: an error
 * that names each choice and what it does to the data. */
static void no_choice(struct d2s_index *ix, const struct d2s_pvc_fact *r, const struct d2s_where *w,
		      const struct d2s_dep_fact *d)
{
	long start = d->o->ordinals_start > 0 ? d->o->ordinals_start : 0;
	d2s_diagf(ix->diag, D2S_ERROR, w, "mounted by Deployment %s as volume %s: its StatefulSet gives "
		  "each replica a claim of its own, which starts EMPTY, so say what becomes of this "
		  "PVC's data: --migrate-data clone (pod %s-%ld's claim is a CSI clone of this PVC), "
		  "--migrate-data snapshot=NAME (pod %s-%ld's claim is restored from VolumeSnapshot "
		  "NAME), --migrate-data none (every claim starts empty; this PVC is kept), "
		  "--shared-volume %s (every replica keeps sharing this PVC), or --drop-absorbed-pvcs "
		  "(this PVC is removed, and Helm deletes it with its data); under Helm pass "
		  "--post-renderer-args=--migrate-data=clone, in --config or a functionConfig "
		  "migrateData: clone", d->name, r->volume, d->name, start, d->name, start, r->volume);
}

/* An error decided absorbed PVC `r` (at `w`): the run writes nothing, so
 * the report gives it no fate and its Deployments failed. */
static void absorb_failed(struct d2s_index *ix, const struct d2s_pvc_fact *r, const struct d2s_where *w)
{
	d2s_creport_pvc_forget(ix->diag->report, w->ns, w->name);
	for (size_t k = 0; k < r->n_absorbed_by; k++)
		d2s_creport_failed(ix->diag->report, ix->deps[r->absorbed_by[k]].ns, ix->deps[r->absorbed_by[k]].name);
}

/* Decide the fate of absorbed PVC `r`: r->fate, the clone, the warnings
 * and errors, the report entry. */
static void decide(struct d2s_index *ix, struct d2s_pvc_fact *r)
{
	const struct d2s_options *o = ix->o;
	const struct d2s_dep_fact *d = &ix->deps[r->absorbed_by[0]];
	struct d2s_where w = pvc_where(r);
	struct d2s_buf others = {0};
	others_of(ix, r, &others);
	int drop = o->drop_absorbed_pvcs && !others.len;
	struct d2s_creport_pvc rp = { .ns = w.ns, .name = w.name, .deployment = d->name,
				      .claim = r->volume, .fate = drop ? D2S_FATE_DROPPED : D2S_FATE_KEPT };
	d2s_creport_pvc(ix->diag->report, &rp);
	r->fate = drop ? D2S_PVC_DROP : D2S_PVC_KEEP;
	int errors = d2s_diag_hard_errors(ix->diag);
	if (!o->migrate_data && !o->drop_absorbed_pvcs)
		no_choice(ix, r, &w, d);
	else if (drop)
		d2s_diagf_data(ix->diag, D2S_INFO, &w, "absorbed into per-pod claims of StatefulSet %s and "
			       "removed (--drop-absorbed-pvcs): if it held data, Helm deletes it on upgrade", d->name);
	else if (d2s_migrate_copies(o) && r->in_list)
		d2s_diagf(ix->diag, D2S_ERROR, &w, "--migrate-data cannot add the cloned claim inside a "
			  "kind: List: move this PersistentVolumeClaim out of the List");
	else if (d2s_migrate_copies(o))
		clone(ix, r, &w, d); /* a refusal is an error: the run fails */
	if (others.len && !drop) /* still mounted: kept, whatever was chosen */
		d2s_diagf_data(ix->diag, o->drop_absorbed_pvcs ? D2S_WARNING : D2S_INFO, &w,
			       "now replaced by per-pod claims of StatefulSet %s, but still mounted by %s: "
			       "kept (helm.sh/resource-policy: keep%s)", d->name, others.data,
			       o->drop_absorbed_pvcs ? "; not removed by --drop-absorbed-pvcs" : "");
	else if (o->migrate_data && !d2s_migrate_copies(o)) /* --migrate-data none */
		d2s_diagf_data(ix->diag, D2S_INFO, &w, "now replaced by per-pod claims of StatefulSet %s, "
			       "which start empty (--migrate-data none); the claim is kept "
			       "(helm.sh/resource-policy: keep)", d->name);
	if (d2s_diag_hard_errors(ix->diag) > errors)
		absorb_failed(ix, r, &w);
	d2s_buf_free(&others);
}

/* ---------- the document (pass 2) ---------- */

int d2s_pvc_needs(const struct d2s_index *ix, size_t idx)
{
	return ix->pvcs[idx].fate != D2S_PVC_AS_IS;
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

/* The spec of the clone: the source's accessModes, storageClassName,
 * volumeMode and resources, and the dataSource. */
static struct d2s_val *clone_spec(struct d2s_arena *a, const struct d2s_node *spec, const char *source,
				  const char *snapshot)
{
	static const char *const fields[] = { "accessModes", "storageClassName", "volumeMode", "resources",
		NULL };
	struct d2s_val *s = d2s_v_map(a), *ds = d2s_v_map(a);
	for (int i = 0; fields[i]; i++) {
		const struct d2s_node *f = d2s_get(spec, fields[i]);
		struct d2s_val *v = f ? d2s_v_from_node(a, f) : NULL;
		if (v)
			d2s_v_put(a, s, fields[i], v);
	}
	if (snapshot)
		d2s_v_put(a, ds, "apiGroup", d2s_v_str(a, "snapshot.storage.k8s.io"));
	d2s_v_put(a, ds, "kind", d2s_v_str(a, snapshot ? "VolumeSnapshot" : "PersistentVolumeClaim"));
	d2s_v_put(a, ds, "name", d2s_v_str(a, snapshot ? snapshot : source));
	d2s_v_put(a, s, "dataSource", ds);
	return s;
}

/* The clone of PVC `root` as a value tree: named `r->clone_name`, in the
 * PVC's namespace, labelled as the StatefulSet controller labels the claims
 * it creates (with the StatefulSet's spec.selector.matchLabels, `labels`:
 * pkg/controller/statefulset/stateful_set_utils.go getPersistentVolumeClaims,
 * so `kubectl get pvc -l ...` lists it with the others), kept by Helm, with
 * the Helm 4 file annotation. */
static struct d2s_val *clone_doc(struct d2s_arena *a, const struct d2s_node *root,
				 const struct d2s_pvc_fact *r, const struct d2s_val *labels)
{
	struct d2s_val *d = d2s_v_map(a), *m = d2s_v_map(a), *ann = d2s_v_map(a);
	const char *ns = d2s_get_str(d2s_get(root, "metadata"), "namespace");
	d2s_v_put(a, d, "apiVersion", d2s_v_str(a, "v1"));
	d2s_v_put(a, d, "kind", d2s_v_str(a, "PersistentVolumeClaim"));
	d2s_v_put(a, m, "name", d2s_v_str(a, r->clone_name));
	if (ns)
		d2s_v_put(a, m, "namespace", d2s_v_str(a, ns));
	if (labels && labels->n)
		d2s_v_put(a, m, "labels", d2s_v_copy(a, labels));
	/* Helm 4 keeps a generated document with its template by this annotation
	 * (as the generated Service does, service.c) */
	const char *h4 = "postrenderer.helm.sh/postrender-filename";
	const char *file = d2s_get_str(d2s_path(root, "metadata", "annotations"), h4);
	if (file)
		d2s_v_put(a, ann, h4, d2s_v_str(a, file));
	d2s_v_put(a, ann, "helm.sh/resource-policy", d2s_v_str(a, "keep"));
	d2s_v_put(a, m, "annotations", ann);
	d2s_v_put(a, d, "metadata", m);
	d2s_v_put(a, d, "spec", clone_spec(a, d2s_get(root, "spec"), r->name, r->snapshot));
	return d;
}

/* "---", the PVC's "# Source:" lines (helm template --show-only keeps
 * them), then the clone, into `out`. */
static void render_clone(const struct d2s_doc *doc, const struct d2s_pvc_fact *r,
			 const struct d2s_val *labels, struct d2s_buf *out)
{
	struct d2s_arena a = {0};
	struct d2s_layout lay;
	d2s_layout_detect(doc, &lay);
	d2s_buf_puts(out, "---");
	d2s_buf_puts(out, lay.nl);
	d2s_source_comments(doc, out);
	d2s_render_pairs(out, clone_doc(&a, doc->root, r, labels), 0, &lay);
	d2s_arena_free(&a);
}

int d2s_pvc_rewrite(const struct d2s_rewrite_in *in, struct d2s_rewrite_out *out)
{
	const struct d2s_pvc_fact *r = &in->ix->pvcs[in->idx];
	if (r->fate == D2S_PVC_DROP) {
		out->drop = 1;
		return 0;
	}
	int rc = d2s_rule_edit(in, d2s_pvc_keep, &out->text);
	if (rc == 0 && r->fate == D2S_PVC_CLONE)
		render_clone(in->doc, r, in->ix->deps[r->absorbed_by[0]].match_labels, &out->extra);
	return rc;
}

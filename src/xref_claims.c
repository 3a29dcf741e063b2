/* xref_claims.c - references stage: the PVCs of the cross-document index
 * (see xref.h). A PVC is held back until a StatefulSet absorbs it or the
 * input ends. A StatefulSet's pods get their own claims from
 * volumeClaimTemplates
 * (https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#volume-claim-templates);
 * the old shared PVC is kept with helm.sh/resource-policy: keep
 * (https://helm.sh/docs/howto/charts_tips_and_tricks/#tell-helm-not-to-uninstall-a-resource). */
#include "xref_int.h"
#include "report.h"
#include "list.h"
#include "storage.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct d2s_pvc_rec *d2s_xref_find_pvc(const struct d2s_xref *x, const char *ns, const char *claim,
				      const char **found)
{
	intptr_t i = d2s_nsmap_find(&x->pvc_index, d2s_xref_ns(x, ns), claim, d2s_xref_wild(x), 0,
				    found);
	return i ? &x->pvcs[i - 1] : NULL;
}

struct d2s_val *d2s_xref_pvc_template(void *ctx, struct d2s_arena *a, const char *ns,
				      const char *claim, const char *volume)
{
	struct d2s_xref *x = ctx;
	struct d2s_pvc_rec *r = d2s_xref_find_pvc(x, ns, claim, NULL);
	if (!r)
		return NULL;
	if (d2s_parse(x->aux, r->text, r->len, &x->auxdoc) || !x->auxdoc.root)
		return NULL;
	free(r->volume);
	r->volume = d2s_xref_strdup(volume); /* for --migrate-data (xref_clone.c) */
	return d2s_claim_from_pvc(a, x->auxdoc.root, volume);
}

/* The where of PVC record `r` (ns is written into buf, size n). */
static struct d2s_where pvc_where(const struct d2s_pvc_rec *r, char *buf, size_t n)
{
	const char *slash = strchr(r->key, '/');
	snprintf(buf, n, "%.*s", (int)(slash - r->key), r->key);
	struct d2s_where w = { .file = r->file, .line = r->line, .col = 1, .api_version = "v1",
			       .kind = "PersistentVolumeClaim", .ns = buf, .name = slash + 1 };
	return w;
}

/* Resolve absorbed PVC `r` at the end of the input: `others` lists the
 * workloads that still mount it ("" when none). With --drop-absorbed-pvcs
 * and no other user it is dropped; else kept with helm.sh/resource-policy:
 * keep. */
static void resolve_pvc(struct d2s_xref *x, struct d2s_pvc_rec *r, const char *others)
{
	r->pending = 0;
	char ns[256];
	struct d2s_where w = pvc_where(r, ns, sizeof(ns));
	const char *sts = strchr(r->absorbed_by[0], '/') + 1;
	struct d2s_creport_pvc rp = { .ns = w.ns, .name = w.name, .deployment = sts,
				      .fate = x->o->drop_absorbed_pvcs && !*others ? D2S_FATE_DROPPED :
				      D2S_FATE_KEPT };
	d2s_creport_pvc(x->diag->report, &rp);
	if (x->o->drop_absorbed_pvcs && !*others) {
		if (r->in_list)
			r->decision = D2S_DROP;
		else
			d2s_writer_resolve(x->w, r->item, D2S_DROP, NULL, 0);
		d2s_diagf(x->diag, D2S_WARNING, &w,
			   "absorbed into per-pod claims of StatefulSet %s and removed "
			   "(--drop-absorbed-pvcs): if it held data, Helm deletes it on upgrade", sts);
		return;
	}
	struct d2s_buf out = {0};
	int ok = d2s_xref_edit_held(x, r->text, r->len, r->file, r->line, d2s_pvc_keep, &out) == 0;
	if (ok && d2s_migrate_copies(x->o) && r->in_list)
		d2s_diagf(x->diag, D2S_ERROR, &w, "--migrate-data cannot add the cloned claim inside a "
			   "kind: List: move this PersistentVolumeClaim out of the List");
	else if (ok && d2s_migrate_copies(x->o))
		d2s_xref_clone(x, r, &w, sts, &out); /* a refusal is an error: the run fails */
	if (r->in_list) { /* the List is written with it (d2s_xref_list_pvcs) */
		r->decision = ok ? D2S_REPLACE : D2S_PENDING;
		r->repl = out;
		out = (struct d2s_buf){0};
	} else {
		d2s_writer_resolve(x->w, r->item, ok ? D2S_REPLACE : D2S_KEEP, out.data, out.len);
	}
	d2s_buf_free(&out);
	if (!ok)
		return; /* edit_held reported why */
	if (*others)
		d2s_diagf(x->diag, D2S_WARNING, &w,
			   "now replaced by per-pod claims of StatefulSet %s, which start EMPTY, but still "
			   "mounted by %s: kept (helm.sh/resource-policy: keep%s)", sts, others,
			   x->o->drop_absorbed_pvcs ? "; not removed by --drop-absorbed-pvcs" : "");
	else if (!x->o->migrate_data) /* else xref_clone.c says which claims start empty */
		d2s_diagf(x->diag, D2S_WARNING, &w,
			   "now replaced by per-pod claims of StatefulSet %s, which start EMPTY; the claim is "
			   "kept (helm.sh/resource-policy: keep) so its data survives: copy the data into the "
			   "new claim of pod 0, then delete this PVC (or pass --drop-absorbed-pvcs)", sts);
	else if (!d2s_migrate_copies(x->o)) /* --migrate-data none: chosen, so no warning */
		d2s_diagf(x->diag, D2S_INFO, &w,
			   "now replaced by per-pod claims of StatefulSet %s, which start empty "
			   "(--migrate-data none); the claim is kept (helm.sh/resource-policy: keep)", sts);
}

void d2s_xref_absorb(struct d2s_xref *x, const char *ns, const char *claim, const char *deployment)
{
	const char *found;
	char dkey[512];
	struct d2s_pvc_rec *r = d2s_xref_find_pvc(x, ns, claim, &found);
	if (!r || !r->pending)
		return;
	d2s_key(dkey, sizeof(dkey), d2s_xref_ns(x, ns), deployment);
	if (strcmp(found, d2s_xref_ns(x, ns))) {
		char buf[256];
		struct d2s_where w = pvc_where(r, buf, sizeof(buf));
		d2s_xref_assumed(x, &w, "Deployment", dkey);
	}
	D2S_GROW(r->absorbed_by, r->n_absorbed_by);
	r->absorbed_by[r->n_absorbed_by++] = d2s_xref_strdup(dkey);
}

/* Record PVC `id` (tree `root`, text[0..len) at `line` of `file`). */
static struct d2s_pvc_rec *record_pvc(struct d2s_xref *x, const struct d2s_node *root,
				      const char *text, size_t len, const char *file, long line,
				      const struct d2s_ident *id, int hook)
{
	char key[512];
	const char *ns = d2s_xref_ns(x, id->ns);
	d2s_key(key, sizeof(key), ns, id->name);
	D2S_GROW(x->pvcs, x->n_pvcs);
	struct d2s_pvc_rec *r = &x->pvcs[x->n_pvcs++];
	memset(r, 0, sizeof(*r));
	r->key = d2s_xref_strdup(key);
	r->file = d2s_xref_strdup(file);
	r->line = line;
	r->text = d2s_check_alloc(malloc(len + 1));
	memcpy(r->text, text, len);
	r->text[len] = '\0';
	r->len = len;
	r->hook = hook;
	const struct d2s_node *modes = d2s_path(root, "spec", "accessModes");
	const char *shared = "";
	for (size_t i = 0; modes && modes->type == D2S_SEQ && i < modes->n; i++)
		if (d2s_is(modes->kids[i], "ReadWriteMany") || d2s_is(modes->kids[i], "ReadOnlyMany"))
			shared = modes->kids[i]->value;
	r->shared_mode = d2s_xref_strdup(shared);
	d2s_nsmap_set(&x->pvc_index, ns, id->name, (intptr_t)x->n_pvcs);
	return r;
}

void d2s_xref_pvc(struct d2s_xref *x, const struct d2s_node *root, const char *text, size_t len,
		  const char *file, long line, const struct d2s_ident *id, int hook)
{
	struct d2s_pvc_rec *r = record_pvc(x, root, text, len, file, line, id, hook);
	if (hook) {
		d2s_writer_raw(x->w, text, len); /* never absorbed nor dropped */
	} else {
		r->item = d2s_writer_pending(x->w, text, len);
		r->pending = 1;
	}
}

void d2s_xref_list_pvc(struct d2s_xref *x, const struct d2s_node *root, const char *text,
		       size_t len, const char *file, long line, const struct d2s_ident *id, int hook)
{
	struct d2s_pvc_rec *r = record_pvc(x, root, text, len, file, line, id, hook);
	r->in_list = 1;
	r->pending = !hook;
	r->decision = D2S_PENDING;
}

/* ---------- the workloads that mount each claim ----------
 * A PVC is mounted through a pod spec's volumes[].persistentVolumeClaim
 * (https://kubernetes.io/docs/concepts/storage/persistent-volumes/#claims-as-volumes);
 * the pod spec of each workload kind is at: */
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

static void add_user(struct d2s_xref *x, const char *claim, const char *kind, const char *key,
		     int hook)
{
	for (size_t i = 0; i < x->n_users; i++) {
		const struct d2s_claim_user *u = &x->users[i];
		if (!strcmp(u->claim, claim) && !strcmp(u->kind, kind) && !strcmp(u->key, key))
			return;
	}
	D2S_GROW(x->users, x->n_users);
	struct d2s_claim_user *u = &x->users[x->n_users++];
	u->claim = d2s_xref_strdup(claim);
	u->kind = d2s_xref_strdup(kind);
	u->key = d2s_xref_strdup(key);
	u->hook = hook;
}

void d2s_xref_workload(struct d2s_xref *x, const struct d2s_node *root, const struct d2s_ident *id,
		       int hook)
{
	const struct d2s_node *vols = d2s_get(pod_spec(root, id->kind), "volumes");
	const char *ns = d2s_xref_ns(x, id->ns);
	char ckey[512], wkey[512];
	d2s_key(wkey, sizeof(wkey), ns, id->name);
	for (size_t i = 0; vols && vols->type == D2S_SEQ && i < vols->n; i++) {
		const char *claim = d2s_str(d2s_path(vols->kids[i], "persistentVolumeClaim", "claimName"));
		if (claim)
			add_user(x, d2s_key(ckey, sizeof(ckey), ns, claim), id->kind, wkey, hook);
	}
}

void d2s_xref_workload_claims(struct d2s_xref *x, const struct d2s_stream_claims *sc)
{
	const char *ns = d2s_xref_ns(x, sc->ns);
	char ckey[512], wkey[512];
	d2s_key(wkey, sizeof(wkey), ns, sc->name);
	for (size_t i = 0; i < sc->n_claims; i++)
		add_user(x, d2s_key(ckey, sizeof(ckey), ns, sc->claims[i]), sc->kind, wkey, sc->hook);
}

/* Append to `out` ", "-separated the workloads that mount claim `key`
 * (hooks only when `hooks`), less Deployments whose key is in skip[0..n);
 * returns how many. */
static size_t users_of(const struct d2s_xref *x, const char *key, int hooks, char *const *skip,
		       size_t n, struct d2s_buf *out)
{
	size_t count = 0;
	for (size_t i = 0; i < x->n_users; i++) {
		const struct d2s_claim_user *u = &x->users[i];
		if ((u->hook && !hooks) || !d2s_key_match(u->claim, key, d2s_xref_wild(x)))
			continue;
		int skipped = 0;
		for (size_t k = 0; k < n && !skipped; k++)
			skipped = !strcmp(u->kind, "Deployment") && !strcmp(u->key, skip[k]);
		if (skipped)
			continue;
		if (count++)
			d2s_buf_puts(out, ", ");
		d2s_buf_puts(out, u->kind);
		d2s_buf_puts(out, " ");
		d2s_buf_puts(out, d2s_xref_shown(u->key));
	}
	d2s_buf_add(out, "", 1);
	out->len--;
	return count;
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

static int vct_named(const struct d2s_options *o, const char *name)
{
	for (size_t i = 0; i < o->n_vcts; i++)
		if (!strcmp(o->vcts[i].name, name))
			return 1;
	return 0;
}

/* Why pod volume `vname` of Deployment `dkey` must keep claim `claim`
 * shared: a message into `why`, or 0 when it may be split. */
static int keep_shared(struct d2s_xref *x, const char *ns, const char *claim, const char *vname,
		       const struct d2s_options *o, struct d2s_buf *why)
{
	struct d2s_pvc_rec *r = d2s_xref_find_pvc(x, ns, claim, NULL);
	if (r && r->hook) {
		d2s_buf_puts(why, "a Helm hook (helm.sh/hook): hooks are never absorbed (Helm 3 does not "
			     "send them to post-renderers), so every replica shares it");
		return 1;
	}
	if (in_names(o->split_volumes, o->n_split_volumes, vname))
		return 0;
	char key[512];
	struct d2s_buf users = {0};
	/* users of the PVC itself: in its namespace, or without one (a claim
	 * of another namespace is another claim); a PVC without a namespace is
	 * taken to be in the Deployment's */
	const char *ckey = r && r->key[0] != '/' ? r->key :
			   d2s_key(key, sizeof(key), d2s_xref_ns(x, ns), claim);
	size_t n = users_of(x, ckey, 0, NULL, 0, &users);
	int shared = n >= 2 || (r && *r->shared_mode);
	if (shared) {
		d2s_buf_puts(why, "shared (");
		if (r && *r->shared_mode) {
			d2s_buf_puts(why, "accessModes ");
			d2s_buf_puts(why, r->shared_mode);
			d2s_buf_puts(why, "; ");
		}
		d2s_buf_puts(why, "mounted by ");
		d2s_buf_puts(why, users.data);
		d2s_buf_puts(why, "): every replica keeps sharing it, since per-pod claims would start "
			     "empty and share nothing; pass --shared-volume ");
		d2s_buf_puts(why, vname);
		d2s_buf_puts(why, " to keep it shared without this warning, or --split-volume ");
		d2s_buf_puts(why, vname);
		d2s_buf_puts(why, " to give each replica its own empty claim");
	}
	d2s_buf_free(&users);
	return shared;
}

/* Deployment `id` keeps mounting claim `claim` through a volume left shared:
 * its StatefulSet is still a user of the PVC when it absorbs it through
 * another volume (recorded once per Deployment). */
static void note_kept(struct d2s_xref *x, const struct d2s_ident *id, const char *claim)
{
	struct d2s_pvc_rec *r = d2s_xref_find_pvc(x, id->ns, claim, NULL);
	char dkey[512];
	if (!r || !id->name)
		return;
	d2s_key(dkey, sizeof(dkey), d2s_xref_ns(x, id->ns), id->name);
	if (in_names(r->kept_by, r->n_kept_by, dkey))
		return;
	D2S_GROW(r->kept_by, r->n_kept_by);
	r->kept_by[r->n_kept_by++] = d2s_xref_strdup(dkey);
}

static void add_shared(struct d2s_options *t, const char *vname)
{
	t->shared_volumes = d2s_check_alloc(realloc(t->shared_volumes,
						    (t->n_shared_volumes + 1) * sizeof(char *)));
	t->shared_volumes[t->n_shared_volumes++] = d2s_xref_strdup(vname);
}

const struct d2s_options *d2s_xref_volume_rules(void *ctx, const struct d2s_doc *doc,
						const char *file, long line0,
						const struct d2s_options *o, struct d2s_options *tmp)
{
	struct d2s_xref *x = ctx;
	const struct d2s_ident id = d2s_identify(doc->root);
	const struct d2s_node *vols = d2s_path(doc->root, "spec", "template", "spec", "volumes");
	int copied = 0;
	for (size_t i = 0; vols && vols->type == D2S_SEQ && i < vols->n; i++) {
		const char *vname = d2s_get_str(vols->kids[i], "name");
		const char *claim = d2s_str(d2s_path(vols->kids[i], "persistentVolumeClaim", "claimName"));
		if (!vname || !claim || vct_named(o, vname))
			continue;
		int flag = in_names(o->shared_volumes, o->n_shared_volumes, vname);
		struct d2s_buf why = {0};
		if (flag || keep_shared(x, id.ns, claim, vname, o, &why))
			note_kept(x, &id, claim);
		if (flag || why.len)
			d2s_creport_shared(x->diag->report, id.ns, claim, id.name, flag ? NULL : why.data,
					   d2s_xref_find_pvc(x, id.ns, claim, NULL) != NULL);
		if (!flag && why.len) {
			if (!copied)
				d2s_options_copy(tmp, o);
			copied = 1;
			add_shared(tmp, vname);
			long l, c;
			d2s_linecol(doc->text, vols->kids[i]->start, &l, &c);
			struct d2s_where w = { .file = file, .line = line0 + l - 1, .col = c,
					       .api_version = id.api_version, .kind = id.kind, .ns = id.ns,
					       .name = id.name, .field = "spec.template.spec.volumes" };
			d2s_diagf(x->diag, D2S_WARNING, &w, "volume %s mounts PersistentVolumeClaim %s, "
				   "which is %s", vname, claim, why.data);
			if (d2s_migrate_copies(x->o) && d2s_xref_find_pvc(x, id.ns, claim, NULL))
				d2s_diagf(x->diag, D2S_ERROR, &w, "--migrate-data %s: PersistentVolumeClaim %s stays "
					   "shared, so no replica gets a claim of its own to carry its data: pass "
					   "--shared-volume %s to keep it shared without migrating, or --split-volume "
					   "%s", x->o->migrate_data, claim, vname, vname);
		}
		d2s_buf_free(&why);
	}
	return copied ? tmp : o;
}

void d2s_xref_finish(struct d2s_xref *x)
{
	for (size_t i = 0; i < x->n_pvcs; i++) {
		struct d2s_pvc_rec *r = &x->pvcs[i];
		if (!r->pending || !r->n_absorbed_by)
			continue;
		struct d2s_buf others = {0};
		users_of(x, r->key, 1, r->absorbed_by, r->n_absorbed_by, &others);
		for (size_t k = 0; k < r->n_absorbed_by; k++) /* it mounts it through another volume */
			if (in_names(r->kept_by, r->n_kept_by, r->absorbed_by[k])) {
				d2s_buf_puts(&others, others.len ? ", StatefulSet " : "StatefulSet ");
				d2s_buf_puts(&others, d2s_xref_shown(r->absorbed_by[k]));
			}
		resolve_pvc(x, r, others.data);
		d2s_buf_free(&others);
	}
}

void d2s_xref_claims_free(struct d2s_xref *x)
{
	for (size_t i = 0; i < x->n_pvcs; i++) {
		free(x->pvcs[i].key);
		free(x->pvcs[i].text);
		free(x->pvcs[i].file);
		free(x->pvcs[i].shared_mode);
		d2s_buf_free(&x->pvcs[i].repl);
		free(x->pvcs[i].volume);
		for (size_t k = 0; k < x->pvcs[i].n_absorbed_by; k++)
			free(x->pvcs[i].absorbed_by[k]);
		free(x->pvcs[i].absorbed_by);
		for (size_t k = 0; k < x->pvcs[i].n_kept_by; k++)
			free(x->pvcs[i].kept_by[k]);
		free(x->pvcs[i].kept_by);
	}
	free(x->pvcs);
	for (size_t i = 0; i < x->n_users; i++) {
		free(x->users[i].claim);
		free(x->users[i].kind);
		free(x->users[i].key);
	}
	free(x->users);
	d2s_nsmap_free(&x->pvc_index);
}

/* xref_claims.c - references stage: the PVCs of the cross-document index
 * (see xref.h). A PVC is held back until a StatefulSet absorbs it or the
 * input ends. A StatefulSet's pods get their own claims from
 * volumeClaimTemplates
 * (https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#volume-claim-templates);
 * the old shared PVC is kept with helm.sh/resource-policy: keep
 * (https://helm.sh/docs/howto/charts_tips_and_tricks/#tell-helm-not-to-uninstall-a-resource). */
#include "xref_int.h"
#include "list.h"
#include "storage.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The PVC record of claim `claim` in `ns`, or NULL; *found gets the key
 * namespace matched (see d2s_nsmap_find). */
static struct d2s_pvc_rec *find_pvc(const struct d2s_xref *x, const char *ns, const char *claim,
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
	struct d2s_pvc_rec *r = find_pvc(x, ns, claim, NULL);
	if (!r)
		return NULL;
	if (d2s_parse(x->aux, r->text, r->len, &x->auxdoc) || !x->auxdoc.root)
		return NULL;
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

static void resolve_pvc(struct d2s_xref *x, struct d2s_pvc_rec *r, const char *deployment)
{
	if (!r->pending)
		return;
	r->pending = 0;
	char ns[256];
	struct d2s_where w = pvc_where(r, ns, sizeof(ns));
	if (x->o->drop_absorbed_pvcs) {
		d2s_writer_resolve(x->w, r->item, D2S_DROP, NULL, 0);
		d2s_report(x->diag, D2S_WARNING, &w,
			   "absorbed into per-pod claims of StatefulSet %s and removed "
			   "(--drop-absorbed-pvcs): if it held data, Helm deletes it on upgrade", deployment);
		return;
	}
	struct d2s_buf out = {0};
	int ok = d2s_xref_edit_held(x, r->text, r->len, r->file, r->line, d2s_pvc_keep, &out) == 0;
	d2s_writer_resolve(x->w, r->item, ok ? D2S_REPLACE : D2S_KEEP, out.data, out.len);
	d2s_buf_free(&out);
	if (!ok)
		return; /* edit_held reported why */
	d2s_report(x->diag, D2S_WARNING, &w,
		   "now replaced by per-pod claims of StatefulSet %s, which start EMPTY; the claim is "
		   "kept (helm.sh/resource-policy: keep) so its data survives: copy the data into the new "
		   "claim of pod 0, then delete this PVC (or pass --drop-absorbed-pvcs)", deployment);
}

void d2s_xref_absorb(struct d2s_xref *x, const char *ns, const char *claim, const char *deployment)
{
	const char *found;
	d2s_nsmap_set(&x->absorbed, d2s_xref_ns(x, ns), claim, 1);
	struct d2s_pvc_rec *r = find_pvc(x, ns, claim, &found);
	if (!r)
		return;
	if (strcmp(found, d2s_xref_ns(x, ns))) {
		char buf[256], dkey[512];
		struct d2s_where w = pvc_where(r, buf, sizeof(buf));
		d2s_xref_assumed(x, &w, "Deployment", d2s_key(dkey, sizeof(dkey), ns, deployment));
	}
	resolve_pvc(x, r, deployment);
}

void d2s_xref_pvc(struct d2s_xref *x, const char *text, size_t len, const char *file, long line,
		  const struct d2s_ident *id)
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
	r->item = d2s_writer_pending(x->w, text, len);
	r->pending = 1;
	d2s_nsmap_set(&x->pvc_index, ns, id->name, (intptr_t)x->n_pvcs);
	if (d2s_nsmap_find(&x->absorbed, ns, id->name, d2s_xref_wild(x), 0, NULL))
		resolve_pvc(x, r, "(earlier in the input)");
}

int d2s_xref_claims_known(const struct d2s_xref *x, const struct d2s_node *dep,
			  const struct d2s_options *o, const char *ns)
{
	size_t n;
	const char **claims = d2s_deploy_claims(dep, o, &n);
	int known = 1;
	for (size_t i = 0; i < n; i++)
		if (!find_pvc(x, ns, claims[i], NULL))
			known = 0;
	free(claims);
	return known;
}

struct list_wait {
	const struct d2s_xref *x;
	int wait;
};

static void item_waits(void *ctx, const struct d2s_node *item)
{
	struct list_wait *lw = ctx;
	const struct d2s_ident id = d2s_identify(item);
	if (!d2s_xref_claims_known(lw->x, item, d2s_options_for(lw->x->o, id.name), id.ns))
		lw->wait = 1;
}

int d2s_xref_list_claims_known(const struct d2s_xref *x, const struct d2s_doc *list)
{
	struct list_wait lw = { .x = x };
	d2s_list_each_selected(list, x->o, item_waits, &lw);
	return !lw.wait;
}

void d2s_xref_claims_free(struct d2s_xref *x)
{
	for (size_t i = 0; i < x->n_pvcs; i++) {
		free(x->pvcs[i].key);
		free(x->pvcs[i].text);
		free(x->pvcs[i].file);
		for (size_t k = 0; k < x->pvcs[i].n_absorbed_by; k++)
			free(x->pvcs[i].absorbed_by[k]);
		free(x->pvcs[i].absorbed_by);
	}
	free(x->pvcs);
	for (size_t i = 0; i < x->n_users; i++) {
		free(x->users[i].claim);
		free(x->users[i].kind);
		free(x->users[i].key);
	}
	free(x->users);
	d2s_nsmap_free(&x->absorbed);
	d2s_nsmap_free(&x->pvc_index);
}

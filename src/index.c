/* index.c - pass 1, facts: the index's records and lookups (see index.h).
 * It knows no rule: the rules record and decide, the index keeps. */
#include "index.h"

#include <stdlib.h>
#include <string.h>

struct d2s_index *d2s_index_new(const struct d2s_options *o, struct d2s_diag *diag,
				struct d2s_parser *parser)
{
	struct d2s_index *ix = d2s_check_alloc(calloc(1, sizeof(*ix)));
	ix->o = o;
	ix->diag = diag;
	ix->parser = parser;
	d2s_spool_init(&ix->prepared, 512u << 10);
	return ix;
}

void d2s_index_free(struct d2s_index *ix)
{
	if (!ix)
		return;
	for (size_t i = 0; i < ix->n_deps; i++)
		free(ix->deps[i].vols);
	free(ix->deps);
	for (size_t i = 0; i < ix->n_pvcs; i++) {
		free(ix->pvcs[i].absorbed_by);
		free(ix->pvcs[i].kept_by);
	}
	free(ix->pvcs);
	free(ix->refs);
	free(ix->progs);
	free(ix->users);
	free(ix->recs);
	free(ix->pieces);
	free(ix->items);
	free(ix->lists);
	free(ix->rewrite);
	d2s_nsmap_free(&ix->dep_keys);
	d2s_nsmap_free(&ix->pvc_keys);
	d2s_nsmap_free(&ix->services);
	d2s_nsmap_free(&ix->scalers);
	d2s_map_free(&ix->interned);
	d2s_spool_free(&ix->prepared);
	d2s_arena_free(&ix->a);
	free(ix);
}

d2s_rec d2s_index_rec(struct d2s_index *ix, enum d2s_rec_kind kind, size_t idx)
{
	D2S_INDEX_GROW(ix->recs, ix->n_recs);
	ix->recs[ix->n_recs].kind = kind;
	ix->recs[ix->n_recs].idx = idx;
	return (d2s_rec)++ix->n_recs;
}

enum d2s_rec_kind d2s_index_rec_kind(const struct d2s_index *ix, d2s_rec r, size_t *idx)
{
	*idx = ix->recs[r - 1].idx;
	return ix->recs[r - 1].kind;
}

void d2s_index_piece(struct d2s_index *ix, d2s_rec r)
{
	D2S_INDEX_GROW(ix->pieces, ix->n_pieces);
	ix->pieces[ix->n_pieces++] = r;
}

d2s_rec d2s_index_piece_rec(const struct d2s_index *ix, size_t i)
{
	return i < ix->n_pieces ? ix->pieces[i] : 0;
}

char *d2s_index_strdup(struct d2s_index *ix, const char *s)
{
	s = s ? s : "";
	return d2s_arena_strndup(&ix->a, s, strlen(s));
}

const char *d2s_index_intern(struct d2s_index *ix, const char *s)
{
	s = s ? s : "";
	intptr_t v = d2s_map_get(&ix->interned, s, 0);
	if (!v) {
		v = (intptr_t)d2s_index_strdup(ix, s);
		d2s_map_set(&ix->interned, s, v);
	}
	return (const char *)v;
}

const char *d2s_index_ns(const struct d2s_index *ix, const char *ns)
{
	if (ns && *ns)
		return ns;
	return ix->o->default_namespace ? ix->o->default_namespace : "";
}

int d2s_index_wild(const struct d2s_index *ix)
{
	return ix->o->default_namespace == NULL;
}

const char *d2s_index_shown(const char *key)
{
	return key[0] == '/' ? key + 1 : key;
}

void d2s_index_assumed(struct d2s_index *ix, const struct d2s_where *w, const char *kind,
		       const char *other)
{
	const char *ons = other, *slash = strchr(other, '/');
	int olen = slash ? (int)(slash - other) : 0;
	if (w->ns && *w->ns) {
		ons = w->ns;
		olen = (int)strlen(w->ns);
	}
	d2s_diagf(ix->diag, D2S_WARNING, w, "matched with %s %s by assuming that the object without "
		  "metadata.namespace is applied in namespace %.*s: pass -n/--namespace NS (the "
		  "namespace the client applies, e.g. helm --namespace) to say which", kind,
		  d2s_index_shown(other), olen, ons);
}

const struct d2s_dep_fact *d2s_index_dep(const struct d2s_index *ix, const char *ns,
					 const char *name, const char **found)
{
	intptr_t i = d2s_nsmap_find(&ix->dep_keys, d2s_index_ns(ix, ns), name, d2s_index_wild(ix), 0,
				    found);
	return i ? &ix->deps[i - 1] : NULL;
}

struct d2s_pvc_fact *d2s_index_pvc(const struct d2s_index *ix, const char *ns, const char *claim,
				   const char **found)
{
	intptr_t i = d2s_nsmap_find(&ix->pvc_keys, d2s_index_ns(ix, ns), claim, d2s_index_wild(ix), 0,
				    found);
	return i ? &ix->pvcs[i - 1] : NULL;
}

int d2s_index_service(const struct d2s_index *ix, const char *ns, const char *name)
{
	return (int)d2s_nsmap_find(&ix->services, d2s_index_ns(ix, ns), name, d2s_index_wild(ix), 0,
				   NULL);
}

long d2s_index_max_replicas(const struct d2s_index *ix, const char *ns, const char *name)
{
	return (long)d2s_nsmap_max(&ix->scalers, d2s_index_ns(ix, ns), name, d2s_index_wild(ix), 0);
}

void d2s_index_claim_user(struct d2s_index *ix, const char *ns, const char *claim,
			  const char *kind, const char *key, int hook)
{
	char ckey[512];
	d2s_key(ckey, sizeof(ckey), d2s_index_ns(ix, ns), claim);
	for (size_t i = 0; i < ix->n_users; i++) {
		const struct d2s_claim_user *u = &ix->users[i];
		if (!strcmp(u->claim, ckey) && !strcmp(u->kind, kind) && !strcmp(u->key, key))
			return;
	}
	D2S_INDEX_GROW(ix->users, ix->n_users);
	struct d2s_claim_user *u = &ix->users[ix->n_users++];
	u->claim = d2s_index_strdup(ix, ckey);
	u->kind = d2s_index_strdup(ix, kind);
	u->key = d2s_index_strdup(ix, key);
	u->hook = hook;
}

/* ---------- who mounts what ----------
 * A PVC is mounted through a pod spec's volumes[].persistentVolumeClaim
 * (https://kubernetes.io/docs/concepts/storage/persistent-volumes/#claims-as-volumes);
 * the pod spec of each workload kind is at: */

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

void d2s_index_workload(struct d2s_index *ix, const struct d2s_node *root, const struct d2s_ident *id,
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

void d2s_index_workload_streamed(struct d2s_index *ix, const struct d2s_stream_claims *sc)
{
	char wkey[512];
	d2s_key(wkey, sizeof(wkey), d2s_index_ns(ix, sc->ns), sc->name);
	for (size_t i = 0; i < sc->n_claims; i++)
		d2s_index_claim_user(ix, sc->ns, sc->claims[i], sc->kind, wkey, sc->hook);
}

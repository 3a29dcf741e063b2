/* xref_list.c - references stage: the cross-document index (see xref.h)
 * for `kind: List` documents: what their items are (Deployments, Services,
 * workloads' claims, scaling references), read before the List is
 * converted so the rules hold inside a List as between documents. */
#include "xref.h"
#include "xref_int.h"
#include "items.h"
#include "list.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct list_scan {
	struct d2s_xref *x;
	int wait;
	enum d2s_dep_state st;
};

static void selected_item(void *ctx, const struct d2s_node *item)
{
	struct list_scan *ls = ctx;
	const struct d2s_ident id = d2s_identify(item);
	size_t n;
	if (ls->st == D2S_DEP_CONVERTED_LATER) { /* second pass: the List waits */
		d2s_xref_deployment(ls->x, id.ns, id.name, ls->st);
		return;
	}
	free(d2s_deploy_claims(item, d2s_options_for(ls->x->o, id.name), &n));
	if (n || d2s_is(d2s_path(item, "spec", "paused"), "true"))
		ls->wait = 1;
	d2s_xref_deployment(ls->x, id.ns, id.name, D2S_DEP_CONVERTED);
	d2s_xref_check_progressive(ls->x, id.ns, id.name);
	d2s_xref_resolve_refs(ls->x, id.ns, id.name, 1);
}

/* Record the v1 Service items of `list` (not hooks) like standalone ones
 * (d2s_xref_service), before its Deployments are: a headless Service
 * anywhere in the List is reused by a Deployment of the List. */
static void list_services(struct d2s_xref *x, const struct d2s_node *items,
			  const struct d2s_doc *list, const char *file, long line0)
{
	for (size_t i = 0; items && items->type == D2S_SEQ && i < items->n; i++) {
		const struct d2s_node *it = items->kids[i];
		const struct d2s_ident id = d2s_identify(it);
		if (!id.kind || strcmp(id.kind, "Service") || !id.api_version ||
		    strcmp(id.api_version, "v1") || !id.name || d2s_is_hook(it))
			continue;
		long l, c;
		d2s_linecol(list->text, it->start, &l, &c);
		d2s_xref_service(x, it, &id, file, line0 + l - 1, c);
	}
}

/* Record item `it` (identity `id`) of `list` when it is a v1 PVC; returns
 * 1 when it may be absorbed (not a hook). */
static int list_pvc(struct d2s_xref *x, const struct d2s_doc *list, const struct d2s_node *it,
		    const struct d2s_ident *id, int hook, const char *file, long line0)
{
	if (!id->kind || strcmp(id->kind, "PersistentVolumeClaim") || !id->api_version ||
	    strcmp(id->api_version, "v1") || !id->name)
		return 0;
	struct d2s_buf t = {0};
	int col;
	long l, c;
	d2s_item_unindent(list, it, &t, &col);
	d2s_linecol(list->text, it->start, &l, &c);
	d2s_xref_list_pvc(x, it, t.data, t.len, file, line0 + l - 1, id, hook);
	d2s_buf_free(&t);
	return !hook;
}

int d2s_xref_list_read(struct d2s_xref *x, const struct d2s_doc *list, const char *file,
		       long line0)
{
	struct list_scan ls = { .x = x };
	const struct d2s_node *items = d2s_get(list->root, "items");
	list_services(x, items, list, file, line0);
	d2s_list_each_selected(list, x->o, selected_item, &ls);
	for (size_t i = 0; items && items->type == D2S_SEQ && i < items->n; i++) {
		const struct d2s_node *it = items->kids[i];
		const struct d2s_ident id = d2s_identify(it);
		const char *target = d2s_ref_target(it);
		int hook = d2s_is_hook(it);
		if (id.name && d2s_is_workload(id.kind))
			d2s_xref_workload(x, it, &id, hook);
		if (list_pvc(x, list, it, &id, hook, file, line0))
			ls.wait = 1; /* decided at the end, with the List */
		if (id.name && id.kind && !strcmp(id.kind, "Deployment") &&
		    !d2s_xref_is_converted(d2s_xref_dep_state(x, id.ns, id.name, NULL))) {
			d2s_xref_deployment(x, id.ns, id.name, D2S_DEP_SKIPPED);
			d2s_xref_resolve_refs(x, id.ns, id.name, 0);
		}
		if (!target) { /* an Argo Rollout / Flagger Canary: checked as a standalone one */
			long l, c;
			d2s_linecol(list->text, it->start, &l, &c);
			d2s_xref_progressive(x, it, file, line0 + l - 1);
		}
		if (!target || hook)
			continue;
		d2s_xref_scaler(x, it, &id, target);
		if (!d2s_xref_dep_state(x, id.ns, target, NULL))
			ls.wait = 1; /* its Deployment may come later */
	}
	if (ls.wait) { /* converted at the end: a later Service is still seen */
		ls.st = D2S_DEP_CONVERTED_LATER;
		d2s_list_each_selected(list, x->o, selected_item, &ls);
	}
	return ls.wait;
}

int d2s_xref_list_ref(void *ctx, const struct d2s_node *item, const char *file, long line, int warn)
{
	struct d2s_xref *x = ctx;
	const char *target = d2s_ref_target(item), *found;
	if (!target || d2s_is_hook(item))
		return 0;
	const struct d2s_ident id = d2s_identify(item);
	const char *ns = d2s_xref_ns(x, id.ns);
	intptr_t st = d2s_xref_dep_state(x, id.ns, target, &found);
	if (st && strcmp(found, ns) && warn) {
		char dkey[512];
		struct d2s_where w = d2s_xref_where(file, &id, line);
		d2s_xref_assumed(x, &w, "Deployment", d2s_key(dkey, sizeof(dkey), found, target));
	}
	return d2s_xref_is_converted(st);
}

void d2s_xref_list_item_converted(void *ctx, const struct d2s_convert_out *res)
{
	struct d2s_xref *x = ctx;
	d2s_xref_deployment(x, res->ns, res->name,
			    res->service.len ? D2S_DEP_CONVERTED : D2S_DEP_CONVERTED_NO_SERVICE);
	for (size_t i = 0; i < res->n_absorbed; i++)
		d2s_xref_absorb(x, res->ns, res->absorbed[i], res->name);
	d2s_xref_check_progressive(x, res->ns, res->name);
	d2s_xref_resolve_refs(x, res->ns, res->name, 1);
}


/* The in-List PVC record of item `item` once decided (keep or drop), else
 * NULL. */
static struct d2s_pvc_rec *decided(const struct d2s_xref *x, const struct d2s_node *item)
{
	const struct d2s_ident id = d2s_identify(item);
	if (!id.kind || strcmp(id.kind, "PersistentVolumeClaim") || !id.api_version ||
	    strcmp(id.api_version, "v1") || !id.name)
		return NULL;
	struct d2s_pvc_rec *r = d2s_xref_find_pvc(x, id.ns, id.name, NULL);
	return r && r->in_list && r->decision != D2S_PENDING ? r : NULL;
}

static int want_pvc(const struct d2s_node *item, const void *ctx)
{
	return decided(ctx, item) != NULL;
}

/* Edit the decided PVC items of `it` into `e`. */
static void edit_pvcs(const struct d2s_xref *x, const struct d2s_items *it, struct d2s_edits *e)
{
	const char *t = it->doc->text;
	for (size_t i = 0; i < it->seq->n; i++) {
		const struct d2s_node *item = it->seq->kids[i];
		const struct d2s_pvc_rec *r = decided(x, item);
		if (!r)
			continue;
		size_t end = d2s_next_line(t, it->doc->len, item->end), ls = item->start;
		while (ls > 0 && t[ls - 1] != '\n')
			ls--; /* the "- " line: removed with the item */
		if (r->decision == D2S_DROP) {
			d2s_edit(e, ls, end, "", 0);
			continue;
		}
		struct d2s_buf tmp = {0}, rep = {0};
		int col;
		d2s_item_unindent(it->doc, item, &tmp, &col);
		d2s_reindent(r->repl.data, r->repl.len, col, &rep);
		d2s_edit(e, item->start, end, rep.data, rep.len);
		d2s_buf_free(&tmp);
		d2s_buf_free(&rep);
	}
}

/* Every item of `it` is dropped: the List keeps `items: []` (edit into
 * `e`). Returns 0, or -1 when the `items:` line ends in a comment (then the
 * caller drops the List). */
static int empty_items(const struct d2s_items *it, struct d2s_edits *e)
{
	const char *t = it->doc->text;
	size_t ls = it->seq->start, end = d2s_next_line(t, it->doc->len, it->seq->end);
	while (ls > 0 && t[ls - 1] != '\n')
		ls--;
	size_t k = ls ? ls - 1 : 0;
	while (k > 0 && (t[k - 1] == ' ' || t[k - 1] == '\t' || t[k - 1] == '\r'))
		k--;
	if (!k || t[k - 1] != ':')
		return -1;
	d2s_edit(e, k, end, " []\n", 4);
	return 0;
}

int d2s_xref_list_pvcs(struct d2s_xref *x, const struct d2s_doc *doc, const char *file, long line0,
		       struct d2s_buf *out)
{
	const struct d2s_node *items = d2s_get(doc->root, "items");
	int any = 0;
	for (size_t i = 0; items && items->type == D2S_SEQ && i < items->n && !any; i++)
		any = decided(x, items->kids[i]) != NULL;
	if (!any)
		return 0;
	struct d2s_where w = { .file = file, .line = line0, .col = 1, .kind = "List" };
	struct d2s_items it = {0};
	int rc = d2s_items_open_block(x->aux, doc, x->diag, &w, want_pvc, x, &it);
	if (rc == 0) {
		struct d2s_edits e;
		d2s_edits_init(&e, it.doc->text, it.doc->len);
		size_t left = 0;
		for (size_t i = 0; i < it.seq->n; i++) {
			const struct d2s_pvc_rec *r = decided(x, it.seq->kids[i]);
			left += !r || r->decision != D2S_DROP;
		}
		if (left)
			edit_pvcs(x, &it, &e);
		if (!left && empty_items(&it, &e))
			rc = 2;
		else
			rc = d2s_edits_apply(&e, out) ? -1 : 1;
		d2s_edits_free(&e);
	}
	d2s_items_free(&it);
	return rc;
}

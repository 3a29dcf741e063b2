/* xref_list.c - references stage: the cross-document index (see xref.h)
 * for `kind: List` documents: what their items are (Deployments, Services,
 * workloads' claims, scaling references), read before the List is
 * converted so the rules hold inside a List as between documents. */
#include "xref.h"
#include "xref_int.h"
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
		if (id.name && id.kind && !strcmp(id.kind, "Deployment") &&
		    !d2s_xref_is_converted(d2s_xref_dep_state(x, id.ns, id.name, NULL))) {
			d2s_xref_deployment(x, id.ns, id.name, D2S_DEP_SKIPPED);
			d2s_xref_resolve_refs(x, id.ns, id.name, 0);
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


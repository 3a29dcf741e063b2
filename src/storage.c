/* storage.c - storage filter helpers (see storage.h). */
#include "storage.h"

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

/* select.h - select stage: which Deployments are converted, decided from a
 * struct d2s_selection (--only/--exclude globs, the label selector, --opt-in)
 * and the object's metadata. Knows nothing of the other options.
 *
 * Label selectors use kubectl's syntax (k8s.io/apimachinery
 * pkg/labels/selector.go): comma-separated requirements
 *   key=value  key==value  key!=value  key in (a,b)  key notin (a,b)  key  !key */
#ifndef D2S_SELECT_H
#define D2S_SELECT_H

#include <stddef.h>

/** What to convert. Strings owned by whoever fills it (the options model). */
struct d2s_selection {
	char **only, **exclude;  /**< globs on metadata.name (fnmatch(3)) */
	size_t n_only, n_exclude;
	char *selector;          /**< -l: kubectl label selector text, or NULL */
	int opt_in;              /**< convert only deploy2sts.io/convert: "true" */
};

enum d2s_sel_op { D2S_EQ, D2S_NE, D2S_IN, D2S_NOTIN, D2S_EXISTS, D2S_NOT_EXISTS };

/** One requirement; strings owned by the selector. */
struct d2s_requirement {
	char *key;
	enum d2s_sel_op op;
	char **values;  /**< EQ/NE: 1 value; IN/NOTIN: n values */
	size_t n_values;
};

/** A parsed selector: all requirements must hold (AND). */
struct d2s_selector {
	struct d2s_requirement *reqs;
	size_t n;
};

/** Parse `text` into `sel`. Returns 0, or -1 with a message in `err`.
 *  An empty text selects everything. Free with d2s_selector_free. */
int d2s_selector_parse(const char *text, struct d2s_selector *sel, char *err, size_t errlen);
/** Free the requirements of `sel` and zero it. */
void d2s_selector_free(struct d2s_selector *sel);
/** Parse and discard: 0 if `text` is a valid selector. */
int d2s_selector_check(const char *text, char *err, size_t errlen);
/** True when labels (parallel arrays keys[i]=vals[i], n entries) satisfy sel. */
int d2s_selector_match(const struct d2s_selector *sel, const char *const *keys,
		       const char *const *vals, size_t n);

/** Labels or annotations of one object (borrowed strings). */
struct d2s_kv {
	const char **keys, **vals;
	size_t n;
};

/** Why a Deployment is not converted: the one list of reasons, for the
 *  selection (select.c), the conversion report (its `reason` names,
 *  docs/report.md) and the messages. */
enum d2s_skip {
	D2S_SKIP_NOT_SELECTED_ONLY,  /**< "not-selected-only": not matched by --only */
	D2S_SKIP_EXCLUDED,           /**< "excluded": matched by --exclude */
	D2S_SKIP_LABEL_SELECTOR,     /**< "label-selector": labels do not match -l */
	D2S_SKIP_ANNOTATION_FALSE,   /**< "annotation-false": deploy2sts.io/convert: "false" */
	D2S_SKIP_OPT_IN_MISSING,     /**< "opt-in-missing": --opt-in and no "true" annotation */
	D2S_SKIP_UNSUPPORTED_API,    /**< "unsupported-apiVersion": not apps/v1 */
	D2S_SKIP_HOOK,               /**< "hook": a Helm hook (helm.sh/hook annotation) */
	D2S_SKIP_INVALID_SELECTOR,   /**< "label-selector": the selector does not parse */
	D2S_SKIP_NO_NAME             /**< "label-selector": no metadata.name */
};
/** The report's name of reason `why` ("not-selected-only", ...). */
const char *d2s_skip_name(enum d2s_skip why);
/** The human explanation of reason `why` ("not matched by --only", ...). */
const char *d2s_skip_text(enum d2s_skip why);

/** Decide whether Deployment `name` is converted under `s`: --only/--exclude
 *  globs (fnmatch), the label selector, the `deploy2sts.io/convert`
 *  annotation and --opt-in. Returns 1 to convert, 0 to skip with the
 *  reason in *why. A selector that fails to parse skips. */
int d2s_selection_match(const struct d2s_selection *s, const char *name, const struct d2s_kv *labels,
			const struct d2s_kv *annotations, enum d2s_skip *why);

struct d2s_node;
/** d2s_selection_match for the object whose `metadata` node is `meta`: its name,
 *  labels and annotations (string pairs only) are read from the tree.
 *  0 (D2S_SKIP_NO_NAME) when it has no name. */
int d2s_selection_match_meta(const struct d2s_selection *s, const struct d2s_node *meta,
			     enum d2s_skip *why);

#endif

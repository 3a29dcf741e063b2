/* list.h - convert stage for `kind: List`: converts the Deployments that are
 * items of a List document (Kubernetes API conventions, "Lists and Simple
 * kinds"). Each item's text is cut out of the list, shifted left to
 * column 0, converted like a standalone document, shifted back and spliced
 * into the list; the generated Service becomes the next item. The shift
 * helpers live in items.h (shared with KRM ResourceList items). */
#ifndef D2S_LIST_H
#define D2S_LIST_H

#include "buf.h"
#include "convert.h"
#include "diag.h"
#include "options.h"
#include "tree.h"

/** Inputs and results of one list conversion. */
struct d2s_list_ctx {
	const struct d2s_options *o;
	struct d2s_diag *diag;
	const char *file;
	long line0;
	struct d2s_val *(*pvc_template)(void *ctx, struct d2s_arena *a, const char *ns,
					const char *claim, const char *volume);
	enum d2s_svc_state (*service_state)(void *ctx, const char *ns, const char *name);
	/** Called for each item converted, with its result (borrowed, valid
	 *  during the call): the caller records the StatefulSet and its PVCs. */
	void (*converted)(void *ctx, const struct d2s_convert_out *res);
	/** NULL, or the options to convert item `item` (read at `line0` of
	 *  `file`) with: `o`, or `tmp` filled (freed by the caller with
	 *  d2s_options_free when returned); see d2s_xref_volume_rules. */
	const struct d2s_options *(*volume_rules)(void *ctx, const struct d2s_doc *item,
						  const char *file, long line0,
						  const struct d2s_options *o, struct d2s_options *tmp);
	/** True when List item `item` (at `line` of `file`) is a scaling
	 *  reference (refs.h) to a converted Deployment: it is retargeted.
	 *  `warn`: report what was assumed to match it (once per item). */
	int (*ref_converted)(void *ctx, const struct d2s_node *item, const char *file, long line,
			     int warn);
	/** NULL, or d2s_convert_in.max_replicas of Deployment `name` in `ns`. */
	long (*max_replicas)(void *ctx, const char *ns, const char *name);
	void *ctx;
};

/** Convert the Deployments among the `items` of List `doc`. Returns 1 with
 *  the new text in `out`, 0 when nothing changed, -1 on error (reported). */
int d2s_convert_list(const struct d2s_doc *doc, struct d2s_list_ctx *lc, struct d2s_buf *out);

/** Report Deployment apiVersion `av` (NULL when absent; not apps/v1) at
 *  `w`: an error, or a warning when `skip` (--skip-unsupported).
 *  extensions/v1beta1 and apps/v1beta1/2 Deployments were removed in
 *  Kubernetes 1.16
 *  (https://kubernetes.io/blog/2019/07/18/api-deprecations-in-1-16/). */
void d2s_diag_unsupported(struct d2s_diag *diag, const struct d2s_where *w, const char *av,
			    int skip);

/** Report each Deployment item of List `doc` (read at `line0` of `file`)
 *  that is not a Helm hook and whose apiVersion is an old apps/ or
 *  extensions/ one, like a standalone one (d2s_diag_unsupported with
 *  o->skip_unsupported). */
void d2s_list_unsupported(const struct d2s_doc *doc, const struct d2s_options *o,
			  struct d2s_diag *diag, const char *file, long line0);

/** The List items of `doc` that are apps/v1 Deployments selected by `o`
 *  (flags, annotations): calls fn(ctx, item) for each. */
void d2s_list_each_selected(const struct d2s_doc *doc, const struct d2s_options *o,
			    void (*fn)(void *ctx, const struct d2s_node *item), void *ctx);

#endif

/* service.h - convert stage, headless Service: the name a StatefulSet's
 * spec.serviceName gets, the check of a Service of that name already in the
 * stream, and the generated headless Service (clusterIP: None) that gives
 * each pod its stable DNS name <pod>.<service>.<namespace>.svc (Kubernetes
 * docs, "StatefulSets", Stable Network ID:
 * https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/).
 * Called by convert.c; see docs/architecture.md. */
#ifndef D2S_SERVICE_H
#define D2S_SERVICE_H

#include "edit.h"
#include "tree.h"

struct d2s_cx; /* convert_ctx.h */

/** Result of looking up an existing Service by name. */
enum d2s_svc_state { D2S_SVC_NONE, D2S_SVC_HEADLESS, D2S_SVC_NOT_HEADLESS };

/** Lookup of the Service `ns`/`name` among the stream's other documents
 *  (`ctx` is the caller's). */
typedef enum d2s_svc_state (*d2s_svc_lookup)(void *ctx, const char *ns, const char *name);

/** The serviceName for Deployment `name` in namespace `ns` (""): template
 *  `tmpl` (--service-name; NULL means "{name}-headless") with every
 *  "{name}" and "{namespace}" replaced. Returns a malloc'ed string (caller
 *  frees); never NULL (allocation failure aborts). The result is not
 *  checked here: convert.c checks it is a DNS-1035 label. */
char *d2s_service_name(const char *tmpl, const char *name, const char *ns);

/** Whether Service `svc` already exists in the stream (asked through
 *  `lookup`, which may be NULL = none). Returns 1 when it exists and is
 *  headless (it is reused: *reused is set to 1), 0 when it does not exist,
 *  -1 after reporting an error when it exists and is not headless:
 *  spec.clusterIP is immutable (pkg/apis/core/validation/validation.go,
 *  ValidateServiceUpdate), so applying a headless one over it would fail. */
int d2s_service_existing(struct d2s_cx *c, const char *svc, d2s_svc_lookup lookup, void *ctx,
			 int *reused);

/** The headless Service `svc` for the Deployment `root` (already checked by
 *  convert.c: spec, spec.template and a non-empty containers list exist):
 *  apiVersion v1, kind Service, metadata name/namespace/labels of the
 *  Deployment plus the Helm 4 and KRM path annotations, spec.clusterIP None,
 *  publishNotReadyAddresses with --publish-not-ready-addresses, a selector
 *  and the ports of the named containerPorts (one per name and per
 *  (port, protocol), the first wins: ValidateService). The selector is spec.selector.matchLabels when the selector has no
 *  matchExpressions, else the template labels when they satisfy both parts
 *  (a Service selects by labels only: core/v1 ServiceSpec.selector).
 *  Returns the value in c->a, or NULL after reporting an error when no
 *  Service selector can express the Deployment's selector. */
struct d2s_val *d2s_service_build(struct d2s_cx *c, const struct d2s_node *root, const char *svc);

#endif

/* service.h - convert stage, headless Service: the name a StatefulSet's
 * spec.serviceName gets and the generated headless Service (clusterIP: None)
 * that gives
 * each pod its stable DNS name <pod>.<service>.<namespace>.svc (Kubernetes
 * docs, "StatefulSets", Stable Network ID:
 * https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/).
 * Called by convert.c; see docs/architecture.md. */
#ifndef D2S_SERVICE_H
#define D2S_SERVICE_H

#include "edit.h"
#include "tree.h"

struct d2s_cx; /* convert_ctx.h */

/** The serviceName for Deployment `name` in namespace `ns` (""): template
 *  `tmpl` (--service-name; NULL means "{name}-headless") with every
 *  "{name}" and "{namespace}" replaced. Returns a malloc'ed string (caller
 *  frees); never NULL (allocation failure aborts). The result is not
 *  checked here: convert.c checks it is a DNS-1035 label. */
char *d2s_service_name(const char *tmpl, const char *name, const char *ns);

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

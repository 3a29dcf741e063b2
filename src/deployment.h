/* deployment.h - the Deployment rule (rules.h): apps/v1 Deployments become
 * StatefulSets.
 *   facts    who mounts which claims; whether it is converted (a Helm hook
 *            never is; an old apiVersion is an error or, with
 *            --skip-unsupported, a warning; --only, --exclude, --selector,
 *            --opt-in and the deploy2sts.io/convert annotation select);
 *            its PVC volumes, paused flag and selector labels;
 *   rewrite  the conversion (convert.h) with what the index knows: the
 *            claim template of each PVC the seal decided to absorb
 *            (claims.h), the Services of the stream, the autoscalers that
 *            aim at it; the generated headless Service follows it.
 * Kubernetes sources: convert.h (StatefulSet fields), select.h (selection),
 * https://kubernetes.io/blog/2019/07/18/api-deprecations-in-1-16/ (old
 * apiVersions), https://helm.sh/docs/topics/charts_hooks/ (hooks). */
#ifndef D2S_DEPLOYMENT_H
#define D2S_DEPLOYMENT_H

#include "rule.h"

/** The rule matches kind Deployment of an apps/ or extensions/ apiVersion. */
int d2s_deployment_match(const struct d2s_ident *id, const struct d2s_node *root);
/** Pass 1: record the Deployment (see above). Returns its record, or 0
 *  (an unsupported apiVersion: nothing else refers to it). */
d2s_rec d2s_deployment_facts(const struct d2s_fact_in *in);
/** Seal: every --only and --exclude glob matches a Deployment of the input,
 *  every --shared-volume and --split-volume name (of the flags or an
 *  override) a PVC volume of a Deployment converted with it; else an error.
 *  An input with documents and no Deployment is a warning (an error under
 *  --require-conversion). An empty input is none of these: Helm 3 sends one
 *  for a chart that renders hooks only. */
void d2s_deployment_seal(struct d2s_index *ix);
/** Whether Deployment `idx` is rewritten: 0 no, 1 it is converted in pass
 *  2, 2 it was converted in pass 1 (its Service is decided in pass 2). */
int d2s_deployment_needs(const struct d2s_index *ix, size_t idx);
/** Pass 2: the StatefulSet into out->text, its headless Service into
 *  out->extra. Returns 0, or -1 after the conversion reported an error. */
int d2s_deployment_rewrite(const struct d2s_rewrite_in *in, struct d2s_rewrite_out *out);

#endif

/* krm.h - door for KRM functions (kpt, kustomize; KRM Functions
 * Specification, kubernetes-sigs/kustomize
 * cmd/config/docs/api-conventions/functions-spec.md): a
 * config.kubernetes.io/v1 ResourceList in, a ResourceList out.
 *
 * The items are cut out of the list (shifted to column 0, items.h), run through the
 * same pipeline as a plain stream, and shifted back, so every item keeps its
 * bytes, comments and annotations (config.kubernetes.io/...,
 * internal.config.kubernetes.io/..., config.k8s.io/id). Options come from
 * functionConfig (a StatefulSetConversion or a ConfigMap of flag names), then
 * from flags. An object the conversion adds (the headless Service) is filed
 * with its StatefulSet: same config.kubernetes.io/path, the next
 * config.kubernetes.io/index (krmfile.h), so kpt writes it right after it.
 * Diagnostics become `results` (message, severity, resourceRef, field,
 * file path and index). On error the items are returned
 * unchanged with the error results (a missing item would be deleted by the
 * client). */
#ifndef D2S_KRM_H
#define D2S_KRM_H

#include <stdio.h>
#include "config.h"
#include "diag.h"
#include "options.h"

/** True when the first document of `text` declares kind: ResourceList at
 *  column 0 (a cheap look before the real parse). */
int d2s_krm_detect(const char *text, size_t len);

/** Run one ResourceList `text` (named `name` in messages) with options `o`
 *  (modified: functionConfig, then `cli` flags) and write the output
 *  ResourceList to `out`. `diag` must have keep = 1. Returns 0, or 1 when
 *  errors were reported (the ResourceList is written either way), or -1
 *  when `text` is not a ResourceList at all. */
int d2s_krm_run(const char *text, size_t len, const char *name, struct d2s_options *o,
		const struct d2s_pairs *cli, struct d2s_diag *diag, FILE *out);

#endif

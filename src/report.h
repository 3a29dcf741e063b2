/* report.h - conversion report stage: collects what the run decided about
 * each Deployment (converted or skipped and why, the StatefulSet, its
 * Service, claim templates and the exact PVC names of every replica,
 * absorbed PVCs and their fate, rewritten references) and writes it as a
 * `deploy2sts.io/v1alpha1` `ConversionReport` in YAML or JSON, plus the
 * one-line run summary and the "selection converts nothing" check.
 * The structure is documented in docs/report.md and
 * docs/conversion-report.schema.json.
 *
 * Every recording call takes the Deployment's namespace and name (NULL or
 * "" = no namespace) and copies its strings; call sites may record in any
 * order: the first mention of a Deployment creates its entry, and entries
 * are written in that order. Recording never fails (out of memory aborts,
 * as everywhere in deploy2sts). */
#ifndef D2S_REPORT_H
#define D2S_REPORT_H

#include <stdio.h>

#include <stddef.h>
#include <string.h>

#include "buf.h"
#include "diag.h"
#include "hashmap.h"
#include "select.h"

/** The report collector; opaque, create with d2s_creport_new. */
struct d2s_conv_report;

/** What serves the StatefulSet's spec.serviceName. */
enum d2s_creport_svc {
	D2S_CR_SVC_NONE,      /**< "none": --no-headless-service, the user brings one */
	D2S_CR_SVC_GENERATED, /**< "generated": a headless Service was added */
	D2S_CR_SVC_REUSED     /**< "reused": a headless Service of the stream is used */
};

/** Fate of a standalone PersistentVolumeClaim that a converted Deployment mounted. */
enum d2s_creport_fate {
	D2S_FATE_KEPT,    /**< "kept": absorbed, document kept with helm.sh/resource-policy: keep */
	D2S_FATE_DROPPED, /**< "dropped": absorbed, document removed (--drop-absorbed-pvcs) */
	D2S_FATE_SHARED,  /**< "kept-shared": not absorbed, still mounted by every pod; see reason */
	D2S_FATE_CLONED   /**< "cloned": absorbed and cloned into the first replica's claim */
};

/** Output format of the report file. */
enum d2s_creport_format { D2S_CREPORT_YAML, D2S_CREPORT_JSON };

/** One claim template of a converted Deployment (strings borrowed during
 *  the call; NULL = absent). */
struct d2s_creport_claim {
	const char *name;          /**< volumeClaimTemplates[].metadata.name */
	const char *from_pvc;      /**< absorbed PVC name, NULL when from --volume-claim-template */
	const char *storage;       /**< resources.requests.storage, e.g. "1Gi" */
	const char *storage_class; /**< storageClassName; NULL = the cluster default */
	const char *access_modes;  /**< comma-separated, e.g. "ReadWriteOnce" */
};

/** One PersistentVolumeClaim document and its fate (strings borrowed). */
struct d2s_creport_pvc {
	const char *ns, *name;     /**< the PVC */
	const char *deployment;    /**< the Deployment that mounted it (same namespace) */
	const char *claim;         /**< claim template it became; NULL when kept shared */
	enum d2s_creport_fate fate;
	const char *reason;        /**< why kept shared (ReadWriteMany, --shared-volume, ...) */
	const char *cloned_into;   /**< D2S_FATE_CLONED: the new claim, <claim>-<sts>-<start> */
	const char *snapshot;      /**< D2S_FATE_CLONED from a VolumeSnapshot: its name */
};

/** Allocate an empty report; `generator` (e.g. "deploy2sts 0.1.0", may be
 *  NULL) goes to metadata.generator. Free with d2s_creport_free. */
struct d2s_conv_report *d2s_creport_new(const char *generator);
/** Free the report and everything it copied (NULL is fine). */
void d2s_creport_free(struct d2s_conv_report *r);

/** A Deployment was read at file:line:col (1-based; 0 = unknown). Its
 *  status stays "pending" until a decision is recorded. */
void d2s_creport_seen(struct d2s_conv_report *r, const char *ns, const char *name,
		      const char *file, long line, long col);
/** The Deployment is skipped for `why`; `detail` (may be NULL) is the
 *  human explanation, e.g. the apiVersion or hook name. */
void d2s_creport_skipped(struct d2s_conv_report *r, const char *ns, const char *name,
			 enum d2s_skip why, const char *detail);
/** The Deployment became StatefulSet sts_ns/sts_name with spec.serviceName
 *  `service` provided as `svc`. A status "failed" set before (an error at
 *  a PVC it absorbs) stays. */
void d2s_creport_converted(struct d2s_conv_report *r, const char *ns, const char *name,
			   const char *sts_ns, const char *sts_name, const char *service,
			   enum d2s_creport_svc svc);
/** The Deployment was not selected (d2s_selection_match said `why`):
 *  recorded as skipped, its message d2s_skip_text(why). Nothing when
 *  `name` is NULL (a Deployment without a name is not reported). */
void d2s_creport_not_selected(struct d2s_conv_report *r, const char *ns, const char *name,
			      enum d2s_skip why);
/** The Deployment is a Helm hook (annotation helm.sh/hook: `hook`, may be
 *  NULL): skipped with reason hook and message "helm.sh/hook: <hook>". */
void d2s_creport_hook(struct d2s_conv_report *r, const char *ns, const char *name, const char *hook);
/** The Deployment's apiVersion `api_version` is not apps/v1: skipped
 *  (`skip` = --skip-unsupported) or failed. */
void d2s_creport_unsupported(struct d2s_conv_report *r, const char *ns, const char *name,
			     const char *api_version, int skip);
/** The converted Deployment ns/name uses a headless Service of the input
 *  instead of a generated one: its `service` becomes reused. */
void d2s_creport_service_reused(struct d2s_conv_report *r, const char *ns, const char *name);
/** The conversion of the Deployment failed (the error is among the diagnostics). */
void d2s_creport_failed(struct d2s_conv_report *r, const char *ns, const char *name);
/** spec.replicas (< 0 = unset, Kubernetes defaults it to 1) and
 *  spec.ordinals.start (0 when unset) of the StatefulSet. */
void d2s_creport_replicas(struct d2s_conv_report *r, const char *ns, const char *name,
			  long replicas, long ordinals_start);
/** HorizontalPodAutoscaler `hpa` scales the Deployment between min_replicas
 *  (< 0 = unset, the HPA default 1) and max_replicas; the PVC names are then
 *  listed up to max_replicas. */
void d2s_creport_hpa(struct d2s_conv_report *r, const char *ns, const char *name,
		     const char *hpa, long min_replicas, long max_replicas);
/** Add claim template `c` to the Deployment's StatefulSet. */
void d2s_creport_claim(struct d2s_conv_report *r, const char *ns, const char *name,
		       const struct d2s_creport_claim *c);
/** Record PVC document `p` and its fate (one entry per PVC; recording the
 *  same ns/name again replaces the entry, e.g. kept -> cloned). A NULL
 *  p->claim of an absorbed PVC is found among the claim templates already
 *  recorded for p->deployment (the one made from this PVC). */
void d2s_creport_pvc(struct d2s_conv_report *r, const struct d2s_creport_pvc *p);
/** Remove the entry of PVC ns/name, if any (an error decided it: a run
 *  that fails gives it no fate). Its strings stay in the report's arena. */
void d2s_creport_pvc_forget(struct d2s_conv_report *r, const char *ns, const char *name);
/** PVC ns/pvc stays shared by every replica of Deployment `deployment`:
 *  `why` is the message that explains it (shortened to its first clause
 *  for `reason`), NULL for --shared-volume. Nothing when `in_input` is 0
 *  (the PVC document is not in the input, so there is no fate to report). */
void d2s_creport_shared(struct d2s_conv_report *r, const char *ns, const char *pvc,
			const char *deployment, const char *why, int in_input);
/** Object kind ns/name had its reference at `field` (e.g. spec.scaleTargetRef)
 *  rewritten to target_kind/target_name (e.g. StatefulSet/web). */
void d2s_creport_ref(struct d2s_conv_report *r, const char *kind, const char *ns,
		     const char *name, const char *field, const char *target_kind,
		     const char *target_name);
/** The run failed with `message` (copied; the last call wins). The report is
 *  still written: it holds what was decided up to the error. */
void d2s_creport_error(struct d2s_conv_report *r, const char *message);

/** Names of the claims the StatefulSet controller creates for template
 *  `claim` of StatefulSet `sts`: "<claim>-<sts>-<ordinal>" for ordinals
 *  [start, start + n) (Kubernetes docs, StatefulSet "Stable Storage";
 *  pkg/controller/statefulset getPersistentVolumeClaimName). Returns a
 *  NULL-terminated malloc'ed array of malloc'ed strings (free with
 *  d2s_creport_names_free); n <= 0 gives an empty array. */
char **d2s_creport_pvc_names(const char *claim, const char *sts, long start, long n);
/** Free an array from d2s_creport_pvc_names (NULL is fine). */
void d2s_creport_names_free(char **names);

/** The one-line run summary ("deploy2sts: converted 3 Deployments (web,
 *  api, worker) into StatefulSets; 3 headless Services generated; 1 PVC
 *  absorbed and kept"), without a line break; names after the tenth are
 *  counted as "and N more". Returns a malloc'ed string, or NULL when the
 *  run neither converted nor skipped anything. */
char *d2s_creport_summary(const struct d2s_conv_report *r);
/** The no-op check: when Deployments were seen and none was converted (and
 *  the run did not fail), returns a malloc'ed message naming them and why
 *  each was skipped, for a warning (or an error under the proposed
 *  --require-conversion); NULL otherwise. */
char *d2s_creport_noop(const struct d2s_conv_report *r);

/** The no-op check reported: when d2s_creport_noop gives a message, report
 *  it to `diag` as a warning, or as an error when `require` (the flag
 *  --require-conversion). Returns 1 when it reported an error, else 0. */
int d2s_creport_noop_check(const struct d2s_conv_report *r, struct d2s_diag *diag, int require);

/** Report one D2S_INFO diagnostic per converted or skipped Deployment (at
 *  its position, object apps/v1 Deployment ns/name) and per rewritten
 *  reference, describing what the report records: the StatefulSet, its
 *  Service, replicas (or the HPA range), each claim template with its PVC
 *  names (the first ten) and which of them start empty; or why it was
 *  skipped. In KRM mode the kept diagnostics become `results`, so the
 *  results carry the same facts as the report. Call at the end; a second
 *  call does nothing (KRM mode describes before its results, main after). */
void d2s_creport_to_diag(struct d2s_conv_report *r, struct d2s_diag *diag);

/** Choose the format: `flag` ("yaml" or "json", from --report-format) wins;
 *  else by the extension of `path` (".json" -> JSON; ".yaml", ".yml", "-"
 *  and anything else -> YAML). Returns 0, or -1 when `flag` is not a
 *  known format. */
int d2s_creport_format(const char *path, const char *flag, enum d2s_creport_format *fmt);
/** Write the report to `f` in `fmt`, with the kept entries of `diag` (may be
 *  NULL) as diagnostics. Output is deterministic. Returns 0, or -1 when
 *  writing fails (errno set). */
int d2s_creport_write(const struct d2s_conv_report *r, const struct d2s_diag *diag,
		      enum d2s_creport_format fmt, FILE *f);
/** d2s_creport_write to file `path` ("-" = stderr), replacing it. Returns
 *  0, or -1 with errno set when it cannot be created or written. */
int d2s_creport_write_path(const struct d2s_conv_report *r, const struct d2s_diag *diag,
			   enum d2s_creport_format fmt, const char *path);

/* ---------- the collector's records ----------
 * Read by the report's own files only (report.c collects, report_text.c
 * and report_write.c read); every other file records through the
 * d2s_creport_* calls above. */

/** Decision recorded for one Deployment. */
enum d2s_cr_status { D2S_CR_PENDING, D2S_CR_CONVERTED, D2S_CR_SKIPPED, D2S_CR_FAILED };

/** The report's name of status `s` ("pending", "converted", ...). */
const char *d2s_cr_status_name(enum d2s_cr_status s);
/** The report's name of Service kind `s` ("none", "generated", "reused"). */
const char *d2s_cr_svc_name(enum d2s_creport_svc s);
/** The report's name of PVC fate `f` ("kept", "dropped", ...). */
const char *d2s_cr_fate_name(enum d2s_creport_fate f);

/** One claim template (strings in the report's arena). */
struct d2s_cr_claim { char *name, *from_pvc, *storage, *storage_class, *access_modes; };

/** One Deployment; replicas and hpa_min are -1 when unset. */
struct d2s_cr_dep {
	char *ns, *name, *file, *detail, *sts_ns, *sts_name, *service, *hpa;
	long line, col, replicas, start, hpa_min, hpa_max;
	enum d2s_cr_status status;
	enum d2s_skip why;
	enum d2s_creport_svc svc;
	struct d2s_cr_claim *claims;
	size_t n_claims;
};

/** One PersistentVolumeClaim and its fate. */
struct d2s_cr_pvc {
	char *ns, *name, *deployment, *claim, *reason, *cloned_into, *snapshot;
	enum d2s_creport_fate fate;
};

/** One rewritten reference. */
struct d2s_cr_ref { char *kind, *ns, *name, *field, *tkind, *tname; };

/** The collector: records in first-mention order. */
struct d2s_conv_report {
	struct d2s_arena a; /* every string */
	char *generator, *error;
	struct d2s_cr_dep *deps;
	struct d2s_map dep_index; /* "ns/name" -> index + 1 into deps */
	struct d2s_cr_pvc *pvcs;
	struct d2s_cr_ref *refs;
	size_t n_deps, n_pvcs, n_refs;
	int described;      /* d2s_creport_to_diag ran */
};

/** Equal strings, NULL counting as "". */
static inline int d2s_cr_same(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

/** How many claims per template the StatefulSet can have: the HPA's
 *  maxReplicas when one scales it, else spec.replicas (default 1). */
static inline long d2s_cr_pvc_count(const struct d2s_cr_dep *d)
{
	return d->hpa ? d->hpa_max : d->replicas < 0 ? 1 : d->replicas;
}

/** The PVC ns/name when its fate is cloned, else NULL. */
static inline const struct d2s_cr_pvc *d2s_cr_cloned(const struct d2s_conv_report *r,
						      const char *ns, const char *name)
{
	for (size_t i = 0; name && i < r->n_pvcs; i++)
		if (r->pvcs[i].fate == D2S_FATE_CLONED && d2s_cr_same(r->pvcs[i].ns, ns) &&
		    d2s_cr_same(r->pvcs[i].name, name))
			return &r->pvcs[i];
	return NULL;
}

/** Totals over the report's records. */
struct d2s_cr_counts { size_t conv, skip, fail, gen, reused, absorbed, fate[4]; };

/** Count the report's Deployments per status, Services per kind and PVCs
 *  per fate (absorbed = every fate but kept-shared). */
struct d2s_cr_counts d2s_creport_counts(const struct d2s_conv_report *r);

#endif

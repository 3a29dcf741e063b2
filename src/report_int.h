/* report_int.h - private to the report stage (report.c, report_text.c): the
 * collector's records. Nothing outside src/report*.c includes this. */
#ifndef D2S_REPORT_INT_H
#define D2S_REPORT_INT_H

#include <stddef.h>
#include <string.h>

#include "buf.h"
#include "hashmap.h"
#include "report.h"

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

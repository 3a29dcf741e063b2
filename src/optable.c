/* optable.c - the option table (see optable.h) and the checks of its
 * string values. The only place in src/ that names each option. */
#include "optable.h"
#include "select.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void d2s_run_free(struct d2s_run *r)
{
	for (size_t i = 0; i < r->n_files; i++)
		free(r->files[i]);
	free(r->files);
	free(r->output);
	free(r->log_file);
	free(r->config);
	free(r->report);
	free(r->report_format);
	memset(r, 0, sizeof(*r));
}

/* kubectl label selector (k8s.io/apimachinery pkg/labels/selector.go). */
static int check_selector(const char *v, char *want, size_t n)
{
	return d2s_selector_check(v, want, n);
}

/* serviceName template: the expanded name is checked per Deployment
 * (DNS-1035 label, pkg/apis/apps/validation ValidateStatefulSetSpec); here
 * only the characters, so nothing can change the YAML written. */
static int check_service_name(const char *v, char *want, size_t n)
{
	int ok = *v != '\0';
	for (const char *p = v; ok && *p; p++) {
		if (!strncmp(p, "{name}", 6))
			p += 5;
		else if (!strncmp(p, "{namespace}", 11))
			p += 10;
		else if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
			ok = 0;
	}
	if (!ok)
		snprintf(want, n, "want a DNS-1035 label template such as {name}-headless "
			 "(lower case letters, digits, '-', {name}, {namespace})");
	return ok ? 0 : -1;
}

/* rollingUpdate.maxUnavailable: an int >= 1 or a percentage 1%..100%
 * (pkg/apis/apps/validation ValidateStatefulSetUpdateStrategy). */
static int check_max_unavailable(const char *v, char *want, size_t n)
{
	size_t len = strlen(v);
	long k = 0;
	int ok = 0;
	if (len && v[len - 1] == '%') {
		char tmp[16];
		if (len <= sizeof(tmp)) {
			memcpy(tmp, v, len - 1);
			tmp[len - 1] = '\0';
			ok = d2s_opt_parse_count(tmp, &k) == 0 && k >= 1 && k <= 100;
		}
	} else {
		ok = d2s_opt_parse_count(v, &k) == 0 && k >= 1;
	}
	if (!ok)
		snprintf(want, n, "want a positive integer or a percentage 1%%..100%%");
	return ok ? 0 : -1;
}

/* A namespace name is a DNS-1123 label (pkg/apis/core/validation,
 * ValidateNamespaceName). */
static int check_namespace(const char *v, char *want, size_t n)
{
	if (d2s_is_dns1123_label(v, 63))
		return 0;
	snprintf(want, n, "want a namespace name (DNS-1123 label: lower case letters, digits, '-', "
		 "at most 63)");
	return -1;
}

/* --migrate-data: "clone", "none", or "snapshot=NAME" with NAME a
 * VolumeSnapshot name (a DNS-1123 subdomain, pkg/apis/core/validation
 * ValidateObjectMeta; the label check here is the stricter common case). */
static int check_migrate(const char *v, char *want, size_t n)
{
	if (!strcmp(v, "clone") || !strcmp(v, "none") ||
	    (!strncmp(v, "snapshot=", 9) && d2s_is_dns1123_label(v + 9, 253)))
		return 0;
	snprintf(want, n, "want clone, none, or snapshot=NAME (a VolumeSnapshot in the PVC's namespace)");
	return -1;
}

static const char *const pod_management[] = { "OrderedReady", "Parallel", NULL };
static const char *const update_types[] = { "RollingUpdate", "OnDelete", NULL };
static const char *const report_formats[] = { "yaml", "json", NULL };
static const char *const shells[] = { "bash", "zsh", NULL };

#define M D2S_MODEL
#define R D2S_RUN
#define LIST_COUNT(f) offsetof(struct d2s_options, f)

const struct d2s_option d2s_optable[] = {
	OPT_GROUP("Input and output:"),
	OPT_LIST("filename", 'f', R(files), offsetof(struct d2s_run, n_files), NULL, "FILE",
		 "read FILE (repeatable; '-' = stdin)", .flags = D2S_OF_FILE),
	OPT_STRING("output", 'o', R(output), NULL, "FILE", NULL,
		   "write FILE (via a temporary file, renamed on success)", .flags = D2S_OF_FILE),
	OPT_BOOL("in-place", 'i', R(in_place), NULL, "rewrite each -f FILE in place (same safety)"),
	OPT_GROUP("Selection:"),
	OPT_LIST("only", 0, M(sel.only), LIST_COUNT(sel.n_only), "spec.selector.only", "GLOB",
		 "convert only Deployments whose name matches (repeatable)", .flags = D2S_OF_TOP),
	OPT_LIST("exclude", 0, M(sel.exclude), LIST_COUNT(sel.n_exclude), "spec.selector.exclude", "GLOB",
		 "do not convert matching Deployments (repeatable)", .flags = D2S_OF_TOP),
	OPT_STRING("selector", 'l', M(sel.selector), "spec.selector.matchLabels", "SELECTOR", check_selector,
		   "kubectl label selector on the Deployment's labels", .flags = D2S_OF_TOP | D2S_OF_LABELS),
	OPT_BOOL("opt-in", 0, M(sel.opt_in), "spec.selector.optIn",
		 "convert only Deployments annotated deploy2sts.io/convert: \"true\"", .flags = D2S_OF_TOP),
	OPT_STRING("namespace", 'n', M(default_namespace), "spec.namespace", "NS", check_namespace,
		   "namespace of objects without one (as helm --namespace; default: "
		   "assume theirs matches, with a warning)", .flags = D2S_OF_TOP),
	OPT_BOOL("skip-unsupported", 0, M(skip_unsupported), "spec.skipUnsupported",
		 "warn (not fail) on non-apps/v1 Deployments"),
	OPT_GROUP("The StatefulSet:"),
	OPT_STRING("service-name", 0, M(service_name), "spec.serviceName", "TEMPLATE", check_service_name,
		   "serviceName; {name}, {namespace} expand (default {name}-headless)"),
	OPT_ENUM("pod-management-policy", 0, M(pod_management_policy), "spec.podManagementPolicy",
		 pod_management, "podManagementPolicy"),
	OPT_ENUM("update-strategy", 0, M(update_strategy), "spec.updateStrategy.type", update_types,
		 "updateStrategy.type"),
	OPT_ENUM("recreate-as", 0, M(recreate_as), "spec.recreateAs", update_types,
		 "for strategy Recreate (default RollingUpdate)"),
	OPT_COUNT("partition", 0, M(partition), "spec.updateStrategy.rollingUpdate.partition",
		  "rollingUpdate.partition"),
	OPT_STRING("max-unavailable", 0, M(max_unavailable), "spec.updateStrategy.rollingUpdate.maxUnavailable",
		   "N|P%", check_max_unavailable, "rollingUpdate.maxUnavailable (feature-gated in Kubernetes)"),
	OPT_CALLBACK("pvc-retention-policy", 0, "spec.persistentVolumeClaimRetentionPolicy",
		     "whenDeleted=Retain|Delete,whenScaled=Retain|Delete", d2s_retention_set, d2s_retention_load,
		     "persistentVolumeClaimRetentionPolicy"),
	OPT_COUNT("ordinals-start", 0, M(ordinals_start), "spec.ordinals.start", "ordinals.start"),
	OPT_COUNT("min-ready-seconds", 0, M(min_ready_seconds), "spec.minReadySeconds", "minReadySeconds"),
	OPT_COUNT("revision-history-limit", 0, M(revision_history_limit), "spec.revisionHistoryLimit",
		  "revisionHistoryLimit"),
	OPT_GROUP("The headless Service:"),
	OPT_BOOL("publish-not-ready-addresses", 0, M(publish_not_ready_addresses), "spec.publishNotReadyAddresses",
		 "Service spec.publishNotReadyAddresses"),
	OPT_BOOL("no-headless-service", 0, M(no_headless_service), "spec.headlessService",
		 "do not generate one (bring your own)", .flags = D2S_OF_INVERT),
	OPT_GROUP("Storage:"),
	OPT_CALLBACK("volume-claim-template", 0, "spec.volumeClaimTemplates",
		     "name=N,mountPath=P,size=S[,storageClassName=C][,accessModes=M;M][,volumeMode=V]"
		     "[,containers=A;B|*]", d2s_vct_set, d2s_vct_load,
		     "a claim template per replica (repeatable)", .path_aux = "spec.volumeMounts",
		     .reset = d2s_vct_reset, .flags = D2S_OF_REPEAT),
	OPT_LIST("shared-volume", 0, M(shared_volumes), LIST_COUNT(n_shared_volumes), "spec.sharedVolumes", "NAME",
		 "keep pod volume NAME (a PVC) shared by all replicas (repeatable)"),
	OPT_LIST("split-volume", 0, M(split_volumes), LIST_COUNT(n_split_volumes), "spec.splitVolumes", "NAME",
		 "split pod volume NAME into empty per-pod claims even when its PVC is shared "
		 "(repeatable)"),
	OPT_BOOL("drop-absorbed-pvcs", 0, M(drop_absorbed_pvcs), "spec.dropAbsorbedPVCs",
		 "remove PVC documents turned into claim templates"),
	OPT_STRING("migrate-data", 0, M(migrate_data), "spec.migrateData", "clone|snapshot=NAME|none", check_migrate,
		   "carry each absorbed PVC's data into the first replica's claim: a new PVC of that "
		   "name with dataSource the old PVC (CSI volume cloning) or VolumeSnapshot NAME; "
		   "none: every per-pod claim starts empty (the old PVC is kept)",
		   .flags = D2S_OF_TOP),
	OPT_GROUP("Diagnostics:"),
	OPT_BOOL("quiet", 'q', R(quiet), NULL, "no warnings on stderr"),
	OPT_BOOL("strict", 0, R(strict), NULL, "warnings are errors"),
	OPT_STRING("log-file", 0, R(log_file), NULL, "FILE", NULL, "also append diagnostics to FILE",
		   .flags = D2S_OF_FILE, .env_legacy = "DEPLOY2STS_LOG"),
	OPT_STRING("report", 0, R(report), NULL, "FILE", NULL,
		   "write a ConversionReport of what was converted, skipped and why ('-' = stderr; "
		   "written even when the run fails)", .flags = D2S_OF_FILE),
	OPT_ENUM("report-format", 0, R(report_format), NULL, report_formats,
		 "format of --report (default: by extension, .json = JSON, else YAML)"),
	OPT_BOOL("require-conversion", 0, M(require_conversion), "spec.requireConversion",
		 "fail (exit 1) when the input has Deployments and none is converted",
		 .flags = D2S_OF_TOP),
	OPT_STRING("config", 0, R(config), NULL, "FILE", NULL,
		   "read a StatefulSetConversion (flags and environment win over it)", .flags = D2S_OF_FILE),
	OPT_ACTION("help", 'h', D2S_ACT_HELP, "this help"),
	OPT_ACTION("version", 0, D2S_ACT_VERSION, "print the version, commit and libfyaml version"),
	OPT_ACTION("completion", 0, D2S_ACT_COMPLETION, "print a shell completion script",
		   .arg = "SHELL", .values = shells, .flags = D2S_OF_HIDDEN),
	{ .kind = D2S_OPT_GROUP, .help = NULL },
};

int d2s_opt_parse_count(const char *v, long *out)
{
	if (!v || !*v)
		return -1;
	for (const char *p = v; *p; p++)
		if (!isdigit((unsigned char)*p))
			return -1;
	errno = 0;
	long n = strtol(v, NULL, 10);
	if (errno || n > 2147483647L)
		return -1;
	*out = n;
	return 0;
}

const struct d2s_option *d2s_opt_find(const char *name)
{
	for (const struct d2s_option *o = d2s_optable; o->help || o->name; o++)
		if (o->name && !strcmp(o->name, name))
			return o;
	return NULL;
}

const struct d2s_option *d2s_opt_find_short(int c)
{
	for (const struct d2s_option *o = d2s_optable; o->help || o->name; o++)
		if (o->name && o->short_name == c)
			return o;
	return NULL;
}

const struct d2s_option *d2s_opt_find_run(size_t offset)
{
	for (const struct d2s_option *o = d2s_optable; o->help || o->name; o++)
		if (o->name && o->scope == D2S_SCOPE_RUN && o->offset == offset)
			return o;
	return NULL;
}

int d2s_opt_takes_value(const struct d2s_option *opt)
{
	if (opt->kind == D2S_OPT_ACTION)
		return opt->arg != NULL;
	return opt->kind != D2S_OPT_BOOL;
}

char *d2s_opt_env_name(const struct d2s_option *opt, char *buf, size_t len)
{
	int n = snprintf(buf, len, "DEPLOY2STS_%s", opt->name);
	for (int i = 11; i < n && (size_t)i < len; i++)
		buf[i] = buf[i] == '-' ? '_' : (char)toupper((unsigned char)buf[i]);
	return buf;
}

/* main.c - command line: getopt_long -> options -> pipeline. Thin on purpose:
 * everything it calls is in the library stages. */
#include "buf.h"
#include "config.h"
#include "diag.h"
#include "krm.h"
#include "options.h"
#include "pipeline.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef D2S_VERSION
#define D2S_VERSION "0.1.0"
#endif

static const char usage[] =
"Usage: deploy2sts [OPTION]... [-f FILE]...\n"
"Convert Kubernetes Deployments into StatefulSets in a YAML manifest stream.\n"
"Reads stdin (or each -f FILE, '-' = stdin), writes stdout; every other\n"
"document passes through byte for byte.\n"
"\n"
"Input and output:\n"
"  -f, --filename FILE          read FILE (repeatable; '-' = stdin)\n"
"  -o, --output FILE            write FILE (via a temporary file, renamed on success)\n"
"  -i, --in-place               rewrite each -f FILE in place (same safety)\n"
"Selection:\n"
"      --only GLOB              convert only Deployments whose name matches (repeatable)\n"
"      --exclude GLOB           do not convert matching Deployments (repeatable)\n"
"  -l, --selector SELECTOR      kubectl label selector on the Deployment's labels\n"
"      --opt-in                 convert only Deployments annotated deploy2sts.io/convert: \"true\"\n"
"      --skip-unsupported       warn (not fail) on non-apps/v1 Deployments\n"
"The StatefulSet:\n"
"      --service-name TEMPLATE  serviceName; {name}, {namespace} expand (default {name}-headless)\n"
"      --pod-management-policy OrderedReady|Parallel\n"
"      --update-strategy RollingUpdate|OnDelete\n"
"      --recreate-as RollingUpdate|OnDelete   for strategy Recreate (default RollingUpdate)\n"
"      --partition N            rollingUpdate.partition\n"
"      --max-unavailable N|P%   rollingUpdate.maxUnavailable (feature-gated in Kubernetes)\n"
"      --pvc-retention-policy whenDeleted=Retain|Delete,whenScaled=Retain|Delete\n"
"      --ordinals-start N       ordinals.start\n"
"      --min-ready-seconds N    minReadySeconds\n"
"      --revision-history-limit N\n"
"The headless Service:\n"
"      --publish-not-ready-addresses\n"
"      --no-headless-service    do not generate one (bring your own)\n"
"Storage:\n"
"      --volume-claim-template name=N,mountPath=P,size=S[,storageClassName=C]\n"
"                               [,accessModes=M;M][,volumeMode=V][,containers=A;B|*]\n"
"      --shared-volume NAME     keep pod volume NAME (a PVC) shared by all replicas\n"
"      --drop-absorbed-pvcs     remove PVC documents turned into claim templates\n"
"Diagnostics:\n"
"  -q, --quiet                  no warnings on stderr\n"
"      --strict                 warnings are errors\n"
"      --log-file FILE          also append diagnostics to FILE (env DEPLOY2STS_LOG)\n"
"      --config FILE            read a StatefulSetConversion (flags win over it)\n"
"  -h, --help                   this help\n"
"      --version                print the version\n"
"\n"
"Exit status: 0 success (warnings allowed), 1 input or conversion error, 2 usage error.\n"
"Every --flag VALUE also works as --flag=VALUE (Helm's --post-renderer-args).\n";

static const struct option longopts[] = {
	{ "filename", required_argument, NULL, 'f' },
	{ "output", required_argument, NULL, 'o' },
	{ "in-place", no_argument, NULL, 'i' },
	{ "selector", required_argument, NULL, 'l' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ "only", required_argument, NULL, 1 },
	{ "exclude", required_argument, NULL, 1 },
	{ "opt-in", no_argument, NULL, 1 },
	{ "skip-unsupported", no_argument, NULL, 1 },
	{ "service-name", required_argument, NULL, 1 },
	{ "pod-management-policy", required_argument, NULL, 1 },
	{ "update-strategy", required_argument, NULL, 1 },
	{ "recreate-as", required_argument, NULL, 1 },
	{ "partition", required_argument, NULL, 1 },
	{ "max-unavailable", required_argument, NULL, 1 },
	{ "pvc-retention-policy", required_argument, NULL, 1 },
	{ "ordinals-start", required_argument, NULL, 1 },
	{ "min-ready-seconds", required_argument, NULL, 1 },
	{ "revision-history-limit", required_argument, NULL, 1 },
	{ "publish-not-ready-addresses", no_argument, NULL, 1 },
	{ "no-headless-service", no_argument, NULL, 1 },
	{ "volume-claim-template", required_argument, NULL, 1 },
	{ "shared-volume", required_argument, NULL, 1 },
	{ "drop-absorbed-pvcs", no_argument, NULL, 1 },
	{ "strict", no_argument, NULL, 1 },
	{ "log-file", required_argument, NULL, 1 },
	{ "config", required_argument, NULL, 1 },
	{ NULL, 0, NULL, 0 },
};

static int usage_error(const char *msg)
{
	fprintf(stderr, "deploy2sts: error: %s\nTry 'deploy2sts --help'.\n", msg);
	return 2;
}

/* Collect flags as (key, value) pairs, each checked on a scratch options
 * struct so that a bad value fails at once. Positional arguments are allowed
 * only for the kustomize legacy plugin (argv[1] = its config file). */
static int parse_args(int argc, char **argv, struct d2s_pairs *cli, int legacy)
{
	int c, idx;
	char err[512];
	struct d2s_options scratch;
	d2s_options_init(&scratch);
	opterr = 0;
	optind = 1;
	int rc = 0;
	while (!rc && (c = getopt_long(argc, argv, ":f:o:il:qh", longopts, &idx)) != -1) {
		const char *key = NULL;
		switch (c) {
		case 'f': key = "filename"; break;
		case 'o': key = "output"; break;
		case 'i': key = "in-place"; break;
		case 'l': key = "selector"; break;
		case 'q': key = "quiet"; break;
		case 'h': fputs(usage, stdout); rc = 3; continue;
		case 'V': printf("deploy2sts %s\n", D2S_VERSION); rc = 3; continue;
		case 1: key = longopts[idx].name; break;
		case ':':
			snprintf(err, sizeof(err), "option %s needs a value", argv[optind - 1]);
			rc = usage_error(err);
			continue;
		default:
			snprintf(err, sizeof(err), "unknown option %s", argv[optind - 1]);
			rc = usage_error(err);
			continue;
		}
		if (d2s_options_set(&scratch, key, optarg, err, sizeof(err)))
			rc = usage_error(err);
		else
			d2s_pairs_add(cli, key, optarg);
	}
	if (!rc && optind < argc && !legacy) {
		snprintf(err, sizeof(err), "unexpected argument \"%s\" (input files take -f)", argv[optind]);
		rc = usage_error(err);
	}
	if (!rc && scratch.in_place && (scratch.output || scratch.n_files == 0))
		rc = usage_error("--in-place needs -f FILE and no --output");
	d2s_options_free(&scratch);
	return rc;
}

/* Options from the kustomize legacy plugin config, --config, then flags. */
static int build_options(struct d2s_options *o, const struct d2s_pairs *cli, const char *legacy)
{
	char err[1024];
	if (legacy && d2s_config_load_text(o, legacy, strlen(legacy), "KUSTOMIZE_PLUGIN_CONFIG_STRING",
					   err, sizeof(err)))
		return usage_error(err);
	const char *config = d2s_pairs_get(cli, "config");
	if (config && d2s_config_load_file(o, config, err, sizeof(err)))
		return usage_error(err);
	if (d2s_pairs_apply(cli, o, err, sizeof(err)))
		return usage_error(err);
	return 0;
}

/* Write to a temporary file beside `path`; rename over it only on success. */
struct sink {
	FILE *f;
	char *tmp;
	const char *path;
};

static int sink_open(struct sink *s, const char *path)
{
	memset(s, 0, sizeof(*s));
	if (!path) {
		s->f = stdout;
		return 0;
	}
	s->path = path;
	size_t n = strlen(path) + 32;
	s->tmp = malloc(n);
	if (!s->tmp)
		return -1;
	snprintf(s->tmp, n, "%s.deploy2sts-XXXXXX", path);
	int fd = mkstemp(s->tmp);
	if (fd < 0) {
		free(s->tmp);
		s->tmp = NULL;
		return -1;
	}
	s->f = fdopen(fd, "w");
	if (!s->f) {
		close(fd);
		unlink(s->tmp);
		free(s->tmp);
		s->tmp = NULL;
		return -1;
	}
	return 0;
}

static int sink_close(struct sink *s, int ok)
{
	if (!s->path)
		return fflush(stdout) ? -1 : 0;
	int rc = fclose(s->f) == 0 && ok ? rename(s->tmp, s->path) : -1;
	if (rc)
		unlink(s->tmp);
	free(s->tmp);
	return rc;
}

/* Read up to `max` bytes of fd (less only at end of input). */
static size_t peek(int fd, char *buf, size_t max)
{
	size_t n = 0;
	while (n < max) {
		ssize_t k = read(fd, buf + n, max - n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		n += (size_t)k;
	}
	return n;
}

/* stdin starting with a ResourceList: KRM function mode. Returns -2 when
 * it is not one (the bytes read are in `head`). */
static int maybe_krm(struct d2s_options *o, const struct d2s_pairs *cli, struct d2s_diag *diag,
		     FILE *out, struct d2s_buf *head)
{
	char chunk[65536];
	size_t n = peek(0, chunk, sizeof(chunk));
	d2s_buf_add(head, chunk, n);
	if (!d2s_krm_detect(head->data, head->len))
		return -2;
	while ((n = peek(0, chunk, sizeof(chunk))) > 0)
		d2s_buf_add(head, chunk, n);
	diag->keep = 1; /* diagnostics become results */
	int rc = d2s_krm_run(head->data, head->len, "<stdin>", o, cli, diag, out);
	return rc < 0 ? -2 : rc;
}

static int run(struct d2s_options *o, const struct d2s_pairs *cli, struct d2s_diag *diag,
	       const char *in, const char *out)
{
	struct sink s;
	if (sink_open(&s, out)) {
		free(s.tmp);
		fprintf(stderr, "deploy2sts: error: %s: cannot create output: %s\n", out, strerror(errno));
		return 1;
	}
	struct d2s_buf head = {0};
	int only_stdin = !in && (o->n_files == 0 || (o->n_files == 1 && !strcmp(o->files[0], "-")));
	if (only_stdin) {
		int k = maybe_krm(o, cli, diag, s.f, &head);
		if (k != -2) {
			d2s_buf_free(&head);
			if (sink_close(&s, k == 0) && k == 0)
				k = 1;
			return k ? 1 : 0;
		}
	}
	struct d2s_pipeline *p = d2s_pipeline_new(o, diag, s.f);
	int rc = p ? 0 : -1;
	for (size_t i = 0; p && !rc && i < (in ? 1 : o->n_files ? o->n_files : 1); i++) {
		const char *name = in ? in : o->n_files ? o->files[i] : "-";
		int fd = strcmp(name, "-") ? open(name, O_RDONLY) : 0;
		if (fd < 0) {
			fprintf(stderr, "deploy2sts: error: %s: %s\n", name, strerror(errno));
			rc = -1;
			break;
		}
		const char *shown = strcmp(name, "-") ? name : "<stdin>";
		if (fd == 0 && head.len) {
			rc = d2s_pipeline_feed_fd_prefixed(p, fd, shown, head.data, head.len);
			d2s_buf_free(&head);
		} else {
			rc = d2s_pipeline_feed_fd(p, fd, shown);
		}
		if (fd)
			close(fd);
	}
	d2s_buf_free(&head);
	if (p && !rc)
		rc = d2s_pipeline_finish(p);
	d2s_pipeline_free(p);
	if (sink_close(&s, rc == 0 && diag->errors == 0) && !rc) {
		fprintf(stderr, "deploy2sts: error: %s: cannot write output\n", out ? out : "stdout");
		rc = -1;
	}
	return rc || diag->errors ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct d2s_options o;
	struct d2s_pairs cli = {0};
	const char *legacy = getenv("KUSTOMIZE_PLUGIN_CONFIG_STRING");
	if (legacy && !*legacy)
		legacy = NULL;
	d2s_options_init(&o);
	int rc = parse_args(argc, argv, &cli, legacy != NULL);
	if (!rc)
		rc = build_options(&o, &cli, legacy);
	if (rc) {
		d2s_pairs_free(&cli);
		d2s_options_free(&o);
		return rc == 3 ? 0 : rc;
	}
	struct d2s_diag diag = { .quiet = o.quiet, .strict = o.strict, .err = stderr };
	static char outbuf[1 << 18];
	setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	const char *log = o.log_file ? o.log_file : getenv("DEPLOY2STS_LOG");
	if (log && *log && d2s_diag_open_log(&diag, log)) {
		fprintf(stderr, "deploy2sts: error: --log-file %s: %s\n", log, strerror(errno));
		d2s_options_free(&o);
		return 2;
	}
	if (o.in_place) {
		for (size_t i = 0; i < o.n_files && !rc; i++)
			rc = run(&o, &cli, &diag, o.files[i], o.files[i]);
	} else {
		rc = run(&o, &cli, &diag, NULL, o.output);
	}
	d2s_pairs_free(&cli);
	d2s_diag_free(&diag);
	d2s_options_free(&o);
	return rc;
}

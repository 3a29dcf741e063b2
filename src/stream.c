/* stream.c - read stage: wanted kinds and streaming big pieces (see
 * stream.h). */
#include "stream.h"
#include "tree.h"

#include <libfyaml.h>
#include <string.h>

struct stream_ctx {
	struct d2s_writer *w;
	struct d2s_reader *r;
	int err;
};

/* libfyaml's input callback: the next bytes of the piece, copied out to the
 * writer as they pass. */
static ssize_t stream_cb(void *user, void *buf, size_t count)
{
	struct stream_ctx *s = user;
	ssize_t n = d2s_reader_stream(s->r, buf, count);
	if (n < 0) {
		s->err = 1;
		return 0; /* never -1: libfyaml 0.7.12 spins on it */
	}
	d2s_writer_raw(s->w, buf, (size_t)n);
	return n;
}

int d2s_stream_piece(struct d2s_reader *r, struct d2s_writer *w, struct d2s_diag *dg,
		     const char *file, long line)
{
	struct stream_ctx s = { w, r, 0 };
	struct fy_diag *diag;
	struct fy_parser *fyp = d2s_fy_parser_new(&diag);
	if (!fyp)
		return -1;
	fy_parser_set_input_callback(fyp, &s, stream_cb);
	struct fy_event *e;
	while ((e = fy_parser_parse(fyp)) != NULL)
		fy_parser_event_free(fyp, e);
	int bad = fy_parser_get_stream_error(fyp);
	long eline = 1, ecol = 1;
	char emsg[256];
	if (bad)
		d2s_fy_first_error(diag, &eline, &ecol, emsg, sizeof(emsg));
	d2s_fy_parser_free(fyp, diag);
	if (s.err) {
		long l, c;
		const char *m = d2s_reader_error(r, &l, &c);
		struct d2s_where at = { .file = file, .line = l, .col = c };
		d2s_report(dg, D2S_ERROR, &at, "%s", m);
		return -1;
	}
	if (bad) {
		struct d2s_where at = { .file = file, .line = line + eline - 1, .col = ecol };
		d2s_report(dg, D2S_ERROR, &at, "invalid YAML: %s", emsg);
		return -1;
	}
	return 0;
}

/* Kinds some rule reads or changes; other documents are only checked. The
 * workload kinds after "ResourceList" are read for the PVCs their pod specs
 * mount (xref.h d2s_xref_workload). */
static const char *const wanted_kinds[] = { "Deployment", "List", "PersistentVolumeClaim",
	"Service", "HorizontalPodAutoscaler", "VerticalPodAutoscaler", "ScaledObject",
	"Rollout", "Canary", "ResourceList", "Pod", "ReplicaSet", "StatefulSet", "DaemonSet",
	"Job", "CronJob", "ReplicationController", NULL };

int d2s_kind_wanted(const char *kind)
{
	for (int i = 0; wanted_kinds[i]; i++)
		if (!strcmp(kind, wanted_kinds[i]))
			return 1;
	return 0;
}

int d2s_head_needs_whole(const char *t, size_t n)
{
	const char *const *kinds = wanted_kinds;
	for (size_t i = 0; i + 5 < n;) {
		if (!strncmp(t + i, "kind:", 5) && (i == 0 || t[i - 1] == '\n')) {
			size_t j = i + 5;
			while (j < n && (t[j] == ' ' || t[j] == '"' || t[j] == '\''))
				j++;
			for (int k = 0; kinds[k]; k++) {
				size_t kl = strlen(kinds[k]);
				if (j + kl <= n && !strncmp(t + j, kinds[k], kl))
					return 1;
			}
			return 0;
		}
		const char *nl = memchr(t + i, '\n', n - i);
		if (!nl)
			break;
		i = (size_t)(nl - t) + 1;
	}
	return 1; /* kind not found in the head: be safe */
}

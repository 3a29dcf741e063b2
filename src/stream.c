/* stream.c - read stage: wanted kinds and streaming big pieces (see
 * stream.h). */
#include "stream.h"
#include "tree.h"

#include <libfyaml.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------- claims of a streamed workload, from parser events ---------- */

#define PATH_MAX_DEPTH 64

/* The path of the event being read: per open collection, whether it is a
 * mapping, whether its next scalar is a key, and its current key. */
struct path {
	int depth;
	struct {
		int map, want_key;
		char key[64];
	} f[PATH_MAX_DEPTH];
};

static int key_is(const struct path *p, int up, const char *k)
{
	int i = p->depth - 1 - up;
	return i >= 0 && p->f[i].map && !strcmp(p->f[i].key, k);
}

static char *sdup(const char *s, size_t n)
{
	char *d = d2s_check_alloc(malloc(n + 1));
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

/* A scalar value at the current path: keep what d2s_stream_claims wants. */
static void on_value(const struct path *p, const char *t, size_t n, struct d2s_stream_claims *sc)
{
	if (p->depth == 1 && key_is(p, 0, "kind") && !sc->kind) {
		sc->kind = sdup(t, n);
	} else if (p->depth == 2 && key_is(p, 1, "metadata") && (key_is(p, 0, "name") ||
		   key_is(p, 0, "namespace"))) {
		char **f = key_is(p, 0, "name") ? &sc->name : &sc->ns;
		if (!*f)
			*f = sdup(t, n);
	} else if (p->depth >= 4 && key_is(p, 0, "claimName") && key_is(p, 1, "persistentVolumeClaim") &&
		   !p->f[p->depth - 3].map && key_is(p, 3, "volumes")) {
		sc->claims = d2s_check_alloc(realloc(sc->claims, (sc->n_claims + 1) * sizeof(char *)));
		sc->claims[sc->n_claims++] = sdup(t, n);
	}
}

static void on_event(struct path *p, const struct fy_event *e, struct d2s_stream_claims *sc)
{
	int top = p->depth - 1;
	if (e->type == FYET_MAPPING_START || e->type == FYET_SEQUENCE_START) {
		if (top >= 0 && p->f[top].map)
			p->f[top].want_key = 1;
		if (p->depth < PATH_MAX_DEPTH) {
			p->f[p->depth].map = e->type == FYET_MAPPING_START;
			p->f[p->depth].want_key = 1;
			p->f[p->depth].key[0] = '\0';
		}
		p->depth++;
	} else if (e->type == FYET_MAPPING_END || e->type == FYET_SEQUENCE_END) {
		p->depth--;
	} else if ((e->type == FYET_SCALAR || e->type == FYET_ALIAS) && top >= 0 &&
		   top < PATH_MAX_DEPTH) {
		size_t n = 0;
		const char *t = e->type == FYET_SCALAR && e->scalar.value ?
				fy_token_get_text(e->scalar.value, &n) : NULL;
		if (p->f[top].map && p->f[top].want_key) {
			snprintf(p->f[top].key, sizeof(p->f[top].key), "%.*s", t ? (int)n : 0, t ? t : "");
			p->f[top].want_key = 0;
			if (top == 2 && key_is(p, 1, "annotations") && p->f[1].map &&
			    !strcmp(p->f[0].key, "metadata") && !strcmp(p->f[top].key, "helm.sh/hook"))
				sc->hook = 1;
			return;
		}
		if (t)
			on_value(p, t, n, sc);
		if (p->f[top].map)
			p->f[top].want_key = 1;
	}
}

void d2s_stream_claims_free(struct d2s_stream_claims *c)
{
	free(c->kind);
	free(c->name);
	free(c->ns);
	for (size_t i = 0; i < c->n_claims; i++)
		free(c->claims[i]);
	free(c->claims);
	memset(c, 0, sizeof(*c));
}

/* ---------- streaming ---------- */

struct stream_ctx {
	struct d2s_reader *r;
	int err;
};

/* libfyaml's input callback: the next bytes of the piece. */
static ssize_t stream_cb(void *user, void *buf, size_t count)
{
	struct stream_ctx *s = user;
	ssize_t n = d2s_reader_stream(s->r, buf, count);
	if (n < 0) {
		s->err = 1;
		return 0; /* never -1: libfyaml 0.7.12 spins on it */
	}
	return n;
}

int d2s_stream_piece(struct d2s_reader *r, struct d2s_diag *dg, const char *file, long line,
		     struct d2s_stream_claims *sc)
{
	struct stream_ctx s = { r, 0 };
	struct fy_diag *diag;
	struct fy_parser *fyp = d2s_fy_parser_new(&diag);
	if (!fyp)
		return -1;
	fy_parser_set_input_callback(fyp, &s, stream_cb);
	struct fy_event *e;
	struct path path = { 0 };
	while ((e = fy_parser_parse(fyp)) != NULL) {
		if (sc)
			on_event(&path, e, sc);
		fy_parser_event_free(fyp, e);
	}
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
		d2s_diagf(dg, D2S_ERROR, &at, "%s", m);
		return -1;
	}
	if (bad) {
		struct d2s_where at = { .file = file, .line = line + eline - 1, .col = ecol };
		d2s_diagf(dg, D2S_ERROR, &at, "invalid YAML: %s", emsg);
		return -1;
	}
	return 0;
}

/* Kinds some rule reads or changes; other documents are only checked. The
 * workload kinds from "Pod" on are read only for the PVCs their pod specs
 * mount (index.h d2s_index_workload): a big one is streamed (FIRST_CLAIMS_ONLY). */
static const char *const wanted_kinds[] = { "Deployment", "List", "PersistentVolumeClaim",
	"Service", "HorizontalPodAutoscaler", "VerticalPodAutoscaler", "ScaledObject",
	"Rollout", "Canary", "ResourceList", "Pod", "ReplicaSet", "StatefulSet", "DaemonSet",
	"Job", "CronJob", "ReplicationController", NULL };
enum { FIRST_CLAIMS_ONLY = 10 };

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
				if (j + kl <= n && !strncmp(t + j, kinds[k], kl) &&
				    (j + kl == n || strchr(" \t\r\n\"'#", t[j + kl])))
					return k >= FIRST_CLAIMS_ONLY ? 2 : 1;
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

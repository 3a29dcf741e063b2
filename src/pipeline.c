/* pipeline.c - the coordinator: two passes over the inputs, and nothing
 * else. It knows no rule (rules.h has the table).
 *
 * Pass 1, facts: each input is cut into pieces (reader.c), parsed ahead on
 * worker threads (parsepool.c) and taken back in input order; every piece
 * goes through d2s_rules_facts into the index. A piece too big to hold
 * that no rule reads is only checked while it streams past (stream.c).
 * Each input is kept for the second read (input.c). Then d2s_rules_seal
 * decides what the facts imply.
 * Pass 2, rewrite: each input is cut again into the same pieces; a piece a
 * rule rewrites is rewritten (parsed again, or from what its rule kept in
 * pass 1), every other piece is copied as it was read. The output goes out
 * in input order (output.c holds it until the run succeeded). */
#include "pipeline.h"
#include "chart_template.h"
#include "index.h"
#include "input.h"
#include "parsepool.h"
#include "reader.h"
#include "rules.h"
#include "stream.h"
#include "tree.h"

#include <stdlib.h>
#include <string.h>

struct d2s_pipeline {
	const struct d2s_options *o;
	struct d2s_diag *diag;
	FILE *out;
	struct d2s_index *ix;
	struct d2s_input *inputs;   /* read in pass 1, read again in pass 2 */
	size_t n_inputs;
	struct d2s_pool *pool;      /* fd inputs parse ahead on workers (NULL until used) */
	struct d2s_parser *parser;  /* pass 2: re-emits and List items */
	int errors0;                /* d2s_diag_hard_errors when created */
	int stopped;                /* pass 1 met an input error: no pass 2 */
	struct d2s_chart_templates templates; /* under Helm: what positions name */
};

static int failed(const struct d2s_pipeline *p)
{
	return d2s_diag_hard_errors(p->diag) > p->errors0;
}

struct d2s_pipeline *d2s_pipeline_new(const struct d2s_options *o, struct d2s_diag *diag, FILE *out)
{
	struct d2s_pipeline *p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->o = o;
	p->diag = diag;
	p->out = out;
	p->errors0 = d2s_diag_hard_errors(diag);
	p->parser = d2s_parser_new();
	p->ix = d2s_index_new(o, diag, p->parser);
	if (!p->parser) {
		d2s_pipeline_free(p);
		return NULL;
	}
	return p;
}

/* ---------- pass 1: facts ---------- */

/* Record the oldest parsed piece. Returns 0, or -1 on invalid YAML. */
static int take_facts(struct d2s_pipeline *p, const char *file)
{
	struct d2s_job *j = d2s_pool_oldest(p->pool);
	int rc = 0;
	if (p->diag->by_template)
		d2s_chart_template_note(&p->templates, p->diag, file, j->line, j->text, j->len,
					j->rc ? NULL : j->doc.root);
	if (j->rc) {
		struct d2s_where w = { .file = file, .line = j->line + j->doc.err_line - 1,
				       .col = j->doc.err_col };
		d2s_diagf(p->diag, D2S_ERROR, &w, "invalid YAML: %s", j->doc.err_msg);
		rc = -1;
	} else {
		struct d2s_src src = { j->text, j->len, file, j->line, 0 };
		d2s_rules_facts(p->ix, &src, &j->doc);
	}
	d2s_pool_release(p->pool);
	return rc;
}

/* A piece over the size limit in pass 1: read whole when a rule may read
 * it, else checked while it streams past (a workload's claims collected on
 * the way). Returns 1 when streamed, 0 when `pc` is now complete, -1. */
static int big_facts(struct d2s_pipeline *p, struct d2s_reader *r, struct d2s_piece *pc,
		     const char *file)
{
	int need = d2s_head_needs_whole(pc->text, pc->len);
	if (need == 1)
		return d2s_reader_complete(r, pc) ? -1 : 0;
	struct d2s_stream_claims sc = {0};
	int rc = d2s_stream_piece(r, p->diag, file, pc->line, need ? &sc : NULL);
	d2s_rules_streamed(p->ix, rc ? NULL : &sc);
	d2s_stream_claims_free(&sc);
	d2s_chart_template_forget(&p->templates);
	return rc ? -1 : 1;
}

/* Every piece of `r` through the facts, in input order. */
static int facts(struct d2s_pipeline *p, struct d2s_reader *r, const char *file)
{
	struct d2s_piece pc;
	int k = 1, rc = 0;
	d2s_chart_template_forget(&p->templates);
	while (!rc && k == 1) {
		while (!rc && !d2s_pool_full(p->pool) && (k = d2s_reader_next(r, &pc, 1)) == 1) {
			if (!pc.complete) {
				while (!rc && d2s_pool_oldest(p->pool)) /* in order: the earlier ones first */
					rc = take_facts(p, file);
				int b = rc ? -1 : big_facts(p, r, &pc, file);
				if (b < 0)
					rc = -1;
				if (b)
					continue;
			}
			d2s_pool_submit(p->pool, pc.text, pc.len, pc.line);
		}
		if (!rc && d2s_pool_oldest(p->pool))
			rc = take_facts(p, file);
	}
	while (d2s_pool_oldest(p->pool)) /* on error nothing more is recorded */
		rc ? d2s_pool_release(p->pool) : (void)(rc = take_facts(p, file));
	if (!rc && k < 0) {
		long l, c;
		const char *m = d2s_reader_error(r, &l, &c);
		struct d2s_where w = { .file = file, .line = l, .col = c };
		d2s_diagf(p->diag, D2S_ERROR, &w, "%s", m);
		rc = -1;
	}
	p->stopped |= rc != 0;
	return rc; /* other errors do not stop the run: pass 2 reports its own too */
}

/* Room for one more input. */
static struct d2s_input *add_input(struct d2s_pipeline *p)
{
	p->inputs = d2s_check_alloc(realloc(p->inputs, (p->n_inputs + 1) * sizeof(*p->inputs)));
	return &p->inputs[p->n_inputs++];
}

static struct d2s_pool *fd_pool(struct d2s_pipeline *p)
{
	if (!p->pool)
		p->pool = d2s_pool_new(d2s_pool_default_workers(), 16, d2s_kind_wanted);
	if (!p->pool)
		p->pool = d2s_pool_new(0, 2, d2s_kind_wanted);
	return p->pool;
}

int d2s_pipeline_feed_fd(struct d2s_pipeline *p, int fd, const char *name)
{
	return d2s_pipeline_feed_fd_prefixed(p, fd, name, NULL, 0);
}

int d2s_pipeline_feed_fd_prefixed(struct d2s_pipeline *p, int fd, const char *name,
				  const char *prefix, size_t n)
{
	struct d2s_reader *r = d2s_input_fd(add_input(p), fd, name, prefix, n);
	int rc = r && fd_pool(p) ? facts(p, r, name) : -1;
	d2s_reader_free(r);
	return rc;
}

int d2s_pipeline_feed_mem(struct d2s_pipeline *p, const char *data, size_t len, const char *name)
{
	struct d2s_reader *r = d2s_input_mem(add_input(p), data, len, name);
	struct d2s_pool *fdp = p->pool;
	p->pool = d2s_pool_new(0, 2, d2s_kind_wanted); /* in memory: parse inline */
	int rc = r && p->pool ? facts(p, r, name) : -1;
	d2s_pool_free(p->pool);
	p->pool = fdp;
	d2s_reader_free(r);
	return rc;
}

/* ---------- pass 2: rewrite ---------- */

/* Write piece `pc` (number `i`): rewritten when a rule says so (parsed
 * for that here, or from what the rule kept in pass 1), else as read. */
static void write_piece(struct d2s_pipeline *p, const struct d2s_piece *pc, size_t i, const char *file)
{
	int want = d2s_rules_wants(p->ix, i);
	struct d2s_buf bytes = {0};
	struct d2s_src src = { pc->text, pc->len, file, pc->line, 0 };
	struct d2s_doc doc = {0};
	int parsed = want == 1 && d2s_parse(p->parser, pc->text, pc->len, &doc) == 0 && doc.root;
	if ((want == 2 || parsed) &&
	    d2s_rules_rewrite(p->ix, i, &src, parsed ? &doc : NULL, p->parser, &bytes) == 0)
		fwrite(bytes.data ? bytes.data : "", 1, bytes.len, p->out);
	else
		fwrite(pc->text, 1, pc->len, p->out);
	d2s_doc_free(&doc);
	d2s_buf_free(&bytes);
}

/* Copy the rest of big piece `pc` as it is. */
static int copy_big(struct d2s_pipeline *p, struct d2s_reader *r)
{
	char buf[1 << 16];
	ssize_t n;
	while ((n = d2s_reader_stream(r, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, (size_t)n, p->out);
	return n < 0 ? -1 : 0;
}

/* Inputs after the first are separate streams: keep their first document
 * apart from the previous input's last one (`last`: its last byte). */
static void separate(struct d2s_pipeline *p, char last, const struct d2s_piece *pc)
{
	if (last && last != '\n' && last != '\r')
		fputc('\n', p->out);
	if (last && !d2s_starts_with_marker(pc->text, pc->len))
		fputs("---\n", p->out);
}

/* Pass 2 over input `in`, whose pieces are numbered from *i on. One
 * thread: the pieces parsed again are few (pass 1 prepared the rest). */
static int rewrite(struct d2s_pipeline *p, struct d2s_input *in, size_t *i, char *last)
{
	struct d2s_reader *r = d2s_input_again(in);
	struct d2s_piece pc;
	size_t first = *i;
	int k = r ? 1 : -1;
	while (k == 1 && (k = d2s_reader_next(r, &pc, 1)) == 1) {
		if (*i == first && in != p->inputs)
			separate(p, *last, &pc);
		if (pc.len)
			*last = pc.text[pc.len - 1];
		if (!pc.complete && !d2s_rules_wants(p->ix, *i))
			k = copy_big(p, r) ? -1 : 1;
		else if (!pc.complete && d2s_reader_complete(r, &pc))
			k = -1;
		else
			write_piece(p, &pc, *i, in->name);
		*i += k == 1;
	}
	d2s_reader_free(r);
	if (k < 0) {
		struct d2s_where w = { .file = in->name };
		d2s_diagf(p->diag, D2S_ERROR, &w, "the input changed between the two reads of it: "
			  "give a file or a pipe that nobody writes while deploy2sts runs");
	}
	return k < 0 ? -1 : 0;
}

int d2s_pipeline_finish(struct d2s_pipeline *p)
{
	if (p->stopped)
		return -1;
	d2s_rules_seal(p->ix);
	d2s_pool_free(p->pool); /* pass 2 runs on this thread */
	p->pool = NULL;
	size_t i = 0;
	char last = 0;
	int rc = 0;
	for (size_t k = 0; !rc && k < p->n_inputs; k++)
		rc = rewrite(p, &p->inputs[k], &i, &last);
	if (!rc && i != p->ix->n_pieces) {
		struct d2s_where w = { .file = p->n_inputs ? p->inputs[0].name : "(input)" };
		d2s_diagf(p->diag, D2S_ERROR, &w, "the input changed between the two reads of it");
		rc = -1;
	}
	if (fflush(p->out) || ferror(p->out)) {
		struct d2s_where w = { .file = "(output)" };
		d2s_diagf(p->diag, D2S_ERROR, &w, "write error");
	}
	return rc || failed(p) ? -1 : 0;
}

void d2s_pipeline_free(struct d2s_pipeline *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n_inputs; i++)
		d2s_input_free(&p->inputs[i]);
	free(p->inputs);
	d2s_index_free(p->ix);
	d2s_pool_free(p->pool);
	d2s_parser_free(p->parser);
	free(p);
}

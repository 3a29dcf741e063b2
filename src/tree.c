/* tree.c - read stage: libfyaml events -> span tree (see tree.h). */
#include "tree.h"
#include "scalar.h"

#include <libfyaml.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An anchor (`&name`) and the node it is on. */
struct anchor {
	const char *name;
	struct d2s_node *node;
};

struct d2s_parser {
	struct fy_parser *fyp;
	struct fy_diag *diag;
	struct d2s_node **kids;  /* pending children of every open collection */
	size_t n_kids, cap_kids;
	size_t *marks;           /* stack: index into kids where a collection starts */
	struct d2s_node **open;  /* stack: open collections */
	size_t depth, cap_depth;
	struct anchor *anchors;  /* anchors defined so far in this document */
	size_t n_anchors, cap_anchors;
	unsigned long value_fallbacks; /* values asked from libfyaml (see below) */
};

struct fy_parser *d2s_fy_parser_new(struct fy_diag **diag)
{
	struct fy_diag_cfg dcfg;
	fy_diag_cfg_default(&dcfg);
	dcfg.fp = NULL;
	dcfg.output_fn = NULL;
	dcfg.level = FYET_ERROR;
	*diag = fy_diag_create(&dcfg);
	if (!*diag)
		return NULL;
	fy_diag_set_collect_errors(*diag, true);
	struct fy_parse_cfg cfg = {
		.flags = FYPCF_QUIET | FYPCF_DEFAULT_VERSION_AUTO | FYPCF_JSON_NONE,
		.diag = *diag,
	};
	struct fy_parser *fyp = fy_parser_create(&cfg);
	if (!fyp) {
		fy_diag_destroy(*diag);
		*diag = NULL;
	}
	return fyp;
}

/* libfyaml 0.7.12 frees a simple key twice when it reports this error
 * inside an explicit key (`? a:<TAB>>`; pantoniou/libfyaml#57), so
 * destroying that parser crashes. Such parsers are kept, reachable from
 * this list, until the process ends: a few KiB per bad document. The one
 * mutable file-level state of src/, on purpose: what it keeps must outlive
 * every object that could own it (it is locked, parse-ahead threads add to
 * it). */
#define DOUBLE_FREE_ERROR "cannot use tab for indentation of block entry"

struct kept_parser {
	struct fy_parser *fyp;
	struct fy_diag *diag;
	struct kept_parser *next;
};
static struct kept_parser *kept_parsers;
static pthread_mutex_t kept_lock = PTHREAD_MUTEX_INITIALIZER;

static int unsafe_to_destroy(struct fy_parser *fyp, struct fy_diag *diag)
{
	if (!fyp || !diag || !fy_parser_get_stream_error(fyp))
		return 0;
	void *it = NULL;
	struct fy_diag_error *err;
	while ((err = fy_diag_errors_iterate(diag, &it)) != NULL)
		if (err->msg && strstr(err->msg, DOUBLE_FREE_ERROR))
			return 1;
	return 0;
}

void d2s_fy_parser_free(struct fy_parser *fyp, struct fy_diag *diag)
{
	if (unsafe_to_destroy(fyp, diag)) {
		struct kept_parser *k = malloc(sizeof(*k));
		if (k) {
			k->fyp = fyp;
			k->diag = diag;
			pthread_mutex_lock(&kept_lock);
			k->next = kept_parsers;
			kept_parsers = k;
			pthread_mutex_unlock(&kept_lock);
		}
		return;
	}
	if (fyp)
		fy_parser_destroy(fyp);
	if (diag)
		fy_diag_destroy(diag);
}

void d2s_fy_first_error(struct fy_diag *diag, long *line, long *col, char *msg, size_t n)
{
	void *it = NULL;
	struct fy_diag_error *err;
	*line = *col = 1;
	snprintf(msg, n, "invalid YAML");
	while ((err = fy_diag_errors_iterate(diag, &it)) != NULL) {
		if (err->type != FYET_ERROR)
			continue;
		*line = err->line > 0 ? err->line : 1;
		*col = err->column > 0 ? err->column : 1;
		snprintf(msg, n, "%s", err->msg ? err->msg : "invalid YAML");
		return;
	}
}

static int parser_init(struct d2s_parser *p)
{
	p->fyp = d2s_fy_parser_new(&p->diag);
	return p->fyp ? 0 : -1;
}

static void parser_fini(struct d2s_parser *p)
{
	d2s_fy_parser_free(p->fyp, p->diag);
	p->fyp = NULL;
	p->diag = NULL;
}

struct d2s_parser *d2s_parser_new(void)
{
	struct d2s_parser *p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	if (parser_init(p)) {
		parser_fini(p);
		free(p);
		return NULL;
	}
	return p;
}

void d2s_parser_free(struct d2s_parser *p)
{
	if (!p)
		return;
	parser_fini(p);
	free(p->kids);
	free(p->marks);
	free(p->open);
	free(p->anchors);
	free(p);
}

static void push_kid(struct d2s_parser *p, struct d2s_node *n)
{
	if (p->n_kids == p->cap_kids) {
		p->cap_kids = p->cap_kids ? p->cap_kids * 2 : 256;
		p->kids = d2s_check_alloc(realloc(p->kids, p->cap_kids * sizeof(*p->kids)));
	}
	p->kids[p->n_kids++] = n;
}

static void push_open(struct d2s_parser *p, struct d2s_node *n)
{
	if (p->depth == p->cap_depth) {
		p->cap_depth = p->cap_depth ? p->cap_depth * 2 : 64;
		p->marks = d2s_check_alloc(realloc(p->marks, p->cap_depth * sizeof(*p->marks)));
		p->open = d2s_check_alloc(realloc(p->open, p->cap_depth * sizeof(*p->open)));
	}
	p->marks[p->depth] = p->n_kids;
	p->open[p->depth++] = n;
}

/* Start of the line that holds `off`, if only blanks precede `off` there. */
static size_t back_to_line_start(const char *t, size_t off)
{
	size_t i = off;
	while (i > 0 && (t[i - 1] == ' ' || t[i - 1] == '\t'))
		i--;
	if (i == 0 || t[i - 1] == '\n' || t[i - 1] == '\r')
		return i;
	return off;
}

static void close_collection(struct d2s_parser *p, struct d2s_doc *doc,
			     const struct fy_mark *end)
{
	struct d2s_node *c = p->open[--p->depth];
	size_t first = p->marks[p->depth];
	size_t n = p->n_kids - first;
	c->kids = d2s_arena_alloc(&doc->arena, (n ? n : 1) * sizeof(*c->kids));
	if (n)
		memcpy(c->kids, p->kids + first, n * sizeof(*c->kids));
	for (size_t i = 0; i < n; i++)
		c->kids[i]->parent = c;
	c->n = c->type == D2S_MAP ? n / 2 : n;
	p->n_kids = first;
	if (c->flow && end)
		c->end = end->input_pos;
	else if (n)
		c->end = c->kids[n - 1]->end;
	else
		c->end = c->start;
}

static void set_scalar_span(struct d2s_node *n, struct fy_event *e, const char *text,
			    size_t last_end)
{
	const struct fy_mark *s = fy_event_start_mark(e), *en = fy_event_end_mark(e);
	if (!s || !en) {
		n->start = n->end = last_end;
		return;
	}
	n->start = s->input_pos;
	n->end = en->input_pos;
	if (n->style == D2S_SINGLE || n->style == D2S_DOUBLE) {
		if (n->start > 0)
			n->start--;
		n->end++;
	} else if (n->style == D2S_LITERAL || n->style == D2S_FOLDED) {
		n->end = back_to_line_start(text, n->end);
	}
}

static struct d2s_node *new_node(struct d2s_doc *doc, enum d2s_node_type t)
{
	struct d2s_node *n = d2s_arena_alloc(&doc->arena, sizeof(*n));
	n->type = t;
	return n;
}

static void take_error(struct d2s_parser *p, struct d2s_doc *doc)
{
	d2s_fy_first_error(p->diag, &doc->err_line, &doc->err_col, doc->err_msg, sizeof(doc->err_msg));
	/* collected errors cannot be cleared: start over with fresh objects */
	parser_fini(p);
	if (parser_init(p)) {
		fputs("deploy2sts: error: out of memory\n", stderr);
		abort();
	}
}

unsigned long d2s_value_fallbacks(const struct d2s_parser *p)
{
	return p->value_fallbacks;
}

int d2s_column(const char *t, size_t off)
{
	size_t i = off;
	while (i > 0 && t[i - 1] != '\n' && t[i - 1] != '\r')
		i--;
	return (int)(off - i);
}

/* Quoted scalar spans start and end with their quote. */
static int quoted_span(const struct d2s_node *n, const char *t)
{
	char q = n->style == D2S_SINGLE ? '\'' : '"';
	return n->end >= n->start + 2 && t[n->start] == q && t[n->end - 1] == q;
}

/* The value of scalar `n`, decoded from its span by scalar.c; NULL when
 * the span is not what the style needs (then libfyaml is asked). */
static char *value_from_text(struct d2s_parser *p, struct d2s_doc *doc, struct d2s_node *n,
			     size_t last_end, size_t *len)
{
	const char *t = doc->text;
	switch (n->style) {
	case D2S_PLAIN:
		return d2s_flow_scalar_value(&doc->arena, t, n->start, n->end, n->style, len);
	case D2S_SINGLE:
	case D2S_DOUBLE:
		if (!quoted_span(n, t))
			return NULL;
		return d2s_flow_scalar_value(&doc->arena, t, n->start, n->end, n->style, len);
	case D2S_LITERAL:
	case D2S_FOLDED:
		return d2s_block_scalar_value(&doc->arena, t, doc->len, last_end, n->start,
					      p->depth ? d2s_column(t, p->open[p->depth - 1]->start) : -1,
					      len);
	}
	return NULL;
}

/* Record the anchor `tok` (may be NULL) of node `n`. */
static void add_anchor(struct d2s_parser *p, struct d2s_doc *doc, struct fy_token *tok,
		       struct d2s_node *n)
{
	size_t len;
	const char *t = tok ? fy_token_get_text(tok, &len) : NULL;
	if (!t)
		return;
	if (p->n_anchors == p->cap_anchors) {
		p->cap_anchors = p->cap_anchors ? p->cap_anchors * 2 : 16;
		p->anchors = d2s_check_alloc(realloc(p->anchors, p->cap_anchors * sizeof(*p->anchors)));
	}
	n->anchor = d2s_arena_strndup(&doc->arena, t, len);
	p->anchors[p->n_anchors].name = n->anchor;
	p->anchors[p->n_anchors++].node = n;
}

/* The node of the latest anchor called `name` (YAML 1.2.2 §3.2.2.2: an
 * alias refers to the most recent node with that anchor), or NULL. */
static struct d2s_node *find_anchor(const struct d2s_parser *p, const char *name)
{
	for (size_t i = p->n_anchors; i > 0; i--)
		if (!strcmp(p->anchors[i - 1].name, name))
			return p->anchors[i - 1].node;
	return NULL;
}

/* Tag (resolved) and anchor of the node `n` made for event `e`; an alias
 * gets its target. */
static void node_props(struct d2s_parser *p, struct d2s_doc *doc, struct fy_event *e,
		       struct d2s_node *n)
{
	struct fy_token *tag = NULL, *anchor = NULL;
	if (e->type == FYET_SCALAR) {
		tag = e->scalar.tag;
		anchor = e->scalar.anchor;
	} else if (e->type == FYET_MAPPING_START) {
		tag = e->mapping_start.tag;
		anchor = e->mapping_start.anchor;
	} else if (e->type == FYET_SEQUENCE_START) {
		tag = e->sequence_start.tag;
		anchor = e->sequence_start.anchor;
	} else if (e->type == FYET_ALIAS) {
		n->target = find_anchor(p, n->value);
		if (n->target)
			n->target->aliased = 1;
		return;
	}
	size_t len;
	const char *t = tag ? fy_token_get_text(tag, &len) : NULL;
	if (t)
		n->tag = d2s_arena_strndup(&doc->arena, t, len);
	add_anchor(p, doc, anchor, n);
}

static struct d2s_node *node_for_event(struct d2s_parser *p, struct d2s_doc *doc, struct fy_event *e,
				       size_t last_end)
{
	struct d2s_node *n = NULL;
	const struct fy_mark *s = fy_event_start_mark(e);
	size_t len;
	const char *t;
	switch (e->type) {
	case FYET_SCALAR:
		n = new_node(doc, D2S_SCALAR);
		n->style = (enum d2s_style)fy_token_scalar_style(e->scalar.value);
		n->tagged = e->scalar.tag != NULL;
		set_scalar_span(n, e, doc->text, last_end);
		if (n->style == D2S_PLAIN && n->end > n->start &&
		    !memchr(doc->text + n->start, '\n', n->end - n->start) &&
		    !memchr(doc->text + n->start, '\r', n->end - n->start)) {
			/* a one-line plain scalar is its own text */
			n->value = d2s_arena_strndup(&doc->arena, doc->text + n->start, n->end - n->start);
			n->len = n->end - n->start;
		} else if (s && (n->value = value_from_text(p, doc, n, last_end, &n->len)) != NULL) {
			/* decoded from the text */
		} else if (!s && n->style == D2S_PLAIN) {
			n->value = d2s_arena_strndup(&doc->arena, "", 0); /* empty: no marks */
			n->len = 0;
		} else {
			/* no usable span: ask libfyaml (see scalar.h for why not always) */
			p->value_fallbacks++;
			t = e->scalar.value ? fy_token_get_text(e->scalar.value, &len) : NULL;
			n->value = d2s_arena_strndup(&doc->arena, t ? t : "", t ? len : 0);
			n->len = t ? len : 0;
		}
		n->null_empty = n->style == D2S_PLAIN && n->start == n->end;
		return n;
	case FYET_ALIAS:
		n = new_node(doc, D2S_ALIAS);
		t = fy_token_get_text(e->alias.anchor, &len);
		n->value = d2s_arena_strndup(&doc->arena, t ? t : "", t ? len : 0);
		n->len = t ? len : 0;
		set_scalar_span(n, e, doc->text, last_end);
		return n;
	case FYET_MAPPING_START:
	case FYET_SEQUENCE_START:
		n = new_node(doc, e->type == FYET_MAPPING_START ? D2S_MAP : D2S_SEQ);
		n->flow = fy_event_get_node_style(e) == FYNS_FLOW;
		n->tagged = (e->type == FYET_MAPPING_START ? e->mapping_start.tag
			     : e->sequence_start.tag) != NULL;
		n->start = s ? s->input_pos : last_end;
		return n;
	default:
		return NULL;
	}
}

/* True when `n` is the value of the root mapping's `kind` key. */
static int is_root_kind(struct d2s_parser *p, const struct d2s_node *n)
{
	if (p->depth != 1 || n->type != D2S_SCALAR || p->open[0]->type != D2S_MAP)
		return 0;
	size_t first = p->marks[0], k = p->n_kids - first;
	if (k % 2 != 1)
		return 0;
	const struct d2s_node *key = p->kids[p->n_kids - 1];
	return key && key->type == D2S_SCALAR && key->value && !strcmp(key->value, "kind");
}

int d2s_parse(struct d2s_parser *p, const char *text, size_t len, struct d2s_doc *doc)
{
	return d2s_parse_lazy(p, text, len, doc, NULL);
}

int d2s_parse_lazy(struct d2s_parser *p, const char *text, size_t len, struct d2s_doc *doc,
		   int (*want)(const char *kind))
{
	d2s_arena_reset(&doc->arena);
	doc->text = text;
	doc->len = len;
	doc->root = NULL;
	doc->n_docs = 0;
	doc->skipped = 0;
	doc->err_msg[0] = '\0';
	p->n_kids = 0;
	p->depth = 0;
	p->n_anchors = 0;

	fy_parser_reset(p->fyp);
	if (fy_parser_set_string(p->fyp, text, len)) {
		snprintf(doc->err_msg, sizeof(doc->err_msg), "cannot start the YAML parser");
		doc->err_line = doc->err_col = 1;
		return -1;
	}
	size_t last_end = 0;
	struct fy_event *e;
	while ((e = fy_parser_parse(p->fyp)) != NULL) {
		if (e->type == FYET_DOCUMENT_START)
			doc->n_docs++;
		if ((e->type == FYET_MAPPING_END || e->type == FYET_SEQUENCE_END) && p->depth) {
			struct d2s_node *c = p->open[p->depth - 1];
			close_collection(p, doc, fy_event_end_mark(e));
			last_end = c->end;
		}
		if (doc->skipped) {
			fy_parser_event_free(p->fyp, e);
			continue;
		}
		struct d2s_node *n = node_for_event(p, doc, e, last_end);
		if (n && want && doc->n_docs == 1 && is_root_kind(p, n) && !want(n->value)) {
			doc->skipped = 1; /* check the rest, build nothing */
			fy_parser_event_free(p->fyp, e);
			continue;
		}
		if (n) {
			node_props(p, doc, e, n);
			if (p->depth == 0) {
				if (doc->n_docs == 1 && !doc->root)
					doc->root = n;
			} else {
				push_kid(p, n);
			}
			if (n->type == D2S_MAP || n->type == D2S_SEQ)
				push_open(p, n);
			else
				last_end = n->end;
		}
		fy_parser_event_free(p->fyp, e);
	}
	if (fy_parser_get_stream_error(p->fyp)) {
		take_error(p, doc);
		doc->root = NULL;
		return -1;
	}
	if (doc->skipped)
		doc->root = NULL;
	return 0;
}

void d2s_doc_free(struct d2s_doc *doc)
{
	d2s_arena_free(&doc->arena);
	doc->root = NULL;
}

void d2s_linecol(const char *text, size_t off, long *line, long *col)
{
	long l = 1;
	size_t ls = 0;
	for (size_t i = 0; i < off; i++) {
		if (text[i] == '\n' || (text[i] == '\r' && text[i + 1] != '\n')) {
			l++;
			ls = i + 1;
		}
	}
	*line = l;
	*col = (long)(off - ls) + 1;
}

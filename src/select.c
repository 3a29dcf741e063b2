/* select.c - select stage: label selectors and the conversion decision. */
#include "select.h"
#include "buf.h"
#include "tree.h"

#include <ctype.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* A label key ([prefix/]name) or value character. */
static int word_char(char c)
{
	return isalnum((unsigned char)c) || c == '-' || c == '_' || c == '.' || c == '/';
}

static char *read_word(const char **pp)
{
	const char *p = skip_ws(*pp), *s = p;
	while (*p && word_char(*p))
		p++;
	*pp = p;
	return p > s ? d2s_check_alloc(strndup(s, (size_t)(p - s))) : NULL;
}

static void add_value(struct d2s_requirement *r, char *v)
{
	r->values = d2s_check_alloc(realloc(r->values, (r->n_values + 1) * sizeof(char *)));
	r->values[r->n_values++] = v;
}

static int fail(char *err, size_t errlen, const char *text, const char *p, const char *what)
{
	snprintf(err, errlen, "%s at position %d of selector \"%s\"", what, (int)(p - text) + 1, text);
	return -1;
}

static int parse_set(const char *text, const char **pp, struct d2s_requirement *r,
		     char *err, size_t errlen)
{
	const char *p = skip_ws(*pp);
	if (*p != '(')
		return fail(err, errlen, text, p, "expected '('");
	p++;
	for (;;) {
		char *v = read_word(&p);
		add_value(r, v ? v : d2s_check_alloc(strdup("")));
		p = skip_ws(p);
		if (*p == ',') {
			p++;
			continue;
		}
		if (*p == ')')
			break;
		return fail(err, errlen, text, p, "expected ',' or ')'");
	}
	*pp = p + 1;
	return 0;
}

static int parse_op(const char *text, const char **pp, struct d2s_requirement *r,
		    char *err, size_t errlen)
{
	const char *p = skip_ws(*pp);
	if (*p == '\0' || *p == ',') {
		r->op = D2S_EXISTS;
		*pp = p;
		return 0;
	}
	if (p[0] == '!' && p[1] == '=') {
		r->op = D2S_NE;
		p += 2;
	} else if (p[0] == '=' && p[1] == '=') {
		r->op = D2S_EQ;
		p += 2;
	} else if (p[0] == '=') {
		r->op = D2S_EQ;
		p += 1;
	} else if (!strncmp(p, "in", 2) && (p[2] == ' ' || p[2] == '(')) {
		r->op = D2S_IN;
		*pp = p + 2;
		return parse_set(text, pp, r, err, errlen);
	} else if (!strncmp(p, "notin", 5) && (p[5] == ' ' || p[5] == '(')) {
		r->op = D2S_NOTIN;
		*pp = p + 5;
		return parse_set(text, pp, r, err, errlen);
	} else {
		return fail(err, errlen, text, p, "expected =, ==, !=, in or notin");
	}
	char *v = read_word(&p);
	add_value(r, v ? v : d2s_check_alloc(strdup("")));
	*pp = p;
	return 0;
}

int d2s_selector_parse(const char *text, struct d2s_selector *sel, char *err, size_t errlen)
{
	memset(sel, 0, sizeof(*sel));
	const char *p = skip_ws(text);
	while (*p) {
		sel->reqs = d2s_check_alloc(realloc(sel->reqs, (sel->n + 1) * sizeof(*sel->reqs)));
		struct d2s_requirement *r = &sel->reqs[sel->n++];
		memset(r, 0, sizeof(*r));
		int neg = 0;
		if (*p == '!') {
			neg = 1;
			p++;
		}
		r->key = read_word(&p);
		if (!r->key) {
			fail(err, errlen, text, p, "expected a label key");
			goto bad;
		}
		if (neg) {
			r->op = D2S_NOT_EXISTS;
		} else if (parse_op(text, &p, r, err, errlen)) {
			goto bad;
		}
		p = skip_ws(p);
		if (*p == ',') {
			p = skip_ws(p + 1);
			if (!*p) {
				fail(err, errlen, text, p, "expected a requirement after ','");
				goto bad;
			}
		} else if (*p) {
			fail(err, errlen, text, p, "unexpected character");
			goto bad;
		}
	}
	return 0;
bad:
	d2s_selector_free(sel);
	return -1;
}

void d2s_selector_free(struct d2s_selector *sel)
{
	for (size_t i = 0; i < sel->n; i++) {
		free(sel->reqs[i].key);
		for (size_t k = 0; k < sel->reqs[i].n_values; k++)
			free(sel->reqs[i].values[k]);
		free(sel->reqs[i].values);
	}
	free(sel->reqs);
	memset(sel, 0, sizeof(*sel));
}

int d2s_selector_check(const char *text, char *err, size_t errlen)
{
	struct d2s_selector s;
	if (d2s_selector_parse(text, &s, err, errlen))
		return -1;
	d2s_selector_free(&s);
	return 0;
}

static const char *lookup(const char *key, const char *const *keys, const char *const *vals, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(keys[i], key))
			return vals[i];
	return NULL;
}

static int in_values(const struct d2s_requirement *r, const char *v)
{
	for (size_t i = 0; i < r->n_values; i++)
		if (!strcmp(r->values[i], v))
			return 1;
	return 0;
}

int d2s_selector_match(const struct d2s_selector *sel, const char *const *keys,
		       const char *const *vals, size_t n)
{
	for (size_t i = 0; i < sel->n; i++) {
		const struct d2s_requirement *r = &sel->reqs[i];
		const char *v = lookup(r->key, keys, vals, n);
		int ok;
		switch (r->op) {
		case D2S_EQ:
		case D2S_IN:
			ok = v && in_values(r, v);
			break;
		case D2S_NE:
		case D2S_NOTIN:
			ok = !v || !in_values(r, v); /* kubectl: absent key matches != */
			break;
		case D2S_EXISTS:
			ok = v != NULL;
			break;
		default:
			ok = v == NULL;
			break;
		}
		if (!ok)
			return 0;
	}
	return 1;
}

/* Names and texts of enum d2s_skip, indexed by value. */
static const char *const skip_names[] = {
	"not-selected-only", "excluded", "label-selector", "annotation-false",
	"opt-in-missing", "unsupported-apiVersion", "hook", "label-selector", "label-selector",
};
static const char *const skip_texts[] = {
	"not matched by --only",
	"matched by --exclude",
	"labels do not match --selector",
	"annotation deploy2sts.io/convert is \"false\"",
	"--opt-in and no deploy2sts.io/convert: \"true\" annotation",
	"apiVersion is not apps/v1",
	"a Helm hook (helm.sh/hook)",
	"invalid selector",
	"no metadata.name",
};

const char *d2s_skip_name(enum d2s_skip why)
{
	return skip_names[why];
}

const char *d2s_skip_text(enum d2s_skip why)
{
	return skip_texts[why];
}

static int any_glob(char *const *globs, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (fnmatch(globs[i], name, 0) == 0)
			return 1;
	return 0;
}

int d2s_selection_match(const struct d2s_selection *o, const char *name, const struct d2s_kv *labels,
			const struct d2s_kv *annotations, enum d2s_skip *why)
{
	const char *conv = NULL;
	if (annotations)
		conv = lookup("deploy2sts.io/convert", annotations->keys, annotations->vals, annotations->n);
	if (conv && !strcmp(conv, "false")) {
		*why = D2S_SKIP_ANNOTATION_FALSE;
		return 0;
	}
	if (o->opt_in && !(conv && !strcmp(conv, "true"))) {
		*why = D2S_SKIP_OPT_IN_MISSING;
		return 0;
	}
	if (o->n_only && !any_glob(o->only, o->n_only, name)) {
		*why = D2S_SKIP_NOT_SELECTED_ONLY;
		return 0;
	}
	if (any_glob(o->exclude, o->n_exclude, name)) {
		*why = D2S_SKIP_EXCLUDED;
		return 0;
	}
	if (o->selector) {
		struct d2s_selector sel;
		char err[200];
		if (d2s_selector_parse(o->selector, &sel, err, sizeof(err))) {
			*why = D2S_SKIP_INVALID_SELECTOR;
			return 0;
		}
		int ok = d2s_selector_match(&sel, labels ? labels->keys : NULL,
					    labels ? labels->vals : NULL, labels ? labels->n : 0);
		d2s_selector_free(&sel);
		if (!ok) {
			*why = D2S_SKIP_LABEL_SELECTOR;
			return 0;
		}
	}
	return 1;
}

/* The string pairs of mapping `m` (pointers into the tree). */
static void kv_of(const struct d2s_node *m, struct d2s_kv *kv)
{
	memset(kv, 0, sizeof(*kv));
	if (!m || m->type != D2S_MAP)
		return;
	kv->keys = d2s_check_alloc(calloc(m->n + 1, sizeof(char *)));
	kv->vals = d2s_check_alloc(calloc(m->n + 1, sizeof(char *)));
	for (size_t i = 0; i < m->n; i++) {
		const char *k = d2s_str(m->kids[2 * i]), *v = d2s_str(m->kids[2 * i + 1]);
		if (k && v) {
			kv->keys[kv->n] = k;
			kv->vals[kv->n++] = v;
		}
	}
}

int d2s_selection_match_meta(const struct d2s_selection *o, const struct d2s_node *meta,
			     enum d2s_skip *why)
{
	const char *name = d2s_get_str(meta, "name");
	if (!name) {
		*why = D2S_SKIP_NO_NAME;
		return 0;
	}
	struct d2s_kv labels, ann;
	kv_of(d2s_get(meta, "labels"), &labels);
	kv_of(d2s_get(meta, "annotations"), &ann);
	int sel = d2s_selection_match(o, name, &labels, &ann, why);
	free(labels.keys);
	free(labels.vals);
	free(ann.keys);
	free(ann.vals);
	return sel;
}

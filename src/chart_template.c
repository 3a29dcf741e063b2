/* chart_template.c - read stage: which chart template each piece of a Helm
 * stream renders (see chart_template.h). */
#include "chart_template.h"

#include <stdio.h>
#include <string.h>

/* The chart template text[0..len) (a piece of a Helm stream; `root` its
 * parsed root, or NULL) renders: the name of its `# Source: NAME` comment
 * (Helm 3 post-renderers get one per document) or of its root's
 * metadata.annotations postrenderer.helm.sh/postrender-filename (Helm 4
 * sets it), copied into buf (size n); NULL when neither is there. *body
 * gets the 1-based line of text that is line 1 of the template's
 * rendering: the line after the `# Source:` comment, else after the `---`
 * marker, else 1. */
static const char *doc_template(const char *text, size_t len, const struct d2s_node *root, char *buf,
				size_t n, long *body)
{
	const char *name = NULL;
	size_t name_len = 0, end = root ? root->start : len;
	long line = 1;
	*body = 1;
	for (size_t i = 0; i < end && i < len; line++) { /* the lines before the content */
		size_t j = i;
		while (j < len && text[j] != '\n')
			j++;
		if (j - i >= 10 && !strncmp(text + i, "# Source: ", 10)) {
			name = text + i + 10;
			name_len = j - i - 10;
			*body = line + 1;
		} else if (!name && j - i >= 3 && !strncmp(text + i, "---", 3)) {
			*body = line + 1;
		}
		i = j + 1;
	}
	while (name_len && (name[name_len - 1] == '\r' || name[name_len - 1] == ' '))
		name_len--;
	if (!name)
		name = d2s_get_str(d2s_path(root, "metadata", "annotations"),
				   "postrenderer.helm.sh/postrender-filename");
	if (name && !name_len)
		name_len = strlen(name);
	if (!name || !name_len)
		return NULL;
	snprintf(buf, n, "%.*s", (int)name_len, name);
	return buf;
}

/* True when line s[0..n) is a document marker ("---" or "...") with no
 * content after it: only blanks, then maybe a comment. "--- {a: 1}" has
 * content. */
static int bare_marker(const char *s, size_t n)
{
	if (n < 3 || (strncmp(s, "---", 3) && strncmp(s, "...", 3)))
		return 0;
	size_t i = 3;
	if (i < n && s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
		return 0;
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r'))
		i++;
	return i == n || s[i] == '#';
}

/* True when text[0..len) holds only blank lines, comments and bare
 * document markers (no content). */
static int no_content(const char *text, size_t len)
{
	for (size_t i = 0; i < len;) {
		size_t j = i;
		while (j < len && text[j] != '\n')
			j++;
		size_t k = i;
		while (k < j && (text[k] == ' ' || text[k] == '\t' || text[k] == '\r'))
			k++;
		if (k < j && text[k] != '#' && !bare_marker(text + i, j - i))
			return 0;
		i = j + 1;
	}
	return 1;
}

void d2s_chart_template_note(struct d2s_chart_templates *t, struct d2s_diag *diag, const char *file,
			     long line, const char *text, size_t len, const struct d2s_node *root)
{
	char name[sizeof(t->orphan)];
	long body, last, col;
	int empty = no_content(text, len); /* its root, if any, is an empty scalar */
	const char *tpl = doc_template(text, len, empty ? NULL : root, name, sizeof(name), &body);
	if (!tpl && t->orphan[0])
		tpl = memcpy(name, t->orphan, sizeof(name));
	t->orphan[0] = '\0';
	if (!tpl)
		return;
	if (empty) {
		snprintf(t->orphan, sizeof(t->orphan), "%s", tpl);
		return;
	}
	d2s_linecol(text, len, &last, &col);
	d2s_diag_template(diag, file, line, line + last - 1, line + body - 1, tpl);
}

void d2s_chart_template_forget(struct d2s_chart_templates *t)
{
	t->orphan[0] = '\0';
}

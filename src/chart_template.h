/* chart_template.h - read stage: which chart template each piece of a Helm
 * stream renders, so that a position names the template and its line
 * (diag.h, d2s_diag_template) instead of a line of Helm's stream. */
#ifndef D2S_CHART_TEMPLATE_H
#define D2S_CHART_TEMPLATE_H

#include "diag.h"
#include "tree.h"

#include <stddef.h>

/** What the pieces read so far leave for the next one. Zero-initialise;
 *  nothing to free. */
struct d2s_chart_templates {
	char orphan[512];        /**< a template named by a piece with no content */
	const char *orphan_file; /**< ... of this input (borrowed; compared, never read) */
};

/** Record in `diag` the chart template of the piece text[0..len) of input
 *  `file` that starts at input line `line` (`root`: its parsed root, NULL
 *  if it did not parse). Helm 3 writes "---\n# Source: NAME\n" before each
 *  template's output, so a template that renders a second "---" first
 *  (bjw-s app-template) leaves that comment in a piece of its own: the
 *  next piece of the same input, if it names no template, is NAME's. */
void d2s_chart_template_note(struct d2s_chart_templates *t, struct d2s_diag *diag, const char *file,
			     long line, const char *text, size_t len, const struct d2s_node *root);

#endif

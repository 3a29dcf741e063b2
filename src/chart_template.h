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
	char orphan[512]; /**< a template named by a piece with no content */
};

/** Record in `diag` the chart template of the piece text[0..len) that
 *  starts at line `line` of input `file` (`root`: its parsed root, NULL if
 *  it did not parse). Helm 3 writes "---\n# Source: NAME\n" before each
 *  manifest it split from a template's output, so a template that renders
 *  a second "---" first (bjw-s app-template) leaves that comment in a piece
 *  of its own: the next piece, if it names no template, is NAME's (and an
 *  empty one passes NAME on). Line 1 of the template is the line after the
 *  piece's `# Source:` comment or `---` marker: Helm gives no line of the
 *  template file itself. */
void d2s_chart_template_note(struct d2s_chart_templates *t, struct d2s_diag *diag, const char *file,
			     long line, const char *text, size_t len, const struct d2s_node *root);

/** A piece not noted (a big one streamed past) or a new input: no template
 *  name passes over it. */
void d2s_chart_template_forget(struct d2s_chart_templates *t);

#endif

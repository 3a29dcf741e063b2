/* stream.h - read stage: which documents the rules need whole, and the
 * streaming of a piece too big to hold that no rule changes (it is checked
 * by libfyaml while it is copied to the writer, so memory stays bounded
 * whatever the size of a ConfigMap or CRD). See docs/architecture.md. */
#ifndef D2S_STREAM_H
#define D2S_STREAM_H

#include <stddef.h>
#include "diag.h"
#include "reader.h"
#include "writer.h"

/** True when some rule reads or changes documents of kind `kind`
 *  (Deployment, List, PersistentVolumeClaim, Service, the scaling and
 *  progressive-delivery kinds, ResourceList, and the workload kinds whose
 *  pod specs may mount a PVC); other documents are only checked
 *  (d2s_parse_lazy). */
int d2s_kind_wanted(const char *kind);

/** True when the piece head t[0..n) shows a wanted kind at column 0, or no
 *  kind at all (then the piece is held whole to be safe). */
int d2s_head_needs_whole(const char *t, size_t n);

/** Copy the rest of the current piece of `r` (starting at input line
 *  `line` of `file`) to `w`, checked by libfyaml on the way. Returns 0, or
 *  -1 after an error reported to `diag` (read error or invalid YAML). */
int d2s_stream_piece(struct d2s_reader *r, struct d2s_writer *w, struct d2s_diag *diag,
		     const char *file, long line);

#endif

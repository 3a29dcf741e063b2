/* fuzz_stream.c - libFuzzer target: the whole stream filter (read, select,
 * convert, write) on arbitrary bytes, with options that exercise every rule. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "diag.h"
#include "fuzz.h"
#include "options.h"
#include "pipeline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct d2s_options o;
	d2s_options_init(&o);
	char err[256];
	d2s_options_set(&o, "volume-claim-template", "name=data,mountPath=/data,size=1Gi", err, sizeof(err));
	d2s_options_set(&o, "pod-management-policy", "Parallel", err, sizeof(err));
	d2s_options_set(&o, "partition", "1", err, sizeof(err));
	struct d2s_diag diag = { .keep = 1 };
	struct d2s_pipeline *p = d2s_pipeline_new(&o, &diag, fuzz_devnull());
	if (p) {
		if (d2s_pipeline_feed_mem(p, (const char *)data, size, "fuzz") == 0)
			d2s_pipeline_finish(p);
		d2s_pipeline_free(p);
	}
	d2s_diag_free(&diag);
	d2s_options_free(&o);
	return 0;
}

/* fuzz_krm.c - libFuzzer target: KRM function mode on arbitrary bytes: the
 * ResourceList reader, the functionConfig (typed StatefulSetConversion or
 * ConfigMap, i.e. the --config parser too), the items through the stream
 * filter, and the ResourceList writer with its results. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "config.h"
#include "diag.h"
#include "fuzz.h"
#include "krm.h"
#include "options.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct d2s_options o;
	d2s_options_init(&o);
	struct d2s_pairs cli = {0};
	struct d2s_diag diag = { .keep = 1 };
	d2s_krm_run((const char *)data, size, "fuzz", &o, &cli, &diag, fuzz_devnull());
	d2s_diag_free(&diag);
	d2s_options_free(&o);
	return 0;
}

/* config.h - the YAML doors into the options model: a
 * deploy2sts.io/v1alpha1 StatefulSetConversion (`--config FILE`, the kustomize
 * legacy plugin config, a typed KRM functionConfig) and a ConfigMap
 * functionConfig whose `data` keys are long flag names (what
 * `kpt fn eval --exec ... -- key=value` sends, see
 * https://kpt.dev/book/04-using-functions/02-imperative-function-execution).
 * Both are read through the option table (optable.h), so every value is
 * validated exactly as the flag would be. */
#ifndef D2S_CONFIG_H
#define D2S_CONFIG_H

#include <stddef.h>
#include "optable.h"
#include "tree.h"

/** Apply a StatefulSetConversion document (root mapping) to `o`. Unknown
 *  keys and bad values are errors naming the key path and value. Returns 0,
 *  or -1 with the message in err (and *at set to the offending node when
 *  `at` is not NULL). */
int d2s_config_apply(struct d2s_options *o, const struct d2s_node *root, char *err, size_t errlen,
		     const struct d2s_node **at);

/** Apply a ConfigMap's `data` (long flag names -> values) to `o`. */
int d2s_config_apply_configmap(struct d2s_options *o, const struct d2s_node *root, char *err,
			       size_t errlen, const struct d2s_node **at);

/** Load a StatefulSetConversion from text (`name` for messages). Errors
 *  carry name:line:col. Returns 0 or -1. */
int d2s_config_load_text(struct d2s_options *o, const char *text, size_t len, const char *name,
			 char *err, size_t errlen);
/** Load a StatefulSetConversion file. Returns 0 or -1 with err. */
int d2s_config_load_file(struct d2s_options *o, const char *path, char *err, size_t errlen);

#endif

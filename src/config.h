/* config.h - the second and third doors into the options model: a
 * deploy2sts.io/v1alpha1 StatefulSetConversion (`--config FILE`, the kustomize
 * legacy plugin config, a typed KRM functionConfig) and a ConfigMap
 * functionConfig whose `data` keys are long flag names (what
 * `kpt fn eval --exec … -- key=value` sends). Both end in d2s_options_set, so
 * every value is validated exactly as the flag would be (DESIGN §3.6). */
#ifndef D2S_CONFIG_H
#define D2S_CONFIG_H

#include <stddef.h>
#include "options.h"
#include "tree.h"

/** Command-line flags as given, so that they can be applied over a config
 *  ("flags win"). Strings owned. */
struct d2s_pairs {
	char **keys, **vals;   /**< vals[i] NULL for boolean flags */
	size_t n;
};
/** Append flag `key` with `val` (NULL for a boolean flag); both copied. */
void d2s_pairs_add(struct d2s_pairs *p, const char *key, const char *val);
/** Free every pair and zero `p`. */
void d2s_pairs_free(struct d2s_pairs *p);
/** The last value given for `key`, or NULL. */
const char *d2s_pairs_get(const struct d2s_pairs *p, const char *key);

/** Apply flags over `o` and over every override in it: a repeatable option
 *  given as a flag replaces the config's list. Returns 0 or -1 with err. */
int d2s_pairs_apply(const struct d2s_pairs *p, struct d2s_options *o, char *err, size_t errlen);

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

/* optvalue.h - values of the compound options (--volume-claim-template,
 * --pvc-retention-policy) in their two forms: flag text and the YAML of a
 * StatefulSetConversion. The YAML form fills struct d2s_vct directly. Field
 * names follow the PersistentVolumeClaim and StatefulSet APIs
 * (https://kubernetes.io/docs/reference/kubernetes-api/config-and-storage-resources/persistent-volume-claim-v1/). */
#ifndef D2S_OPTVALUE_H
#define D2S_OPTVALUE_H

#include <stddef.h>
#include "options.h"
#include "tree.h"

/** Where a config error goes: message buffer, and the node at fault. */
struct d2s_cfgerr {
	char *err;                   /**< message buffer */
	size_t errlen;               /**< its size */
	const struct d2s_node **at;  /**< gets the node at fault, or NULL */
};

/** Format a message into c->err, point c->at at `n`. Returns -1. */
int d2s_cfg_fail(struct d2s_cfgerr *c, const struct d2s_node *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/** Set a compound option of `base` (a struct d2s_options) from flag text.
 *  Returns 0 or -1 with the reason in err (the caller names value and
 *  option). */
typedef int d2s_opt_set_fn(void *base, const char *value, char *err, size_t errlen);
/** Set a compound option of `base` from YAML node `value`, found under the
 *  mapping `parent` at key path `path` (for messages). Returns 0 or -1. */
typedef int d2s_opt_load_fn(void *base, const struct d2s_node *value, const struct d2s_node *parent,
			    const char *path, struct d2s_cfgerr *c);

/** --volume-claim-template text: append one template. */
int d2s_vct_set(void *base, const char *value, char *err, size_t errlen);
/** spec.volumeClaimTemplates (+ spec.volumeMounts in `parent`): append each
 *  PersistentVolumeClaim template. */
int d2s_vct_load(void *base, const struct d2s_node *value, const struct d2s_node *parent,
		 const char *path, struct d2s_cfgerr *c);
/** Remove every claim template of `base`. */
void d2s_vct_reset(void *base);
/** --pvc-retention-policy text. */
int d2s_retention_set(void *base, const char *value, char *err, size_t errlen);
/** spec.persistentVolumeClaimRetentionPolicy mapping. */
int d2s_retention_load(void *base, const struct d2s_node *value, const struct d2s_node *parent,
		       const char *path, struct d2s_cfgerr *c);

#endif

/* options.h - the one options model. Command-line flags, the `--config`
 * StatefulSetConversion file and the KRM functionConfig all fill this struct
 * through d2s_options_set(), keyed by the long flag name (DESIGN §3.6). */
#ifndef D2S_OPTIONS_H
#define D2S_OPTIONS_H

#include <stddef.h>

/** One `--volume-claim-template` (keys are the Kubernetes field names).
 *  All strings owned by the options struct. */
struct d2s_vct {
	char *name;              /**< claim name, DNS-1123 label (required) */
	char *mount_path;        /**< volumeMounts[].mountPath added to containers */
	char *size;              /**< resources.requests.storage (required) */
	char *storage_class;     /**< storageClassName, optional */
	char *access_modes;      /**< ';'/'+'-separated accessModes, default ReadWriteOnce */
	char *volume_mode;       /**< Filesystem | Block, optional */
	char *containers;        /**< ';'/'+'-separated container names or "*" (default) */
};

/** Per-Deployment overrides (config file `spec.overrides`). */
struct d2s_override {
	char *name;                  /**< Deployment name (glob) */
	struct d2s_options *opts;    /**< full option set, owned */
};

/** Every option. Unset numeric options are -1, unset strings NULL. */
struct d2s_options {
	/* selection (DESIGN §3.1) */
	char **only, **exclude;      /**< globs on metadata.name (fnmatch) */
	size_t n_only, n_exclude;
	char *selector;              /**< -l: kubectl label selector text */
	int opt_in;                  /**< convert only deploy2sts.io/convert: "true" */
	int skip_unsupported;        /**< warn instead of error on non-apps/v1 */
	/* the StatefulSet (DESIGN §3.2) */
	char *service_name;          /**< template, {name} and {namespace} expand */
	char *pod_management_policy; /**< OrderedReady | Parallel */
	char *update_strategy;       /**< RollingUpdate | OnDelete */
	char *recreate_as;           /**< RollingUpdate (default) | OnDelete */
	long partition;
	char *max_unavailable;       /**< N or P% */
	char *pvc_when_deleted, *pvc_when_scaled; /**< Retain | Delete */
	long ordinals_start, min_ready_seconds, revision_history_limit;
	/* the headless Service (DESIGN §3.3) */
	int publish_not_ready_addresses;
	int no_headless_service;
	/* storage (DESIGN §3.4) */
	struct d2s_vct *vcts;
	size_t n_vcts;
	int drop_absorbed_pvcs;
	char **shared_volumes;
	size_t n_shared_volumes;
	/* overrides */
	struct d2s_override *overrides;
	size_t n_overrides;
	/* run-time (not part of the conversion model) */
	int quiet, strict;
	char *log_file;
	char **files;
	size_t n_files;
	char *output;
	int in_place;
	char *config;
};

/** Fill `o` with defaults (everything unset, service name "{name}-headless"). */
void d2s_options_init(struct d2s_options *o);
/** Free everything `o` owns (and its overrides). */
void d2s_options_free(struct d2s_options *o);
/** Deep copy of the conversion options of `src` into `dst` (run-time fields,
 *  files and overrides are not copied). */
void d2s_options_copy(struct d2s_options *dst, const struct d2s_options *src);

/** Set the option named by its long flag name (`pod-management-policy`, ...)
 *  to `value` (NULL for boolean flags = "true"). Validates the value.
 *  Returns 0, or -1 with a message naming the key and value in `err`
 *  (size `errlen`). Repeatable options append. */
int d2s_options_set(struct d2s_options *o, const char *key, const char *value,
		    char *err, size_t errlen);

/** True when `key` names a boolean option. */
int d2s_option_is_bool(const char *key);

/** Parse a `--volume-claim-template` value into `v` (fields owned by `v`).
 *  Returns 0 or -1 with message in err. */
int d2s_vct_parse(struct d2s_vct *v, const char *text, char *err, size_t errlen);
/** Free the strings of `v` and zero it. */
void d2s_vct_free(struct d2s_vct *v);

/** The options that apply to Deployment `name`: `o` itself, or the first
 *  override whose name glob matches. Never NULL; borrowed. */
const struct d2s_options *d2s_options_for(const struct d2s_options *o, const char *name);

/** True if `s` is a DNS-1123 label (RFC 1123: [a-z0-9]([-a-z0-9]*[a-z0-9])?)
 *  of at most `max` characters. */
int d2s_is_dns1123_label(const char *s, size_t max);
/** True if `s` is a DNS-1035 label ([a-z]([-a-z0-9]*[a-z0-9])?, <= 63). */
int d2s_is_dns1035_label(const char *s);

#endif

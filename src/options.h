/* options.h - the conversion model: what a StatefulSet is made from. Flags,
 * environment variables, the `--config` StatefulSetConversion and the KRM
 * functionConfig fill it through the option table (optable.h); this file
 * holds the struct, its life cycle and the validators of its values.
 * Field names follow the Kubernetes StatefulSet API
 * (https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/stateful-set-v1/). */
#ifndef D2S_OPTIONS_H
#define D2S_OPTIONS_H

#include <stddef.h>
#include "select.h"

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

/** Every conversion option. Unset numeric options are -1, unset strings NULL. */
struct d2s_options {
	struct d2s_selection sel;    /**< which Deployments (select.h) */
	int skip_unsupported;        /**< warn instead of error on non-apps/v1 */
	/* the StatefulSet */
	char *service_name;          /**< template, {name} and {namespace} expand */
	char *pod_management_policy; /**< OrderedReady | Parallel */
	char *update_strategy;       /**< RollingUpdate | OnDelete */
	char *recreate_as;           /**< RollingUpdate (default) | OnDelete */
	long partition;
	char *max_unavailable;       /**< N or P% */
	char *pvc_when_deleted, *pvc_when_scaled; /**< Retain | Delete */
	long ordinals_start, min_ready_seconds, revision_history_limit;
	/* the headless Service */
	int publish_not_ready_addresses;
	int no_headless_service;
	/* storage */
	struct d2s_vct *vcts;
	size_t n_vcts;
	int drop_absorbed_pvcs;
	char *migrate_data;          /**< --migrate-data: "clone", "snapshot=NAME" or NULL */
	char **shared_volumes;
	size_t n_shared_volumes;
	char **split_volumes;        /**< --split-volume: shared claims split per pod */
	size_t n_split_volumes;
	/* the stream */
	char *default_namespace;     /**< -n: namespace of objects without one (NULL: unknown) */
	/* the run */
	int require_conversion;      /**< --require-conversion (spec.requireConversion, top level
				      *   only): Deployments in the input and none converted is an
				      *   error, not a warning. In the model so that --config and a
				      *   functionConfig set it too */
	/* overrides */
	struct d2s_override *overrides;
	size_t n_overrides;
};

/** Fill `o` with defaults (everything unset, service name "{name}-headless"). */
void d2s_options_init(struct d2s_options *o);
/** Free everything `o` owns (and its overrides). */
void d2s_options_free(struct d2s_options *o);
/** Deep copy of the conversion options of `src` into `dst` (overrides are
 *  not copied). */
void d2s_options_copy(struct d2s_options *dst, const struct d2s_options *src);

/** Set the option named by its long flag name (`pod-management-policy`, ...)
 *  to `value` (NULL for boolean flags = "true"). Validates the value.
 *  Returns 0, or -1 with a message naming the key and value in `err`
 *  (size `errlen`). Repeatable options append. Run-time options (quiet,
 *  output, ...) are validated and ignored here. Implemented in optset.c
 *  from the option table. */
int d2s_options_set(struct d2s_options *o, const char *key, const char *value,
		    char *err, size_t errlen);

/** Parse a `--volume-claim-template` value into `v` (fields owned by `v`).
 *  Returns 0 or -1 with the reason (without the value) in err. */
int d2s_vct_parse(struct d2s_vct *v, const char *text, char *err, size_t errlen);
/** The smallest `size=` of a claim template: a claim below it is always a
 *  unit mistake (a plain number counts bytes, "m" is milli). */
#define D2S_VCT_MIN_SIZE "1Mi"

/** Check the fields of `v` (however filled). Returns 0, or -1 with *field
 *  set to the key at fault (`name`, `size`, `mountPath`, ...) and what it
 *  must be in `want` (size `wantlen`; for `size`, a phrase that follows the
 *  value, with the likely meant size: "has no unit, so it counts bytes
 *  (resource.Quantity); did you mean 10Gi?"). Rules: name is a DNS-1123
 *  label (PVC names, pkg/apis/core/validation ValidatePersistentVolumeClaim),
 *  size a resource.Quantity greater than zero (ValidatePersistentVolumeClaimSpec)
 *  with a suffix (binary or decimal SI, or an exponent such as 1e9) and at
 *  least D2S_VCT_MIN_SIZE, mountPath absolute
 *  (ValidateVolumeMounts), volumeMode Filesystem|Block, accessModes from
 *  the PersistentVolume access modes. */
int d2s_vct_check(const struct d2s_vct *v, const char **field, char *want, size_t wantlen);
/** Append `t` (moved: zeroed on return either way) to o->vcts. Returns 0,
 *  or -1 when a template of that name exists (t is freed). */
int d2s_options_add_vct(struct d2s_options *o, struct d2s_vct *t);
/** Parse `whenDeleted=Retain|Delete,whenScaled=Retain|Delete` into o.
 *  Returns 0 or -1 with the reason in err. */
int d2s_retention_parse(struct d2s_options *o, const char *text, char *err, size_t errlen);
/** True when `v` is a PVC retention value (Retain or Delete; apps/v1
 *  StatefulSetPersistentVolumeClaimRetentionPolicy). */
int d2s_is_retention(const char *v);
/** Free the strings of `v` and zero it. */
void d2s_vct_free(struct d2s_vct *v);

/** True when --shared-volume names pod volume `name` in `o`. */
int d2s_options_shared(const struct d2s_options *o, const char *name);
/** The --volume-claim-template named `name` in `o`, or NULL. */
const struct d2s_vct *d2s_options_vct(const struct d2s_options *o, const char *name);

/** True when --migrate-data copies data into the first replica's claim
 *  (clone or snapshot=NAME); false when unset or "none". */
int d2s_migrate_copies(const struct d2s_options *o);

/** The options that apply to Deployment `name`: `o` itself, or the first
 *  override whose name glob matches. Never NULL; borrowed. */
const struct d2s_options *d2s_options_for(const struct d2s_options *o, const char *name);

/** True if `s` is a DNS-1123 label (RFC 1123: [a-z0-9]([-a-z0-9]*[a-z0-9])?)
 *  of at most `max` characters. */
int d2s_is_dns1123_label(const char *s, size_t max);
/** True if `s` is a DNS-1035 label ([a-z]([-a-z0-9]*[a-z0-9])?, <= 63). */
int d2s_is_dns1035_label(const char *s);

#endif

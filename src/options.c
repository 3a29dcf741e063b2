/* options.c - the one options model: defaults, validation, copies. */
#include "options.h"
#include "buf.h"
#include "select.h"

#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *xstrdup(const char *s)
{
	return s ? d2s_check_alloc(strdup(s)) : NULL;
}

static void list_add(char ***v, size_t *n, const char *s)
{
	*v = d2s_check_alloc(realloc(*v, (*n + 1) * sizeof(**v)));
	(*v)[(*n)++] = xstrdup(s);
}

static void list_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void d2s_options_init(struct d2s_options *o)
{
	memset(o, 0, sizeof(*o));
	o->service_name = xstrdup("{name}-headless");
	o->partition = o->ordinals_start = o->min_ready_seconds = o->revision_history_limit = -1;
}

void d2s_vct_free(struct d2s_vct *v)
{
	free(v->name);
	free(v->mount_path);
	free(v->size);
	free(v->storage_class);
	free(v->access_modes);
	free(v->volume_mode);
	free(v->containers);
	memset(v, 0, sizeof(*v));
}

void d2s_options_free(struct d2s_options *o)
{
	list_free(o->only, o->n_only);
	list_free(o->exclude, o->n_exclude);
	free(o->selector);
	free(o->service_name);
	free(o->pod_management_policy);
	free(o->update_strategy);
	free(o->recreate_as);
	free(o->max_unavailable);
	free(o->pvc_when_deleted);
	free(o->pvc_when_scaled);
	for (size_t i = 0; i < o->n_vcts; i++)
		d2s_vct_free(&o->vcts[i]);
	free(o->vcts);
	list_free(o->shared_volumes, o->n_shared_volumes);
	for (size_t i = 0; i < o->n_overrides; i++) {
		free(o->overrides[i].name);
		d2s_options_free(o->overrides[i].opts);
		free(o->overrides[i].opts);
	}
	free(o->overrides);
	free(o->log_file);
	list_free(o->files, o->n_files);
	free(o->output);
	free(o->config);
	memset(o, 0, sizeof(*o));
}

static void vct_copy(struct d2s_vct *d, const struct d2s_vct *s)
{
	d->name = xstrdup(s->name);
	d->mount_path = xstrdup(s->mount_path);
	d->size = xstrdup(s->size);
	d->storage_class = xstrdup(s->storage_class);
	d->access_modes = xstrdup(s->access_modes);
	d->volume_mode = xstrdup(s->volume_mode);
	d->containers = xstrdup(s->containers);
}

void d2s_options_copy(struct d2s_options *d, const struct d2s_options *s)
{
	memset(d, 0, sizeof(*d));
	for (size_t i = 0; i < s->n_only; i++)
		list_add(&d->only, &d->n_only, s->only[i]);
	for (size_t i = 0; i < s->n_exclude; i++)
		list_add(&d->exclude, &d->n_exclude, s->exclude[i]);
	d->selector = xstrdup(s->selector);
	d->opt_in = s->opt_in;
	d->skip_unsupported = s->skip_unsupported;
	d->service_name = xstrdup(s->service_name);
	d->pod_management_policy = xstrdup(s->pod_management_policy);
	d->update_strategy = xstrdup(s->update_strategy);
	d->recreate_as = xstrdup(s->recreate_as);
	d->partition = s->partition;
	d->max_unavailable = xstrdup(s->max_unavailable);
	d->pvc_when_deleted = xstrdup(s->pvc_when_deleted);
	d->pvc_when_scaled = xstrdup(s->pvc_when_scaled);
	d->ordinals_start = s->ordinals_start;
	d->min_ready_seconds = s->min_ready_seconds;
	d->revision_history_limit = s->revision_history_limit;
	d->publish_not_ready_addresses = s->publish_not_ready_addresses;
	d->no_headless_service = s->no_headless_service;
	d->vcts = s->n_vcts ? d2s_check_alloc(calloc(s->n_vcts, sizeof(*d->vcts))) : NULL;
	for (size_t i = 0; i < s->n_vcts; i++)
		vct_copy(&d->vcts[i], &s->vcts[i]);
	d->n_vcts = s->n_vcts;
	d->drop_absorbed_pvcs = s->drop_absorbed_pvcs;
	for (size_t i = 0; i < s->n_shared_volumes; i++)
		list_add(&d->shared_volumes, &d->n_shared_volumes, s->shared_volumes[i]);
}

int d2s_is_dns1123_label(const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n == 0 || n > max)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		int ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
			 (c == '-' && i > 0 && i + 1 < n);
		if (!ok)
			return 0;
	}
	return 1;
}

int d2s_is_dns1035_label(const char *s)
{
	return d2s_is_dns1123_label(s, 63) && s[0] >= 'a' && s[0] <= 'z';
}

/* Non-negative integer that fits in a Kubernetes int32. */
static int parse_count(const char *v, long *out)
{
	if (!v || !*v)
		return -1;
	for (const char *p = v; *p; p++)
		if (!isdigit((unsigned char)*p))
			return -1;
	errno = 0;
	long n = strtol(v, NULL, 10);
	if (errno || n > 2147483647L)
		return -1;
	*out = n;
	return 0;
}

static int one_of(const char *v, const char *a, const char *b)
{
	return v && (strcmp(v, a) == 0 || strcmp(v, b) == 0);
}

static int bad(char *err, size_t errlen, const char *key, const char *value, const char *want)
{
	snprintf(err, errlen, "invalid value \"%s\" for %s: %s", value ? value : "", key, want);
	return -1;
}

/* Kubernetes quantity, loosely: digits with an optional fraction and suffix. */
static int is_quantity(const char *s)
{
	const char *p = s;
	if (!isdigit((unsigned char)*p))
		return 0;
	while (isdigit((unsigned char)*p) || *p == '.')
		p++;
	static const char *const sfx[] = { "", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei",
					   "k", "M", "G", "T", "P", "E", "m", NULL };
	for (int i = 0; sfx[i]; i++)
		if (strcmp(p, sfx[i]) == 0)
			return 1;
	return 0;
}

static int list_ok(const char *v, const char *a, const char *b, const char *c)
{
	char *copy = xstrdup(v), *save = NULL;
	int ok = 1, any = 0;
	for (char *t = strtok_r(copy, ";+", &save); t; t = strtok_r(NULL, ";+", &save)) {
		any = 1;
		if (strcmp(t, a) && strcmp(t, b) && strcmp(t, c) && strcmp(t, "ReadWriteOncePod"))
			ok = 0;
	}
	free(copy);
	return ok && any;
}

int d2s_vct_parse(struct d2s_vct *v, const char *text, char *err, size_t errlen)
{
	memset(v, 0, sizeof(*v));
	char *copy = xstrdup(text), *save = NULL;
	int rc = 0;
	for (char *kv = strtok_r(copy, ",", &save); kv && !rc; kv = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(kv, '=');
		if (!eq) {
			snprintf(err, errlen, "invalid value \"%s\" for volume-claim-template: "
				 "\"%s\" is not key=value", text, kv);
			rc = -1;
			break;
		}
		*eq = '\0';
		const char *k = kv, *val = eq + 1;
		char **slot = !strcmp(k, "name") ? &v->name
			: !strcmp(k, "mountPath") ? &v->mount_path
			: !strcmp(k, "size") || !strcmp(k, "storage") ? &v->size
			: !strcmp(k, "storageClassName") ? &v->storage_class
			: !strcmp(k, "accessModes") ? &v->access_modes
			: !strcmp(k, "volumeMode") ? &v->volume_mode
			: !strcmp(k, "containers") ? &v->containers : NULL;
		if (!slot) {
			snprintf(err, errlen, "invalid value \"%s\" for volume-claim-template: unknown key "
				 "\"%s\" (known: name, mountPath, size, storageClassName, accessModes, "
				 "volumeMode, containers)", text, k);
			rc = -1;
			break;
		}
		free(*slot);
		*slot = xstrdup(val);
	}
	free(copy);
	if (rc)
		goto fail;
	if (!v->name || !d2s_is_dns1123_label(v->name, 63)) {
		bad(err, errlen, "volume-claim-template", text,
			 "name= must be a DNS-1123 label (lower case letters, digits, '-', at most 63)");
		goto fail;
	}
	if (!v->size || !is_quantity(v->size)) {
		bad(err, errlen, "volume-claim-template", text,
			 "size= must be a storage quantity such as 1Gi");
		goto fail;
	}
	if (v->mount_path && (v->mount_path[0] != '/' || strpbrk(v->mount_path, "\n\r\t"))) {
		bad(err, errlen, "volume-claim-template", text, "mountPath= must be an absolute path");
		goto fail;
	}
	if (v->volume_mode && !one_of(v->volume_mode, "Filesystem", "Block")) {
		bad(err, errlen, "volume-claim-template", text, "volumeMode= must be Filesystem or Block");
		goto fail;
	}
	if (v->access_modes && !list_ok(v->access_modes, "ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany")) {
		bad(err, errlen, "volume-claim-template", text,
			 "accessModes= takes ReadWriteOnce, ReadOnlyMany, ReadWriteMany, ReadWriteOncePod "
			 "separated by ';' or '+'");
		goto fail;
	}
	if (v->storage_class && !d2s_is_dns1123_label(v->storage_class, 253) &&
	    strpbrk(v->storage_class, " \n\r\t:#\"'{}[]")) {
		bad(err, errlen, "volume-claim-template", text, "storageClassName= is not a valid name");
		goto fail;
	}
	if (v->containers && strpbrk(v->containers, " \n\r\t:#\"'{}[]")) {
		bad(err, errlen, "volume-claim-template", text,
			 "containers= takes container names or * separated by ';' or '+'");
		goto fail;
	}
	return 0;
fail:
	d2s_vct_free(v);
	return -1;
}

static int set_str(char **slot, const char *v)
{
	free(*slot);
	*slot = xstrdup(v);
	return 0;
}

static int set_count(long *slot, const char *key, const char *v, char *err, size_t errlen)
{
	if (parse_count(v, slot))
		return bad(err, errlen, key, v, "want a non-negative integer");
	return 0;
}

static int set_retention(struct d2s_options *o, const char *v, char *err, size_t errlen)
{
	char *copy = xstrdup(v), *save = NULL;
	int rc = 0;
	for (char *kv = strtok_r(copy, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(kv, '=');
		if (eq)
			*eq = '\0';
		const char *val = eq ? eq + 1 : NULL;
		if (!val || !one_of(val, "Retain", "Delete") ||
		    (strcmp(kv, "whenDeleted") && strcmp(kv, "whenScaled"))) {
			rc = bad(err, errlen, "pvc-retention-policy", v,
				 "want whenDeleted=Retain|Delete,whenScaled=Retain|Delete");
			break;
		}
		set_str(!strcmp(kv, "whenDeleted") ? &o->pvc_when_deleted : &o->pvc_when_scaled, val);
	}
	free(copy);
	return rc;
}

static int is_max_unavailable(const char *v)
{
	size_t n = strlen(v);
	if (n == 0)
		return 0;
	long k;
	if (v[n - 1] == '%') {
		char tmp[16];
		if (n > sizeof(tmp))
			return 0;
		memcpy(tmp, v, n - 1);
		tmp[n - 1] = '\0';
		return parse_count(tmp, &k) == 0 && k >= 1 && k <= 100;
	}
	return parse_count(v, &k) == 0 && k >= 1;
}

static const char *const bool_keys[] = {
	"opt-in", "skip-unsupported", "publish-not-ready-addresses", "no-headless-service",
	"drop-absorbed-pvcs", "quiet", "strict", "in-place", NULL
};

int d2s_option_is_bool(const char *key)
{
	for (int i = 0; bool_keys[i]; i++)
		if (!strcmp(key, bool_keys[i]))
			return 1;
	return 0;
}

static int set_bool(struct d2s_options *o, const char *key, const char *v, char *err, size_t errlen)
{
	int b;
	if (!v || !strcmp(v, "true") || !strcmp(v, "1") || !strcmp(v, "yes"))
		b = 1;
	else if (!strcmp(v, "false") || !strcmp(v, "0") || !strcmp(v, "no"))
		b = 0;
	else
		return bad(err, errlen, key, v, "want true or false");
	int *slot = !strcmp(key, "opt-in") ? &o->opt_in
		: !strcmp(key, "skip-unsupported") ? &o->skip_unsupported
		: !strcmp(key, "publish-not-ready-addresses") ? &o->publish_not_ready_addresses
		: !strcmp(key, "no-headless-service") ? &o->no_headless_service
		: !strcmp(key, "drop-absorbed-pvcs") ? &o->drop_absorbed_pvcs
		: !strcmp(key, "quiet") ? &o->quiet
		: !strcmp(key, "strict") ? &o->strict : &o->in_place;
	*slot = b;
	return 0;
}

static int set_service_name(struct d2s_options *o, const char *v, char *err, size_t errlen)
{
	/* the real name is checked (DNS-1035, <= 63) per Deployment; here only
	 * the characters: nothing that could change the YAML we write */
	int ok = *v != '\0';
	for (const char *p = v; ok && *p; p++) {
		if (!strncmp(p, "{name}", 6))
			p += 5;
		else if (!strncmp(p, "{namespace}", 11))
			p += 10;
		else if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
			ok = 0;
	}
	if (!ok)
		return bad(err, errlen, "service-name", v,
			   "want a DNS-1035 label template such as {name}-headless "
			   "(lower case letters, digits, '-', {name}, {namespace})");
	return set_str(&o->service_name, v);
}

int d2s_options_set(struct d2s_options *o, const char *key, const char *v,
		    char *err, size_t errlen)
{
	if (d2s_option_is_bool(key))
		return set_bool(o, key, v, err, errlen);
	if (!v)
		return bad(err, errlen, key, v, "a value is required");
	if (!strcmp(key, "only")) {
		list_add(&o->only, &o->n_only, v);
		return 0;
	}
	if (!strcmp(key, "exclude")) {
		list_add(&o->exclude, &o->n_exclude, v);
		return 0;
	}
	if (!strcmp(key, "selector")) {
		char e2[200];
		if (d2s_selector_check(v, e2, sizeof(e2)))
			return bad(err, errlen, key, v, e2);
		return set_str(&o->selector, v);
	}
	if (!strcmp(key, "service-name"))
		return set_service_name(o, v, err, errlen);
	if (!strcmp(key, "pod-management-policy")) {
		if (!one_of(v, "OrderedReady", "Parallel"))
			return bad(err, errlen, key, v, "want OrderedReady or Parallel");
		return set_str(&o->pod_management_policy, v);
	}
	if (!strcmp(key, "update-strategy") || !strcmp(key, "recreate-as")) {
		if (!one_of(v, "RollingUpdate", "OnDelete"))
			return bad(err, errlen, key, v, "want RollingUpdate or OnDelete");
		return set_str(key[0] == 'u' ? &o->update_strategy : &o->recreate_as, v);
	}
	if (!strcmp(key, "partition"))
		return set_count(&o->partition, key, v, err, errlen);
	if (!strcmp(key, "ordinals-start"))
		return set_count(&o->ordinals_start, key, v, err, errlen);
	if (!strcmp(key, "min-ready-seconds"))
		return set_count(&o->min_ready_seconds, key, v, err, errlen);
	if (!strcmp(key, "revision-history-limit"))
		return set_count(&o->revision_history_limit, key, v, err, errlen);
	if (!strcmp(key, "max-unavailable")) {
		if (!is_max_unavailable(v))
			return bad(err, errlen, key, v, "want a positive integer or a percentage 1%..100%");
		return set_str(&o->max_unavailable, v);
	}
	if (!strcmp(key, "pvc-retention-policy"))
		return set_retention(o, v, err, errlen);
	if (!strcmp(key, "volume-claim-template")) {
		struct d2s_vct t;
		if (d2s_vct_parse(&t, v, err, errlen))
			return -1;
		for (size_t i = 0; i < o->n_vcts; i++)
			if (!strcmp(o->vcts[i].name, t.name)) {
				d2s_vct_free(&t);
				return bad(err, errlen, key, v, "a claim template with this name is already given");
			}
		o->vcts = d2s_check_alloc(realloc(o->vcts, (o->n_vcts + 1) * sizeof(*o->vcts)));
		o->vcts[o->n_vcts++] = t;
		return 0;
	}
	if (!strcmp(key, "shared-volume")) {
		list_add(&o->shared_volumes, &o->n_shared_volumes, v);
		return 0;
	}
	if (!strcmp(key, "log-file"))
		return set_str(&o->log_file, v);
	if (!strcmp(key, "output"))
		return set_str(&o->output, v);
	if (!strcmp(key, "config"))
		return set_str(&o->config, v);
	if (!strcmp(key, "filename")) {
		list_add(&o->files, &o->n_files, v);
		return 0;
	}
	snprintf(err, errlen, "unknown option \"%s\"", key);
	return -1;
}

const struct d2s_options *d2s_options_for(const struct d2s_options *o, const char *name)
{
	for (size_t i = 0; name && i < o->n_overrides; i++)
		if (fnmatch(o->overrides[i].name, name, 0) == 0)
			return o->overrides[i].opts;
	return o;
}

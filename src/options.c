/* options.c - the conversion model (see options.h): defaults, copies,
 * and the validators of compound values (claim templates, retention). */
#include "options.h"
#include "buf.h"
#include "quantity.h"

#include <ctype.h>
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
	list_free(o->sel.only, o->sel.n_only);
	list_free(o->sel.exclude, o->sel.n_exclude);
	free(o->sel.selector);
	free(o->service_name);
	free(o->pod_management_policy);
	free(o->update_strategy);
	free(o->recreate_as);
	free(o->max_unavailable);
	free(o->migrate_data);
	free(o->pvc_when_deleted);
	free(o->pvc_when_scaled);
	for (size_t i = 0; i < o->n_vcts; i++)
		d2s_vct_free(&o->vcts[i]);
	free(o->vcts);
	list_free(o->shared_volumes, o->n_shared_volumes);
	list_free(o->split_volumes, o->n_split_volumes);
	free(o->default_namespace);
	for (size_t i = 0; i < o->n_overrides; i++) {
		free(o->overrides[i].name);
		d2s_options_free(o->overrides[i].opts);
		free(o->overrides[i].opts);
	}
	free(o->overrides);
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
	for (size_t i = 0; i < s->sel.n_only; i++)
		list_add(&d->sel.only, &d->sel.n_only, s->sel.only[i]);
	for (size_t i = 0; i < s->sel.n_exclude; i++)
		list_add(&d->sel.exclude, &d->sel.n_exclude, s->sel.exclude[i]);
	d->sel.selector = xstrdup(s->sel.selector);
	d->sel.opt_in = s->sel.opt_in;
	d->skip_unsupported = s->skip_unsupported;
	d->service_name = xstrdup(s->service_name);
	d->pod_management_policy = xstrdup(s->pod_management_policy);
	d->update_strategy = xstrdup(s->update_strategy);
	d->recreate_as = xstrdup(s->recreate_as);
	d->partition = s->partition;
	d->max_unavailable = xstrdup(s->max_unavailable);
	d->migrate_data = xstrdup(s->migrate_data);
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
	for (size_t i = 0; i < s->n_split_volumes; i++)
		list_add(&d->split_volumes, &d->n_split_volumes, s->split_volumes[i]);
	d->default_namespace = xstrdup(s->default_namespace);
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

/* A DNS-1123 subdomain: dot-separated DNS-1123 labels, at most 253
 * characters (k8s.io/apimachinery pkg/util/validation IsDNS1123Subdomain;
 * a StorageClass name is one: pkg/apis/core/validation ValidateClassName). */
static int is_dns1123_subdomain(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 253 || s[0] == '.' || s[n - 1] == '.' || strstr(s, ".."))
		return 0;
	char *copy = xstrdup(s), *save = NULL;
	int ok = 1;
	for (char *t = strtok_r(copy, ".", &save); t && ok; t = strtok_r(NULL, ".", &save))
		ok = d2s_is_dns1123_label(t, 253);
	free(copy);
	return ok;
}

static int one_of(const char *v, const char *a, const char *b)
{
	return v && (strcmp(v, a) == 0 || strcmp(v, b) == 0);
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

/* Store "key=value" of a --volume-claim-template text into v. */
static int vct_kv(struct d2s_vct *v, char *kv, char *err, size_t errlen)
{
	char *eq = strchr(kv, '=');
	if (!eq) {
		snprintf(err, errlen, "\"%s\" is not key=value", kv);
		return -1;
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
		snprintf(err, errlen, "unknown key \"%s\" (known: name, mountPath, size, storageClassName, "
			 "accessModes, volumeMode, containers)", k);
		return -1;
	}
	free(*slot);
	*slot = xstrdup(val);
	return 0;
}

/* A plain byte count that is a whole number of one unit, written with the
 * largest such unit ("1073741824" -> "1Gi", "5000000000" -> "5G") into buf;
 * 0 when it is not one (a fraction, too long, or no unit divides it). */
static int exact_unit(const char *number, size_t len, char *buf, size_t n)
{
	static const struct { const char *sfx; unsigned long long mul; } units[] = {
		{ "Ei", 1ULL << 60 }, { "E", 1000000000000000000ULL }, { "Pi", 1ULL << 50 },
		{ "P", 1000000000000000ULL }, { "Ti", 1ULL << 40 }, { "T", 1000000000000ULL },
		{ "Gi", 1ULL << 30 }, { "G", 1000000000ULL }, { "Mi", 1ULL << 20 }, { "M", 1000000ULL },
	};
	unsigned long long v = 0;
	if (len == 0 || len > 19)
		return 0;
	for (size_t i = 0; i < len; i++) {
		if (number[i] < '0' || number[i] > '9')
			return 0;
		v = v * 10 + (unsigned long long)(number[i] - '0');
	}
	for (size_t i = 0; v && i < sizeof(units) / sizeof(units[0]); i++)
		if (v % units[i].mul == 0) {
			snprintf(buf, n, "%llu%s", v / units[i].mul, units[i].sfx);
			return 1;
		}
	return 0;
}

/* The likely meant size for a `size=` below the minimum: the same number
 * with the first unit of `units` (NULL-ended) that is not `sfx` and reaches
 * D2S_VCT_MIN_SIZE, into buf; 0 when none does. */
static int likely_size(const struct d2s_quantity *q, const char *const *units, char *buf, size_t n)
{
	for (; *units; units++) {
		int cmp;
		if (!strcmp(*units, q->suffix))
			continue;
		snprintf(buf, n, "%.*s%s", (int)q->number_len, q->number, *units);
		if (d2s_quantity_cmp(buf, D2S_VCT_MIN_SIZE, &cmp) == 0 && cmp >= 0)
			return 1;
	}
	return 0;
}

/* size=: a resource.Quantity (k8s.io/apimachinery pkg/api/resource,
 * ParseQuantity) greater than zero (ValidatePersistentVolumeClaimSpec),
 * written with a unit suffix, and at least D2S_VCT_MIN_SIZE. A plain
 * number is a count of bytes and "m" means milli (10^-3) to Kubernetes, so
 * "10" or "100m" is a valid quantity that asks for 10 bytes or a tenth of
 * one byte: always a mistake for a volume, reported with the likely unit.
 * Returns 0, or -1 with what is wrong after the value in `want`. */
static int check_size(const char *size, char *want, size_t n)
{
	static const char *const for_plain[] = { "Gi", NULL }; /* values files: `size: 10` = 10Gi */
	static const char *const for_small[] = { "Mi", "Gi", NULL }; /* also m (milli) for M (mega) */
	struct d2s_quantity q;
	char likely[96];
	int cmp = 0;
	if (!size || d2s_quantity_split(size, &q) || q.sign <= 0) {
		snprintf(want, n, "must be a storage quantity greater than zero such as 1Gi");
		return -1;
	}
	int small = d2s_quantity_cmp(size, D2S_VCT_MIN_SIZE, &cmp) == 0 && cmp < 0;
	if (!*q.suffix) {
		int found = small ? likely_size(&q, for_plain, likely, sizeof(likely))
				  : exact_unit(q.number, q.number_len, likely, sizeof(likely));
		snprintf(want, n, "has no unit, so Kubernetes reads it as %s bytes; %s%s%s",
			 small ? size : "a count of", found ? "did you mean " : "write it with a unit such as Mi or Gi",
			 found ? likely : "", found ? "?" : "");
		return -1;
	}
	if (!small)
		return 0;
	int milli = !strcmp(q.suffix, "m");
	int exponent = q.suffix[0] == 'e' || q.suffix[0] == 'E';
	int found = !exponent && likely_size(&q, for_small, likely, sizeof(likely));
	snprintf(want, n, "is below the minimum of %s%s; %s%s%s", D2S_VCT_MIN_SIZE,
		 milli ? " (\"m\" means milli: a thousandth of a byte)" : "",
		 found ? "did you mean " : "give a size such as 1Gi", found ? likely : "", found ? "?" : "");
	return -1;
}

int d2s_vct_check(const struct d2s_vct *v, const char **field, char *want, size_t wantlen)
{
	const char *f = NULL, *w = NULL;
	if (!v->name || !d2s_is_dns1123_label(v->name, 63))
		f = "name", w = "must be a DNS-1123 label (lower case letters, digits, '-', at most 63)";
	else if (check_size(v->size, want, wantlen))
		f = "size";
	else if (v->mount_path && (v->mount_path[0] != '/' || strpbrk(v->mount_path, "\n\r\t")))
		f = "mountPath", w = "must be an absolute path";
	else if (v->volume_mode && !one_of(v->volume_mode, "Filesystem", "Block"))
		f = "volumeMode", w = "must be Filesystem or Block";
	else if (v->access_modes && !list_ok(v->access_modes, "ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany"))
		f = "accessModes", w = "takes ReadWriteOnce, ReadOnlyMany, ReadWriteMany, ReadWriteOncePod "
					 "separated by ';' or '+'";
	else if (v->storage_class && *v->storage_class && !is_dns1123_subdomain(v->storage_class))
		f = "storageClassName", w = "must be a DNS-1123 subdomain (lower case letters, digits, "
					    "'-', '.', at most 253), or empty for no class";
	else if (v->containers && strpbrk(v->containers, " \n\r\t:#\"'{}[]"))
		f = "containers", w = "takes container names or * separated by ';' or '+'";
	if (w)
		snprintf(want, wantlen, "%s", w);
	*field = f;
	return f ? -1 : 0;
}

int d2s_vct_parse(struct d2s_vct *v, const char *text, char *err, size_t errlen)
{
	memset(v, 0, sizeof(*v));
	char *copy = xstrdup(text), *save = NULL;
	int rc = 0;
	for (char *kv = strtok_r(copy, ",", &save); kv && !rc; kv = strtok_r(NULL, ",", &save))
		rc = vct_kv(v, kv, err, errlen);
	free(copy);
	const char *field;
	char want[400];
	if (!rc && d2s_vct_check(v, &field, want, sizeof(want))) {
		if (!strcmp(field, "size") && v->size)
			snprintf(err, errlen, "size=%s %s", v->size, want);
		else
			snprintf(err, errlen, "%s= %s", field, want);
		rc = -1;
	}
	if (rc)
		d2s_vct_free(v);
	return rc;
}

int d2s_options_add_vct(struct d2s_options *o, struct d2s_vct *t)
{
	for (size_t i = 0; i < o->n_vcts; i++)
		if (!strcmp(o->vcts[i].name, t->name)) {
			d2s_vct_free(t);
			return -1;
		}
	o->vcts = d2s_check_alloc(realloc(o->vcts, (o->n_vcts + 1) * sizeof(*o->vcts)));
	o->vcts[o->n_vcts++] = *t;
	memset(t, 0, sizeof(*t));
	return 0;
}

int d2s_is_retention(const char *v)
{
	return one_of(v, "Retain", "Delete");
}

int d2s_retention_parse(struct d2s_options *o, const char *v, char *err, size_t errlen)
{
	char *copy = xstrdup(v), *save = NULL;
	int rc = 0;
	for (char *kv = strtok_r(copy, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(kv, '=');
		if (eq)
			*eq = '\0';
		const char *val = eq ? eq + 1 : NULL;
		if (!val || !d2s_is_retention(val) ||
		    (strcmp(kv, "whenDeleted") && strcmp(kv, "whenScaled"))) {
			snprintf(err, errlen, "want whenDeleted=Retain|Delete,whenScaled=Retain|Delete");
			rc = -1;
			break;
		}
		char **slot = !strcmp(kv, "whenDeleted") ? &o->pvc_when_deleted : &o->pvc_when_scaled;
		free(*slot);
		*slot = xstrdup(val);
	}
	free(copy);
	return rc;
}

int d2s_options_shared(const struct d2s_options *o, const char *name)
{
	for (size_t i = 0; i < o->n_shared_volumes; i++)
		if (!strcmp(o->shared_volumes[i], name))
			return 1;
	return 0;
}

const struct d2s_vct *d2s_options_vct(const struct d2s_options *o, const char *name)
{
	for (size_t i = 0; i < o->n_vcts; i++)
		if (!strcmp(o->vcts[i].name, name))
			return &o->vcts[i];
	return NULL;
}

int d2s_migrate_copies(const struct d2s_options *o)
{
	return o->migrate_data && strcmp(o->migrate_data, "none");
}

const struct d2s_options *d2s_options_for(const struct d2s_options *o, const char *name)
{
	for (size_t i = 0; name && i < o->n_overrides; i++)
		if (fnmatch(o->overrides[i].name, name, 0) == 0)
			return o->overrides[i].opts;
	return o;
}

/* optable.h - the option table: every option of deploy2sts written once, in
 * the manner of git's parse-options.h (struct option + OPT_* macros,
 * https://github.com/git/git/blob/master/parse-options.h). Each entry gives
 * the long flag (also the ConfigMap functionConfig `data` key, as
 * `kpt fn eval --exec ... -- key=value` sends it), the short flag, the
 * StatefulSetConversion key path, the value kind, the target field
 * (offsetof), the help text; the environment variable name is derived
 * (DEPLOY2STS_ + upper-case long name, '-' -> '_').
 *
 * Consumers derive everything from d2s_optable: getopt_long's arrays and
 * --help (optdoc.c), shell completion (optdoc.c), the typed and ConfigMap
 * functionConfig readers (config.c), environment variables and value
 * setting (optset.c). Includes run one way: select.h <- options.h <-
 * optvalue.h <- optable.h <- config.h <- krm.h/main.c. */
#ifndef D2S_OPTABLE_H
#define D2S_OPTABLE_H

#include <stddef.h>
#include "options.h"
#include "optvalue.h"

/** Settings of one run that are not part of the conversion model. Strings
 *  owned; free with d2s_run_free. */
struct d2s_run {
	char **files;      /**< -f FILE..., '-' = stdin */
	size_t n_files;
	char *output;      /**< -o FILE or NULL (stdout) */
	int in_place;      /**< -i */
	int quiet, strict; /**< diagnostics */
	char *log_file;    /**< --log-file */
	char *config;      /**< --config FILE */
	char *report;      /**< --report FILE ('-' = stderr) or NULL */
	char *report_format; /**< --report-format yaml|json or NULL (by extension) */
};

/** Free what `r` owns and zero it. */
void d2s_run_free(struct d2s_run *r);

/** Value kinds. */
enum d2s_opt_kind {
	D2S_OPT_GROUP,    /**< not an option: a --help section title */
	D2S_OPT_BOOL,     /**< int 0/1; flag without value = true */
	D2S_OPT_STRING,   /**< char *, optional check */
	D2S_OPT_COUNT,    /**< long, non-negative Kubernetes int32 */
	D2S_OPT_ENUM,     /**< char *, one of `values` */
	D2S_OPT_LIST,     /**< char ** + size_t count, repeatable */
	D2S_OPT_CALLBACK, /**< parsed by `set` (text) and `load` (YAML) */
	D2S_OPT_ACTION,   /**< --help, --version, --completion: main acts */
};

/** Which struct `offset` points into. */
enum d2s_opt_scope { D2S_SCOPE_NONE, D2S_SCOPE_MODEL, D2S_SCOPE_RUN };

/** What an ACTION option asks main to do. */
enum d2s_opt_action { D2S_ACT_NONE, D2S_ACT_HELP, D2S_ACT_VERSION, D2S_ACT_COMPLETION };

/** Option flags. */
enum {
	D2S_OF_HIDDEN = 1,  /**< not in --help, docs or completion */
	D2S_OF_TOP = 2,     /**< config key only at spec level, not in spec.overrides[] */
	D2S_OF_FILE = 4,    /**< value is a file name (completion) */
	D2S_OF_INVERT = 8,  /**< config boolean is the negation of the flag */
	D2S_OF_LABELS = 16, /**< config value is a label map, joined k=v,... */
	D2S_OF_REPEAT = 32, /**< CALLBACK that appends (reset clears it) */
};

/** Extra check of a STRING value: 0, or -1 with what is wanted in `want`. */
typedef int d2s_opt_check_fn(const char *value, char *want, size_t wantlen);

/** One option. Unused members are 0/NULL. */
struct d2s_option {
	const char *name;              /**< long flag; ConfigMap key; NULL for GROUP */
	int short_name;                /**< short flag or 0 */
	enum d2s_opt_kind kind;
	enum d2s_opt_scope scope;
	size_t offset;                 /**< target field in d2s_options / d2s_run */
	size_t count_offset;           /**< LIST: its size_t count */
	const char *const *values;     /**< ENUM (and ACTION argument) values, NULL-ended */
	d2s_opt_check_fn *check;       /**< STRING: extra validation */
	d2s_opt_set_fn *set;           /**< CALLBACK: text form */
	d2s_opt_load_fn *load;         /**< CALLBACK: YAML form */
	void (*reset)(void *base);     /**< CALLBACK with D2S_OF_REPEAT: clear */
	const char *path;              /**< StatefulSetConversion key path or NULL */
	const char *path_aux;          /**< sibling key path that `load` also reads */
	const char *arg;               /**< value name in --help (ENUM: derived) */
	const char *help;              /**< --help text; GROUP: the title */
	const char *env_legacy;        /**< older environment variable, or NULL */
	enum d2s_opt_action action;
	unsigned flags;                /**< D2S_OF_* */
};

/** Target in the conversion model / in the run struct. */
#define D2S_MODEL(f) .scope = D2S_SCOPE_MODEL, .offset = offsetof(struct d2s_options, f)
#define D2S_RUN(f) .scope = D2S_SCOPE_RUN, .offset = offsetof(struct d2s_run, f)

/** A --help section title. */
#define OPT_GROUP(title) { .kind = D2S_OPT_GROUP, .help = (title) }
/** Boolean: `where` is D2S_MODEL(field) or D2S_RUN(field). Extra designated
 *  members (.flags, .env_legacy, ...) may follow `help` in all OPT_*. */
#define OPT_BOOL(l, s, where, p, h, ...) \
	{ .name = (l), .short_name = (s), .kind = D2S_OPT_BOOL, where, .path = (p), .help = (h), __VA_ARGS__ }
/** String value with an optional check function. */
#define OPT_STRING(l, s, where, p, a, chk, h, ...) \
	{ .name = (l), .short_name = (s), .kind = D2S_OPT_STRING, where, .path = (p), .arg = (a), \
	  .check = (chk), .help = (h), __VA_ARGS__ }
/** Non-negative int32 into a long. */
#define OPT_COUNT(l, s, where, p, h, ...) \
	{ .name = (l), .short_name = (s), .kind = D2S_OPT_COUNT, where, .path = (p), .arg = "N", \
	  .help = (h), __VA_ARGS__ }
/** One of `vals` (a NULL-ended array). */
#define OPT_ENUM(l, s, where, p, vals, h, ...) \
	{ .name = (l), .short_name = (s), .kind = D2S_OPT_ENUM, where, .path = (p), .values = (vals), \
	  .help = (h), __VA_ARGS__ }
/** Repeatable string: `where` names the char ** field, `cnt` its count. */
#define OPT_LIST(l, s, where, cnt, p, a, h, ...) \
	{ .name = (l), .short_name = (s), .kind = D2S_OPT_LIST, where, .count_offset = (cnt), \
	  .path = (p), .arg = (a), .help = (h), __VA_ARGS__ }
/** Parsed by callbacks: `st` from text, `ld` from YAML. */
#define OPT_CALLBACK(l, s, p, a, st, ld, h, ...) \
	{ .name = (l), .short_name = (s), .kind = D2S_OPT_CALLBACK, .scope = D2S_SCOPE_MODEL, \
	  .path = (p), .arg = (a), .set = (st), .load = (ld), .help = (h), __VA_ARGS__ }
/** Handled by main (help, version, completion). */
#define OPT_ACTION(l, s, act, h, ...) \
	{ .name = (l), .short_name = (s), .kind = D2S_OPT_ACTION, .action = (act), .help = (h), __VA_ARGS__ }

/** The table, ended by an entry with kind GROUP and help NULL. */
extern const struct d2s_option d2s_optable[];

/** Parse a non-negative Kubernetes int32 (decimal digits only) into *out.
 *  Returns 0 or -1. */
int d2s_opt_parse_count(const char *v, long *out);
/** The option with long name `name`, or NULL. */
const struct d2s_option *d2s_opt_find(const char *name);
/** The option with short name `c`, or NULL. */
const struct d2s_option *d2s_opt_find_short(int c);
/** The option that sets field `offset` of struct d2s_run (its name for a
 *  message), or NULL. */
const struct d2s_option *d2s_opt_find_run(size_t offset);
/** True when the option takes a value on the command line. */
int d2s_opt_takes_value(const struct d2s_option *opt);
/** The environment variable of `opt` into buf: DEPLOY2STS_ + upper-cased
 *  long name with '-' -> '_'. Returns buf. */
char *d2s_opt_env_name(const struct d2s_option *opt, char *buf, size_t len);

/** Set `opt` to `value` (NULL for a boolean flag = true) in `o` or `r` by
 *  its scope (either may be NULL when the scope is the other). LIST and
 *  repeatable CALLBACK options append. Returns 0, or -1 with
 *  `invalid value "V" for NAME: want ...` in err. */
int d2s_opt_set(const struct d2s_option *opt, struct d2s_options *o, struct d2s_run *r,
		const char *value, char *err, size_t errlen);
/** Empty a repeatable option (so that a higher source replaces a lower one). */
void d2s_opt_reset(const struct d2s_option *opt, struct d2s_options *o, struct d2s_run *r);

/** Options as (long name, value) pairs, in the order given (flags, or
 *  environment variables). Strings owned. */
struct d2s_pairs {
	char **keys, **vals;   /**< vals[i] NULL for boolean flags */
	size_t n;
};
/** Append `key` with `val` (NULL for a boolean flag); both copied. */
void d2s_pairs_add(struct d2s_pairs *p, const char *key, const char *val);
/** Free every pair and zero `p`. */
void d2s_pairs_free(struct d2s_pairs *p);
/** The last value given for `key` ("true" for a bare boolean), or NULL. */
const char *d2s_pairs_get(const struct d2s_pairs *p, const char *key);
/** Apply pairs over `o` and over every override in it: a repeatable option
 *  in `p` replaces the list already there. Run-time keys are checked and
 *  ignored. Returns 0 or -1 with err. */
int d2s_pairs_apply(const struct d2s_pairs *p, struct d2s_options *o, char *err, size_t errlen);
/** Apply the run-time keys of `p` to `r` (same replacing rule). */
int d2s_pairs_apply_run(const struct d2s_pairs *p, struct d2s_run *r, char *err, size_t errlen);
/** Merge: every option in `hi` (flags) keeps its values; options only in
 *  `lo` (environment) come from `lo`. Result appended to `out`. */
void d2s_pairs_merge(struct d2s_pairs *out, const struct d2s_pairs *hi, const struct d2s_pairs *lo);

/** Read every option's environment variable (d2s_opt_env_name, then its
 *  env_legacy name) into `out` with `getenv`-style lookup `get` (NULL =
 *  getenv). Empty variables are unset. Repeatable options take one value
 *  per line. Each value is validated; returns 0, or -1 with
 *  `environment DEPLOY2STS_X: invalid value ...` in err. */
int d2s_env_pairs(struct d2s_pairs *out, const char *(*get)(const char *), char *err, size_t errlen);

#endif

/* optdoc.h - what the option table (optable.h) shows to people and
 * shells: getopt_long(3) arrays, --help, and bash/zsh completion scripts
 * (bash: "Programmable Completion" in the Bash manual; zsh: _arguments in
 * zshcompsys(1)). */
#ifndef D2S_OPTDOC_H
#define D2S_OPTDOC_H

#include <getopt.h>
#include <stdio.h>
#include "optable.h"

/** getopt_long value of options without a short flag: D2S_OPT_VAL + index. */
#define D2S_OPT_VAL 256

/** Fill `longs` (room for `max` entries, NULL-ended) and `shorts` (room for
 *  `slen` bytes, starting with ':') from the table. Returns 0, or -1 when
 *  either is too small. */
int d2s_opt_getopt(struct option *longs, size_t max, char *shorts, size_t slen);
/** The option a getopt_long return value `c` stands for, or NULL. */
const struct d2s_option *d2s_opt_from_getopt(int c);
/** Print --help to `out`. */
void d2s_opt_help(FILE *out);
/** Print the completion script for `shell` ("bash" or "zsh") to `out`.
 *  Returns 0, or -1 for another shell. */
int d2s_opt_completion(FILE *out, const char *shell);

#endif

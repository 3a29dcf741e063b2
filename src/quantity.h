/* quantity.h - convert stage helper: the syntax of a Kubernetes
 * resource.Quantity (k8s.io/apimachinery/pkg/api/resource/quantity.go,
 * ParseQuantity), for storage sizes given on the command line
 * (--volume-claim-template size=) and read from PersistentVolumeClaims.
 *
 *   <quantity>     ::= <signedNumber><suffix>
 *   <signedNumber> ::= <number> | <sign><number>      <sign> ::= "+" | "-"
 *   <number>       ::= <digits> | <digits>.<digits> | <digits>. | .<digits>
 *   <suffix>       ::= <binarySI> | <decimalExponent> | <decimalSI>
 *   <binarySI>     ::= Ki | Mi | Gi | Ti | Pi | Ei
 *   <decimalSI>    ::= m | "" | k | M | G | T | P | E
 *   <decimalExponent> ::= "e" <signed integer> | "E" <signed integer>
 *
 * d2s_quantity_parse checks only the syntax and the sign; d2s_quantity_cmp
 * compares two values exactly (no floating point), as resource.Quantity's
 * Cmp does: the suffix scales the number by 10^-3 (m) .. 10^18 (E), by
 * 2^10 (Ki) .. 2^60 (Ei), or by 10^N (eN). */
#ifndef D2S_QUANTITY_H
#define D2S_QUANTITY_H

#include <stddef.h>

/** Parse `s` (NUL-terminated, no surrounding blanks) as a quantity.
 *  Returns 0 when it is one, with *sign set to -1 (negative), 0 (zero,
 *  also "-0" and "0.000Gi") or 1 (positive); -1 when it is not (empty,
 *  blanks, no digit, unknown suffix, an exponent without digits). `sign`
 *  may be NULL. */
int d2s_quantity_parse(const char *s, int *sign);

/** True when `s` is a quantity greater than zero, as a PersistentVolumeClaim's
 *  spec.resources.requests.storage must be (pkg/apis/core/validation/
 *  validation.go, ValidatePersistentVolumeClaimSpec: "must be greater than
 *  zero"). */
int d2s_quantity_positive(const char *s);

/** The parts of a quantity as written (pointers into the parsed string). */
struct d2s_quantity {
	int sign;             /**< -1, 0 or 1 */
	const char *number;   /**< the number without its sign, e.g. "1.5" of "-1.5Gi" */
	size_t number_len;    /**< its length */
	const char *suffix;   /**< the suffix, "" when none (the value is then in bytes) */
};

/** Split `s` into its parts. Returns 0, or -1 when `s` is not a quantity
 *  (d2s_quantity_parse); `q` is filled only on success. */
int d2s_quantity_split(const char *s, struct d2s_quantity *q);

/** Compare the values of quantities `a` and `b` exactly, whatever their
 *  suffixes ("1Mi" equals "1048576", "1.048576M" and "1048576e0"; "1M"
 *  is less than "1Mi"). Returns 0 with *cmp < 0, 0 or > 0 as a is less
 *  than, equal to or greater than b; -1 when either is not a quantity. */
int d2s_quantity_cmp(const char *a, const char *b, int *cmp);

#endif

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
 * Only the syntax and the sign are checked, not the range (no value is
 * computed). */
#ifndef D2S_QUANTITY_H
#define D2S_QUANTITY_H

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

#endif

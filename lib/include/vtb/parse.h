/* Strict number parsing for command-line values and data fields: the whole
 * string must be a number (no sign on unsigned values, no trailing text, no
 * overflow), so "12x", "-1" or "" are errors instead of silent 0s. Callers
 * turn a -1 into a one-line usage or input error (vtb/err.h). */
#ifndef VTB_PARSE_H
#define VTB_PARSE_H
#include <stddef.h>
#include <stdint.h>

/* Base 10 only, or base 0 (C rules: 0x.. hex, 0.. octal) with
 * vtb_parse_u64_base. 0, or -1 with *out untouched. */
int vtb_parse_u64(const char *s, uint64_t *out);
int vtb_parse_u64_base(const char *s, int base, uint64_t *out);
/* Signed decimal integer. */
int vtb_parse_i64(const char *s, int64_t *out);
/* A finite double (strtod syntax). */
int vtb_parse_double(const char *s, double *out);
/* The same for a field that is not NUL-terminated (a CSV cell, a protocol
 * field): s[0..len). The unsigned one takes decimal digits only. */
int vtb_parse_u64_n(const char *s, size_t len, uint64_t *out);
int vtb_parse_i64_n(const char *s, size_t len, int64_t *out);
int vtb_parse_double_n(const char *s, size_t len, double *out);

#endif

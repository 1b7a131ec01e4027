#include "vtb/parse.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int vtb_parse_u64_base(const char *s, int base, uint64_t *out)
{
	char *end;

	/* strtoumax accepts leading blanks and a '-' (negating modulo 2^64). */
	if (!s || !isdigit((unsigned char)s[0]))
		return -1;
	errno = 0;
	uintmax_t v = strtoumax(s, &end, base);
	if (errno || *end || v > UINT64_MAX)
		return -1;
	*out = (uint64_t)v;
	return 0;
}

int vtb_parse_u64(const char *s, uint64_t *out)
{
	return vtb_parse_u64_base(s, 10, out);
}

int vtb_parse_i64(const char *s, int64_t *out)
{
	char *end;

	if (!s || !*s || isspace((unsigned char)s[0]))
		return -1;
	errno = 0;
	intmax_t v = strtoimax(s, &end, 10);
	if (errno || *end || end == s || v < INT64_MIN || v > INT64_MAX)
		return -1;
	*out = (int64_t)v;
	return 0;
}

int vtb_parse_double(const char *s, double *out)
{
	char *end;

	if (!s || !*s || isspace((unsigned char)s[0]))
		return -1;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || *end || end == s || !isfinite(v))
		return -1;
	*out = v;
	return 0;
}

/* Copies s[0..len) to a NUL-terminated buffer; the longest valid field
 * (a double in exponent notation with 17 digits) fits easily. */
static int field(const char *s, size_t len, char *buf, size_t size)
{
	if (len == 0 || len >= size)
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return 0;
}

int vtb_parse_u64_n(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;

	/* Digit by digit, no copy: the protocol reader calls this for every
	 * sample of a 10^6-sample report. */
	if (len == 0)
		return -1;
	for (size_t i = 0; i < len; i++) {
		unsigned d = (unsigned char)s[i] - '0';
		if (d > 9)
			return -1;
		if (v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

int vtb_parse_i64_n(const char *s, size_t len, int64_t *out)
{
	char buf[32];

	return field(s, len, buf, sizeof buf) ? -1 : vtb_parse_i64(buf, out);
}

int vtb_parse_double_n(const char *s, size_t len, double *out)
{
	char buf[64];

	return field(s, len, buf, sizeof buf) ? -1 : vtb_parse_double(buf, out);
}

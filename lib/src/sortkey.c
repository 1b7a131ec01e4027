#include "vtb/sortkey.h"

#include <string.h>

#define SIGN 0x8000000000000000ULL

uint64_t vtb_sortkey_of_double(double d)
{
	uint64_t u;

	d += 0.0; /* -0.0 -> +0.0: equal values get equal keys */
	memcpy(&u, &d, sizeof u);
	/* Negatives: flip every bit so larger magnitudes sort lower;
	 * positives: set the sign bit so they sort above every negative. */
	return (u & SIGN) ? ~u : (u | SIGN);
}

double vtb_double_of_sortkey(uint64_t k)
{
	uint64_t u = (k & SIGN) ? (k & ~SIGN) : ~k;
	double d;

	memcpy(&d, &u, sizeof d);
	return d + 0.0; /* a search may land on -0.0's key: report +0.0 */
}

/* An order-preserving unsigned image of a double, for radix sorting samples
 * and for binary search over the doubles themselves (vtb-compare's sort and
 * its Hodges-Lehmann search): one definition, so both agree on ties.
 *
 * Policy (docs/comparison-statistics.md, "Sorting"):
 * - -0.0 and +0.0 are one value: both map to +0.0's key, and the key just
 *   below it (the image of -0.0's bits) maps back to +0.0, so no result is
 *   ever printed as "-0".
 * - negatives order below positives, as numbers do; +inf and -inf are the
 *   ends of the number line.
 * - a NaN orders by its sign bit: +NaN above +inf, -NaN below -inf (the
 *   sample loaders reject NaN; this only makes the order total). */
#ifndef VTB_SORTKEY_H
#define VTB_SORTKEY_H
#include <stdint.h>

uint64_t vtb_sortkey_of_double(double d);
double vtb_double_of_sortkey(uint64_t k);

#endif

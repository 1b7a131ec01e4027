/* vtb/sortkey.h: the order and the -0.0 / NaN policy it documents. */
#include "vtb/sortkey.h"
#include "vtb/test.h"
#include "suites.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

static uint64_t bits(double d)
{
	uint64_t u;
	memcpy(&u, &d, sizeof u);
	return u;
}

static void test_sortkey_orders_like_numbers(void)
{
	const double v[] = { -INFINITY, -1e300, -2.5, -1.0, -1e-300, 0.0, 1e-300, 1.0, 2.5, 1e300, INFINITY };
	for (size_t i = 1; i < sizeof v / sizeof v[0]; i++)
		CHECK(vtb_sortkey_of_double(v[i - 1]) < vtb_sortkey_of_double(v[i]));
}

static void test_sortkey_round_trips(void)
{
	const double v[] = { -INFINITY, -3.25, -1e-310, 0.0, 5e-324, 7.0, 1e308, INFINITY };
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
		CHECK(bits(vtb_double_of_sortkey(vtb_sortkey_of_double(v[i]))) == bits(v[i]));
}

static void test_sortkey_negative_zero_is_zero(void)
{
	CHECK(vtb_sortkey_of_double(-0.0) == vtb_sortkey_of_double(0.0));
	/* The key just below +0.0's is -0.0's bit image; it decodes to +0.0. */
	uint64_t below = vtb_sortkey_of_double(0.0) - 1;
	CHECK(bits(vtb_double_of_sortkey(below)) == bits(0.0));
	CHECK(!signbit(vtb_double_of_sortkey(vtb_sortkey_of_double(-0.0))));
}

static void test_sortkey_nan_by_sign(void)
{
	CHECK(vtb_sortkey_of_double(NAN) > vtb_sortkey_of_double(INFINITY));
	CHECK(vtb_sortkey_of_double(-NAN) < vtb_sortkey_of_double(-INFINITY));
	CHECK(isnan(vtb_double_of_sortkey(vtb_sortkey_of_double(NAN))));
}

void test_sortkey_suite(void)
{
	RUN(test_sortkey_orders_like_numbers);
	RUN(test_sortkey_round_trips);
	RUN(test_sortkey_negative_zero_is_zero);
	RUN(test_sortkey_nan_by_sign);
}

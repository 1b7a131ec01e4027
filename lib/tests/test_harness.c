/* The harness itself: the checks pass on what is true. (Known-failure
 * accounting is exercised by the correctness matrix's real TODO points.) */
#include "vtb/test.h"
#include "suites.h"

static void test_check_passes(void) { CHECK(1 + 1 == 2); CHECK_STR("a", "a"); CHECK_NEAR(0.1 + 0.2, 0.3, 1e-12); }

void test_harness_suite(void)
{
	RUN(test_check_passes);
}

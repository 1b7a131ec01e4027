/* libvtb's test program: each tests/test_*.c adds a suite function here. */
#include "vtb/test.h"
#include "suites.h"

int main(void)
{
	test_harness_suite();
	return vtb_test_done();
}

/* libvtb's test program: each tests/test_*.c adds a suite function here. */
#include "vtb/test.h"
#include "suites.h"

int main(void)
{
	test_harness_suite();
	test_sortkey_suite();
	test_parse_suite();
	test_trace_vocab_suite();
	test_err_suite();
	test_read_file_suite();
	test_stationarity_suite();
	test_str_suite();
	return vtb_test_done();
}

/* vtb-compare's unit tests: one TAP test point per test function. */
#include "fixture.h"

int main(int argc, char **argv)
{
	h_tool = argc > 1 ? argv[1] : "../bin/vtb-compare";
	RUN(test_distrib);
	RUN(test_quantile);
	RUN(test_rank);
	RUN(test_bootstrap);
	RUN(test_bootstrap_exact_law);
	RUN(test_spread);
	RUN(test_samples);
	RUN(test_verdict);
	RUN(test_boot_level_basics);
	RUN(test_boot_level_calibration);
	RUN(test_variance_components);
	RUN(test_cli);
	RUN(test_cli_boots);
	h_tmpdir_cleanup();
	return vtb_test_done();
}

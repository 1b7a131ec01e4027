/* vtb-analyze's unit tests: every suite, then the TAP plan and summary. */
#include "unit.h"

int main(int argc, char **argv)
{
	protocol_tests();
	stats_tests();
	writer_tests();
	cli_tests(argc > 1 ? argv[1] : "bin/vtb-analyze");
	return vtb_test_done();
}

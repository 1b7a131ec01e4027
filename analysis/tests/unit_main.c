#include "unit.h"

int unit_cur_failed;
static int passed, failed;

void unit_run(const char *name, void (*fn)(void))
{
	unit_cur_failed = 0;
	fn();
	if (unit_cur_failed) {
		failed++;
		printf("FAIL %s\n", name);
	} else {
		passed++;
		printf("ok   %s\n", name);
	}
	fflush(stdout);
}

int unit_report(void)
{
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}

int main(int argc, char **argv)
{
	protocol_tests();
	stats_tests();
	writer_tests();
	cli_tests(argc > 1 ? argv[1] : "bin/vtb-analyze");
	return unit_report();
}

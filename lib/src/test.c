/* TAP producer behind vtb/test.h. */
#include "vtb/test.h"

#include <stdarg.h>

static int n_run, n_pass, n_fail, n_skip;
static int cur_failed;
static const char *cur_skip, *cur_xfail;

void vtb_test_fail_at(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	cur_failed = 1;
	printf("# %s:%d: ", file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

void vtb_test_skip(const char *why) { cur_skip = why; }
void vtb_test_xfail(const char *why) { cur_xfail = why; }

void vtb_test_run(const char *name, void (*fn)(void))
{
	cur_failed = 0;
	cur_skip = cur_xfail = NULL;
	fflush(stdout);
	fn();
	n_run++;
	if (cur_skip && !cur_failed) {
		n_skip++;
		printf("ok %d - %s # SKIP %s\n", n_run, name, cur_skip);
	} else if (cur_xfail) {
		/* A known failure that failed is expected; one that passed is news. */
		if (cur_failed) {
			n_pass++;
			printf("not ok %d - %s # TODO %s\n", n_run, name, cur_xfail);
		} else {
			n_fail++;
			printf("not ok %d - %s # unexpected pass of a known failure: %s\n",
			       n_run, name, cur_xfail);
		}
	} else if (cur_failed) {
		n_fail++;
		printf("not ok %d - %s\n", n_run, name);
	} else {
		n_pass++;
		printf("ok %d - %s\n", n_run, name);
	}
	fflush(stdout);
}

int vtb_test_done(void)
{
	printf("1..%d\n", n_run);
	printf("%d passed, %d failed, %d skipped\n", n_pass, n_fail, n_skip);
	return n_fail ? 1 : 0;
}

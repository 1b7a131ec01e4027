/* vtb/err.h: one line, "prog: message", and the usage exit code. */
#define _POSIX_C_SOURCE 200809L
#include "vtb/err.h"
#include "vtb/test.h"
#include "suites.h"

#include <stdio.h>
#include <unistd.h>

/* Runs fn with stderr sent to a temporary file; returns what it printed. */
static void capture(void (*fn)(void), char *buf, size_t size)
{
	FILE *tmp = tmpfile();
	int saved = dup(2);
	fflush(stderr);
	dup2(fileno(tmp), 2);
	fn();
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(tmp);
	size_t n = fread(buf, 1, size - 1, tmp);
	buf[n] = '\0';
	fclose(tmp);
}

static int usage_rc;
static void print_err(void) { vtb_set_prog("vtb-x"); vtb_err("%s: %d bad", "f", 3); }
static void print_usage(void) { vtb_set_prog("vtb-x"); usage_rc = vtb_usage_error("bad --n"); }

static void test_err_one_line(void)
{
	char buf[128];
	capture(print_err, buf, sizeof buf);
	CHECK_STR(buf, "vtb-x: f: 3 bad\n");
	CHECK_STR(vtb_prog(), "vtb-x");
}

static void test_err_usage_is_2(void)
{
	char buf[128];
	capture(print_usage, buf, sizeof buf);
	CHECK_STR(buf, "vtb-x: bad --n (try --help)\n");
	CHECK(usage_rc == 2 && VTB_EXIT_USAGE == 2);
}

void test_err_suite(void)
{
	RUN(test_err_one_line);
	RUN(test_err_usage_is_2);
}

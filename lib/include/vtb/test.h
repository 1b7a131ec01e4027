/* The project's one unit-test harness: every C test suite uses it, so every
 * suite counts the same thing (a test is one function) and speaks TAP, which
 * tests/run-all.sh reads (docs/conventions.md, "Tests").
 *
 *   static void test_parse_ok(void) { CHECK(parse("1") == 1); }
 *   int main(void) { RUN(test_parse_ok); return vtb_test_done(); }
 *
 * CHECK records a failure and keeps going, so one run shows every broken
 * assertion of a test; the diagnostics go to stdout as TAP comments. */
#ifndef VTB_TEST_H
#define VTB_TEST_H

#include <stdio.h>
#include <string.h>

void vtb_test_fail_at(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Runs fn as one TAP test point named name. */
void vtb_test_run(const char *name, void (*fn)(void));
/* The current test is skipped (TAP "# SKIP why"), e.g. a tool is missing. */
void vtb_test_skip(const char *why);
/* The current test is a known failure (TAP "# TODO why"): it is run and
 * reported, and a pass is reported as an unexpected pass, not hidden. */
void vtb_test_xfail(const char *why);
/* Prints the plan and "N passed, N failed, N skipped"; the exit status. */
int vtb_test_done(void);

#define RUN(fn) vtb_test_run(#fn, fn)

#define CHECK(c) do { \
	if (!(c)) \
		vtb_test_fail_at(__FILE__, __LINE__, "CHECK(%s) failed", #c); \
} while (0)

/* CHECK with a printf-style explanation of the failure. */
#define CHECK_MSG(c, ...) do { \
	if (!(c)) \
		vtb_test_fail_at(__FILE__, __LINE__, "CHECK(" #c ") failed: " __VA_ARGS__); \
} while (0)

#define CHECK_STR(a, b) do { \
	const char *a_ = (a), *b_ = (b); \
	if (!a_ || !b_ || strcmp(a_, b_) != 0) \
		vtb_test_fail_at(__FILE__, __LINE__, "\"%s\" != \"%s\"", \
				 a_ ? a_ : "(null)", b_ ? b_ : "(null)"); \
} while (0)

/* |a-b| <= eps */
#define CHECK_NEAR(a, b, eps) do { \
	double a_ = (a), b_ = (b); \
	if (!(a_ - b_ <= (eps) && b_ - a_ <= (eps))) \
		vtb_test_fail_at(__FILE__, __LINE__, "%s = %.17g, want %.17g", \
				 #a, a_, b_); \
} while (0)

#endif

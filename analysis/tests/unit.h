/* A minimal test runner: each test is a function; CHECK records a failure and
 * keeps going so one run shows every broken assertion. Last line of output:
 * "N passed, N failed" (tests, not assertions). */
#ifndef VTB_UNIT_H
#define VTB_UNIT_H

#include <stdio.h>
#include <string.h>

extern int unit_cur_failed;

#define CHECK(c) do { \
	if (!(c)) { \
		unit_cur_failed = 1; \
		fprintf(stderr, "  %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #c); \
	} \
} while (0)

#define CHECK_STR(a, b) do { \
	const char *a_ = (a), *b_ = (b); \
	if (!a_ || !b_ || strcmp(a_, b_) != 0) { \
		unit_cur_failed = 1; \
		fprintf(stderr, "  %s:%d: \"%s\" != \"%s\"\n", __FILE__, __LINE__, \
			a_ ? a_ : "(null)", b_ ? b_ : "(null)"); \
	} \
} while (0)

/* |a-b| <= eps */
#define CHECK_NEAR(a, b, eps) do { \
	double a_ = (a), b_ = (b); \
	if (!(a_ - b_ <= (eps) && b_ - a_ <= (eps))) { \
		unit_cur_failed = 1; \
		fprintf(stderr, "  %s:%d: %s = %.17g, want %.17g\n", __FILE__, __LINE__, \
			#a, a_, b_); \
	} \
} while (0)

#define RUN(fn) unit_run(#fn, fn)

void unit_run(const char *name, void (*fn)(void));
int unit_report(void);  /* prints the last line; returns the exit status */

void protocol_tests(void);
void stats_tests(void);
void writer_tests(void);
void cli_tests(const char *vtb_analyze);

#endif

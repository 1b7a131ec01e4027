#include "vtb/str.h"
#include <string.h>
#include "vtb/test.h"
#include "suites.h"

#include <stdlib.h>

static void test_strf_sizes_to_fit(void)
{
	char *s = vtb_strf("%s-%d-%0*d", "ab", 42, 300, 7);
	CHECK(s != NULL);
	if (s) {
		CHECK(strlen(s) == 2 + 1 + 2 + 1 + 300);
		CHECK(strncmp(s, "ab-42-000", 9) == 0 && s[strlen(s) - 1] == '7');
	}
	free(s);
	s = vtb_strf("%s", "");
	CHECK_STR(s, "");
	free(s);
}

static void test_trim(void)
{
	char a[] = "  key = value \t\n", b[] = "   ", c[] = "x";
	CHECK_STR(vtb_trim(a), "key = value");
	CHECK_STR(vtb_trim(b), "");
	CHECK_STR(vtb_trim(c), "x");
}

void test_str_suite(void)
{
	RUN(test_strf_sizes_to_fit);
	RUN(test_trim);
}

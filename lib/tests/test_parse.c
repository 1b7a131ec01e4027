/* vtb/parse.h: whole-string numbers or an error. */
#include "vtb/parse.h"
#include "vtb/test.h"
#include "suites.h"

#include <stdint.h>

static void test_parse_u64_accepts_whole_numbers(void)
{
	uint64_t v = 0;
	CHECK(vtb_parse_u64("0", &v) == 0 && v == 0);
	CHECK(vtb_parse_u64("62500000", &v) == 0 && v == 62500000);
	CHECK(vtb_parse_u64("18446744073709551615", &v) == 0 && v == UINT64_MAX);
	CHECK(vtb_parse_u64_base("0x10", 0, &v) == 0 && v == 16);
}

static void test_parse_u64_rejects_the_rest(void)
{
	uint64_t v = 7;
	const char *bad[] = { "", "-1", " 1", "+1", "1x", "0x10", "18446744073709551616", "1.0" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		CHECK(vtb_parse_u64(bad[i], &v) == -1);
	CHECK(vtb_parse_u64(NULL, &v) == -1);
	CHECK(vtb_parse_u64_base("-0x1", 0, &v) == -1);
	CHECK(v == 7);
}

static void test_parse_i64(void)
{
	int64_t v = 0;
	CHECK(vtb_parse_i64("-42", &v) == 0 && v == -42);
	CHECK(vtb_parse_i64("9223372036854775808", &v) == -1);
	CHECK(vtb_parse_i64("4 ", &v) == -1);
	CHECK(vtb_parse_i64_n("123,4", 3, &v) == 0 && v == 123);
	CHECK(vtb_parse_i64_n("", 0, &v) == -1);
}

static void test_parse_double(void)
{
	double d = 0;
	CHECK(vtb_parse_double("0.05", &d) == 0 && d == 0.05);
	CHECK(vtb_parse_double("-1e3", &d) == 0 && d == -1000.0);
	CHECK(vtb_parse_double("inf", &d) == -1);
	CHECK(vtb_parse_double("nan", &d) == -1);
	CHECK(vtb_parse_double("1e999", &d) == -1);
	CHECK(vtb_parse_double("1,5", &d) == -1);
	CHECK(vtb_parse_double("", &d) == -1);
	CHECK(vtb_parse_double_n("16.5,x", 4, &d) == 0 && d == 16.5);
}

void test_parse_suite(void)
{
	RUN(test_parse_u64_accepts_whole_numbers);
	RUN(test_parse_u64_rejects_the_rest);
	RUN(test_parse_i64);
	RUN(test_parse_double);
}

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "vtb/parse.h"
#include "guest_protocol.h"
#include "unit.h"

#define HDR_SAMPLES(ticks) \
	"H guest=baremetal mode=periodic ticks=" ticks " cntfrq=62500000 intid=27 " \
	"record=samples period=6250 rmin=0 rmax=0 seed=0 hist_shift=0"

struct result {
	int rc;
	unsigned long line;
	char err[300];
	struct vtb_report r;
};

static void parse(struct fx *x, struct result *res)
{
	vtb_report_init(&res->r);
	res->err[0] = '\0';
	res->line = 0;
	res->rc = vtb_parse_buffer(x->buf ? x->buf : "", x->len, &res->r, res->err,
				   sizeof(res->err), &res->line);
}

/* Parses, expects failure at input line `line` with a message starting with `prefix`. */
static void expect_error(struct fx *x, unsigned long line, const char *prefix)
{
	struct result res;

	parse(x, &res);
	CHECK(res.rc == -1);
	CHECK(res.line == line);
	CHECK_MSG(strncmp(res.err, prefix, strlen(prefix)) == 0,
		  "error \"%s\" (line %lu) does not start with \"%s\"", res.err, res.line, prefix);
	vtb_report_free(&res.r);
}

static const uint64_t one_to_ten[10] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };

static void valid_report(void)
{
	struct fx x;
	struct result res;

	fx_init(&x, NULL, "\n");
	fx_raw(&x, "(XEN) Xen version 4.17");
	fx_raw(&x, "");
	fx_samples_report(&x, one_to_ten, 10, 2);
	fx_raw(&x, "(XEN) Hardware Dom0 halted: halting machine");
	parse(&x, &res);
	CHECK(res.rc == 0);
	CHECK_STR(res.err, "");
	CHECK(res.r.n_samples == 10);
	CHECK(res.r.samples[0] == 1 && res.r.samples[9] == 10);
	CHECK(res.r.ticks == 12 && res.r.taken == 10 && res.r.lost == 2);
	CHECK(res.r.cntfrq == 62500000 && res.r.intid == 27 && res.r.period == 6250);
	CHECK(res.r.record == VTB_RECORD_SAMPLES);
	CHECK_STR(res.r.guest, "baremetal");
	CHECK_STR(res.r.mode, "periodic");
	CHECK_STR(vtb_report_header(&res.r, "intid"), "27");
	CHECK(res.r.n_header == 11);
	CHECK(res.r.min == 1 && res.r.max == 10 && res.r.sum == 55);
	CHECK(res.r.lines == 3);
	CHECK(res.r.first_input_line == 3 && res.r.last_input_line == 6);
	vtb_report_free(&res.r);
	fx_free(&x);
}

/* Feeding line by line must give the same result as the buffer helper, and
 * unknown H keys are kept in order. */
static void streaming_and_unknown_keys(void)
{
	struct fx x;
	struct vtb_report r;
	struct vtb_parser p;
	int rc = 0;

	fx_init(&x, NULL, "\n");
	fx_line(&x, HDR_SAMPLES("2") " build=abc123 extra=7");
	fx_line(&x, "S 0 5,6");
	fx_line(&x, "T taken=2 lost=0 spurious=1 other=3 min=5 max=6 sum=11 elapsed=99 cpu=0");
	fx_line(&x, "E lines=3");
	vtb_report_init(&r);
	vtb_parser_init(&p, &r);
	for (char *s = x.buf, *nl; rc == 0 && (nl = strchr(s, '\n')); s = nl + 1)
		rc = vtb_parser_feed(&p, s, (size_t)(nl - s));
	CHECK(rc == 0);
	CHECK(vtb_parser_finish(&p) == 0);
	CHECK(r.n_header == 13);
	CHECK_STR(r.header[11].key, "build");
	CHECK_STR(r.header[11].val, "abc123");
	CHECK_STR(vtb_report_header(&r, "extra"), "7");
	CHECK(r.spurious == 1 && r.other == 3 && r.elapsed == 99);
	CHECK(r.n_trailer == 9);
	vtb_report_free(&r);
	fx_free(&x);
}

static void bad_crc(void)
{
	struct fx x;
	struct result res;
	char *s, want[64];

	fx_init(&x, NULL, "\n");
	fx_raw(&x, "boot noise");
	fx_samples_report(&x, one_to_ten, 10, 0);
	/* Corrupt one sample digit on the S line (input line 3): "S 0 1,2,3" -> "S 0 1,7,3". */
	s = strstr(x.buf, "S 0 1,2,3");
	CHECK(s != NULL);
	if (!s)
		return;
	s[6] = '7';
	{
		char *at = s - strlen("@VTB 1 1 ");
		char *star = strchr(at, '*');
		snprintf(want, sizeof(want), "bad CRC (expected %08lx, got %.8s)",
			 fx_crc(at, (size_t)(star - at)), star + 1);
	}
	parse(&x, &res);
	CHECK(res.rc == -1);
	CHECK(res.line == 3);
	CHECK_STR(res.err, want);
	vtb_report_free(&res.r);

	/* Upper-case hex is not the protocol's CRC spelling. */
	fx_free(&x);
	fx_init(&x, NULL, "\n");
	fx_samples_report(&x, one_to_ten, 10, 0);
	memcpy(strchr(x.buf, '*') + 1, "ABCDEF12", 8);
	expect_error(&x, 1, "malformed CRC 'ABCDEF12'");
	fx_free(&x);
}

static void truncated(void)
{
	struct fx x;
	char *e;

	/* No E line. */
	fx_init(&x, NULL, "\n");
	fx_samples_report(&x, one_to_ten, 10, 0);
	e = strstr(x.buf, "@VTB 1 3 E");
	*e = '\0';
	x.len = (size_t)(e - x.buf);
	fx_raw(&x, "(XEN) guest crashed");
	expect_error(&x, 4, "truncated report: end of input without the E line");
	fx_free(&x);

	/* Last line cut in the middle (console lost the rest). */
	fx_init(&x, NULL, "\n");
	fx_samples_report(&x, one_to_ten, 10, 0);
	x.len -= 5;
	x.buf[x.len] = '\0';
	expect_error(&x, 4, "malformed line: no ' *<crc>' at the end");
	fx_free(&x);

	/* Nothing at all. */
	fx_init(&x, NULL, "\n");
	fx_raw(&x, "(XEN) nothing here");
	expect_error(&x, 1, "no @VTB report found");
	fx_free(&x);
}

static void seq_gap(void)
{
	struct fx x;

	fx_init(&x, NULL, "\n");
	fx_line(&x, HDR_SAMPLES("40"));
	fx_line(&x, "S 0 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,"
		"25,26,27,28,29,30,31,32");
	x.seq++;        /* one S line lost on the console */
	fx_line(&x, "S 40 1");
	expect_error(&x, 3, "sequence gap (expected seq 2, got 3)");
	fx_free(&x);

	/* First line not seq 0. */
	fx_init(&x, NULL, "\n");
	fx_line_vs(&x, 1, 1, HDR_SAMPLES("1"));
	expect_error(&x, 1, "sequence gap (expected seq 0, got 1)");
	fx_free(&x);
}

static void unknown_version(void)
{
	struct fx x;

	fx_init(&x, NULL, "\n");
	fx_line_vs(&x, 2, 0, HDR_SAMPLES("1"));
	expect_error(&x, 1, "unsupported protocol version 2 (this reader knows version 1)");
	fx_free(&x);

	fx_init(&x, NULL, "\n");
	fx_raw(&x, "@VTB x1 0 H a=b *00000000");
	expect_error(&x, 1, "malformed protocol version 'x1'");
	fx_free(&x);
}

static void malformed_numbers(void)
{
	static const struct { const char *line; const char *err; } cases[] = {
		{ "H guest=b mode=periodic ticks=1x cntfrq=1 intid=27 record=samples period=0 "
		  "rmin=0 rmax=0 seed=0 hist_shift=0", "malformed number in H field ticks=1x" },
		{ "H guest=b mode=periodic ticks=-1 cntfrq=1 intid=27 record=samples period=0 "
		  "rmin=0 rmax=0 seed=0 hist_shift=0", "malformed number in H field ticks=-1" },
		{ "H guest=b mode=periodic ticks=18446744073709551616 cntfrq=1 intid=27 "
		  "record=samples period=0 rmin=0 rmax=0 seed=0 hist_shift=0",
		  "malformed number in H field ticks=18446744073709551616" },
		{ "H guest=b mode=periodic ticks=1 cntfrq=1 intid=27 record=samples period=0 "
		  "rmin=0 rmax=0 seed=0", "H line lacks required key 'hist_shift'" },
		{ "H guest=b mode=periodic ticks=1 ticks=1 cntfrq=1", "duplicate H key 'ticks'" },
		{ "H guest=b  mode=periodic", "malformed H payload (stray space)" },
		{ "H guest=b mode=sometimes ticks=1 cntfrq=1 intid=27 record=samples period=0 "
		  "rmin=0 rmax=0 seed=0 hist_shift=0", "unknown H mode 'sometimes'" },
		{ "H guest=b mode=periodic ticks=1 cntfrq=0 intid=27 record=samples period=0 "
		  "rmin=0 rmax=0 seed=0 hist_shift=0", "H cntfrq=0" },
		{ "H novalue", "malformed H field 'novalue'" },
		{ "Q 1 2", "unknown line type 'Q'" },
		{ "S 0 1", "S line before the H line" },
	};
	static const struct { const char *line; const char *err; } body[] = {
		{ "S 0 1,,2", "malformed S sample ''" },
		{ "S 0 1,2,", "malformed S sample ''" },
		{ "S 0 1,0x10", "malformed S sample '0x10'" },
		{ "S x 1", "malformed S first-index 'x'" },
		{ "S 5 1", "S first-index 5, expected 0 (samples lost)" },
		{ "B 4 1", "B line in a record=samples report" },
		{ "T taken=1 lost=0 spurious=0 other=0 min=1 max=1 sum=1 elapsed=z",
		  "malformed number in T field elapsed=z" },
		{ "T taken=1 lost=0 spurious=0 other=0 min=1 max=1 sum=1",
		  "T line lacks required key 'elapsed'" },
		{ "E lines=1", "E line before the T line" },
	};
	struct fx x;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fx_init(&x, NULL, "\n");
		fx_line(&x, "%s", cases[i].line);
		expect_error(&x, 1, cases[i].err);
		fx_free(&x);
	}
	for (size_t i = 0; i < sizeof(body) / sizeof(body[0]); i++) {
		fx_init(&x, NULL, "\n");
		fx_line(&x, HDR_SAMPLES("100"));
		fx_line(&x, "%s", body[i].line);
		expect_error(&x, 2, body[i].err);
		fx_free(&x);
	}
	/* 33 samples on one line. */
	fx_init(&x, NULL, "\n");
	fx_line(&x, HDR_SAMPLES("100"));
	fx_line(&x, "S 0 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,"
		"25,26,27,28,29,30,31,32,33");
	expect_error(&x, 2, "more than 32 samples on one S line");
	fx_free(&x);
}

static void counts_must_add_up(void)
{
	struct fx x;

	/* taken + lost != ticks */
	fx_init(&x, NULL, "\n");
	fx_line(&x, HDR_SAMPLES("3"));
	fx_line(&x, "S 0 5,6");
	fx_line(&x, "T taken=2 lost=0 spurious=0 other=0 min=5 max=6 sum=11 elapsed=1");
	fx_line(&x, "E lines=3");
	expect_error(&x, 3, "counts do not add up: taken=2 + lost=0 != ticks=3");
	fx_free(&x);

	/* sample count != taken */
	fx_init(&x, NULL, "\n");
	fx_line(&x, HDR_SAMPLES("3"));
	fx_line(&x, "S 0 5,6");
	fx_line(&x, "T taken=3 lost=0 spurious=0 other=0 min=5 max=6 sum=11 elapsed=1");
	fx_line(&x, "E lines=3");
	expect_error(&x, 3, "counts do not add up: 2 samples but taken=3");
	fx_free(&x);

	/* more samples than ticks */
	fx_init(&x, NULL, "\n");
	fx_line(&x, HDR_SAMPLES("1"));
	fx_line(&x, "S 0 5,6");
	expect_error(&x, 2, "more samples than ticks=1");
	fx_free(&x);

	/* T min/max/sum disagree with samples */
	fx_init(&x, NULL, "\n");
	fx_line(&x, HDR_SAMPLES("2"));
	fx_line(&x, "S 0 5,6");
	fx_line(&x, "T taken=2 lost=0 spurious=0 other=0 min=5 max=7 sum=11 elapsed=1");
	expect_error(&x, 3, "T min/max/sum (5/7/11) disagree with the samples (5/6/11)");
	fx_free(&x);

	/* E counts lines */
	fx_init(&x, NULL, "\n");
	fx_line(&x, HDR_SAMPLES("2"));
	fx_line(&x, "S 0 5,6");
	fx_line(&x, "T taken=2 lost=0 spurious=0 other=0 min=5 max=6 sum=11 elapsed=1");
	fx_line(&x, "E lines=4");
	expect_error(&x, 4, "E says lines=4 but 3 lines came before it");
	fx_free(&x);
}

static void prefix_and_crlf(void)
{
	struct fx x;
	struct result res;

	fx_init(&x, "(d1) ", "\r\n");
	fx_raw(&x, "(XEN) d1v0: vGICR: SGI: unhandled word write");
	fx_samples_report(&x, one_to_ten, 10, 0);
	CHECK(strstr(x.buf, "(d1) @VTB 1 0 H guest=") != NULL);
	CHECK(strstr(x.buf, "\r\n(d1) @VTB 1 1 S 0 ") != NULL);
	parse(&x, &res);
	CHECK(res.rc == 0);
	CHECK_STR(res.err, "");
	CHECK(res.r.n_samples == 10 && res.r.samples[9] == 10);
	vtb_report_free(&res.r);
	fx_free(&x);

	/* Any prefix; no final newline after E. */
	fx_init(&x, "garbage \x01\xff [0.000] ", "\n");
	fx_samples_report(&x, one_to_ten, 3, 0);
	x.len--;
	x.buf[x.len] = '\0';
	parse(&x, &res);
	CHECK(res.rc == 0);
	CHECK(res.r.n_samples == 3);
	vtb_report_free(&res.r);
	fx_free(&x);
}

static void histogram_input(void)
{
	struct fx x;
	struct result res;

	fx_init(&x, NULL, "\n");
	fx_line(&x, "H guest=baremetal mode=random ticks=5 cntfrq=62500000 intid=27 record=hist "
		"period=0 rmin=100 rmax=900 seed=42 hist_shift=2");
	fx_line(&x, "B 5 2");
	fx_line(&x, "B 8 1");
	fx_line(&x, "B 16 1");
	fx_line(&x, "T taken=4 lost=1 spurious=0 other=0 min=5 max=19 sum=37 elapsed=4000");
	fx_line(&x, "E lines=5");
	parse(&x, &res);
	CHECK(res.rc == 0);
	CHECK_STR(res.err, "");
	CHECK(res.r.record == VTB_RECORD_HIST);
	CHECK(res.r.hist_shift == 2);
	CHECK(res.r.n_buckets == 3);
	CHECK(res.r.buckets[2].lo == 16 && res.r.buckets[2].count == 1);
	CHECK(res.r.n_samples == 0);
	CHECK(res.r.seed == 42 && res.r.rmax == 900);
	vtb_report_free(&res.r);
	fx_free(&x);

	static const struct { const char *line; unsigned long at; const char *err; } bad[] = {
		{ "B 9 1", 2, "B lo=9 is not a bucket boundary for hist_shift=2" },
		{ "B 5 0", 2, "B 5 has count 0" },
		{ "B 5", 2, "malformed B count" },
		{ "S 0 1", 2, "S line in a record=hist report" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		fx_init(&x, NULL, "\n");
		fx_line(&x, "H guest=baremetal mode=random ticks=5 cntfrq=62500000 intid=27 "
			"record=hist period=0 rmin=100 rmax=900 seed=42 hist_shift=2");
		fx_line(&x, "%s", bad[i].line);
		expect_error(&x, bad[i].at, bad[i].err);
		fx_free(&x);
	}

	/* Buckets out of order, counts that do not sum to taken, min outside bucket. */
	fx_init(&x, NULL, "\n");
	fx_line(&x, "H guest=b mode=random ticks=5 cntfrq=1 intid=27 record=hist period=0 "
		"rmin=0 rmax=0 seed=0 hist_shift=2");
	fx_line(&x, "B 8 1");
	fx_line(&x, "B 5 1");
	expect_error(&x, 3, "B lo=5 not above the previous bucket's lo=8");
	fx_free(&x);

	fx_init(&x, NULL, "\n");
	fx_line(&x, "H guest=b mode=random ticks=5 cntfrq=1 intid=27 record=hist period=0 "
		"rmin=0 rmax=0 seed=0 hist_shift=2");
	fx_line(&x, "B 5 2");
	fx_line(&x, "T taken=3 lost=2 spurious=0 other=0 min=5 max=5 sum=15 elapsed=1");
	expect_error(&x, 3, "counts do not add up: histogram counts sum to 2 but taken=3");
	fx_free(&x);

	fx_init(&x, NULL, "\n");
	fx_line(&x, "H guest=b mode=random ticks=2 cntfrq=1 intid=27 record=hist period=0 "
		"rmin=0 rmax=0 seed=0 hist_shift=2");
	fx_line(&x, "B 16 2");
	fx_line(&x, "T taken=2 lost=0 spurious=0 other=0 min=16 max=20 sum=36 elapsed=1");
	expect_error(&x, 3, "T min=16/max=20 outside the first/last histogram bucket");
	fx_free(&x);

	fx_init(&x, NULL, "\n");
	fx_line(&x, "H guest=b mode=random ticks=2 cntfrq=1 intid=27 record=hist period=0 "
		"rmin=0 rmax=0 seed=0 hist_shift=2");
	fx_line(&x, "B 16 2");
	fx_line(&x, "T taken=2 lost=0 spurious=0 other=0 min=16 max=19 sum=40 elapsed=1");
	expect_error(&x, 3, "T sum=40 impossible for the histogram (between 32 and 38)");
	fx_free(&x);
}

static void order_and_framing(void)
{
	struct fx x;
	char big[600];

	/* Anything after E. */
	fx_init(&x, NULL, "\n");
	fx_samples_report(&x, one_to_ten, 2, 0);
	fx_line(&x, HDR_SAMPLES("2"));
	expect_error(&x, 5, "@VTB line after the report's E line");
	fx_free(&x);

	/* Two H lines. */
	fx_init(&x, NULL, "\n");
	fx_line(&x, HDR_SAMPLES("2"));
	fx_line(&x, HDR_SAMPLES("2"));
	expect_error(&x, 2, "H line not first in the report");
	fx_free(&x);

	/* S after T. */
	fx_init(&x, NULL, "\n");
	fx_line(&x, HDR_SAMPLES("0"));
	fx_line(&x, "T taken=0 lost=0 spurious=0 other=0 min=0 max=0 sum=0 elapsed=0");
	fx_line(&x, "S 0 1");
	expect_error(&x, 3, "S line after the T line");
	fx_free(&x);

	/* Marker without a space, and a line over 512 bytes. */
	fx_init(&x, NULL, "\n");
	fx_raw(&x, "@VTBX 1 0 H a=b *00000000");
	expect_error(&x, 1, "malformed line: no space after the @VTB marker");
	fx_free(&x);

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memcpy(big, "H guest=", 8);
	fx_init(&x, NULL, "\n");
	fx_line(&x, "%s", big);
	expect_error(&x, 1, "line too long (");
	fx_free(&x);

	/* A zero-tick report is complete and valid. */
	fx_init(&x, NULL, "\n");
	fx_line(&x, HDR_SAMPLES("0"));
	fx_line(&x, "T taken=0 lost=0 spurious=0 other=0 min=0 max=0 sum=0 elapsed=0");
	fx_line(&x, "E lines=2");
	{
		struct result res;
		parse(&x, &res);
		CHECK(res.rc == 0);
		vtb_report_free(&res.r);
	}
	fx_free(&x);
}

static void numbers_and_buckets(void)
{
	uint64_t v = 0;

	CHECK(vtb_parse_u64_n("0", 1, &v) == 0 && v == 0);
	CHECK(vtb_parse_u64_n("18446744073709551615", 20, &v) == 0 && v == UINT64_MAX);
	CHECK(vtb_parse_u64_n("18446744073709551616", 20, &v) == -1);
	CHECK(vtb_parse_u64_n("", 0, &v) == -1);
	CHECK(vtb_parse_u64_n("+1", 2, &v) == -1);
	CHECK(vtb_parse_u64_n("12 ", 3, &v) == -1);
	/* shift 0: one bucket per power of two */
	CHECK(vtb_hist_bucket_width(0, 0) == 1);
	CHECK(vtb_hist_bucket_width(1, 0) == 1);
	CHECK(vtb_hist_bucket_width(2, 0) == 2);
	CHECK(vtb_hist_bucket_width(3, 0) == 0);
	CHECK(vtb_hist_bucket_width(4, 0) == 4);
	CHECK(vtb_hist_bucket_width(6, 0) == 0);
	/* shift 2: exact below 8 (2^(k-2) = 1 for k = 2), then 4 buckets per octave */
	CHECK(vtb_hist_bucket_width(3, 2) == 1);
	CHECK(vtb_hist_bucket_width(7, 2) == 1);
	CHECK(vtb_hist_bucket_width(8, 2) == 2);
	CHECK(vtb_hist_bucket_width(9, 2) == 0);
	CHECK(vtb_hist_bucket_width(14, 2) == 2);
	CHECK(vtb_hist_bucket_width(16, 2) == 4);
	CHECK(vtb_hist_bucket_width(28, 2) == 4);
	CHECK(vtb_hist_bucket_width(1024, 2) == 256);
	CHECK(vtb_hist_bucket_width(1280, 2) == 256);
	CHECK(vtb_hist_bucket_width(1100, 2) == 0);
	CHECK(vtb_hist_bucket_width((uint64_t)1 << 63, 4) == (uint64_t)1 << 59);
}

void protocol_tests(void)
{
	RUN(valid_report);
	RUN(streaming_and_unknown_keys);
	RUN(bad_crc);
	RUN(truncated);
	RUN(seq_gap);
	RUN(unknown_version);
	RUN(malformed_numbers);
	RUN(counts_must_add_up);
	RUN(prefix_and_crlf);
	RUN(histogram_input);
	RUN(order_and_framing);
	RUN(numbers_and_buckets);
}

/* Host-side unit tests of the guest's pure-C parts: CRC, text builder,
 * histogram bucketing, boot-arg parsing, ns->ticks, the protocol writer as
 * the guest uses it, libc; then recorded guest reports through the project's
 * one protocol reader (test_fixtures.c). TAP, one point per test function. */
#include "args.h"
#include "hist.h"
#include "test_fixtures.h"
#include "vtb/crc32.h"
#include "vtb/protocol_writer.h"
#include "vtb/protocol_writer_text.h"
#include "vtb/test.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

void *guest_memmove(void *d, const void *s, size_t n);
void *guest_memcpy(void *d, const void *s, size_t n);
void *guest_memset(void *d, int c, size_t n);
int guest_memcmp(const void *a, const void *b, size_t n);
void *guest_memchr(const void *s, int c, size_t n);
size_t guest_strnlen(const char *s, size_t n);
char *guest_strrchr(const char *s, int c);
char *guest_strchr(const char *s, int c);
unsigned long guest_strtoul(const char *s, char **end, int base);

static uint64_t rng_state = 88172645463325252ull;
static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void test_crc32(void)
{
	CHECK(vtb_crc32(0, "123456789", 9) == 0xCBF43926u);
	CHECK(vtb_crc32(0, "", 0) == 0);
	unsigned char buf[600];
	for (int round = 0; round < 200; round++) {
		size_t n = rnd() % sizeof(buf);
		for (size_t i = 0; i < n; i++)
			buf[i] = (unsigned char)rnd();
		if (vtb_crc32(0, buf, n) != (uint32_t)crc32(0L, buf, (uInt)n)) {
			CHECK(!"crc32 differs from zlib");
			return;
		}
	}
	/* Incremental use matches one-shot. */
	CHECK(vtb_crc32(vtb_crc32(0, "1234", 4), "56789", 5) == 0xCBF43926u);
}

static void test_text(void)
{
	char b[32];
	struct vtb_text sb;
	vtb_text_init(&sb, b, sizeof(b));
	vtb_text_u64(&sb, UINT64_MAX);
	CHECK(strcmp(b, "18446744073709551615") == 0);
	vtb_text_init(&sb, b, sizeof(b));
	vtb_text_u64(&sb, 0);
	vtb_text_putc(&sb, ' ');
	vtb_text_i64(&sb, INT64_MIN);
	CHECK(strcmp(b, "0 -9223372036854775808") == 0);
	vtb_text_init(&sb, b, sizeof(b));
	vtb_text_hex(&sb, 0xcbf43926u, 8);
	vtb_text_putc(&sb, ' ');
	vtb_text_hex(&sb, 0x5, 8);
	vtb_text_putc(&sb, ' ');
	vtb_text_hex(&sb, 0, 0);
	vtb_text_putc(&sb, ' ');
	vtb_text_hex(&sb, 0x80a0000, 0);
	CHECK(strcmp(b, "cbf43926 00000005 0 80a0000") == 0);
	CHECK(!sb.overflow);
	char small[6];
	vtb_text_init(&sb, small, sizeof(small));
	vtb_text_puts(&sb, "abcdefgh");
	CHECK(sb.overflow);
	CHECK(strcmp(small, "abcde") == 0);
	vtb_text_init(&sb, b, sizeof(b));
	vtb_text_puts(&sb, "x");
	vtb_text_kv_u64(&sb, "n", 42);
	vtb_text_kv_str(&sb, "m", "periodic");
	CHECK(strcmp(b, "x n=42 m=periodic") == 0);
}

static void test_hist_shift(unsigned s)
{
	unsigned n = guest_hist_nbuckets(s);
	int ok = 1;
	CHECK(n <= HIST_BUCKETS_MAX);
	CHECK(guest_hist_index(UINT32_MAX, s) == n - 1);
	/* Below 2^s: one bucket per value. */
	for (uint32_t v = 0; v < (1u << s); v++)
		ok &= guest_hist_index(v, s) == v && guest_hist_lo(v, s) == v;
	CHECK(ok);
	/* Every bucket's lo maps to itself, bounds increase strictly, and each
	 * bucket [lo(i), lo(i+1)) holds exactly the values that map to i. */
	ok = 1;
	for (unsigned i = 0; i < n; i++) {
		ok &= guest_hist_index(guest_hist_lo(i, s), s) == i;
		if (i + 1 < n) {
			ok &= guest_hist_lo(i + 1, s) > guest_hist_lo(i, s);
			ok &= guest_hist_index(guest_hist_lo(i + 1, s) - 1, s) == i;
		}
	}
	CHECK(ok);
	/* Relative width of a bucket above 2^s is at most 2^-s. */
	ok = 1;
	for (int k = 0; k < 10000; k++) {
		uint32_t v = (uint32_t)rnd() >> (rnd() % 32);
		unsigned i = guest_hist_index(v, s);
		uint32_t lo = guest_hist_lo(i, s);
		ok &= lo <= v;
		if (i + 1 < n)
			ok &= v < guest_hist_lo(i + 1, s);
		if (v >= (1u << s) && i + 1 < n)
			ok &= (uint64_t)(guest_hist_lo(i + 1, s) - lo) << s <= (uint64_t)lo;
	}
	CHECK(ok);
}

static void test_hist_buckets(void)
{
	for (unsigned s = 0; s <= HIST_SHIFT_MAX; s++)
		test_hist_shift(s);
	/* Worked example for shift 4: 100 lies in [96, 100) ... [2^6, 2^7) split in 16 of width 4. */
	CHECK(guest_hist_lo(guest_hist_index(100, 4), 4) == 100);
	CHECK(guest_hist_lo(guest_hist_index(103, 4), 4) == 100);
	CHECK(guest_hist_lo(guest_hist_index(104, 4), 4) == 104);
	CHECK(guest_hist_index(16, 4) == 16 && guest_hist_index(17, 4) == 17 && guest_hist_index(32, 4) == 32);
	CHECK(guest_hist_index(33, 4) == 32 && guest_hist_index(34, 4) == 33);
}

static int parse(const char *s, struct storm_args *a, char *err, size_t errlen)
{
	struct vtb_text sb;
	vtb_text_init(&sb, err, errlen);
	guest_args_defaults(a);
	return guest_args_parse(s, a, &sb);
}

static void test_args(void)
{
	struct storm_args a;
	char err[200];

	CHECK(parse("", &a, err, sizeof(err)) == 0);
	CHECK(a.ticks == 2000 && a.mode == MODE_PERIODIC && a.period_ns == 100000);
	CHECK(a.record == REC_SAMPLES && a.idle == IDLE_WFI && a.order == ORDER_CVAL_FIRST);
	CHECK(parse(NULL, &a, err, sizeof(err)) == 0);

	CHECK(parse("  ticks=5000\tmode=random rmin_ns=1000 rmax_ns=9000 seed=7 idle=spin "
		    "order=unmask-first timeout_ns=123 record=hist hist_shift=3\n",
		    &a, err, sizeof(err)) == 0);
	CHECK(a.ticks == 5000 && a.mode == MODE_RANDOM && a.rmin_ns == 1000 && a.rmax_ns == 9000);
	CHECK(a.seed == 7 && a.idle == IDLE_SPIN && a.order == ORDER_UNMASK_FIRST);
	CHECK(a.timeout_ns == 123 && a.record == REC_HIST && a.hist_shift == 3);

	CHECK(parse("mode=back-to-back", &a, err, sizeof(err)) == 0 && a.mode == MODE_B2B);

	/* cpus=: 0 (the default) means every CPU of the tree, at most VTB_MAX_CPUS. */
	CHECK(parse("", &a, err, sizeof(err)) == 0 && a.cpus == 0);
	CHECK(parse("cpus=2", &a, err, sizeof(err)) == 0 && a.cpus == 2);
	CHECK(parse("cpus=4", &a, err, sizeof(err)) == 0 && a.cpus == 4);
	CHECK(parse("cpus=5", &a, err, sizeof(err)) != 0 && strstr(err, "cpus="));
	CHECK(parse("cpus=two", &a, err, sizeof(err)) != 0);

	/* record=auto switches to hist past the sample store. */
	CHECK(parse("ticks=200000", &a, err, sizeof(err)) == 0 && a.record == REC_SAMPLES);
	CHECK(parse("ticks=200001", &a, err, sizeof(err)) == 0 && a.record == REC_HIST);
	CHECK(parse("ticks=200001 record=samples", &a, err, sizeof(err)) != 0);

	CHECK(parse("ticks=10 foo=1", &a, err, sizeof(err)) != 0);
	CHECK(strstr(err, "unknown argument") && strstr(err, "foo=1"));
	CHECK(parse("console=hvc0", &a, err, sizeof(err)) != 0);
	CHECK(parse("ticks", &a, err, sizeof(err)) != 0 && strstr(err, "key=value"));
	CHECK(parse("ticks=", &a, err, sizeof(err)) != 0);
	CHECK(parse("ticks=12x", &a, err, sizeof(err)) != 0);
	CHECK(parse("ticks=-1", &a, err, sizeof(err)) != 0);
	CHECK(parse("ticks=18446744073709551615", &a, err, sizeof(err)) == 0 && a.ticks == UINT64_MAX);
	CHECK(parse("ticks=18446744073709551616", &a, err, sizeof(err)) != 0);
	CHECK(parse("ticks=0", &a, err, sizeof(err)) != 0);
	CHECK(parse("mode=Periodic", &a, err, sizeof(err)) != 0);
	CHECK(parse("mode=periodicx", &a, err, sizeof(err)) != 0);
	CHECK(parse("period_ns=0", &a, err, sizeof(err)) != 0);
	CHECK(parse("mode=back-to-back period_ns=0", &a, err, sizeof(err)) == 0);
	CHECK(parse("mode=random rmin_ns=10 rmax_ns=9", &a, err, sizeof(err)) != 0);
	CHECK(parse("mode=random seed=0", &a, err, sizeof(err)) != 0);
	CHECK(parse("timeout_ns=0", &a, err, sizeof(err)) != 0);
	CHECK(parse("hist_shift=9", &a, err, sizeof(err)) != 0);
	CHECK(parse("idle=poll", &a, err, sizeof(err)) != 0);
	CHECK(parse("order=cval", &a, err, sizeof(err)) != 0);
	/* A too-small error buffer truncates, never overruns. */
	char tiny[8];
	memset(tiny, 'Z', sizeof(tiny));
	CHECK(parse("nonsense=1", &a, tiny, 6) != 0 && strlen(tiny) == 5 && tiny[6] == 'Z');
}

static void test_ns_to_ticks(void)
{
	CHECK(guest_ns_to_ticks(100000, 62500000) == 6250);
	CHECK(guest_ns_to_ticks(15, 62500000) == 0);
	CHECK(guest_ns_to_ticks(16, 62500000) == 1);
	CHECK(guest_ns_to_ticks(1000000000000ull, 62500000) == 62500000000ull);
	int ok = 1;
	for (int i = 0; i < 10000; i++) {
		uint64_t ns = rnd() >> (rnd() % 40);
		uint64_t f = 1 + rnd() % 4000000000ull;
		unsigned __int128 want = (unsigned __int128)ns * f / 1000000000u;
		if (want > UINT64_MAX)
			continue;
		ok &= guest_ns_to_ticks(ns, f) == (uint64_t)want;
	}
	CHECK(ok);
}

/* Captured report output. */
static char out[1 << 16];
static size_t out_len;
static unsigned out_lines;
static void sink(const char *line, size_t len, void *ctx)
{
	(void)ctx;
	memcpy(out + out_len, line, len);
	out_len += len;
	out[out_len] = '\0';
	out_lines++;
}

/* Checks one line: marker, version, seq, type, CRC over "@VTB ... " before '*'. */
static int line_ok(const char *line, size_t len, unsigned seq, char type)
{
	char head[32];
	snprintf(head, sizeof(head), "@VTB 1 %u %c ", seq, type);
	if (strncmp(line, head, strlen(head)) != 0 || len < 11 || line[len - 1] != '\n')
		return 0;
	const char *star = line + len - 10;
	if (star[0] != '*' || star[-1] != ' ')
		return 0;
	unsigned long crc = strtoul(star + 1, NULL, 16);
	for (int i = 1; i <= 8; i++)
		if (!((star[i] >= '0' && star[i] <= '9') || (star[i] >= 'a' && star[i] <= 'f')))
			return 0;
	return crc == crc32(0L, (const Bytef *)line, (uInt)(star - line)) && len - 1 <= VTB_PROTO_LINE_MAX;
}

static void start_capture(struct vtb_pw *w)
{
	out_len = 0;
	out_lines = 0;
	vtb_pw_init(w, sink, NULL);
}

/* What the guest writes for record=samples (src/main.c emit_report). */
static void test_writer_samples(void)
{
	struct vtb_pw r;
	uint32_t v[70];
	for (unsigned i = 0; i < 70; i++)
		v[i] = i == 69 ? UINT32_MAX : i * 3;

	start_capture(&r);
	vtb_pw_line(&r, 'H', "guest=baremetal mode=periodic ticks=70");
	for (unsigned i = 0; i < 70; i++)
		vtb_pw_sample(&r, v[i]);
	vtb_pw_line(&r, 'T', "taken=70");
	vtb_pw_end(&r);
	CHECK(!r.overflow);
	CHECK(out_lines == 6);

	const char *p = out;
	const char types[] = "HSSSTE";
	int ok = 1;
	for (unsigned i = 0; i < 6; i++) {
		const char *nl = strchr(p, '\n');
		ok &= nl && line_ok(p, (size_t)(nl - p + 1), i, types[i]);
		p = nl ? nl + 1 : p;
	}
	CHECK(ok);
	CHECK(strstr(out, "@VTB 1 1 S 0 0,3,6,") != NULL);
	CHECK(strstr(out, "@VTB 1 2 S 32 96,") != NULL);
	CHECK(strstr(out, "@VTB 1 3 S 64 192,195,198,201,204,4294967295 *") != NULL);
	CHECK(strstr(out, "@VTB 1 5 E lines=5 *") != NULL);
	/* A flipped payload bit must break the CRC. */
	char copy[600];
	const char *l1 = strstr(out, "@VTB 1 1 S");
	size_t l1len = (size_t)(strchr(l1, '\n') - l1 + 1);
	memcpy(copy, l1, l1len);
	copy[14] ^= 1;
	CHECK(!line_ok(copy, l1len, 1, 'S'));
}

/* Lines of the largest values are cut to the domU-safe budget, indices stay
 * contiguous and no value is lost. */
static void test_writer_sample_budget(void)
{
	struct vtb_pw r;
	uint32_t big[64];
	for (unsigned i = 0; i < 64; i++)
		big[i] = UINT32_MAX - i;
	start_capture(&r);
	for (unsigned i = 0; i < 64; i++)
		vtb_pw_sample(&r, big[i]);
	vtb_pw_end(&r);
	CHECK(!r.overflow && out_lines == 6);
	/* The E line is not an S line: take it off before walking the S lines. */
	char *e = strstr(out, "@VTB 1 5 E lines=5 *");
	CHECK(e != NULL);
	if (e)
		*e = '\0';
	{
		const char *q = out;
		unsigned next = 0, total = 0, seq = 0;
		int fine = 1;
		while (*q) {
			const char *nl = strchr(q, '\n');
			size_t len = (size_t)(nl - q + 1);
			fine &= len <= VTB_PROTO_SAMPLE_LINE_BUDGET && line_ok(q, len, seq++, 'S');
			unsigned idx = 0;
			char fmt[32];
			snprintf(fmt, sizeof(fmt), "@VTB 1 %u S %%u ", seq - 1);
			fine &= sscanf(q, fmt, &idx) == 1 && idx == next;
			unsigned n = 1;
			for (const char *c = q; c < nl; c++)
				n += *c == ',';
			next += n;
			total += n;
			q = nl + 1;
		}
		CHECK(fine && total == 64);
		CHECK(strstr(out, "@VTB 1 0 S 0 4294967295,4294967294,") != NULL);
		CHECK(strstr(out, ",4294967232 *") != NULL);
	}
}

/* Oversized payload: flagged, nothing emitted, seq unchanged. */
static void test_writer_overflow(void)
{
	struct vtb_pw r;
	char huge[700];
	memset(huge, 'x', sizeof(huge) - 1);
	huge[sizeof(huge) - 1] = '\0';
	start_capture(&r);
	vtb_pw_line(&r, 'H', huge);
	CHECK(r.overflow && out_lines == 0 && r.seq == 0);
	/* The longest line that fits is written whole, newline included. */
	huge[VTB_PROTO_LINE_MAX - strlen("@VTB 1 0 H  *12345678")] = '\0';
	start_capture(&r);
	vtb_pw_line(&r, 'H', huge);
	CHECK(!r.overflow && out_lines == 1 && out_len == VTB_PROTO_LINE_MAX + 1);
	CHECK(line_ok(out, out_len, 0, 'H'));
}

/* Histogram as the guest writes it: only non-empty buckets, increasing lo,
 * counts preserved. */
static void test_writer_buckets(void)
{
	struct vtb_pw r;
	static uint64_t counts[HIST_BUCKETS_MAX];
	memset(counts, 0, sizeof(counts));
	uint32_t vals[] = { 0, 5, 5, 100, 103, 104, 5000, UINT32_MAX };
	for (unsigned i = 0; i < sizeof(vals) / sizeof(vals[0]); i++)
		counts[guest_hist_index(vals[i], 4)]++;
	start_capture(&r);
	for (unsigned i = 0; i < guest_hist_nbuckets(4); i++)
		if (counts[i])
			vtb_pw_bucket(&r, guest_hist_lo(i, 4), counts[i]);
	CHECK(out_lines == 6);
	CHECK(strstr(out, "@VTB 1 0 B 0 1 *") && strstr(out, "@VTB 1 1 B 5 2 *"));
	CHECK(strstr(out, "@VTB 1 2 B 100 2 *") && strstr(out, "@VTB 1 3 B 104 1 *"));
	CHECK(strstr(out, "@VTB 1 4 B 4864 1 *") && strstr(out, "@VTB 1 5 B 4160749568 1 *"));
}

static void test_libc(void)
{
	char b[16] = "abcdefghij";
	guest_memmove(b + 2, b, 5);
	CHECK(memcmp(b, "ababcdehij", 10) == 0);
	strcpy(b, "abcdefghij");
	guest_memmove(b, b + 3, 5);
	CHECK(memcmp(b, "defghfghij", 10) == 0);
	CHECK(guest_memcmp("abc", "abd", 3) < 0 && guest_memcmp("abd", "abc", 3) > 0);
	CHECK(guest_memcmp("\xff", "\x01", 1) > 0);
	const char *h = "hello";
	CHECK(guest_memchr(h, 'l', 5) == h + 2 && guest_memchr(h, 'z', 5) == NULL);
	CHECK(guest_strnlen("hello", 3) == 3 && guest_strnlen("hi", 9) == 2);
	CHECK(guest_strrchr("a/b/c", '/') != NULL && *(guest_strrchr("a/b/c", '/') + 1) == 'c');
	CHECK(guest_strchr("abc", '\0') != NULL && guest_strchr("abc", 'z') == NULL);
	char *end;
	CHECK(guest_strtoul("1234xyz", &end, 10) == 1234 && *end == 'x');
	CHECK(guest_strtoul("0x1F", NULL, 0) == 31 && guest_strtoul("017", NULL, 0) == 15);
	memset(b, 'q', sizeof(b));
	guest_memset(b, 0, 4);
	CHECK(b[3] == 0 && b[4] == 'q');
	guest_memcpy(b, "xyz", 3);
	CHECK(b[0] == 'x' && b[2] == 'z' && b[3] == 0);
}

int main(void)
{
	RUN(test_crc32);
	RUN(test_text);
	RUN(test_hist_buckets);
	RUN(test_args);
	RUN(test_ns_to_ticks);
	RUN(test_writer_samples);
	RUN(test_writer_sample_budget);
	RUN(test_writer_overflow);
	RUN(test_writer_buckets);
	RUN(test_libc);
	guest_fixture_tests();
	return vtb_test_done();
}

/* Real guest output, captured under Xen (the logs in tests/fixtures/), and damaged
 * copies of it, read by analysis/bin/vtb-analyze: the guest's reports must
 * pass the project's one reader, and the damage its writer could suffer on the
 * way (a changed byte, a lost line, a cut-off report) must be caught there.
 * Paths come from the environment (VTB_ANALYZE, VTB_FIXTURES; the Makefile
 * sets them); bench/storm_test_reader.c runs the reader. */
#include "test_fixtures.h"

#include "storm_test_reader.h"
#include "vtb/crc32.h"
#include "vtb/test.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *fixtures;
static int ready;

/* Skips the calling test when the reader is not there: it is another part's
 * build (make -C analysis), not this one's. */
static int reader_ready(void)
{
	if (!ready)
		vtb_test_skip("no vtb-analyze (VTB_ANALYZE) or fixtures (VTB_FIXTURES)");
	return ready;
}

struct fixture {
	const char *name;
	unsigned long long ticks; /* over all vCPUs */
	const char *record;
};

static const struct fixture all_fixtures[] = {
	{ "dom0-periodic-2000.log", 2000, "samples" },
	{ "dom0-2vcpu-periodic-2000.log", 4000, "samples" },
	{ "dom0-hist-200000.log", 200000, "hist" },
	{ "xl-domu-vuart-periodic-2000.log", 2000, "samples" },
};
#define NFIXTURES (sizeof(all_fixtures) / sizeof(all_fixtures[0]))

static char *fixture_text(const char *name)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", fixtures, name);
	return storm_reader_slurp(path);
}

/* One line of text per report line: the line holding "@VTB 1 <seq> " (any
 * type), as pointers into text, or NULL. */
static char *vtb_line(char *text, unsigned seq, char **end)
{
	char marker[32];
	snprintf(marker, sizeof(marker), "@VTB 1 %u ", seq);
	char *p = strstr(text, marker);
	if (!p)
		return NULL;
	*end = strchr(p, '\n');
	if (!*end)
		*end = p + strlen(p);
	return p;
}

/* Removes [from, to) from text, in place. */
static void cut(char *from, char *to)
{
	memmove(from, to, strlen(to) + 1);
}

/* Replaces the first old in the line of seq by new and writes the CRC the
 * line then deserves: damage the writer's CRC cannot catch, so the reader's
 * own checks must. Returns the new text (free it) or NULL. */
static char *edit_and_recrc(const char *text, unsigned seq, const char *old, const char *new)
{
	size_t n = strlen(text) + strlen(new) + 1;
	char *t = malloc(n), *end;
	if (!t)
		return NULL;
	strcpy(t, text);
	char *line = vtb_line(t, seq, &end);
	char *at = line ? strstr(line, old) : NULL;
	if (!at || at > end) {
		free(t);
		return NULL;
	}
	memmove(at + strlen(new), at + strlen(old), strlen(at + strlen(old)) + 1);
	memcpy(at, new, strlen(new));
	line = vtb_line(t, seq, &end);
	char *star = end;
	while (star > line && *star != '*')
		star--;
	if (star == line)
		return t;
	uint32_t crc = vtb_crc32(0, line, (size_t)(star - line));
	char hex[9];
	snprintf(hex, sizeof(hex), "%08x", crc);
	memcpy(star + 1, hex, 8);
	return t;
}

static void test_fixtures_pass_the_reader(void)
{
	if (!reader_ready())
		return;
	for (size_t i = 0; i < NFIXTURES; i++) {
		const struct fixture *fx = &all_fixtures[i];
		char *text = fixture_text(fx->name), err[512], buf[64], want[32];
		CHECK(text != NULL);
		if (!text)
			continue;
		int rc = storm_reader_run(text, err, sizeof(err));
		if (rc != 0)
			vtb_test_fail_at(__FILE__, __LINE__, "%s: vtb-analyze exit %d: %s", fx->name, rc, err);
		snprintf(want, sizeof(want), "%llu", fx->ticks);
		CHECK_STR(storm_reader_get("counts", "ticks", buf, sizeof(buf)), want);
		CHECK_STR(storm_reader_get("counts", "taken", buf, sizeof(buf)), want);
		/* No loss: every tick delivered, nothing spurious, no stray IRQ. */
		CHECK_STR(storm_reader_get("counts", "lost", buf, sizeof(buf)), "0");
		CHECK_STR(storm_reader_get("counts", "spurious", buf, sizeof(buf)), "0");
		CHECK_STR(storm_reader_get("counts", "other", buf, sizeof(buf)), "0");
		CHECK_STR(storm_reader_get("guest", "record", buf, sizeof(buf)), fx->record);
		free(text);
	}
}

/* The reader rejects the damaged report with one line naming the problem. */
static void expect_rejected(const char *fixture, const char *text, const char *why)
{
	char err[512];
	int rc = storm_reader_run(text, err, sizeof(err));
	if (rc != 1 || !strstr(err, why) || strchr(err, '\n') != err + strlen(err) - 1)
		vtb_test_fail_at(__FILE__, __LINE__, "%s: want exit 1 and one line with '%s', got exit %d: %s",
				 fixture, why, rc, err);
}

/* Damages a report in place; 0, or -1 if the part to damage is not there. */
typedef int (*damage_fn)(char *text);

/* One extra digit at the end of line 1's S or B payload. */
static int add_digit(char *text)
{
	char *end, *line = vtb_line(text, 1, &end);
	char *star = line ? strstr(line, " *") : NULL;
	if (!star)
		return -1;
	memmove(star + 1, star, strlen(star) + 1);
	*star = '9';
	return 0;
}

/* Line 3 lost on the way. */
static int drop_line(char *text)
{
	char *end, *line = vtb_line(text, 3, &end);
	if (!line)
		return -1;
	cut(line, *end ? end + 1 : end);
	return 0;
}

/* The E line lost: the report is cut short. */
static int drop_end(char *text)
{
	char *p = strstr(text, " E lines=");
	while (p && p > text && p[-1] != '\n')
		p--;
	if (!p)
		return -1;
	char *end = strchr(p, '\n');
	cut(p, end ? end + 1 : p + strlen(p));
	return 0;
}

/* Every fixture, damaged, is rejected with a line naming why. */
static void expect_damage_rejected(damage_fn damage, const char *why)
{
	if (!reader_ready())
		return;
	for (size_t i = 0; i < NFIXTURES; i++) {
		char *text = fixture_text(all_fixtures[i].name);
		CHECK(text && damage(text) == 0);
		if (text)
			expect_rejected(all_fixtures[i].name, text, why);
		free(text);
	}
}

static void test_fixture_bad_crc_rejected(void) { expect_damage_rejected(add_digit, "bad CRC"); }
static void test_fixture_lost_line_rejected(void) { expect_damage_rejected(drop_line, "sequence gap"); }
static void test_fixture_without_end_rejected(void) { expect_damage_rejected(drop_end, "without the E line"); }

/* A 2-vCPU report (dom0 with 2 vCPUs on the 1 pCPU): per-vCPU counts. */
static const char *const mc = "dom0-2vcpu-periodic-2000.log";

static void test_fixture_2vcpu_counts(void)
{
	if (!reader_ready())
		return;
	char *text = fixture_text(mc), err[512], buf[64];
	CHECK(text != NULL);
	if (!text)
		return;
	CHECK(storm_reader_run(text, err, sizeof(err)) == 0);
	CHECK_STR(storm_reader_get("guest", "cpus", buf, sizeof(buf)), "2");
	CHECK_STR(storm_reader_get("guest", "cpu_ticks", buf, sizeof(buf)), "2000");
	CHECK_STR(storm_reader_get("trailer", "cpu0_taken", buf, sizeof(buf)), "2000");
	CHECK_STR(storm_reader_get("trailer", "cpu0_lost", buf, sizeof(buf)), "0");
	CHECK_STR(storm_reader_get("trailer", "cpu1_taken", buf, sizeof(buf)), "2000");
	CHECK_STR(storm_reader_get("trailer", "cpu1_lost", buf, sizeof(buf)), "0");
	/* The re-CRC helper below leaves a report valid when it changes nothing. */
	char *same = edit_and_recrc(text, 0, "cpus=2", "cpus=2");
	CHECK(same && storm_reader_run(same, err, sizeof(err)) == 0);
	free(same);
	free(text);
}

static unsigned trailer_seq(const char *text)
{
	const char *t = strstr(text, " T taken=");
	while (t && t > text && strncmp(t, "@VTB 1 ", 7) != 0)
		t--;
	return t ? (unsigned)strtoul(t + 7, NULL, 10) : 0;
}

/* The 2-vCPU report with its T line edited (old -> new) and re-CRC'd must be
 * rejected with a line naming why. */
static void expect_trailer_edit_rejected(const char *old, const char *new, const char *why)
{
	char *text = fixture_text(mc);
	char *bad = text ? edit_and_recrc(text, trailer_seq(text), old, new) : NULL;
	CHECK(bad != NULL);
	if (bad)
		expect_rejected(mc, bad, why);
	free(bad);
	free(text);
}

static void test_fixture_2vcpu_sum_mismatch_rejected(void)
{
	if (!reader_ready())
		return;
	expect_trailer_edit_rejected("cpu1_taken=2000", "cpu1_taken=1999", "cpu");
}

static void test_fixture_2vcpu_missing_key_rejected(void)
{
	if (!reader_ready())
		return;
	expect_trailer_edit_rejected(" cpu1_spurious=0", "", "cpu1_spurious");
}

void guest_fixture_tests(void)
{
	fixtures = getenv("VTB_FIXTURES");
	ready = fixtures && storm_reader_setup() == 0;
	RUN(test_fixtures_pass_the_reader);
	RUN(test_fixture_bad_crc_rejected);
	RUN(test_fixture_lost_line_rejected);
	RUN(test_fixture_without_end_rejected);
	RUN(test_fixture_2vcpu_counts);
	RUN(test_fixture_2vcpu_sum_mismatch_rejected);
	RUN(test_fixture_2vcpu_missing_key_rejected);
	storm_reader_cleanup();
}

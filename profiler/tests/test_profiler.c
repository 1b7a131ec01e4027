/* Unit tests of profiler/: the ELF reader, the raw-file reader and
 * vtb-profile's output on a hand-made raw file whose figures are worked out
 * in the comments. Run from profiler/ with the fixture object as argv[1]. */
#define _POSIX_C_SOURCE 200809L
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "elfsym.h"
#include "vtb/read_file.h"
#include "raw.h"
#include "vtb/test.h"

static const char *fixture_obj;
static char tmpdir[] = "/tmp/vtb-profiler-test.XXXXXX";

static char *tmp_file(const char *name, const char *text)
{
	static char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	if (!f)
		return NULL;
	fputs(text, f);
	fclose(f);
	return path;
}

static char *slurp(const char *path)
{
	char *buf;
	size_t len;

	return vtb_read_file(path, &buf, &len) == 0 ? buf : NULL;
}

static void test_elf_symbols(void)
{
	struct prof_elf e;
	char err[256];
	const struct prof_func *a, *b;
	long i;

	CHECK(prof_elf_load(&e, fixture_obj, err, sizeof(err)) == 0);
	a = prof_elf_sym(&e, "fixture_first");
	b = prof_elf_sym(&e, "fixture_second");
	CHECK(a && b && a->size > 0 && b->addr > a->addr);
	if (!a || !b)
		return;
	CHECK(prof_elf_is_exec(&e, a->addr));
	i = prof_elf_func_at(&e, b->addr + 4);
	CHECK(i >= 0 && !strcmp(e.funcs[i].name, "fixture_second"));
	i = prof_elf_func_at(&e, a->addr);
	CHECK(i >= 0 && !strcmp(e.funcs[i].name, "fixture_first"));
	CHECK(prof_elf_code(&e, a->addr, a->size) != NULL);
	CHECK(prof_elf_sym(&e, "no_such_function") == NULL);
	prof_elf_free(&e);
}

static void test_elf_rejects_non_elf(void)
{
	struct prof_elf e;
	char err[256];

	CHECK(prof_elf_load(&e, tmp_file("x.txt", "not an ELF file\n"), err, sizeof(err)) == -1);
	CHECK(strstr(err, "not a 64-bit little-endian ELF file") != NULL);
	CHECK(prof_elf_load(&e, "/nonexistent/xen-syms", err, sizeof(err)) == -1);
	CHECK(strchr(err, '\n') == NULL);
}

static void test_raw_reads_fixture(void)
{
	struct prof_raw r;
	char err[256];

	CHECK(prof_raw_read(&r, "tests/fixtures/small.raw", err, sizeof(err)) == 0);
	CHECK(r.ticks == 4 && r.nwins == 5 && r.nfuncs == 3 && r.nx == 4);
	CHECK(r.tick_va == 0x700042a0 && r.vectors == 0x257000);
	CHECK_STR(r.tick_name, "irq_handler");
	CHECK_STR(r.funcs[1].name, "inject");
	CHECK(r.wins[2].xen == 40 && r.wins[2].nf == 2 && r.wins[2].exits[9] == 1);
	CHECK(r.fd[r.wins[2].f0 + 1].func == 2 && r.fd[r.wins[2].f0 + 1].n == 20);
	CHECK(r.total_xen == 1105 && r.exits[8] == 3 && r.storm_exits[8] == 2 && r.total_low == 7);
	CHECK(r.guest_base == 0x70000000 && r.x[1].storm == 0 && r.x[2].storm == 1);
	prof_raw_free(&r);
}

/* Each damaged variant of the fixture is refused with a one-line reason
 * naming the line. */
static void expect_bad(const char *from, const char *to, const char *want)
{
	char *good = slurp("tests/fixtures/small.raw"), *p, *bad;
	struct prof_raw r;
	char err[256];

	if (!good || !(p = strstr(good, from))) {
		vtb_test_fail_at(__FILE__, __LINE__, "fixture has no '%s'", from);
		free(good);
		return;
	}
	bad = calloc(1, strlen(good) + strlen(to) + 1);
	memcpy(bad, good, (size_t)(p - good));
	strcat(bad, to);
	strcat(bad, p + strlen(from));
	if (prof_raw_read(&r, tmp_file("bad.raw", bad), err, sizeof(err)) == 0) {
		vtb_test_fail_at(__FILE__, __LINE__, "accepted: '%s' -> '%s'", from, to);
		prof_raw_free(&r);
	} else if (!strstr(err, want) || strchr(err, '\n')) {
		vtb_test_fail_at(__FILE__, __LINE__, "error '%s' does not say '%s'", err, want);
	}
	free(bad);
	free(good);
}

/* Xen 4.22 links at 0xa0000200000: hex addresses may start with a letter. */
static void test_raw_reads_letter_led_addresses(void)
{
	char *good = slurp("tests/fixtures/small.raw"), *p;
	struct prof_raw r;
	char err[256];

	CHECK(good && (p = strstr(good, "vectors 0x257000")) != NULL);
	if (!good || !p) {
		free(good);
		return;
	}
	char *text = calloc(1, strlen(good) + 16);
	memcpy(text, good, (size_t)(p - good));
	strcat(text, "vectors 0xa0000257000");
	strcat(text, p + strlen("vectors 0x257000"));
	if (prof_raw_read(&r, tmp_file("letter.raw", text), err, sizeof(err)) == 0) {
		CHECK(r.vectors == 0xa0000257000ull);
		prof_raw_free(&r);
	} else {
		vtb_test_fail_at(__FILE__, __LINE__, "refused: %s", err);
	}
	free(text);
	free(good);
}

static void test_raw_rejects_damage(void)
{
	expect_bad("vtb-prof-raw 1", "vtb-prof-raw 2", "bad.raw:1: not a version 1");
	expect_bad("end 4\n", "", "truncated: no end record");
	expect_bad("end 4", "end 5", "end says 5 ticks but there are 5 windows");
	expect_bad("7:20 9:20", "7:20 9:21", "bad.raw:16: window 3: functions add up to 41");
	expect_bad("7:20 9:10", "7:20 8:10", "names function 8, not in the func list");
	expect_bad("w 3 40", "w 4 40", "window 4 out of order");
	expect_bad("x 2 9 1 10 2", "x 2 16 1 10 2", "malformed exit record");
	expect_bad("x 2 9 1 10 2 2 8", "x 2 9 1 10 2 2 11", "malformed exit record");
	expect_bad("x 2 9 1 10", "x 2 9 2 10", "malformed exit record");
	expect_bad("exits 0 0 0 0 0 2", "exits 0 0 0 0 0 3", "do not add up to the totals");
	expect_bad("total 1105 0 530 7 0", "total 1105 0 530 8 0", "do not add up to the totals");
	expect_bad(" 1 0 0 0 0 0 0 0 7:20 9:15", " 2 0 0 0 0 0 0 0 7:20 9:15", "malformed storm exit count in window 2");
	expect_bad("func 9 0x200300 45 idle", "func 9 0x200300 45", "malformed func record");
	expect_bad("nest-overflow 0", "bogus 0", "unknown record 'bogus'");
}

static int run(const char *cmd)
{
	int st = system(cmd);

	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static json_int_t jint(json_t *root, const char *path)
{
	json_t *o = root;
	char buf[256], *tok, *save;

	snprintf(buf, sizeof(buf), "%s", path);
	for (tok = strtok_r(buf, ".", &save); tok && o; tok = strtok_r(NULL, ".", &save))
		o = json_is_array(o) ? json_array_get(o, (size_t)atoi(tok)) : json_object_get(o, tok);
	return json_is_integer(o) ? json_integer_value(o) : -1;
}

static void test_tool_profile(void)
{
	char cmd[1024], path[600];
	json_t *j;
	json_error_t je;
	char *folded;

	snprintf(cmd, sizeof(cmd), "build/vtb-profile --raw tests/fixtures/small.raw --out-dir %s/out "
		 "--label fx --top 1 --quiet", tmpdir);
	CHECK(run(cmd) == 0);
	snprintf(path, sizeof(path), "%s/out/profile.json", tmpdir);
	j = json_load_file(path, 0, &je);
	CHECK(j != NULL);
	if (!j)
		return;
	CHECK_STR(json_string_value(json_object_get(j, "schema")), "vtb-profile/1");
	/* Windows 2..4 (the boot window 1 and the tail are left out): Xen 35, 40,
	 * 30 -> nearest-rank p50 35, max 40; guest 10 each. */
	CHECK(jint(j, "ticks.windows") == 3);
	CHECK(jint(j, "el2_per_tick.p50") == 35 && jint(j, "el2_per_tick.max") == 40);
	CHECK(jint(j, "guest_per_tick.min") == 10);
	/* inject: 20 in every window; idle 15, 20, 10 goes to the rest. */
	CHECK_STR(json_string_value(json_object_get(json_array_get(json_object_get(
		json_object_get(j, "by_function"), "top"), 0), "name")), "inject");
	CHECK(jint(j, "by_function.top.0.per_tick.min") == 20 && jint(j, "by_function.top.0.total") == 60);
	CHECK(jint(j, "by_function.rest.total") == 45 && jint(j, "by_function.rest.functions") == 1);
	/* Storm exits: sync 1, 0, 1; every guest's: 1, 1, 1. */
	CHECK(jint(j, "exits_per_tick.guest64_sync.total") == 2);
	CHECK(jint(j, "all_guests_exits_per_tick.guest64_sync.total") == 3);
	CHECK(jint(j, "exits_per_tick.guest64_irq.max") == 1);
	CHECK(jint(j, "other_guests_per_tick.max") == 7);
	CHECK(jint(j, "el2_exceptions_per_tick.el2_irq.total") == 2);
	/* Costs of the storm's exits begun in windows 2..4 (tick 1..3): 35, 30. */
	CHECK(jint(j, "exit_cost.guest64_sync.entry_to_eret.n") == 2 &&
	      jint(j, "exit_cost.guest64_sync.entry_to_eret.p50") == 30);
	/* Between their trace stamps: 30 - 5 = 25, 25 - 5 = 20. */
	CHECK(jint(j, "exit_cost.guest64_sync.between_trace_stamps.max") == 25);
	CHECK(jint(j, "exit_cost.guest64_sync.between_trace_stamps.min") == 20);
	CHECK(jint(j, "windows_instructions.all") == 142);
	json_decref(j);
	snprintf(path, sizeof(path), "%s/out/profile.folded", tmpdir);
	folded = slurp(path);
	CHECK_STR(folded, "xen;inject 60\nxen;idle 45\nguest 30\nother-guests 7\n");
	free(folded);
	snprintf(path, sizeof(path), "%s/out/exits.csv", tmpdir);
	folded = slurp(path);
	CHECK(folded && strstr(folded, "\n3,2,guest64_irq,storm,10,2,2,8\n"));
	free(folded);
}

static void test_tool_errors(void)
{
	char cmd[1024], *err;

	snprintf(cmd, sizeof(cmd), "build/vtb-profile --raw tests/fixtures/small.raw >/dev/null 2>&1");
	CHECK(run(cmd) == 2);
	snprintf(cmd, sizeof(cmd), "build/vtb-profile --raw x --out-dir y --top -1 >/dev/null 2>&1");
	CHECK(run(cmd) == 2);
	snprintf(cmd, sizeof(cmd), "build/vtb-profile --raw %s/x.txt --out-dir %s/o2 2>%s/err >/dev/null",
		 tmpdir, tmpdir, tmpdir);
	tmp_file("x.txt", "garbage\n");
	CHECK(run(cmd) == 1);
	snprintf(cmd, sizeof(cmd), "%s/err", tmpdir);
	err = slurp(cmd);
	CHECK(err && !strncmp(err, "vtb-profile: ", 13) && strchr(err, '\n') == err + strlen(err) - 1);
	free(err);
	snprintf(cmd, sizeof(cmd), "%s/o2", tmpdir);
	CHECK(access(cmd, F_OK) != 0);   /* nothing written */
}

/* A fixture changed the way a planted patch changes Xen: two more
 * instructions of "inject" in every window (20 -> 22 per tick). */
static const char *planted_edits[][2] = {
	{ "func 7 0x200200 60 inject", "func 7 0x200200 66 inject" },
	{ "total 1105 ", "total 1111 " },
	{ "w 2 35 ", "w 2 37 " },  { "w 3 40 ", "w 3 42 " },  { "w 4 30 ", "w 4 32 " },
	{ "7:20 9:15", "7:22 9:15" }, { "7:20 9:20", "7:22 9:20" }, { "7:20 9:10", "7:22 9:10" },
};

static int write_planted(const char *path)
{
	char *text = slurp("tests/fixtures/small.raw");
	FILE *f;

	if (!text)
		return -1;
	for (size_t i = 0; i < sizeof(planted_edits) / sizeof(planted_edits[0]); i++) {
		char *at = strstr(text, planted_edits[i][0]);
		size_t a = strlen(planted_edits[i][0]), b = strlen(planted_edits[i][1]);
		char *t;

		if (!at || !(t = malloc(strlen(text) + b + 1))) {
			free(text);
			return -1;
		}
		sprintf(t, "%.*s%s%s", (int)(at - text), text, planted_edits[i][1], at + a);
		free(text);
		text = t;
	}
	f = fopen(path, "w");
	if (!f || fputs(text, f) == EOF || fclose(f)) {
		free(text);
		return -1;
	}
	free(text);
	return 0;
}

static void test_diff(void)
{
	char cmd[2048], path[600], *txt;
	json_t *j;
	json_error_t je;

	snprintf(path, sizeof(path), "%s/planted.raw", tmpdir);
	CHECK(write_planted(path) == 0);
	snprintf(cmd, sizeof(cmd), "build/vtb-profile --raw tests/fixtures/small.raw --out-dir %s/dA --label a --quiet && "
		 "build/vtb-profile --raw %s --out-dir %s/dB --label b --quiet", tmpdir, path, tmpdir);
	CHECK(run(cmd) == 0);
	/* The same profile twice: no change, exit 0. */
	snprintf(cmd, sizeof(cmd), "build/vtb-profile diff %s/dA %s/dA > %s/same.txt", tmpdir, tmpdir, tmpdir);
	CHECK(run(cmd) == 0);
	snprintf(path, sizeof(path), "%s/same.txt", tmpdir);
	txt = slurp(path);
	CHECK(txt && strstr(txt, "verdict: same") && !strstr(txt, "moved"));
	free(txt);
	/* +2 of 35 per tick (p50) is +5.7 %: beyond the default 1 %, a regression. */
	snprintf(cmd, sizeof(cmd), "build/vtb-profile diff %s/dA %s/dB --top 1 --json %s/d.json --plot-data %s/d.dat "
		 "> %s/reg.txt", tmpdir, tmpdir, tmpdir, tmpdir, tmpdir);
	CHECK(run(cmd) == 3);
	snprintf(path, sizeof(path), "%s/d.json", tmpdir);
	j = json_load_file(path, 0, &je);
	CHECK(j != NULL);
	if (j) {
		json_t *m = json_array_get(json_object_get(j, "moved"), 0);

		CHECK_STR(json_string_value(json_object_get(j, "verdict")), "regression");
		CHECK(json_array_size(json_object_get(j, "moved")) == 1);
		CHECK_STR(json_string_value(json_object_get(m, "name")), "inject");
		CHECK_NEAR(json_number_value(json_object_get(m, "change_per_tick")), 2.0, 1e-12);
		CHECK_NEAR(json_number_value(json_object_get(json_object_get(json_object_get(j, "el2_per_tick"), "p50"),
							     "change")), 2.0, 1e-12);
		/* --top 1: inject 20 -> 22 by name, idle (15 per tick) in the rest. */
		CHECK(jint(j, "functions.rest.functions") == 1);
		json_decref(j);
	}
	snprintf(path, sizeof(path), "%s/reg.txt", tmpdir);
	txt = slurp(path);
	CHECK(txt && strstr(txt, "verdict: regression") && strstr(txt, "+2.000  inject  (20.000 -> 22.000)"));
	free(txt);
	snprintf(path, sizeof(path), "%s/d.dat", tmpdir);
	txt = slurp(path);
	CHECK(txt && strstr(txt, "function \"a\" \"b\"\n\"inject\" 20.000 22.000\n\"(1 others)\" 15.000 15.000\n"));
	free(txt);
	/* Below a 10 % threshold it is a change, reported, exit 0; so is a decrease. */
	snprintf(cmd, sizeof(cmd), "build/vtb-profile diff %s/dA %s/dB --threshold-pct 10 | grep -q 'verdict: changed'",
		 tmpdir, tmpdir);
	CHECK(run(cmd) == 0);
	snprintf(cmd, sizeof(cmd), "build/vtb-profile diff %s/dB %s/dA | grep -q 'verdict: changed'", tmpdir, tmpdir);
	CHECK(run(cmd) == 0);
	/* Bad input: one line, exit 1; bad usage: exit 2. */
	snprintf(cmd, sizeof(cmd), "build/vtb-profile diff %s/dA %s/none --json %s/no.json 2> %s/err", tmpdir, tmpdir,
		 tmpdir, tmpdir);
	CHECK(run(cmd) == 1);
	snprintf(path, sizeof(path), "%s/err", tmpdir);
	txt = slurp(path);
	CHECK(txt && !strncmp(txt, "vtb-profile diff: ", 18) && strchr(txt, '\n') == txt + strlen(txt) - 1);
	free(txt);
	snprintf(path, sizeof(path), "%s/no.json", tmpdir);
	CHECK(access(path, F_OK) != 0);
	snprintf(cmd, sizeof(cmd), "build/vtb-profile diff %s/dA 2>/dev/null", tmpdir);
	CHECK(run(cmd) == 2);
	snprintf(cmd, sizeof(cmd), "build/vtb-profile diff %s/dA %s/dB --threshold-pct -1 2>/dev/null", tmpdir, tmpdir);
	CHECK(run(cmd) == 2);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: test-profiler FIXTURE-OBJECT\n");
		return 2;
	}
	fixture_obj = argv[1];
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	RUN(test_elf_symbols);
	RUN(test_elf_rejects_non_elf);
	RUN(test_raw_reads_fixture);
	RUN(test_raw_reads_letter_led_addresses);
	RUN(test_raw_rejects_damage);
	RUN(test_tool_profile);
	RUN(test_tool_errors);
	RUN(test_diff);
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "test-profiler: cannot remove %s\n", tmpdir);
	return vtb_test_done();
}

/* The real binary, end to end on run directories made here: verdicts, exit
 * codes, one-line errors, JSON written whole or not at all, and
 * reproducible output. */
#include "fixture.h"
#include <fcntl.h>
#include <stdarg.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

struct out {
	int status;
	char so[16384], se[4096];
};

static void slurp(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(buf, 1, len - 1, f) : 0;
	buf[n] = 0;
	if (f)
		fclose(f);
}

/* Run the tool with up to 12 arguments (NULL-terminated). */
static void run(struct out *o, const char *arg0, ...)
{
	const char *argv[16] = { h_tool };
	va_list ap;
	va_start(ap, arg0);
	int n = 1;
	for (const char *a = arg0; a && n < 15; a = va_arg(ap, const char *))
		argv[n++] = a;
	va_end(ap);
	argv[n] = NULL;
	static char so[64], se[64];
	static const char *base;
	if (!base)
		base = h_tmpdir();
	snprintf(so, sizeof so, "%s/stdout", base);
	snprintf(se, sizeof se, "%s/stderr", base);
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		int fo = open(so, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		int fe = open(se, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		dup2(fo, 1);
		dup2(fe, 2);
		execv(h_tool, (char *const *)argv);
		_exit(127);
	}
	int st;
	waitpid(pid, &st, 0);
	o->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	slurp(so, o->so, sizeof o->so);
	slurp(se, o->se, sizeof o->se);
}

static int count_lines(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

void test_cli(void)
{
	enum { N = 400 };
	long a[N], a_perm[N], slow[N], fast[N], narrow[N], wide[N];
	for (int i = 0; i < N; i++) {
		/* A skewed, integer latency shape: 1000 + a spread of 0..100
		 * with a tail every 50th sample. */
		a[i] = 1000 + (i * 37) % 101 + (i % 50 == 0 ? 400 : 0);
		slow[i] = a[i] + 50; /* +5% of the median */
		fast[i] = a[i] - 50;
		/* symmetric around 1000, spreads 1x and 3x */
		narrow[i] = 1000 + (i % 101) - 50;
		wide[i] = 1000 + 3 * ((i % 101) - 50);
	}
	for (int i = 0; i < N; i++)
		a_perm[i] = a[(i * 7 + 3) % N]; /* same multiset, other order */

	const char *dA = h_tmpdir(), *dA2 = h_tmpdir(), *dS = h_tmpdir(), *dF = h_tmpdir();
	const char *dN = h_tmpdir(), *dW = h_tmpdir(), *dBad = h_tmpdir(), *dR = h_tmpdir();
	const char *dJ = h_tmpdir();
	h_run_dir(dA, "deterministic", a, N);
	h_run_dir(dA2, "deterministic", a_perm, N);
	h_run_dir(dS, "deterministic", slow, N);
	h_run_dir(dF, "deterministic", fast, N);
	h_run_dir(dN, "deterministic", narrow, N);
	h_run_dir(dW, "deterministic", wide, N);
	h_run_dir(dR, "realtime", a, N);
	h_run_dir(dBad, "deterministic", a, N);
	h_write(dBad, "samples.csv", "tick,latency_ticks,latency_ns\n0,5,80\n1,oops,96\n");

	struct out o, o2;
	char json[256], json2[256], jbuf[16384], jbuf2[16384];
	snprintf(json, sizeof json, "%s/cmp.json", dJ);
	snprintf(json2, sizeof json2, "%s/cmp2.json", dJ);

	/* A/A: same multiset in another order -> identical, exit 0; twice
	 * gives byte-identical text and JSON (seeded bootstrap). */
	run(&o, dA, dA2, "--json", json, NULL);
	CHECK(o.status == 0);
	CHECK(strstr(o.so, "verdict: identical\n") != NULL);
	CHECK(strstr(o.so, "spread: identical\n") != NULL);
	run(&o2, dA, dA2, "--json", json2, NULL);
	slurp(json, jbuf, sizeof jbuf);
	slurp(json2, jbuf2, sizeof jbuf2);
	CHECK(strcmp(o.so, o2.so) == 0);
	CHECK(jbuf[0] == '{' && strcmp(jbuf, jbuf2) == 0);
	json_error_t je;
	json_t *root = json_loads(jbuf, 0, &je);
	CHECK(root != NULL);
	CHECK(root && !strcmp(json_string_value(json_object_get(root, "verdict")), "identical"));
	CHECK(root && json_is_true(json_object_get(root, "identical")));
	CHECK(root && !strcmp(json_string_value(json_object_get(root, "schema")), "vtimer-bench/compare/1"));
	json_decref(root);

	/* Shifted copy +50 ticks: slower, HL shift exactly +50; exit 3 only
	 * with --fail-on-regression. */
	run(&o, dA, dS, "--json", json, NULL);
	CHECK(o.status == 0);
	CHECK(strstr(o.so, "verdict: slower") != NULL);
	slurp(json, jbuf, sizeof jbuf);
	root = json_loads(jbuf, 0, &je);
	json_t *hl = root ? json_object_get(root, "hodges_lehmann") : NULL;
	CHECK(hl && json_real_value(json_object_get(hl, "shift")) == 50.0);
	CHECK(root && json_real_value(json_object_get(json_object_get(root, "median_diff"), "estimate")) == 50.0);
	CHECK(root && !strcmp(json_string_value(json_object_get(root, "spread_verdict")),
			      "no significant change"));
	json_decref(root);
	run(&o, dA, dS, "--fail-on-regression", NULL);
	CHECK(o.status == 3 && strstr(o.so, "verdict: slower"));
	/* Same shift but a 10% practical threshold: not a regression; in
	 * deterministic mode the difference is exact, so no p-value is quoted. */
	run(&o, dA, dS, "--fail-on-regression", "--threshold-pct", "10", NULL);
	CHECK(o.status == 0 && strstr(o.so, "verdict: changed within the threshold (exact: median +50 ticks"));
	CHECK(strstr(o.so, "no p-value") && strstr(o.so, "400 ticks paired, 400 differ; mean +50"));
	/* The other direction. */
	run(&o, dA, dF, "--fail-on-regression", NULL);
	CHECK(o.status == 0 && strstr(o.so, "verdict: faster"));
	run(&o, dS, dA, "--metric", "latency_ns", NULL);
	CHECK(o.status == 0 && strstr(o.so, "verdict: faster") && strstr(o.so, "icount ns"));

	/* Spread only: the location test sees nothing, the spread test does. */
	run(&o, dN, dW, NULL);
	CHECK(o.status == 0);
	CHECK(strstr(o.so, "verdict: changed within the threshold") != NULL);
	CHECK(strstr(o.so, "spread: wider\n") != NULL);
	run(&o, dW, dN, NULL);
	CHECK(strstr(o.so, "spread: narrower\n") != NULL);

	/* Modes differ: said loudly. */
	run(&o, dA, dR, NULL);
	CHECK(o.status == 0 && strstr(o.so, "WARNING: platform modes differ"));

	/* Bad input: one line on stderr, exit 1, nothing on stdout, and an
	 * existing JSON file left as it was. */
	h_write(dJ, "keep.json", "old\n");
	char keep[256];
	snprintf(keep, sizeof keep, "%s/keep.json", dJ);
	run(&o, dA, dBad, "--json", keep, NULL);
	CHECK(o.status == 1);
	CHECK(count_lines(o.se) == 1 && strstr(o.se, "samples.csv: line 3: malformed"));
	CHECK(o.so[0] == 0);
	slurp(keep, jbuf, sizeof jbuf);
	CHECK(strcmp(jbuf, "old\n") == 0);
	run(&o, dA, "/nonexistent/run", NULL);
	CHECK(o.status == 1 && count_lines(o.se) == 1 && strstr(o.se, "not a run directory"));
	/* Usage errors exit 2 (docs/conventions.md). */
	run(&o, dA, NULL);
	CHECK(o.status == 2 && count_lines(o.se) == 1);
	run(&o, dA, dS, "--alpha", "2", NULL);
	CHECK(o.status == 2 && count_lines(o.se) == 1 && strstr(o.se, "--alpha"));
	run(&o, dA, dS, "--metric", "latency_us", NULL);
	CHECK(o.status == 2 && count_lines(o.se) == 1);
	run(&o, dA, dS, "--frobnicate", NULL);
	CHECK(o.status == 2 && count_lines(o.se) == 1);
	run(&o, dA, dS, "--bootstrap", "-1", NULL);
	CHECK(o.status == 2 && count_lines(o.se) == 1 && strstr(o.se, "--bootstrap"));
	run(&o, "--help", NULL);
	CHECK(o.status == 0 && strstr(o.so, "usage: vtb-compare"));

	/* Histogram runs (no samples.csv): same histogram -> identical; a
	 * histogram moved up by 4 one-tick buckets -> slower by exactly 4. */
	const char *dH1 = h_tmpdir(), *dH2 = h_tmpdir(), *dH3 = h_tmpdir();
	const char *hs = "{\"schema\":\"vtimer-bench/summary/1\",\"platform_mode\":\"deterministic\","
			 "\"clock\":{\"cntfrq_hz\":62500000,\"ns_per_tick\":16},"
			 "\"guest\":{\"hist_shift\":8},\"latency_ticks\":{\"n\":100}}";
	h_write(dH1, "summary.json", hs);
	h_write(dH2, "summary.json", hs);
	h_write(dH3, "summary.json", hs);
	h_write(dH1, "hist.csv", "lo_ticks,count\n100,30\n101,40\n102,20\n110,10\n");
	h_write(dH2, "hist.csv", "lo_ticks,count\n100,30\n101,40\n102,20\n110,10\n");
	h_write(dH3, "hist.csv", "lo_ticks,count\n104,30\n105,40\n106,20\n114,10\n");
	run(&o, dH1, dH2, NULL);
	CHECK(o.status == 0 && strstr(o.so, "verdict: identical") && strstr(o.so, "hist.csv"));
	run(&o, dH1, dH3, "--json", json, NULL);
	CHECK(o.status == 0 && strstr(o.so, "verdict: slower"));
	slurp(json, jbuf, sizeof jbuf);
	root = json_loads(jbuf, 0, &je);
	hl = root ? json_object_get(root, "hodges_lehmann") : NULL;
	CHECK(hl && json_real_value(json_object_get(hl, "shift")) == 4.0);
	json_decref(root);

	/* Empty samples are bad input too. */
	h_write(dBad, "samples.csv", "tick,latency_ticks,latency_ns\n");
	run(&o, dBad, dA, NULL);
	CHECK(o.status == 1 && count_lines(o.se) == 1 && strstr(o.se, "no samples"));
}

/* A side of K boots in dir/boot-1..boot-K (and the pooled copy of boot 1
 * in dir itself, as vtb-run pool would leave some pooled figures there):
 * boot j's latencies are scaled by factor[j]. */
static void boots_dir(const char *dir, const char *mode, const double *factor, size_t k)
{
	enum { N = 200 };
	long v[N], all[N * 8];
	for (size_t j = 0; j < k; j++) {
		char sub[600];
		snprintf(sub, sizeof sub, "%s/boot-%zu", dir, j + 1);
		CHECK(mkdir(sub, 0755) == 0);
		for (int i = 0; i < N; i++)
			all[j * N + i] = v[i] = (long)(factor[j] * (1000 + (i * 37) % 101));
		h_run_dir(sub, mode, v, N);
	}
	h_run_dir(dir, mode, all, N * k);
}

void test_cli_boots(void)
{
	struct out o;
	/* Realtime, boot spread ~5 %: B's boots 30 % slower is a regression
	 * at the boot level (exit 3); an A/A pair is no change or
	 * inconclusive, never a regression. */
	static const double fa[] = { 1.0, 1.05, 0.95, 1.02, 0.98 };
	static const double fb[] = { 1.3, 1.365, 1.235, 1.326, 1.274 };
	static const double fa2[] = { 0.97, 1.04, 1.01, 0.99, 1.03 };
	static const double one[] = { 1.0 };
	const char *dA = h_tmpdir(), *dB = h_tmpdir(), *dA2 = h_tmpdir(), *d1 = h_tmpdir(), *d1b = h_tmpdir();
	const char *dD = h_tmpdir(), *dD2 = h_tmpdir();
	boots_dir(dA, "realtime", fa, 5);
	boots_dir(dB, "realtime", fb, 5);
	boots_dir(dA2, "realtime", fa2, 5);
	run(&o, dA, dB, "--fail-on-regression", "--threshold-pct", "10", NULL);
	CHECK_MSG(o.status == 3 && strstr(o.so, "verdict: slower (boot level: median B/A = 1.3"), "%d %s", o.status,
		  o.so);
	CHECK(strstr(o.so, "boots: A 5, B 5") && strstr(o.so, "between boots") && strstr(o.so, "minimum detectable effect"));
	run(&o, dA, dA2, "--fail-on-regression", "--threshold-pct", "10", NULL);
	CHECK_MSG(o.status == 0 && strstr(o.so, "verdict: no significant change"), "%d %s", o.status, o.so);
	/* A 1 % threshold is below what 5 boots of 5 % noise can see:
	 * inconclusive, exit 4, with the MDE in the verdict. */
	run(&o, dA, dA2, "--fail-on-regression", "--threshold-pct", "1", NULL);
	CHECK_MSG(o.status == 4 && strstr(o.so, "verdict: inconclusive (could detect only changes beyond +-"), "%d %s",
		  o.status, o.so);

	/* Realtime, one boot a side and no calibrated noise: inconclusive even
	 * with a 30 % difference, because the boot is the unit. */
	boots_dir(d1, "realtime", one, 1);
	boots_dir(d1b, "realtime", fb, 1);
	run(&o, d1, d1b, "--fail-on-regression", NULL);
	CHECK_MSG(o.status == 4 && strstr(o.so, "1 vs 1 boots and no calibrated noise"), "%d %s", o.status, o.so);
	/* With noise from history (SD 5 % over 20 df) it can be judged. */
	run(&o, d1, d1b, "--fail-on-regression", "--noise", "0.0025:20", "--threshold-pct", "10", NULL);
	CHECK_MSG(o.status == 3 && strstr(o.so, "from history"), "%d %s", o.status, o.so);
	run(&o, d1, d1b, "--noise", "0.1", NULL);
	CHECK(o.status == 2);

	/* Deterministic, 3 byte-identical boots a side: said, and exact. */
	static const double same[] = { 1.0, 1.0, 1.0 }, slow[] = { 1.1, 1.1, 1.1 };
	boots_dir(dD, "deterministic", same, 3);
	boots_dir(dD2, "deterministic", slow, 3);
	/* 3 identical boots against 1 identical boot: identical. */
	const char *dD1 = h_tmpdir();
	boots_dir(dD1, "deterministic", same, 1);
	run(&o, dD1, dD, NULL);
	CHECK_MSG(o.status == 0 && strstr(o.so, "verdict: identical\n"), "%s", o.so);
	run(&o, dD, dD2, "--fail-on-regression", NULL);
	CHECK_MSG(o.status == 3 && strstr(o.so, "boots byte-identical on both sides") &&
			  strstr(o.so, "verdict: slower (exact:") && strstr(o.so, "no p-value"),
		  "%d %s", o.status, o.so);
}

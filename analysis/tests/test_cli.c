/* Runs the real vtb-analyze binary: exit codes, the one-line error, atomic
 * output (nothing written on error) and the files it produces. */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "fixture.h"
#include "vtb/read_file.h"
#include "unit.h"

static const char *bin;
static char tmp[64];

static char *slurp(const char *path)
{
	char *buf;
	size_t len;

	return vtb_read_file(path, &buf, &len) == 0 ? buf : NULL;
}

static void spit(const char *path, const char *s, size_t n)
{
	FILE *f = fopen(path, "w");

	if (!f)
		abort();
	fwrite(s, 1, n, f);
	fclose(f);
}

/* Runs bin with args (NULL-terminated); stdout/stderr go to tmp/out, tmp/err. */
static int run(const char *const *args)
{
	char out[128], err[128];
	const char *argv[16] = { bin };
	pid_t pid;
	int st, i;

	for (i = 0; args[i] && i < 14; i++)
		argv[i + 1] = args[i];
	argv[i + 1] = NULL;
	snprintf(out, sizeof(out), "%s/out", tmp);
	snprintf(err, sizeof(err), "%s/err", tmp);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		int e = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		dup2(o, 1);
		dup2(e, 2);
		execv(bin, (char *const *)argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

static char *path(const char *name)
{
	static char buf[64][256]; /* args arrays keep pointers: a deep ring */
	static int k;

	k = (k + 1) % 64;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", tmp, name);
	return buf[k];
}

static int exists(const char *p)
{
	return access(p, F_OK) == 0;
}

static int lines_in(const char *s)
{
	int n = 0;

	for (; s && *s; s++)
		n += *s == '\n';
	return n;
}

static void write_good_log(const char *name, size_t n)
{
	uint64_t v[100];
	struct fx x;

	for (size_t i = 0; i < n && i < 100; i++)
		v[i] = 170 + i % 13;
	fx_init(&x, "(d1) ", "\r\n");
	fx_raw(&x, "(XEN) *** Serial input to DOM0");
	fx_samples_report(&x, v, n, 0);
	spit(path(name), x.buf, x.len);
	fx_free(&x);
}

static void cli_ok(void)
{
	const char *args[] = { "--log", path("good.log"), "--out-dir", path("o1/run"),
			       "--platform-mode", "deterministic", "--table", NULL };
	json_error_t je;
	json_t *s;
	char *csv, *out;

	write_good_log("good.log", 100);
	CHECK(run(args) == 0);
	s = json_load_file(path("o1/run/summary.json"), 0, &je);
	CHECK(s != NULL);
	CHECK_STR(json_string_value(json_object_get(s, "label")), "run");
	CHECK_STR(json_string_value(json_object_get(s, "platform_mode")), "deterministic");
	CHECK(json_integer_value(json_object_get(json_object_get(s, "latency_ticks"), "n")) == 100);
	json_decref(s);
	csv = slurp(path("o1/run/samples.csv"));
	CHECK(csv && strncmp(csv, "tick,latency_ticks,latency_ns\n0,170,2720\n", 41) == 0);
	CHECK(lines_in(csv) == 101);
	free(csv);
	CHECK(!exists(path("o1/run/hist.csv")));
	out = slurp(path("out"));
	CHECK(out && strstr(out, "p99.9") && strstr(out, "deterministic"));
	free(out);
	out = slurp(path("err"));
	CHECK_STR(out, "");
	free(out);

	/* "DIR/." labels the run after DIR, not ".". */
	{
		const char *dot[] = { "--log", path("good.log"), "--out-dir", path("o1/run/."), NULL };
		CHECK(run(dot) == 0);
		s = json_load_file(path("o1/run/summary.json"), 0, &je);
		CHECK_STR(json_string_value(json_object_get(s, "label")), "run");
		json_decref(s);
	}
}

static void cli_bad_input_writes_nothing(void)
{
	const char *args[] = { "--log", path("bad.log"), "--out-dir", path("o2"),
			       "--label", "x", NULL };
	const char *args_new[] = { "--log", path("bad.log"), "--out-dir", path("o3/new"), NULL };
	char *log, *s, *err, want[512], *before;

	write_good_log("good2.log", 40);
	/* First a good run into o2, then a bad one: o2 must keep the good results. */
	{
		const char *good[] = { "--log", path("good2.log"), "--out-dir", path("o2"), NULL };
		CHECK(run(good) == 0);
	}
	before = slurp(path("o2/summary.json"));
	log = slurp(path("good2.log"));
	s = log ? strstr(log, "S 32 ") : NULL;
	CHECK(s != NULL);
	if (!s)
		return;
	s[2] = '4';     /* "S 42 ": bad CRC on input line 4 */
	spit(path("bad.log"), log, strlen(log));
	CHECK(run(args) == 1);
	err = slurp(path("err"));
	snprintf(want, sizeof(want), "vtb-analyze: %s:4: bad CRC (expected ", path("bad.log"));
	CHECK(err && strncmp(err, want, strlen(want)) == 0);
	CHECK(lines_in(err) == 1);
	free(err);
	s = slurp(path("o2/summary.json"));
	CHECK(before && s && strcmp(before, s) == 0);
	free(s);
	free(before);
	CHECK(run(args_new) == 1);
	CHECK(!exists(path("o3")));
	free(log);

	/* A missing log is bad input too. */
	{
		const char *miss[] = { "--log", path("nope.log"), "--out-dir", path("o4"), NULL };
		CHECK(run(miss) == 1);
		CHECK(!exists(path("o4")));
	}
}

static void cli_usage(void)
{
	const char *none[] = { NULL };
	const char *help[] = { "--help", NULL };
	const char *unknown[] = { "--frobnicate", NULL };
	const char *mode[] = { "--log", "a", "--out-dir", "b", "--platform-mode", "fast", NULL };
	const char *nolog[] = { "--out-dir", "b", NULL };
	const char *extra[] = { "--log", "a", "--out-dir", "b", "c", NULL };
	const char *noarg[] = { "--log", NULL };
	char *out;

	CHECK(run(none) == 2);
	CHECK(run(unknown) == 2);
	CHECK(run(mode) == 2);
	CHECK(run(nolog) == 2);
	CHECK(run(extra) == 2);
	CHECK(run(noarg) == 2);
	CHECK(run(help) == 0);
	out = slurp(path("out"));
	CHECK(out && strstr(out, "--summary-table") && strstr(out, "--platform-mode") &&
	      strstr(out, "--label") && strstr(out, "--table") && strstr(out, "nearest rank"));
	free(out);
}

static void cli_hist_and_summary_table(void)
{
	const char *hist[] = { "--log", path("hist.log"), "--out-dir", path("o1/run"),
			       "--label", "direct", NULL };
	const char *tab2[] = { "--summary-table", path("o1/run/summary.json"),
			       path("o2/summary.json"), NULL };
	const char *tab_bad[] = { "--summary-table", path("good.log"), NULL };
	struct fx x;
	char *csv, *out;

	fx_init(&x, NULL, "\n");
	fx_line(&x, "H guest=baremetal mode=back-to-back ticks=3 cntfrq=62500000 intid=27 "
		"record=hist period=0 rmin=0 rmax=0 seed=0 hist_shift=3");
	fx_line(&x, "B 176 2");
	fx_line(&x, "B 4096 1");
	fx_line(&x, "T taken=3 lost=0 spurious=0 other=0 min=180 max=4100 sum=4461 elapsed=9");
	fx_line(&x, "E lines=4");
	spit(path("hist.log"), x.buf, x.len);
	fx_free(&x);
	/* o1/run holds samples.csv from cli_ok: a hist run must replace it by hist.csv. */
	CHECK(exists(path("o1/run/samples.csv")));
	CHECK(run(hist) == 0);
	csv = slurp(path("o1/run/hist.csv"));
	CHECK_STR(csv, "lo_ticks,count\n176,2\n4096,1\n");
	free(csv);
	CHECK(!exists(path("o1/run/samples.csv")));

	CHECK(run(tab2) == 0);
	out = slurp(path("out"));
	CHECK(out && strstr(out, "direct") && strstr(out, "o2"));
	CHECK(out && strstr(out, "histogram") && strstr(out, "samples"));
	CHECK(out && strstr(out, "  max"));
	free(out);
	CHECK(run(tab_bad) == 1);
	out = slurp(path("err"));
	CHECK(lines_in(out) == 1);
	free(out);
}

static void binary_missing(void)
{
	vtb_test_fail_at(__FILE__, __LINE__, "cannot run %s", bin);
}

void cli_tests(const char *vtb_analyze)
{
	char cmd[128];

	bin = vtb_analyze;
	snprintf(tmp, sizeof(tmp), "/tmp/vtb-cli-XXXXXX");
	if (access(bin, X_OK) != 0 || !mkdtemp(tmp)) {
		RUN(binary_missing);
		return;
	}
	RUN(cli_ok);
	RUN(cli_bad_input_writes_nothing);
	RUN(cli_usage);
	RUN(cli_hist_and_summary_table);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmp);
}

#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "vtb/atomic_file.h"
#include "csv_writer.h"
#include "fixture.h"
#include "guest_protocol.h"
#include "summary_json.h"
#include "vtb/schema.h"
#include "summary_table.h"
#include "unit.h"

static int parse_fx(struct fx *x, struct vtb_report *r)
{
	char err[300];
	unsigned long line;

	vtb_report_init(r);
	return vtb_parse_buffer(x->buf, x->len, r, err, sizeof(err), &line);
}

static int samples_report(struct vtb_report *r, const uint64_t *v, size_t n, uint64_t lost)
{
	struct fx x;
	int rc;

	fx_init(&x, NULL, "\n");
	fx_samples_report(&x, v, n, lost);
	rc = parse_fx(&x, r);
	fx_free(&x);
	return rc;
}

static int hist_report(struct vtb_report *r, const char *seed)
{
	struct fx x;
	int rc;

	fx_init(&x, NULL, "\n");
	fx_line(&x, "H guest=baremetal mode=random ticks=5 cntfrq=62500000 intid=27 "
		"record=hist period=0 rmin=100 rmax=900 seed=%s hist_shift=2", seed);
	fx_line(&x, "B 5 2");
	fx_line(&x, "B 8 1");
	fx_line(&x, "B 16 1");
	fx_line(&x, "T taken=4 lost=1 spurious=0 other=0 min=5 max=19 sum=38 elapsed=4000");
	fx_line(&x, "E lines=5");
	rc = parse_fx(&x, r);
	fx_free(&x);
	return rc;
}

static char *capture(int (*fn)(FILE *, const struct vtb_report *), const struct vtb_report *r,
		     int *rc)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	*rc = fn(f, r);
	fclose(f);
	return buf;
}

static void csv_files(void)
{
	const uint64_t v[3] = { 179, 181, 0 };
	struct vtb_report r;
	char *out;
	int rc;

	CHECK(samples_report(&r, v, 3, 0) == 0);
	out = capture(vtb_write_samples_csv, &r, &rc);
	CHECK(rc == 0);
	CHECK_STR(out, "tick,latency_ticks,latency_ns\n0,179,2864\n1,181,2896\n2,0,0\n");
	free(out);
	vtb_report_free(&r);

	CHECK(hist_report(&r, "42") == 0);
	out = capture(vtb_write_hist_csv, &r, &rc);
	CHECK(rc == 0);
	CHECK_STR(out, "lo_ticks,count\n5,2\n8,1\n16,1\n");
	free(out);
	vtb_report_free(&r);
}

static double jnum(const json_t *root, const char *obj, const char *key)
{
	const json_t *v = json_object_get(obj ? json_object_get(root, obj) : root, key);
	return v ? json_number_value(v) : -12345.0;
}

static void summary_samples(void)
{
	const uint64_t v[10] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
	struct vtb_summary_opts det = { "stock", 1 }, rt = { NULL, 0 };
	struct vtb_report r;
	json_t *s;

	CHECK(samples_report(&r, v, 10, 2) == 0);
	s = vtb_summary_build(&r, &det);
	CHECK(s != NULL);
	if (!s)
		return;
	CHECK(vtb_summary_check(s) == NULL);
	CHECK_STR(json_string_value(json_object_get(s, "schema")), VTB_SCHEMA_SUMMARY);
	CHECK_STR(json_string_value(json_object_get(s, "label")), "stock");
	CHECK_STR(json_string_value(json_object_get(s, "platform_mode")), "deterministic");
	CHECK_STR(json_string_value(json_object_get(s, "source")), "samples");
	CHECK_STR(json_string_value(json_object_get(json_object_get(s, "guest"), "guest")),
		  "baremetal");
	CHECK(json_is_integer(json_object_get(json_object_get(s, "guest"), "ticks")));
	CHECK(jnum(s, "guest", "intid") == 27);
	CHECK(jnum(s, "clock", "cntfrq_hz") == 62500000);
	CHECK(jnum(s, "clock", "ns_per_tick") == 16);
	CHECK(jnum(s, "clock", "instructions_per_tick") == 16);
	CHECK(jnum(s, "counts", "ticks") == 12 && jnum(s, "counts", "taken") == 10);
	CHECK(jnum(s, "counts", "lost") == 2 && jnum(s, "counts", "spurious") == 0);
	CHECK(jnum(s, "latency_ticks", "n") == 10);
	CHECK(jnum(s, "latency_ticks", "p50") == 5 && jnum(s, "latency_ticks", "p90") == 9);
	CHECK(jnum(s, "latency_ticks", "p99_9") == 10 && jnum(s, "latency_ticks", "min") == 1);
	CHECK(json_is_integer(json_object_get(json_object_get(s, "latency_ticks"), "p50")));
	CHECK(jnum(s, "latency_ticks", "mean") == 5.5);
	CHECK(jnum(s, "latency_ns", "p50") == 80 && jnum(s, "latency_ns", "max") == 160);
	CHECK(jnum(s, "latency_ns", "mean") == 88);
	CHECK(jnum(s, "latency_instructions", "p90") == 144);
	CHECK(jnum(s, "trailer", "sum") == 55);
	json_decref(s);

	s = vtb_summary_build(&r, &rt);
	CHECK(json_is_null(json_object_get(s, "label")));
	CHECK_STR(json_string_value(json_object_get(s, "platform_mode")), "realtime");
	CHECK(json_is_null(json_object_get(s, "latency_instructions")));
	CHECK(json_is_null(json_object_get(json_object_get(s, "clock"), "instructions_per_tick")));
	json_decref(s);
	vtb_report_free(&r);
}

/* The stationarity block: a warm-up of 100 slow ticks is found, reported
 * with the statistics after it; a series with no change is stationary; a
 * histogram is not tested (docs/summary-format.md, "Stationarity"). */
static void summary_stationarity(void)
{
	static uint64_t v[2000];
	struct vtb_summary_opts o = { "s", 1 };
	struct vtb_report r;
	const json_t *st, *cp;
	json_t *s;

	for (size_t i = 0; i < 300; i++)
		v[i] = i < 100 ? 280 + i % 11 : 266 + (i == 200);
	CHECK(samples_report(&r, v, 300, 0) == 0);
	s = vtb_summary_build(&r, &o);
	st = json_object_get(s, "stationarity");
	CHECK(json_is_true(json_object_get(st, "tested")));
	CHECK(json_is_false(json_object_get(st, "stationary")));
	CHECK(jnum(st, NULL, "p") < 0.01);
	cp = json_object_get(st, "change_point");
	CHECK(jnum(cp, NULL, "at_tick") == 100);
	CHECK(jnum(cp, NULL, "median_before_ticks") == 285);
	CHECK(jnum(cp, NULL, "median_after_ticks") == 266);
	CHECK(jnum(cp, "latency_ticks_after", "n") == 200);
	CHECK(jnum(cp, "latency_ticks_after", "max") == 267);
	CHECK(jnum(s, "latency_ticks", "max") == 290); /* the whole run is unchanged */
	json_decref(s);
	vtb_report_free(&r);

	for (size_t i = 0; i < 300; i++)
		v[i] = 266 + (i % 7 == 3);
	CHECK(samples_report(&r, v, 300, 0) == 0);
	s = vtb_summary_build(&r, &o);
	st = json_object_get(s, "stationarity");
	CHECK(json_is_true(json_object_get(st, "stationary")));
	CHECK(json_is_null(json_object_get(st, "change_point")));
	CHECK(json_is_object(json_object_get(st, "split"))); /* the strongest split, always stated */
	json_decref(s);
	vtb_report_free(&r);

	/* a significant split of the tail alone, medians equal: not a change point */
	for (size_t i = 0; i < 2000; i++)
		v[i] = 266 + (i % 5 < 2) * (i < 1000 ? 20 : 2);
	CHECK(samples_report(&r, v, 2000, 0) == 0);
	s = vtb_summary_build(&r, &o);
	st = json_object_get(s, "stationarity");
	CHECK(jnum(st, NULL, "p") < 0.01);
	CHECK(jnum(st, "split", "median_before_ticks") == jnum(st, "split", "median_after_ticks"));
	CHECK(json_is_true(json_object_get(st, "stationary")));
	json_decref(s);
	vtb_report_free(&r);

	CHECK(hist_report(&r, "7") == 0);
	s = vtb_summary_build(&r, &o);
	st = json_object_get(s, "stationarity");
	CHECK(json_is_false(json_object_get(st, "tested")));
	CHECK(json_is_null(json_object_get(st, "stationary")));
	CHECK(json_is_null(json_object_get(s, "xen_boot_scrub"))); /* no Xen line */
	json_decref(s);
	vtb_report_free(&r);
}

/* Xen's bootscrub message in the console around the report is recorded. */
static void summary_xen_boot_scrub(void)
{
	static const char *const line[] = {
		"(XEN) Scrubbing Free RAM in background\r\n",
		"(XEN) Scrubbing Free RAM on 1 nodes using 1 CPUs\n",
	};
	static const char *const want[] = { "background", "before_dom0" };
	const uint64_t v[3] = { 5, 6, 7 };
	struct vtb_summary_opts o = { "x", 1 };

	for (int i = 0; i < 2; i++) {
		struct fx x;
		struct vtb_report r;
		fx_init(&x, NULL, "\n");
		fx_raw(&x, line[i]);
		fx_samples_report(&x, v, 3, 0);
		CHECK(parse_fx(&x, &r) == 0);
		fx_free(&x);
		json_t *s = vtb_summary_build(&r, &o);
		CHECK_STR(json_string_value(json_object_get(s, "xen_boot_scrub")), want[i]);
		json_decref(s);
		vtb_report_free(&r);
	}
}

static void summary_histogram(void)
{
	struct vtb_summary_opts o = { "h", 0 };
	struct vtb_report r;
	json_t *s;

	CHECK(hist_report(&r, "18446744073709551615") == 0);
	s = vtb_summary_build(&r, &o);
	CHECK(s != NULL);
	if (!s)
		return;
	CHECK_STR(json_string_value(json_object_get(s, "source")), "histogram");
	/* min, max and mean come exactly from T; percentiles from midpoints. */
	CHECK(jnum(s, "latency_ticks", "min") == 5);
	CHECK(jnum(s, "latency_ticks", "max") == 19);
	CHECK(jnum(s, "latency_ticks", "mean") == 9.5);
	CHECK(jnum(s, "latency_ticks", "p90") == 17.5);
	CHECK(jnum(s, "latency_ns", "p90") == 280);
	CHECK(jnum(s, "latency_ticks", "n") == 4);
	/* A seed beyond int64 stays a string rather than losing digits. */
	CHECK_STR(json_string_value(json_object_get(json_object_get(s, "guest"), "seed")),
		  "18446744073709551615");
	json_decref(s);
	vtb_report_free(&r);
}

static void summary_check_rejects(void)
{
	json_t *a = json_pack("{s:s}", "schema", "vtimer-bench/summary/2");
	json_t *b = json_pack("[i]", 1);
	json_t *c = json_pack("{s:s}", "schema", "vtimer-bench/summary/1");

	CHECK(vtb_summary_check(a) != NULL);
	CHECK(vtb_summary_check(b) != NULL);
	CHECK(vtb_summary_check(c) != NULL);
	json_decref(a);
	json_decref(b);
	json_decref(c);
}

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void atomic_files(void)
{
	char dir[] = "/tmp/vtb-atomic-XXXXXX", path[256], buf[32] = "";
	struct vtb_atomic a;
	FILE *f;

	CHECK(mkdtemp(dir) != NULL);
	CHECK(vtb_atomic_open(&a, dir, "x.txt") == 0);
	fputs("hello\n", a.f);
	snprintf(path, sizeof(path), "%s/x.txt", dir);
	CHECK(access(path, F_OK) != 0);         /* invisible until commit */
	CHECK(vtb_atomic_commit(&a) == 0);
	f = fopen(path, "r");
	CHECK(f != NULL);
	if (f) {
		CHECK(fgets(buf, sizeof(buf), f) != NULL);
		fclose(f);
	}
	CHECK_STR(buf, "hello\n");
	CHECK(vtb_atomic_open(&a, dir, "y.txt") == 0);
	fputs("partial", a.f);
	vtb_atomic_abort(&a);
	CHECK(count_entries(dir) == 1);         /* only x.txt: no y.txt, no temp */
	snprintf(path, sizeof(path), "%s/sub/deeper", dir);
	CHECK(vtb_mkdirs(path) == 0);
	CHECK(vtb_mkdirs(path) == 0);
	snprintf(path, sizeof(path), "%s/x.txt/no", dir);
	CHECK(vtb_mkdirs(path) != 0);
	CHECK(vtb_atomic_open(&a, path, "z") != 0);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	CHECK(system(path) == 0);
}

static void table_output(void)
{
	const uint64_t v[10] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
	struct vtb_summary_opts a = { "stock", 1 }, b = { "direct", 1 };
	struct vtb_report r;
	const json_t *s[2];
	char *out = NULL;
	size_t len = 0;
	FILE *f;

	CHECK(samples_report(&r, v, 10, 0) == 0);
	s[0] = vtb_summary_build(&r, &a);
	s[1] = vtb_summary_build(&r, &b);
	f = open_memstream(&out, &len);
	CHECK(vtb_print_summary_table(f, s, NULL, 2) == 0);
	fclose(f);
	CHECK(strstr(out, "stock") && strstr(out, "direct"));
	CHECK(strstr(out, "p99.9") != NULL);
	CHECK(strstr(out, "ns (=instr)") != NULL);
	/* p90 row: 9 ticks, 144 ns, twice. */
	CHECK(strstr(out, "  p90") != NULL && strstr(strstr(out, "  p90"), "144") != NULL);
	CHECK(vtb_print_summary_table(stdout, s, NULL, 3) == -1);
	free(out);
	json_decref((json_t *)s[0]);
	json_decref((json_t *)s[1]);
	vtb_report_free(&r);
}

void writer_tests(void)
{
	RUN(csv_files);
	RUN(summary_samples);
	RUN(summary_histogram);
	RUN(summary_stationarity);
	RUN(summary_xen_boot_scrub);
	RUN(summary_check_rejects);
	RUN(atomic_files);
	RUN(table_output);
}

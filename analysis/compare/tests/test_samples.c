/* Input parsing: good files accepted, every kind of bad file rejected with
 * a message naming the file and line. */
#include "fixture.h"
#include "samples.h"
#include <string.h>

static int csv(const char *text, enum metric m, struct sample_set *s, char *err)
{
	return cmp_parse_samples_csv(text, strlen(text), "t.csv", m, s, err, 256);
}

static int rejects(const char *text, const char *needle)
{
	struct sample_set s;
	char err[256] = "";
	int rc = csv(text, METRIC_TICKS, &s, err);
	return rc == -1 && s.v == NULL && strstr(err, needle) != NULL;
}

void test_samples(void)
{
	struct sample_set s;
	char err[256];
	const char *good = "tick,latency_ticks,latency_ns\n0,5,80\n1,7,112.5\n";
	CHECK(csv(good, METRIC_TICKS, &s, err) == 0 && s.n == 2 && s.v[0] == 5 && s.v[1] == 7);
	cmp_sample_set_free(&s);
	CHECK(csv(good, METRIC_NS, &s, err) == 0 && s.n == 2 && s.v[1] == 112.5);
	cmp_sample_set_free(&s);
	/* CRLF line ends and no final newline are fine. */
	CHECK(csv("tick,latency_ticks,latency_ns\r\n0,5,80\r\n1,6,96", METRIC_TICKS, &s, err) == 0 &&
	      s.n == 2 && s.v[1] == 6);
	cmp_sample_set_free(&s);

	CHECK(rejects("", "line 1: expected header"));
	CHECK(rejects("tick,latency,latency_ns\n0,1,2\n", "line 1: expected header"));
	CHECK(rejects("tick,latency_ticks,latency_ns\n", "no samples"));
	CHECK(rejects("tick,latency_ticks,latency_ns\n0,5\n", "line 2: malformed"));
	CHECK(rejects("tick,latency_ticks,latency_ns\n0,5,80,9\n", "line 2: malformed"));
	CHECK(rejects("tick,latency_ticks,latency_ns\n0,5,80\n1,x,80\n", "line 3: malformed"));
	CHECK(rejects("tick,latency_ticks,latency_ns\n0,5,80\n1,5.5,80\n", "line 3: malformed"));
	CHECK(rejects("tick,latency_ticks,latency_ns\n0,5,80\n\n1,5,80\n", "line 3: malformed"));
	CHECK(rejects("tick,latency_ticks,latency_ns\n0,,80\n", "line 2: malformed"));
	CHECK(rejects("tick,latency_ticks,latency_ns\n0,5,nan\n", "line 2: malformed"));
	CHECK(rejects("tick,latency_ticks,latency_ns\n0,-5,80\n", "line 2: negative"));
	CHECK(rejects("tick,latency_ticks,latency_ns\n0,5,80\n1,99999999999999999999,1\n", "line 3: malformed"));

	/* Histogram: log-linear buckets (docs/guest-protocol.md). With
	 * hist_shift 4, values below 32 have 1-tick buckets; [32,64) has
	 * 2-tick and [64,128) 4-tick buckets, so bucket 64 holds 64..67 and
	 * counts as its midpoint 65.5. In ns through clock.ns_per_tick. */
	CHECK(cmp_hist_bucket_width(3, 4) == 1 && cmp_hist_bucket_width(31, 4) == 1);
	CHECK(cmp_hist_bucket_width(32, 4) == 2 && cmp_hist_bucket_width(33, 4) == 0);
	CHECK(cmp_hist_bucket_width(100, 4) == 4 && cmp_hist_bucket_width(65, 4) == 0);
	CHECK(cmp_hist_bucket_width(1, 0) == 1 && cmp_hist_bucket_width(4, 0) == 4 &&
	      cmp_hist_bucket_width(6, 0) == 0);
	const char *h = "lo_ticks,count\n3,2\n4,0\n10,1\n64,1\n";
	CHECK(cmp_parse_hist_csv(h, strlen(h), "h.csv", METRIC_TICKS, NAN, 4, &s, err, sizeof err) == 0 &&
	      s.n == 4 && s.v[0] == 3 && s.v[1] == 3 && s.v[2] == 10 && s.v[3] == 65.5);
	cmp_sample_set_free(&s);
	CHECK(cmp_parse_hist_csv(h, strlen(h), "h.csv", METRIC_NS, 16.0, 4, &s, err, sizeof err) == 0 &&
	      s.n == 4 && s.v[2] == 160 && s.v[3] == 65.5 * 16);
	cmp_sample_set_free(&s);
	CHECK(cmp_parse_hist_csv(h, strlen(h), "h.csv", METRIC_NS, NAN, 4, &s, err, sizeof err) == -1 &&
	      strstr(err, "ns_per_tick"));
	CHECK(cmp_parse_hist_csv(h, strlen(h), "h.csv", METRIC_TICKS, NAN, -1, &s, err, sizeof err) == -1 &&
	      strstr(err, "hist_shift"));
	const char *h1 = "lo_ticks,count\n65,2\n";
	CHECK(cmp_parse_hist_csv(h1, strlen(h1), "h.csv", METRIC_TICKS, NAN, 4, &s, err, sizeof err) == -1 &&
	      strstr(err, "line 2: 65 is not a bucket boundary"));
	const char *h2 = "lo_ticks,count\n4,2\n3,1\n";
	CHECK(cmp_parse_hist_csv(h2, strlen(h2), "h.csv", METRIC_TICKS, NAN, 4, &s, err, sizeof err) == -1 &&
	      strstr(err, "line 3: bins not strictly ascending"));
	const char *h3 = "lo_ticks,count\n4,-2\n";
	CHECK(cmp_parse_hist_csv(h3, strlen(h3), "h.csv", METRIC_TICKS, NAN, 4, &s, err, sizeof err) == -1);
	const char *h4 = "lo_ticks,count\n4,0\n";
	CHECK(cmp_parse_hist_csv(h4, strlen(h4), "h.csv", METRIC_TICKS, NAN, 4, &s, err, sizeof err) == -1 &&
	      strstr(err, "no samples"));
	const char *h5 = "lo_ticks,count\n4,9999999999\n";
	CHECK(cmp_parse_hist_csv(h5, strlen(h5), "h.csv", METRIC_TICKS, NAN, 4, &s, err, sizeof err) == -1 &&
	      strstr(err, "more than"));

	/* summary.json */
	struct run_info info;
	const char *j = "{\"schema\":\"vtimer-bench/summary/1\",\"platform_mode\":\"realtime\","
			"\"clock\":{\"cntfrq_hz\":62500000,\"ns_per_tick\":16},"
			"\"latency_ticks\":{\"n\":3}}";
	CHECK(cmp_parse_summary_json(j, strlen(j), "s.json", &info, err, sizeof err) == 0 &&
	      !strcmp(info.mode, "realtime") && info.ns_per_tick == 16 && info.summary_n == 3);
	const char *j2 = "{\"schema\":\"other/1\",\"platform_mode\":\"realtime\"}";
	CHECK(cmp_parse_summary_json(j2, strlen(j2), "s.json", &info, err, sizeof err) == -1 &&
	      strstr(err, "schema"));
	const char *j3 = "{\"schema\":\"vtimer-bench/summary/1\",\"platform_mode\":\"fast\"}";
	CHECK(cmp_parse_summary_json(j3, strlen(j3), "s.json", &info, err, sizeof err) == -1 &&
	      strstr(err, "platform_mode"));
	const char *j4 = "{\"schema\":";
	CHECK(cmp_parse_summary_json(j4, strlen(j4), "s.json", &info, err, sizeof err) == -1 &&
	      strstr(err, "s.json: line 1"));

	/* Whole run directories. */
	long v[] = { 5, 6, 7 };
	const char *d = h_tmpdir();
	h_run_dir(d, "deterministic", v, 3);
	CHECK(cmp_load_run(d, METRIC_NS, &s, &info, err, sizeof err) == 0 && s.n == 3 &&
	      s.v[2] == 112 && !strcmp(info.source, "samples.csv"));
	cmp_sample_set_free(&s);
	/* The count in summary.json must match the samples. */
	h_write(d, "summary.json", "{\"schema\":\"vtimer-bench/summary/1\",\"platform_mode\":"
				   "\"deterministic\",\"latency_ticks\":{\"n\":4}}");
	CHECK(cmp_load_run(d, METRIC_TICKS, &s, &info, err, sizeof err) == -1 &&
	      strstr(err, "latency_ticks.n = 4"));
	/* Histogram fallback when samples.csv is absent. */
	const char *dh = h_tmpdir();
	h_write(dh, "summary.json", "{\"schema\":\"vtimer-bench/summary/1\",\"platform_mode\":"
				    "\"deterministic\",\"clock\":{\"ns_per_tick\":16},\"latency_ticks\":{\"n\":3},"
				    "\"guest\":{\"record\":\"hist\",\"hist_shift\":4}}");
	h_write(dh, "hist.csv", "lo_ticks,count\n5,1\n6,1\n7,1\n");
	CHECK(cmp_load_run(dh, METRIC_TICKS, &s, &info, err, sizeof err) == 0 && s.n == 3 &&
	      !strcmp(info.source, "hist.csv"));
	cmp_sample_set_free(&s);
	/* Missing pieces. */
	const char *de = h_tmpdir();
	CHECK(cmp_load_run(de, METRIC_TICKS, &s, &info, err, sizeof err) == -1 &&
	      strstr(err, "summary.json: missing"));
	h_write(de, "summary.json", "{\"schema\":\"vtimer-bench/summary/1\",\"platform_mode\":\"realtime\"}");
	CHECK(cmp_load_run(de, METRIC_TICKS, &s, &info, err, sizeof err) == -1 &&
	      strstr(err, "neither samples.csv nor hist.csv"));
	CHECK(cmp_load_run("/nonexistent/run", METRIC_TICKS, &s, &info, err, sizeof err) == -1 &&
	      strstr(err, "not a run directory"));
}

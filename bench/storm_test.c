/* Host unit tests of vtimer_storm's pure parts: option parsing, histograms,
 * percentiles, the guest-protocol report (read back by vtb-analyze).
 * TAP, one test point per test function (vtb/test.h). */
#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storm_opts.h"
#include "storm_report.h"
#include "storm_stats.h"
#include "storm_test_reader.h"
#include "vtb/protocol_writer.h"
#include "vtb/test.h"

/* Parses a space-separated command line. */
static int parse(const char *cmdline, struct storm_opts *o, char *err, size_t len)
{
	static char buf[1024];
	char *argv[64];
	int argc = 0;
	snprintf(buf, sizeof(buf), "vtimer_storm %s", cmdline);
	for (char *tok = strtok(buf, " "); tok && argc < 63; tok = strtok(NULL, " "))
		argv[argc++] = tok;
	argv[argc] = NULL;
	return storm_opts_parse(argc, argv, o, err, len);
}

static void test_opts_accepted(void)
{
	struct storm_opts o;
	char err[256];

	CHECK(parse("", &o, err, sizeof(err)) == STORM_OPTS_OK);
	CHECK(o.threads == 1 && o.interval_ns == 1000000 && o.loops == 0 && o.duration_ns == 0);
	CHECK(o.source == STORM_SRC_TIMERFD && o.mode == STORM_MODE_PERIODIC && o.prio == 0);
	CHECK(o.hist_shift == STORM_DEFAULT_HIST_SHIFT && o.timerslack_ns == -1);

	CHECK(parse("-t 4 -i 200 -l 100 -p 80 -a 0,2-3 -h 400 -m -q --source nanosleep --mode back-to-back "
		    "--json out.json --hist-shift 7 --timerslack 1",
		    &o, err, sizeof(err)) == STORM_OPTS_OK);
	CHECK(o.threads == 4 && o.interval_ns == 200000 && o.loops == 100 && o.prio == 80);
	CHECK(o.ncpus == 3 && o.cpus[0] == 0 && o.cpus[1] == 2 && o.cpus[2] == 3);
	CHECK(o.hist_max_us == 400 && o.mlock && o.quiet && o.hist_shift == 7 && o.timerslack_ns == 1);
	CHECK(o.source == STORM_SRC_NANOSLEEP && o.mode == STORM_MODE_B2B);
	CHECK(o.json_path && !strcmp(o.json_path, "out.json"));

	CHECK(parse("-t1 -i1000 -l10000", &o, err, sizeof(err)) == STORM_OPTS_OK); /* glued, as cyclictest */
	CHECK(o.threads == 1 && o.interval_ns == 1000000 && o.loops == 10000);
	CHECK(parse("--source signal", &o, err, sizeof(err)) == STORM_OPTS_OK && o.source == STORM_SRC_SIGNAL);

	CHECK(parse("-D 10", &o, err, sizeof(err)) == STORM_OPTS_OK && o.duration_ns == 10000000000ull);
	CHECK(parse("-D 500ms", &o, err, sizeof(err)) == STORM_OPTS_OK && o.duration_ns == 500000000ull);
	CHECK(parse("-D 2m", &o, err, sizeof(err)) == STORM_OPTS_OK && o.duration_ns == 120000000000ull);
	CHECK(parse("-D 1h", &o, err, sizeof(err)) == STORM_OPTS_OK && o.duration_ns == 3600000000000ull);
	CHECK(parse("--vtb-protocol - --vtb-record samples -l 5", &o, err, sizeof(err)) == STORM_OPTS_OK &&
	      o.vtb_record == STORM_REC_SAMPLES);
	CHECK(parse("--help", &o, err, sizeof(err)) == STORM_OPTS_HELP);
}

static void test_opts_rejected(void)
{
	struct storm_opts o;
	char err[256];

	static const char *bad[] = {
		"-t 0", "-t 257", "-t abc", "-t 1x", "-t -1", "-i 0", "-i 10000001", "-l 0", "-l -5",
		"-p 100", "-p -1", "-a x", "-a 3-1", "-a 1,", "-a 5000", "-h 0", "-D 0", "-D 5q", "-D ms",
		"--source foo", "--mode random", "--vtb-record all --vtb-protocol -", "--hist-shift 17",
		"--timerslack 0", "-z", "--bogus", "-t", "extra", "--vtb-record samples",
		"--vtb-protocol x --vtb-record samples", "--json a --vtb-protocol a", "--json -",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		int r = parse(bad[i], &o, err, sizeof(err));
		CHECK(r == STORM_OPTS_ERR);
		/* One line, non-empty, naming something. */
		CHECK(err[0] && !strchr(err, '\n'));
		if (r != STORM_OPTS_ERR)
			vtb_test_fail_at(__FILE__, __LINE__, "accepted bad options '%s'", bad[i]);
	}
	CHECK(parse("-p 100", &o, err, sizeof(err)) == STORM_OPTS_ERR && strstr(err, "-p"));
}

static void test_hist_buckets(void)
{
	static const unsigned shifts[] = { 0, 1, 3, 10, 16 };
	for (size_t s = 0; s < sizeof(shifts) / sizeof(shifts[0]); s++) {
		unsigned sh = shifts[s];
		size_t nb = storm_hist_nbuckets(sh);
		int ok = 1;
		size_t prev = 0;
		/* Dense range, then powers of two and their neighbours up to 2^64-1. */
		for (uint64_t v = 0; v < 300000; v++) {
			size_t i = storm_hist_index(sh, v);
			uint64_t lo = storm_hist_lo(sh, i), w = storm_hist_width(sh, i);
			if (i >= nb || lo > v || v - lo >= w || i < prev)
				ok = 0;
			prev = i;
		}
		for (unsigned k = 0; k < 64; k++) {
			uint64_t p = (uint64_t)1 << k;
			uint64_t vs[3] = { p - 1, p, p + (p >> 1) };
			for (int j = 0; j < 3; j++) {
				size_t i = storm_hist_index(sh, vs[j]);
				uint64_t lo = storm_hist_lo(sh, i), w = storm_hist_width(sh, i);
				if (i >= nb || lo > vs[j] || vs[j] - lo >= w)
					ok = 0;
			}
		}
		CHECK(ok);
		CHECK(storm_hist_index(sh, UINT64_MAX) == nb - 1);
		/* Buckets tile the line: each starts where the previous ends. */
		int tiled = 1;
		for (size_t i = 1; i < nb && i < 200000; i++)
			if (storm_hist_lo(sh, i) != storm_hist_lo(sh, i - 1) + storm_hist_width(sh, i - 1))
				tiled = 0;
		CHECK(tiled);
	}
	/* Resolution: with shift 10, values below 1024 are exact. */
	CHECK(storm_hist_width(10, storm_hist_index(10, 1023)) == 1);
	CHECK(storm_hist_width(10, storm_hist_index(10, 65536)) == 64);
}

static void test_percentiles_from_histogram(void)
{
	struct storm_stats s;
	struct storm_summary m;

	CHECK(storm_stats_init(&s, 10) == 0);
	for (uint64_t v = 1; v <= 100; v++)
		storm_stats_add(&s, v);
	storm_stats_summary(&s, &m);
	CHECK(m.n == 100 && m.min == 1 && m.max == 100);
	CHECK(m.p50 == 50 && m.p90 == 90 && m.p99 == 99 && m.p99_9 == 100);
	CHECK(fabs(m.mean - 50.5) < 1e-9);
	CHECK(fabs(m.stddev - sqrt(833.25)) < 1e-9); /* population: (n^2-1)/12 */
	storm_stats_free(&s);

	CHECK(storm_stats_init(&s, 10) == 0);
	for (uint64_t v = 1; v <= 1000; v++)
		storm_stats_add(&s, 1000 - v + 1); /* order must not matter */
	storm_stats_summary(&s, &m);
	CHECK(m.p50 == 500 && m.p90 == 900 && m.p99 == 990 && m.p99_9 == 999);
	storm_stats_free(&s);

	/* Classic population {2,4,4,4,5,5,7,9}: mean 5, population stddev 2. */
	CHECK(storm_stats_init(&s, 4) == 0);
	static const uint64_t pop[] = { 2, 4, 4, 4, 5, 5, 7, 9 };
	for (size_t i = 0; i < 8; i++)
		storm_stats_add(&s, pop[i]);
	storm_stats_summary(&s, &m);
	CHECK(fabs(m.mean - 5.0) < 1e-12 && fabs(m.stddev - 2.0) < 1e-12);
	CHECK(m.p50 == 4 && m.min == 2 && m.max == 9);
	storm_stats_free(&s);

	/* Above 2^shift a percentile is the bucket midpoint, clamped to [min, max]. */
	CHECK(storm_stats_init(&s, 2) == 0);
	storm_stats_add(&s, 100); /* bucket [96, 112) */
	storm_stats_add(&s, 101);
	storm_stats_summary(&s, &m);
	CHECK(m.p50 == 101 && m.p99 == 101); /* midpoint 96 + 15/2 = 103.5 clamped to max 101 */
	storm_stats_add(&s, 200);            /* bucket [192, 224), midpoint 207.5 */
	storm_stats_add(&s, 1000);           /* bucket [896, 1024), midpoint 960 */
	storm_stats_add(&s, 5000);
	storm_stats_summary(&s, &m);
	CHECK(m.p50 == 207.5 && m.max == 5000);
	char q[32];
	CHECK(!strcmp(storm_fmt_q(m.p50, q, sizeof(q)), "207.5") && !strcmp(storm_fmt_q(101, q, sizeof(q)), "101"));
	storm_stats_free(&s);

	/* Single sample: every percentile is that sample. */
	CHECK(storm_stats_init(&s, 10) == 0);
	storm_stats_add(&s, 123456);
	storm_stats_summary(&s, &m);
	CHECK(m.p50 == 123456 && m.p99_9 == 123456 && m.stddev == 0.0);
	storm_stats_free(&s);

	/* Empty: all zero, no division by zero. */
	CHECK(storm_stats_init(&s, 10) == 0);
	storm_stats_summary(&s, &m);
	CHECK(m.n == 0 && m.p50 == 0 && m.mean == 0.0);
	storm_stats_free(&s);
}

/* Merge equals adding everything to one. */
static void test_stats_merge(void)
{
	struct storm_stats a, b, c;
	storm_stats_init(&a, 8);
	storm_stats_init(&b, 8);
	storm_stats_init(&c, 8);
	for (uint64_t v = 0; v < 5000; v += 7) {
		storm_stats_add(v % 2 ? &a : &b, v * 13);
		storm_stats_add(&c, v * 13);
	}
	CHECK(storm_stats_merge(&a, &b) == 0);
	struct storm_summary ma, mc;
	storm_stats_summary(&a, &ma);
	storm_stats_summary(&c, &mc);
	CHECK(memcmp(&ma, &mc, sizeof(ma)) == 0);
	struct storm_stats d;
	storm_stats_init(&d, 9);
	CHECK(storm_stats_merge(&a, &d) == -1); /* different resolutions do not mix */
	storm_stats_free(&d);
	storm_stats_free(&a);
	storm_stats_free(&b);
	storm_stats_free(&c);
}

/* Exact percentiles from all samples (unsorted input; nearest rank). */
static void test_percentiles_exact(void)
{
	{
		uint64_t v[10] = { 90, 10, 80, 20, 70, 30, 60, 40, 50, 1000 };
		struct storm_summary e;
		memset(&e, 0, sizeof(e));
		storm_summary_exact(v, 10, &e);
		CHECK(e.p50 == 50 && e.p90 == 90 && e.p99 == 1000 && e.p99_9 == 1000);
		CHECK(v[0] == 10 && v[9] == 1000); /* sorted in place */
		uint64_t one = 7;
		storm_summary_exact(&one, 1, &e);
		CHECK(e.p50 == 7 && e.p99_9 == 7);
	}
}

/* Nearest rank over plain counts. */
static void test_rank_bucket(void)
{
	uint64_t cnt[5] = { 1, 0, 8, 0, 1 };
	CHECK(storm_rank_bucket(cnt, 5, 10, 10000) == 0);  /* rank 1 */
	CHECK(storm_rank_bucket(cnt, 5, 10, 10001) == 2);  /* rank 2 */
	CHECK(storm_rank_bucket(cnt, 5, 10, 90000) == 2);  /* rank 9 */
	CHECK(storm_rank_bucket(cnt, 5, 10, 90001) == 4);  /* rank 10 */
	CHECK(storm_rank_bucket(cnt, 5, 10, 0) == 0);      /* rank clamps to 1 */
}

/* The rank now comes from vtb_nearest_rank: on a fixed input it must pick
 * the same value as the storm's own ceil(n * q / 100000) did, for every n up
 * to 3000 and the reported quantiles, so no figure changes. */
static void test_rank_unchanged(void)
{
	static const uint32_t qs[] = { 0, 1, 10000, STORM_Q_P50, STORM_Q_P90, STORM_Q_P99,
				       STORM_Q_P99_9, 99999, 100000 };
	static uint64_t ones[3000], sorted[3000];
	for (uint64_t i = 0; i < 3000; i++) {
		ones[i] = 1;
		sorted[i] = i;
	}
	int same = 1;
	for (uint64_t n = 1; n <= 3000; n++) {
		for (size_t k = 0; k < sizeof(qs) / sizeof(qs[0]); k++) {
			unsigned __int128 num = (unsigned __int128)n * qs[k];
			uint64_t want = (uint64_t)((num + 99999) / 100000);
			want = want < 1 ? 1 : want > n ? n : want;
			/* One value per bucket: the bucket index is rank - 1. */
			same &= storm_rank_bucket(ones, (size_t)n, n, qs[k]) == want - 1;
		}
	}
	CHECK(same);
	/* Exact percentiles of 0..2999 are the values of those ranks. */
	struct storm_summary e;
	memset(&e, 0, sizeof(e));
	storm_summary_exact(sorted, 3000, &e);
	CHECK(e.p50 == 1499 && e.p90 == 2699 && e.p99 == 2969 && e.p99_9 == 2996);
}

static void test_lhist(void)
{
	struct storm_lhist h, g;
	CHECK(storm_lhist_init(&h, 3) == 0);
	storm_lhist_add(&h, 0);
	storm_lhist_add(&h, 999);
	storm_lhist_add(&h, 1000);
	storm_lhist_add(&h, 2999);
	storm_lhist_add(&h, 3000);
	CHECK(h.count[0] == 2 && h.count[1] == 1 && h.count[2] == 1 && h.overflow == 1);
	CHECK(storm_lhist_init(&g, 3) == 0);
	storm_lhist_add(&g, 1500);
	storm_lhist_merge(&h, &g);
	CHECK(h.count[1] == 2);
	storm_lhist_free(&h);
	storm_lhist_free(&g);
	CHECK(storm_lhist_init(&h, 0) == 0 && h.count == NULL);
	storm_lhist_add(&h, 5); /* disabled: no crash, nothing counted */
	CHECK(h.overflow == 0);
}

/* A storm run of fixed numbers, written as the guest protocol and as JSON;
 * the protocol report is read back by vtb-analyze. */
static void check_reports(int samples)
{
	{
		struct storm_opts o;
		char err[128];
		CHECK(parse(samples ? "-l 40 --vtb-protocol - --vtb-record samples" : "-t 2 -l 3 --vtb-protocol -",
			    &o, err, sizeof(err)) == 0);
		struct storm_thread_result thr[2];
		memset(thr, 0, sizeof(thr));
		unsigned nthr = samples ? 1 : 2;
		for (unsigned t = 0; t < nthr; t++) {
			storm_stats_init(&thr[t].st, o.hist_shift);
			storm_lhist_init(&thr[t].lh, 0);
			thr[t].id = t;
			thr[t].first_deadline_ns = 1000 + t;
			if (samples)
				thr[t].samples = calloc(o.loops, sizeof(uint64_t));
			for (uint64_t i = 0; i < o.loops; i++) {
				uint64_t v = 50000 + i * 1000003ull * (t + 1);
				storm_stats_add(&thr[t].st, v);
				if (samples)
					thr[t].samples[thr[t].nsamples++] = v;
			}
			thr[t].last_wake_ns = 900000 + t;
		}
		struct storm_run r;
		memset(&r, 0, sizeof(r));
		r.o = &o;
		r.nthr = nthr;
		r.thr = thr;
		r.stop_reason = "count";
		for (int i = 0; i < STORM_PERF_NCOUNTERS; i++) {
			r.perf.c[i].name = "test-counter";
			r.perf.c[i].unit = "";
		}
		CHECK(storm_run_finish(&r) == 0);
		CHECK(r.elapsed_ns == 900001 - 1000 || (samples && r.elapsed_ns == 900000 - 1000));
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);
		CHECK(storm_report_vtb(f, &r) == 0);
		fclose(f);
		char rerr[512], v[64];
		int rc = storm_reader_run(buf, rerr, sizeof(rerr));
		if (rc < 0) {
			vtb_test_skip("no vtb-analyze (VTB_ANALYZE)");
		} else {
			/* CRCs, sequence, order, E's line count and the sums: the reader's checks. */
			if (rc != 0)
				vtb_test_fail_at(__FILE__, __LINE__, "vtb-analyze exit %d: %s", rc, rerr);
			CHECK_STR(storm_reader_get("guest", "guest", v, sizeof(v)), "linux");
			CHECK_STR(storm_reader_get("guest", "record", v, sizeof(v)), samples ? "samples" : "hist");
			CHECK_STR(storm_reader_get("guest", "cntfrq", v, sizeof(v)), "1000000000");
			/* Every sample, or every histogram count, arrived: 40 or 2 x 3. */
			CHECK_STR(storm_reader_get("counts", "taken", v, sizeof(v)), samples ? "40" : "6");
			CHECK_STR(storm_reader_get("latency_ticks", "n", v, sizeof(v)), samples ? "40" : "6");
			CHECK_STR(storm_reader_get("guest", "source", v, sizeof(v)), "timerfd");
		}
		/* S lines are packed to the domU console budget (the one writer's rule);
		 * B lines only for record=hist. */
		long nS = 0, nB = 0;
		for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
			nS += strstr(line, " S ") != NULL;
			nB += strstr(line, " B ") != NULL;
			if (strstr(line, " S ") && strlen(line) + 1 > VTB_PROTO_SAMPLE_LINE_BUDGET)
				vtb_test_fail_at(__FILE__, __LINE__, "S line over budget: %s", line);
		}
		if (samples)
			CHECK(nS >= 2 && nB == 0);
		else
			CHECK(nB > 0 && nS == 0);
		free(buf);

		/* JSON: the summary block is there with the merged count. */
		buf = NULL;
		f = open_memstream(&buf, &len);
		CHECK(storm_report_json(f, &r) == 0);
		fclose(f);
		char want[64];
		snprintf(want, sizeof(want), "\"n\": %llu,", (unsigned long long)r.all.n);
		CHECK(strstr(buf, want) && strstr(buf, "\"p99_9\": ") && strstr(buf, "\"stop_reason\": \"count\""));
		free(buf);
		for (unsigned t = 0; t < nthr; t++) {
			storm_stats_free(&thr[t].st);
			free(thr[t].samples);
		}
		storm_stats_free(&r.all);
		storm_lhist_free(&r.lall);
	}
}

static void test_report_samples(void) { check_reports(1); }
static void test_report_hist(void) { check_reports(0); }

int main(void)
{
	int reader = storm_reader_setup() == 0;
	RUN(test_opts_accepted);
	RUN(test_opts_rejected);
	RUN(test_hist_buckets);
	RUN(test_percentiles_from_histogram);
	RUN(test_stats_merge);
	RUN(test_percentiles_exact);
	RUN(test_rank_bucket);
	RUN(test_rank_unchanged);
	RUN(test_lhist);
	RUN(test_report_samples);
	RUN(test_report_hist);
	if (reader)
		storm_reader_cleanup();
	return vtb_test_done();
}

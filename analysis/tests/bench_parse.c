/* Parse throughput: reads a console log into memory, then times the protocol
 * parser alone and parser + statistics, wall-clock (CLOCK_MONOTONIC), best of
 * a few rounds; with a vtb-analyze path, also the whole tool (parse, statistics,
 * summary.json + samples.csv written into OUTDIR). A figure for humans, not a
 * timed test. Usage: bench-parse FILE [VTB_ANALYZE OUTDIR] */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "guest_protocol.h"
#include "latency_stats.h"

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
	FILE *f;
	char *buf, err[300];
	long len;
	double best_parse = 1e9, best_all = 1e9;
	unsigned long line;
	size_t n = 0;

	if ((argc != 2 && argc != 4) || !(f = fopen(argv[1], "rb"))) {
		fprintf(stderr, "usage: bench-parse FILE [VTB_ANALYZE OUTDIR]\n");
		return 2;
	}
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	buf = malloc((size_t)len);
	if (!buf || fread(buf, 1, (size_t)len, f) != (size_t)len)
		return 1;
	fclose(f);
	for (int round = 0; round < 5; round++) {
		struct vtb_report r;
		struct vtb_stats s;
		double t0 = now(), t1, t2;

		vtb_report_init(&r);
		if (vtb_parse_buffer(buf, (size_t)len, &r, err, sizeof(err), &line) != 0) {
			fprintf(stderr, "bench-parse: %s:%lu: %s\n", argv[1], line, err);
			return 1;
		}
		t1 = now();
		if (vtb_stats_from_samples(r.samples, r.n_samples, &s) != 0)
			return 1;
		t2 = now();
		n = r.n_samples;
		best_parse = t1 - t0 < best_parse ? t1 - t0 : best_parse;
		best_all = t2 - t0 < best_all ? t2 - t0 : best_all;
		vtb_report_free(&r);
	}
	printf("input: %s, %.1f MB, %zu samples\n", argv[1], (double)len / 1e6, n);
	printf("parse (CRC + fields), best of 5: %.3f s wall-clock, %.1f MB/s, %.1f M samples/s\n",
	       best_parse, (double)len / 1e6 / best_parse, (double)n / 1e6 / best_parse);
	printf("parse + statistics (sort),      %.3f s wall-clock, %.1f MB/s\n",
	       best_all, (double)len / 1e6 / best_all);
	free(buf);
	if (argc == 4) {
		double t0 = now(), t1;
		int st;
		pid_t pid = fork();
		if (pid == 0) {
			execl(argv[2], argv[2], "--log", argv[1], "--out-dir", argv[3], (char *)NULL);
			_exit(127);
		}
		if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st)) {
			fprintf(stderr, "bench-parse: %s failed\n", argv[2]);
			return 1;
		}
		t1 = now();
		printf("vtb-analyze end to end (one run, writes summary.json + samples.csv): "
		       "%.3f s wall-clock, %.1f MB/s\n", t1 - t0, (double)len / 1e6 / (t1 - t0));
	}
	return 0;
}

/* Synthetic run directory for `make bench` (tool speed only, never a
 * result): gen-samples DIR N SEED SHIFT_PCT.
 * Latencies are 1000 ticks scaled by (1 + SHIFT_PCT/100) plus an
 * exponential tail, as integers, like a storm's figures. */
#include "rng.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: gen-samples DIR N SEED SHIFT_PCT\n");
		return 1;
	}
	const char *dir = argv[1];
	long n = atol(argv[2]);
	double shift = atof(argv[4]);
	struct rng g;
	cmp_rng_seed(&g, strtoull(argv[3], NULL, 0));
	mkdir(dir, 0755);
	char path[4096];
	snprintf(path, sizeof path, "%s/samples.csv", dir);
	FILE *f = fopen(path, "w");
	if (!f) {
		perror(path);
		return 1;
	}
	fprintf(f, "tick,latency_ticks,latency_ns\n");
	for (long i = 0; i < n; i++) {
		long lt = lround(1000.0 * (1.0 + shift / 100.0) - 50.0 * log(cmp_rng_uniform(&g)));
		fprintf(f, "%ld,%ld,%ld\n", i, lt, lt * 16);
	}
	fclose(f);
	snprintf(path, sizeof path, "%s/summary.json", dir);
	f = fopen(path, "w");
	if (!f) {
		perror(path);
		return 1;
	}
	fprintf(f, "{\"schema\":\"vtimer-bench/summary/1\",\"platform_mode\":\"deterministic\","
		   "\"clock\":{\"cntfrq_hz\":62500000,\"ns_per_tick\":16},"
		   "\"latency_ticks\":{\"n\":%ld}}\n", n);
	fclose(f);
	return 0;
}

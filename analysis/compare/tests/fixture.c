#include "fixture.h"
#include "vtb/schema.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const char *h_tool;

static char tmproot[] = "/tmp/vtb-compare-test.XXXXXX";
static int tmpcount;

const char *h_tmpdir(void)
{
	static char paths[64][64];
	if (tmpcount == 0 && !mkdtemp(tmproot)) {
		perror("mkdtemp");
		exit(2);
	}
	if (tmpcount >= 64) {
		fprintf(stderr, "too many temp dirs\n");
		exit(2);
	}
	char *p = paths[tmpcount];
	snprintf(p, sizeof paths[0], "%s/d%02d", tmproot, tmpcount);
	tmpcount++;
	if (mkdir(p, 0755)) {
		perror(p);
		exit(2);
	}
	return p;
}

void h_write(const char *dir, const char *name, const char *text)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f)) {
		perror(path);
		exit(2);
	}
}

void h_run_dir(const char *dir, const char *mode, const long *v, size_t n)
{
	char path[512];
	snprintf(path, sizeof path, "%s/samples.csv", dir);
	FILE *f = fopen(path, "w");
	if (!f) {
		perror(path);
		exit(2);
	}
	fprintf(f, "tick,latency_ticks,latency_ns\n");
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%zu,%ld,%ld\n", i * 7 + 3, v[i], v[i] * 16);
	fclose(f);
	char js[512];
	snprintf(js, sizeof js,
		 "{\"schema\":\"" VTB_SCHEMA_SUMMARY "\",\"platform_mode\":\"%s\","
		 "\"clock\":{\"cntfrq_hz\":62500000,\"ns_per_tick\":16},"
		 "\"counts\":{\"ticks\":%zu,\"taken\":%zu,\"lost\":0,\"spurious\":0,\"other\":0},"
		 "\"latency_ticks\":{\"n\":%zu}}\n", mode, n, n, n);
	h_write(dir, "summary.json", js);
}

void h_tmpdir_cleanup(void)
{
	if (tmpcount) {
		char cmd[128];
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmproot);
		if (system(cmd) != 0)
			fprintf(stderr, "warning: could not remove %s\n", tmproot);
	}
}

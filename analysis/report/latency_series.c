#define _POSIX_C_SOURCE 200809L
#include "latency_series.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int push(struct rep_latency_series *s, size_t *cap, uint64_t v, uint64_t c)
{
	if (s->len == *cap) {
		size_t n = *cap ? *cap * 2 : 4096;
		uint64_t *nv = realloc(s->value, n * sizeof(*nv));
		if (!nv)
			return -1;
		s->value = nv;
		uint64_t *nc = realloc(s->count, n * sizeof(*nc));
		if (!nc)
			return -1;
		s->count = nc;
		*cap = n;
	}
	s->value[s->len] = v;
	s->count[s->len] = c;
	s->len++;
	s->total += c;
	return 0;
}

static int parse_u64(const char *p, char **end, uint64_t *out)
{
	if (*p < '0' || *p > '9')
		return -1;
	errno = 0;
	unsigned long long v = strtoull(p, end, 10);
	if (errno)
		return -1;
	*out = v;
	return 0;
}

/* samples.csv: tick,latency_ticks,latency_ns -> (latency_ticks, 1)
 * hist.csv:    lo_ticks,count               -> (lo_ticks, count) */
static int load_csv(FILE *f, const char *path, int is_hist, struct rep_latency_series *s,
		    char *err, size_t errlen)
{
	char line[256];
	size_t cap = 0, lineno = 0;
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		if (lineno == 1)
			continue; /* header */
		char *p = line, *end;
		uint64_t a, b;
		if (parse_u64(p, &end, &a) || *end != ',' || parse_u64(end + 1, &end, &b) ||
		    (*end != ',' && *end != '\n' && *end != '\r' && *end != '\0')) {
			snprintf(err, errlen, "%s:%zu: malformed row", path, lineno);
			return -1;
		}
		int rc = is_hist ? push(s, &cap, a, b) : push(s, &cap, b, 1);
		if (rc) {
			snprintf(err, errlen, "%s: out of memory", path);
			return -1;
		}
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error", path);
		return -1;
	}
	if (s->len == 0) {
		snprintf(err, errlen, "%s: no data rows", path);
		return -1;
	}
	return 0;
}

int rep_latency_series_load(const char *dir, struct rep_latency_series *s, char *err, size_t errlen)
{
	char path[4096];
	memset(s, 0, sizeof(*s));
	snprintf(path, sizeof(path), "%s/samples.csv", dir);
	FILE *f = fopen(path, "r");
	int is_hist = 0;
	if (!f) {
		snprintf(path, sizeof(path), "%s/hist.csv", dir);
		f = fopen(path, "r");
		is_hist = 1;
	}
	if (!f) {
		snprintf(err, errlen, "%s: neither samples.csv nor hist.csv", dir);
		return -1;
	}
	int rc = load_csv(f, path, is_hist, s, err, errlen);
	fclose(f);
	s->in_tick_order = !is_hist;
	if (rc)
		rep_latency_series_free(s);
	return rc;
}

void rep_latency_series_free(struct rep_latency_series *s)
{
	free(s->value);
	free(s->count);
	memset(s, 0, sizeof(*s));
}

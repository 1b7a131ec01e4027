/* vtb-check: validates one @VTB report in a console log (CRC, sequence,
 * counts) and prints a one-line summary with latency percentiles. For checking
 * this guest's runs by hand and in end-to-end tests; the full reader with
 * statistics lives in analysis/. A multi-vCPU report (H cpus=N, N > 1) must
 * carry cpuK_taken/lost/spurious on its T line adding up to the totals; with
 * samples, one more line per vCPU gives that vCPU's percentiles.
 *   vtb-check [--expect-ticks N] [--no-loss] LOG */
#include "crc32.h"
#include "hist.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 200000 per vCPU (record=samples limit), up to 4 vCPUs. */
#define MAX_SAMPLES 800000u
#define MAX_CPUS 4u

static unsigned long long kv(const char *payload, const char *key, int *found)
{
	size_t kl = strlen(key);
	for (const char *p = payload; (p = strstr(p, key)) != NULL; p += kl) {
		if ((p == payload || p[-1] == ' ') && p[kl] == '=') {
			*found = 1;
			return strtoull(p + kl + 1, NULL, 10);
		}
	}
	*found = 0;
	return 0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

static int fail(unsigned long lineno, const char *why)
{
	fprintf(stderr, "vtb-check: line %lu: %s\n", lineno, why);
	return 1;
}

int main(int argc, char **argv)
{
	unsigned long long expect_ticks = 0;
	int no_loss = 0;
	const char *path = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--expect-ticks") && i + 1 < argc)
			expect_ticks = strtoull(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--no-loss"))
			no_loss = 1;
		else if (!path && argv[i][0] != '-')
			path = argv[i];
		else {
			fprintf(stderr, "usage: vtb-check [--expect-ticks N] [--no-loss] LOG\n");
			return 2;
		}
	}
	if (!path) {
		fprintf(stderr, "usage: vtb-check [--expect-ticks N] [--no-loss] LOG\n");
		return 2;
	}
	FILE *f = fopen(path, "r");
	if (!f) {
		perror(path);
		return 1;
	}
	static uint32_t samples[MAX_SAMPLES];
	static char buf[4096];
	unsigned long lineno = 0, seq = 0, nsamples = 0;
	unsigned long long bucket_total = 0, ticks = 0, hist_shift = 0, cpus = 1;
	unsigned long long ctaken[MAX_CPUS], clost[MAX_CPUS], cspur[MAX_CPUS];
	int have_h = 0, have_t = 0, have_e = 0, found;
	char record[16] = "";
	unsigned long long taken = 0, lost = 0, spurious = 0, other = 0, vmin = 0, vmax = 0;
	/* hist: rank of p50 found from buckets after reading. */
	static unsigned long long blo[HIST_BUCKETS_MAX], bcnt[HIST_BUCKETS_MAX];
	unsigned nb = 0;

	while (fgets(buf, sizeof(buf), f)) {
		lineno++;
		char *at = strstr(buf, "@VTB");
		if (!at)
			continue;
		if (have_e)
			return fail(lineno, "@VTB line after E");
		size_t len = strcspn(at, "\r\n");
		at[len] = '\0';
		char *star = strrchr(at, '*');
		if (!star || star == at || star[-1] != ' ' || strlen(star) != 9)
			return fail(lineno, "no CRC field");
		unsigned long crc = strtoul(star + 1, NULL, 16);
		if (crc != vtb_crc32(0, at, (size_t)(star - at)))
			return fail(lineno, "bad CRC");
		star[-1] = '\0';
		unsigned ver;
		unsigned long s;
		char type;
		int off = 0;
		if (sscanf(at, "@VTB %u %lu %c %n", &ver, &s, &type, &off) != 3 || off == 0)
			return fail(lineno, "malformed line");
		if (ver != 1)
			return fail(lineno, "unsupported protocol version");
		if (s != seq++)
			return fail(lineno, "sequence gap");
		const char *pl = at + off;
		switch (type) {
		case 'H':
			if (s != 0)
				return fail(lineno, "H not first");
			have_h = 1;
			ticks = kv(pl, "ticks", &found);
			hist_shift = kv(pl, "hist_shift", &found);
			cpus = kv(pl, "cpus", &found);
			if (!found)
				cpus = 1;
			if (cpus < 1 || cpus > MAX_CPUS)
				return fail(lineno, "cpus= out of range");
			{
				const char *r = strstr(pl, "record=");
				if (r)
					sscanf(r, "record=%15s", record);
			}
			break;
		case 'S': {
			char *end;
			unsigned long first = strtoul(pl, &end, 10);
			if (first != nsamples || *end != ' ')
				return fail(lineno, "S index not contiguous");
			for (char *p = end + 1;;) {
				unsigned long long v = strtoull(p, &end, 10);
				if (end == p || v > UINT32_MAX || nsamples >= MAX_SAMPLES)
					return fail(lineno, "bad sample");
				samples[nsamples++] = (uint32_t)v;
				if (*end == '\0')
					break;
				if (*end != ',')
					return fail(lineno, "bad sample separator");
				p = end + 1;
			}
			break;
		}
		case 'B': {
			unsigned long long lo, c;
			if (sscanf(pl, "%llu %llu", &lo, &c) != 2 || nb >= HIST_BUCKETS_MAX ||
			    (nb && lo <= blo[nb - 1]))
				return fail(lineno, "bad bucket");
			blo[nb] = lo;
			bcnt[nb++] = c;
			bucket_total += c;
			break;
		}
		case 'T':
			have_t = 1;
			taken = kv(pl, "taken", &found);
			lost = kv(pl, "lost", &found);
			spurious = kv(pl, "spurious", &found);
			other = kv(pl, "other", &found);
			vmin = kv(pl, "min", &found);
			vmax = kv(pl, "max", &found);
			if (!found)
				return fail(lineno, "T without max=");
			if (cpus > 1) {
				unsigned long long st = 0, sl = 0, ss = 0;
				for (unsigned c = 0; c < cpus; c++) {
					char key[32];
					int f1, f2, f3;
					snprintf(key, sizeof(key), "cpu%u_taken", c);
					ctaken[c] = kv(pl, key, &f1);
					snprintf(key, sizeof(key), "cpu%u_lost", c);
					clost[c] = kv(pl, key, &f2);
					snprintf(key, sizeof(key), "cpu%u_spurious", c);
					cspur[c] = kv(pl, key, &f3);
					if (!f1 || !f2 || !f3)
						return fail(lineno, "T lacks a cpuK_taken/lost/spurious key");
					st += ctaken[c];
					sl += clost[c];
					ss += cspur[c];
				}
				if (st != taken || sl != lost || ss != spurious)
					return fail(lineno, "per-vCPU counts do not add up to the totals");
			}
			break;
		case 'E':
			if (kv(pl, "lines", &found) != s || !found)
				return fail(lineno, "E lines= does not match");
			have_e = 1;
			break;
		default:
			return fail(lineno, "unknown line type");
		}
	}
	fclose(f);
	if (!have_h || !have_t || !have_e)
		return fail(lineno, "incomplete report (need H, T and E)");
	if (taken + lost != ticks)
		return fail(lineno, "taken + lost != ticks");
	if (!strcmp(record, "samples") && nsamples != taken)
		return fail(lineno, "sample count != taken");
	if (!strcmp(record, "hist") && bucket_total != taken)
		return fail(lineno, "bucket total != taken");
	if (expect_ticks && ticks != expect_ticks)
		return fail(lineno, "unexpected ticks=");
	if (no_loss && (lost || spurious || other))
		return fail(lineno, "lost, spurious or other interrupts");

	if (cpus > 1 && !strcmp(record, "samples")) {
		/* Samples are vCPU by vCPU: slice before the global sort below. */
		unsigned long off = 0;
		for (unsigned c = 0; c < cpus; c++) {
			uint32_t *v = samples + off;
			unsigned long n = (unsigned long)ctaken[c];
			printf("cpu%u taken=%llu lost=%llu spurious=%llu", c, ctaken[c], clost[c], cspur[c]);
			if (n) {
				qsort(v, n, sizeof(v[0]), cmp_u32);
				printf(" min=%u p50=%u p99=%u max=%u", v[0], v[(n - 1) / 2],
				       v[(n * 99 + 99) / 100 - 1], v[n - 1]);
			}
			printf("\n");
			off += n;
		}
	}
	unsigned long long p50 = 0, p99 = 0;
	if (!strcmp(record, "samples") && nsamples) {
		qsort(samples, nsamples, sizeof(samples[0]), cmp_u32);
		p50 = samples[(nsamples - 1) / 2];
		p99 = samples[(nsamples * 99 + 99) / 100 - 1];
	} else if (nb) {
		unsigned long long acc = 0, r50 = (bucket_total + 1) / 2,
				   r99 = (bucket_total * 99 + 99) / 100;
		for (unsigned i = 0; i < nb; i++) {
			acc += bcnt[i];
			if (!p50 && acc >= r50)
				p50 = blo[i];
			if (acc >= r99) {
				p99 = blo[i];
				break;
			}
		}
		(void)hist_shift;
	}
	printf("ok record=%s ticks=%llu taken=%llu lost=%llu spurious=%llu other=%llu "
	       "min=%llu p50=%llu p99=%llu max=%llu%s\n",
	       record, ticks, taken, lost, spurious, other, vmin, p50, p99, vmax,
	       !strcmp(record, "hist") ? " (p50/p99 = bucket lo)" : "");
	return 0;
}

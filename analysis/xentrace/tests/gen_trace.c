/* xtr-gen FILE MB: writes a synthetic xentrace capture of about MB MiB with
 * the record mix of a vtimer storm (2 pCPUs, one guest vCPU each, periodic
 * ticks, some HVC exits, scheduler switches, a lost-records event). For
 * benchmarks and fuzz seeds only: never a source of reported figures. */
#include <stdio.h>
#include <stdlib.h>

#include "xtr_writer.h"

#define EXIT 0x01001001u
#define ENTRY 0x01001002u
#define PIRQ 0x01002001u
#define VINJ 0x01002002u
#define LRW 0x01002003u
#define VTIRQ 0x01004001u
#define SWITCH 0x0002800au

static uint64_t rng = 88172645463325252ull;
static unsigned jitter(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: xtr-gen FILE MB\n");
		return 2;
	}
	uint64_t want = strtoull(argv[2], NULL, 0) << 20;
	FILE *f = fopen(argv[1], "wb");
	if (!f) {
		perror(argv[1]);
		return 1;
	}
	struct xw w;
	xw_init(&w);
	uint64_t t[2] = {100, 600}, written = 0, cntvoff = 12345;
	uint32_t cval[2] = {0, 0};
	unsigned iter = 0;
	while (written < want) {
		for (int i = 0; i < 20000; i++, iter++) {
			for (unsigned c = 0; c < 2; c++) {
				uint32_t dv = (1u << 16) | c;
				cval[c] += 6250;
				uint64_t te = (uint64_t)cval[c] + cntvoff + 20 + jitter(30);
				if (te < t[c])
					te = t[c] + 1;
				XW(&w, c, EXIT, te, 1, dv, 0);
				XW(&w, c, PIRQ, te + 40, 27, dv);
				XW(&w, c, VTIRQ, te + 60, dv, 5, cval[c], 0, (uint32_t)cntvoff, 0);
				XW(&w, c, VINJ, te + 90 + jitter(20), dv, 27, 0, 27);
				XW(&w, c, LRW, te + 115, 0, 27, 2, 27);
				XW(&w, c, ENTRY, te + 150 + jitter(50), dv);
				t[c] = te + 200;
				if (iter % 3 == 0) {
					XW(&w, c, EXIT, t[c] + 500, 0 | (0x16u << 8), dv, 0x5a000000);
					XW(&w, c, ENTRY, t[c] + 560 + jitter(10), dv);
					t[c] += 600;
				}
				if (iter % 50 == 0) {
					XW(&w, c, SWITCH, t[c] + 10, 0x7fff, c, 1, c);
					t[c] += 20;
				}
			}
		}
		if (iter % 400000 == 0)
			XW(&w, 0, 0x0001f001u, t[0] + 1, 3, 0x7fff, (uint32_t)t[0], (uint32_t)(t[0] >> 32));
		/* ~32 KiB windows: a typical xentrace read of a per-CPU buffer */
		xw_flush(&w, 32768);
		if (fwrite(w.out.p, 1, w.out.len, f) != w.out.len) {
			perror(argv[1]);
			return 1;
		}
		written += w.out.len;
		xw_clear(&w);
	}
	if (fclose(f)) {
		perror(argv[1]);
		return 1;
	}
	xw_free(&w);
	return 0;
}

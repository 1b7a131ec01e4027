/* Builds guest reports in memory for tests, the benchmark and fuzz seeds,
 * computing CRCs with zlib exactly as docs/guest-protocol.md says. */
#ifndef VTB_FIXTURE_H
#define VTB_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

struct fx {
	char *buf;
	size_t len, cap;
	unsigned long long seq;  /* next report seq */
	const char *prefix;      /* prepended to each @VTB line, e.g. "(d1) " */
	const char *eol;         /* "\n" or "\r\n" */
};

void fx_init(struct fx *x, const char *prefix, const char *eol);
void fx_free(struct fx *x);

/* Appends "@VTB 1 <seq> <body> *<crc>", body being "<type> <payload>"; seq++. */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
void fx_line(struct fx *x, const char *fmt, ...);

/* As fx_line with explicit version and seq, seq counter untouched. */
void fx_line_vs(struct fx *x, unsigned ver, unsigned long long seq, const char *body);

/* Appends a line as is (noise), plus eol. */
void fx_raw(struct fx *x, const char *text);

/* A whole valid record=samples report for these latencies (ticks = n + lost). */
void fx_samples_report(struct fx *x, const uint64_t *v, size_t n, uint64_t lost);

/* CRC-32 of a string, as the protocol computes it. */
unsigned long fx_crc(const char *s, size_t n);

#endif

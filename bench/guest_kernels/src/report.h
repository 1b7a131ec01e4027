/* Writes results as docs/guest-protocol.md version 1 lines (@VTB ... *crc).
 * Pure C: the output sink is a callback, so the host tests capture it. */
#ifndef VTB_REPORT_H
#define VTB_REPORT_H
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define VTB_PROTO_VERSION 1u
#define VTB_LINE_MAX 512u
#define VTB_SAMPLES_PER_LINE 32u
/* S lines are packed to at most this many bytes with the newline: Xen prints
 * a domU's console_io output through a 200-byte line buffer (DOMAIN_PBUF_SIZE)
 * and splits longer lines, which would break their CRC. */
#define VTB_SAMPLE_LINE_BUDGET 192u

typedef void (*report_sink)(const char *line, size_t len, void *ctx);

struct report {
	unsigned seq;
	bool overflow; /* a payload did not fit in one line: a bug, never silent */
	report_sink sink;
	void *ctx;
};

void report_init(struct report *r, report_sink sink, void *ctx);
/* One line: "@VTB 1 <seq> <type> <payload> *<crc>\n". */
void report_line(struct report *r, char type, const char *payload);
/* S lines, VTB_SAMPLES_PER_LINE values each, indices from 0. */
void report_samples(struct report *r, const uint32_t *v, uint64_t n);
/* B lines for non-empty buckets in increasing order. */
void report_hist(struct report *r, const uint64_t *counts, unsigned shift);
/* E line: lines=<seq so far>. */
void report_end(struct report *r);
#endif

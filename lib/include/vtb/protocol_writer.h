/* The one writer of the guest result protocol (docs/guest-protocol.md,
 * version 1): "@VTB <ver> <seq> <type> <payload> *<crc>" lines with their
 * sequence numbers and CRC-32, the packing of samples into S lines, B and E
 * lines. Both storms write through it: the bare-metal guest
 * (bench/guest_kernels, compiled freestanding) and the Linux storm
 * (bench/vtimer_storm). The one reader is analysis/src/guest_protocol.c.
 *
 * Lines go to a caller-given sink, so the guest prints them with its console
 * hypercall, the Linux storm with stdio and the unit tests into a buffer.
 * Freestanding: <stddef.h>, <stdint.h>, <stdbool.h> and vtb/ headers only. */
#ifndef VTB_PROTOCOL_WRITER_H
#define VTB_PROTOCOL_WRITER_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vtb/protocol_writer_text.h"

#define VTB_PROTO_VERSION 1u
/* Longest line, without its newline. */
#define VTB_PROTO_LINE_MAX 512u
#define VTB_PROTO_SAMPLES_PER_LINE 32u
/* S lines are packed to at most this many bytes with the newline: Xen prints
 * a domU's console_io output through a 200-byte line buffer (DOMAIN_PBUF_SIZE)
 * and splits longer lines, which would break their CRC. */
#define VTB_PROTO_SAMPLE_LINE_BUDGET 192u

/* Receives one whole line, newline included (len counts it). */
typedef void (*vtb_pw_sink)(const char *line, size_t len, void *ctx);

struct vtb_pw {
	unsigned seq;
	bool overflow; /* a line did not fit: a bug in the caller, never silent */
	vtb_pw_sink sink;
	void *ctx;
	/* The S line being filled by vtb_pw_sample(). */
	char spayload[VTB_PROTO_LINE_MAX];
	struct vtb_text s;
	unsigned s_count;     /* samples on it */
	size_t s_budget;      /* payload bytes it may hold */
	uint64_t s_next;      /* index of the next sample */
};

void vtb_pw_init(struct vtb_pw *w, vtb_pw_sink sink, void *ctx);
/* One line of any type; payload is the caller's "key=value ..." text.
 * Refused (overflow set, nothing written, seq unchanged) if the line would
 * exceed VTB_PROTO_LINE_MAX. An S line still being filled by
 * vtb_pw_sample() is written first. */
void vtb_pw_line(struct vtb_pw *w, char type, const char *payload);
/* Appends one latency sample: samples are packed VTB_PROTO_SAMPLES_PER_LINE
 * to an S line, fewer where the line would exceed
 * VTB_PROTO_SAMPLE_LINE_BUDGET; indices run on from 0 across lines. */
void vtb_pw_sample(struct vtb_pw *w, uint64_t v);
/* One B line: a histogram bucket's lowest value and its count (the caller
 * skips empty buckets and goes in increasing lo). */
void vtb_pw_bucket(struct vtb_pw *w, uint64_t lo, uint64_t count);
/* The E line: lines=<lines so far>. (A report always has a T line after
 * its samples, which writes the last S line; there is no separate flush, so
 * the guest links no more functions than the writer it replaced: see
 * docs/guest-kernel.md, "Timing depends on the whole image".) */
void vtb_pw_end(struct vtb_pw *w);

#endif

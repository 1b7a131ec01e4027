/* Streaming reader for the guest result protocol, version 1 (docs/guest-protocol.md).
 *
 * The caller feeds the console log one input line at a time (without the '\n');
 * the parser finds the "@VTB" marker anywhere in the line, checks framing,
 * version, CRC-32, sequence and line order, and collects the report. Lines
 * without the marker are skipped (they are Xen or boot noise) but still count
 * for the input line number used in error messages.
 *
 * Errors are sticky: after the first one every call returns -1 and
 * vtb_parser_error() names the problem and the input line it was found on.
 */
#ifndef VTB_GUEST_PROTOCOL_H
#define VTB_GUEST_PROTOCOL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define VTB_PROTO_VERSION 1
#define VTB_LINE_MAX 512        /* marker to end of CRC, '\r' excluded */
#define VTB_SAMPLES_PER_LINE 32
#define VTB_HIST_SHIFT_MAX 20   /* 2^20 buckets per octave is already absurd */

enum vtb_record { VTB_RECORD_SAMPLES, VTB_RECORD_HIST };

struct vtb_kv {
	char *key;
	char *val;
};

struct vtb_bucket {
	uint64_t lo;
	uint64_t count;
};

struct vtb_report {
	/* H: every pair in input order (unknown keys kept), plus the required ones decoded. */
	struct vtb_kv *header;
	size_t n_header;
	const char *guest;      /* points into header[] */
	const char *mode;
	enum vtb_record record;
	uint64_t ticks, cntfrq, intid, period, rmin, rmax, seed;
	unsigned hist_shift;

	uint64_t *samples;      /* record=samples, in tick order */
	size_t n_samples, cap_samples;
	struct vtb_bucket *buckets; /* record=hist, increasing lo */
	size_t n_buckets, cap_buckets;

	/* T */
	struct vtb_kv *trailer;
	size_t n_trailer;
	uint64_t taken, lost, spurious, other, min, max, sum, elapsed;

	/* E */
	uint64_t lines;

	/* Xen's own console lines around the report, when the log is Xen's
	 * console (the untraced boot): how Xen scrubbed free RAM at boot
	 * ("Scrubbing Free RAM in background" / "... on N nodes"), which
	 * decides whether the storm ran on a quiet platform. */
	enum vtb_xen_scrub { VTB_SCRUB_UNSEEN, VTB_SCRUB_BACKGROUND, VTB_SCRUB_AT_BOOT } xen_scrub;

	unsigned long first_input_line, last_input_line; /* of H and E */
};

enum vtb_parse_state { VTB_WANT_H, VTB_IN_BODY, VTB_WANT_E, VTB_DONE, VTB_FAILED };

struct vtb_parser {
	struct vtb_report *rep;
	unsigned long lineno;   /* input lines fed so far */
	uint64_t next_seq;
	enum vtb_parse_state state;
	int check_crc;          /* 1 normally; the fuzzer clears it to reach deeper code */
	unsigned long err_line;
	char err[256];
};

void vtb_report_init(struct vtb_report *r);
void vtb_report_free(struct vtb_report *r);

/* Looks a header key up; NULL if absent. */
const char *vtb_report_header(const struct vtb_report *r, const char *key);

void vtb_parser_init(struct vtb_parser *p, struct vtb_report *r);

/* One input line, without its '\n' (a trailing '\r' is ignored). 0 or -1. */
int vtb_parser_feed(struct vtb_parser *p, const char *line, size_t len);

/* End of input: fails unless exactly one complete report was read. 0 or -1. */
int vtb_parser_finish(struct vtb_parser *p);

/* The problem, without file name or line number, e.g. "bad CRC (expected ..., got ...)". */
const char *vtb_parser_error(const struct vtb_parser *p);
unsigned long vtb_parser_error_line(const struct vtb_parser *p);

/* Conveniences: split into lines, feed, finish. On error fill err ("<line>: <problem>"
 * is left to the caller: errline gets the line). 0 or -1. */
int vtb_parse_buffer(const char *buf, size_t len, struct vtb_report *r,
		     char *err, size_t errlen, unsigned long *errline);
int vtb_parse_file(FILE *f, struct vtb_report *r,
		   char *err, size_t errlen, unsigned long *errline);

/* Width of the log-linear bucket whose lowest value is lo; 0 if lo is not a
 * bucket boundary for this shift. */
uint64_t vtb_hist_bucket_width(uint64_t lo, unsigned shift);

#endif

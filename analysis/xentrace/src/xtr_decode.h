/* Streaming decoder for the xentrace binary file format.
 *
 * The file is a sequence of per-CPU windows. Each window starts with a
 * TRC_TRACE_CPU_CHANGE record (header, cpu, window size in bytes) followed by
 * that many bytes of raw t_rec records copied from the CPU's trace ring.
 * The window size is what lets us resynchronise after damage, so the decoder
 * trusts it over anything inside the window.
 *
 * Memory is fixed: one read buffer and a per-CPU table, allocated once.
 */
#ifndef XTR_DECODE_H
#define XTR_DECODE_H

#include <stddef.h>
#include <stdint.h>

#define XTR_EVT_LOST_RECORDS 0x0001f001u
#define XTR_EVT_WRAP_BUFFER  0x0001f002u
#define XTR_EVT_CPU_CHANGE   0x0001f003u
/* xentrace writes the cpu_change record with 2 extra words and no cycles. */
#define XTR_CPU_CHANGE_HEADER (XTR_EVT_CPU_CHANGE | (2u << 28))

/* Xen on arm64 has NR_CPUS <= 128 by default; x86 up to 4096. A cpu field
 * beyond this is treated as corruption, which also bounds per-CPU state. */
#define XTR_MAX_CPUS 4096u
/* t_info.tbuf_size is a u16 page count, so a window can never exceed this. */
#define XTR_MAX_WINDOW (65535u * 4096u)
#define XTR_MAX_REC_BYTES (4u + 8u + 7u * 4u)

enum xtr_issue {
	XTR_ISSUE_TRUNCATED_RECORD,   /* EOF in the middle of a record */
	XTR_ISSUE_WINDOW_PAST_EOF,    /* window size runs past end of file */
	XTR_ISSUE_RECORD_PAST_WINDOW, /* record length exceeds what the window has left */
	XTR_ISSUE_CORRUPT_HEADER,     /* header with impossible event class */
	XTR_ISSUE_BAD_CPU_CHANGE,     /* expected a cpu_change record, got garbage */
	XTR_ISSUE_SKIPPED_BYTES,      /* bytes discarded while resynchronising */
	XTR_ISSUE_TSC_BACKWARD,       /* timestamp earlier than the previous on that CPU */
	XTR_ISSUE_WINDOW_OUT_OF_ORDER,/* a window starts before the previous one on that CPU ended */
	XTR_ISSUE_READ_ERROR,
	XTR_ISSUE__N
};

const char *xtr_issue_name(enum xtr_issue i);

/* Record flags that tell a consumer its per-CPU state may be stale. */
#define XTR_F_WINDOW_START 0x1u /* first record after a cpu_change */
#define XTR_F_BACKWARD     0x2u /* tsc stepped back on this CPU */
#define XTR_F_AFTER_GAP    0x4u /* bytes were lost on this CPU before this record */

struct xtr_rec {
	uint32_t event;    /* 28-bit event id */
	uint32_t n_extra;  /* 0..7 */
	uint32_t has_tsc;
	uint32_t cpu;
	uint32_t flags;
	uint64_t tsc;      /* valid only if has_tsc */
	uint64_t offset;   /* file offset of the header word */
	uint32_t extra[7];
};

struct xtr_stats {
	uint64_t bytes;     /* bytes consumed */
	uint64_t records;   /* records returned, cpu_change included */
	uint64_t windows;
	uint64_t skipped_bytes;
	uint64_t issues[XTR_ISSUE__N];
};

/* Returns bytes read (> 0), 0 at end of input, < 0 on error. */
typedef long (*xtr_read_fn)(void *ctx, void *buf, size_t len);
typedef void (*xtr_issue_fn)(void *ctx, enum xtr_issue what, uint64_t offset,
			     const char *detail);

struct xtr_reader;

/* bufsize 0 picks the default (4 MiB). Returns NULL on allocation failure. */
struct xtr_reader *xtr_reader_new(xtr_read_fn rd, void *rd_ctx, size_t bufsize);
void xtr_reader_free(struct xtr_reader *r);
void xtr_reader_on_issue(struct xtr_reader *r, xtr_issue_fn fn, void *ctx);
/* 1: *out holds a record; 0: end of input. */
int xtr_next(struct xtr_reader *r, struct xtr_rec *out);
const struct xtr_stats *xtr_reader_stats(const struct xtr_reader *r);
/* Number of issues other than lost-record style events: any is a damaged file. */
uint64_t xtr_issue_total(const struct xtr_stats *s);

/* Convenience sources. */
long xtr_read_fd(void *ctx /* int* */, void *buf, size_t len);
struct xtr_mem_src { const uint8_t *p; size_t len, pos; };
long xtr_read_mem(void *ctx /* struct xtr_mem_src* */, void *buf, size_t len);

#endif

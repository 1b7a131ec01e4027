/* Test-only writer of xentrace files: per-CPU record streams cut into
 * windows the way xentrace does, plus raw words for damaged inputs. */
#ifndef XTR_WRITER_H
#define XTR_WRITER_H

#include <stddef.h>
#include <stdint.h>

struct xw_buf {
	uint8_t *p;
	size_t len, cap;
	size_t *ends;   /* record end offsets (per-CPU streams) */
	size_t nends, capends, taken;
};

#define XW_NCPU 8
struct xw {
	struct xw_buf out;
	struct xw_buf cpu[XW_NCPU];
};

void xw_init(struct xw *w);
void xw_free(struct xw *w);
/* Append a record to CPU c's stream. n <= 7. */
void xw_rec(struct xw *w, unsigned c, uint32_t event, int has_tsc, uint64_t tsc,
	    unsigned n, const uint32_t *extra);
#define XW(w, c, ev, tsc, ...) \
	xw_rec((w), (c), (ev), 1, (tsc), sizeof((uint32_t[]){__VA_ARGS__}) / 4, (uint32_t[]){__VA_ARGS__})
#define XW0(w, c, ev, tsc) xw_rec((w), (c), (ev), 1, (tsc), 0, NULL)
/* Move pending records of all CPUs into the file as windows of at most
 * max_bytes each, round-robin over CPUs (how xentrace interleaves them). */
void xw_flush(struct xw *w, size_t max_bytes);
/* Raw words straight into the file (for damaged inputs). */
void xw_raw(struct xw *w, const uint32_t *words, unsigned n);
void xw_window_hdr(struct xw *w, uint32_t cpu, uint32_t size);
int xw_save(const struct xw *w, const char *path);
/* Forget all data, keep allocations (for writing big files in chunks). */
void xw_clear(struct xw *w);

#endif

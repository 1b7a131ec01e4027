#include "xtr_writer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void put(struct xw_buf *b, const void *src, size_t n)
{
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap < b->len + n)
			cap *= 2;
		b->p = realloc(b->p, cap);
		if (!b->p) {
			perror("xw realloc");
			exit(2);
		}
		b->cap = cap;
	}
	memcpy(b->p + b->len, src, n);
	b->len += n;
}

static void mark_end(struct xw_buf *b)
{
	if (b->nends == b->capends) {
		b->capends = b->capends ? 2 * b->capends : 256;
		b->ends = realloc(b->ends, b->capends * sizeof(*b->ends));
		if (!b->ends) {
			perror("xw realloc");
			exit(2);
		}
	}
	b->ends[b->nends++] = b->len;
}

void xw_init(struct xw *w) { memset(w, 0, sizeof(*w)); }

void xw_free(struct xw *w)
{
	free(w->out.p);
	free(w->out.ends);
	for (int i = 0; i < XW_NCPU; i++) {
		free(w->cpu[i].p);
		free(w->cpu[i].ends);
	}
	memset(w, 0, sizeof(*w));
}

void xw_rec(struct xw *w, unsigned c, uint32_t event, int has_tsc, uint64_t tsc,
	    unsigned n, const uint32_t *extra)
{
	struct xw_buf *b = &w->cpu[c];
	uint32_t h = (event & 0x0fffffffu) | (n << 28) | (has_tsc ? 1u << 31 : 0);
	put(b, &h, 4);
	if (has_tsc) {
		uint32_t t[2] = {(uint32_t)tsc, (uint32_t)(tsc >> 32)};
		put(b, t, 8);
	}
	if (n)
		put(b, extra, 4 * n);
	mark_end(b);
}

void xw_window_hdr(struct xw *w, uint32_t cpu, uint32_t size)
{
	uint32_t rec[3] = {0x0001f003u | (2u << 28), cpu, size};
	put(&w->out, rec, sizeof(rec));
}

void xw_raw(struct xw *w, const uint32_t *words, unsigned n)
{
	put(&w->out, words, 4 * n);
}

void xw_flush(struct xw *w, size_t max_bytes)
{
	size_t start[XW_NCPU];
	for (int c = 0; c < XW_NCPU; c++)
		start[c] = w->cpu[c].taken ? w->cpu[c].ends[w->cpu[c].taken - 1] : 0;
	for (int more = 1; more;) {
		more = 0;
		for (int c = 0; c < XW_NCPU; c++) {
			struct xw_buf *b = &w->cpu[c];
			if (b->taken == b->nends)
				continue;
			size_t i = b->taken;
			/* at least one record per window, then as many as fit */
			while (i + 1 < b->nends && b->ends[i + 1] - start[c] <= max_bytes)
				i++;
			size_t end = b->ends[i];
			xw_window_hdr(w, (uint32_t)c, (uint32_t)(end - start[c]));
			put(&w->out, b->p + start[c], end - start[c]);
			start[c] = end;
			b->taken = i + 1;
			more |= b->taken < b->nends;
		}
	}
}

int xw_save(const struct xw *w, const char *path)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	size_t n = fwrite(w->out.p, 1, w->out.len, f);
	return (fclose(f) != 0 || n != w->out.len) ? -1 : 0;
}

void xw_clear(struct xw *w)
{
	w->out.len = w->out.nends = w->out.taken = 0;
	for (int c = 0; c < XW_NCPU; c++)
		w->cpu[c].len = w->cpu[c].nends = w->cpu[c].taken = 0;
}

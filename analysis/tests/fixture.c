#include "fixture.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
/* zlib computes the expected CRC: an independent check of libvtb's vtb_crc32. */
#include <zlib.h>

void fx_init(struct fx *x, const char *prefix, const char *eol)
{
	memset(x, 0, sizeof(*x));
	x->prefix = prefix ? prefix : "";
	x->eol = eol ? eol : "\n";
}

void fx_free(struct fx *x)
{
	free(x->buf);
	x->buf = NULL;
	x->len = x->cap = 0;
}

static void put(struct fx *x, const char *s, size_t n)
{
	if (x->len + n + 1 > x->cap) {
		size_t nc = x->cap ? x->cap : 4096;
		while (nc < x->len + n + 1)
			nc *= 2;
		x->buf = realloc(x->buf, nc);
		if (!x->buf)
			abort();
		x->cap = nc;
	}
	memcpy(x->buf + x->len, s, n);
	x->len += n;
	x->buf[x->len] = '\0';
}

unsigned long fx_crc(const char *s, size_t n)
{
	return crc32(crc32(0L, Z_NULL, 0), (const unsigned char *)s, (uInt)n);
}

void fx_line_vs(struct fx *x, unsigned ver, unsigned long long seq, const char *body)
{
	char line[2048];
	int n = snprintf(line, sizeof(line), "@VTB %u %llu %s ", ver, seq, body);

	if (n < 0 || (size_t)n + 10 >= sizeof(line))
		abort();
	n += snprintf(line + n, sizeof(line) - (size_t)n, "*%08lx", fx_crc(line, (size_t)n));
	put(x, x->prefix, strlen(x->prefix));
	put(x, line, (size_t)n);
	put(x, x->eol, strlen(x->eol));
}

void fx_line(struct fx *x, const char *fmt, ...)
{
	char body[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(body, sizeof(body), fmt, ap);
	va_end(ap);
	fx_line_vs(x, 1, x->seq++, body);
}

void fx_raw(struct fx *x, const char *text)
{
	put(x, text, strlen(text));
	put(x, x->eol, strlen(x->eol));
}

void fx_samples_report(struct fx *x, const uint64_t *v, size_t n, uint64_t lost)
{
	uint64_t mn = n ? UINT64_MAX : 0, mx = 0, sum = 0;
	char body[1024];

	fx_line(x, "H guest=baremetal mode=periodic ticks=%llu cntfrq=62500000 intid=27 "
		"record=samples period=6250 rmin=0 rmax=0 seed=0 hist_shift=0",
		(unsigned long long)(n + lost));
	for (size_t i = 0; i < n; i += 32) {
		int o = snprintf(body, sizeof(body), "S %zu ", i);
		for (size_t j = i; j < n && j < i + 32; j++)
			o += snprintf(body + o, sizeof(body) - (size_t)o, "%s%llu",
				      j == i ? "" : ",", (unsigned long long)v[j]);
		fx_line(x, "%s", body);
	}
	for (size_t i = 0; i < n; i++) {
		mn = v[i] < mn ? v[i] : mn;
		mx = v[i] > mx ? v[i] : mx;
		sum += v[i];
	}
	fx_line(x, "T taken=%zu lost=%llu spurious=0 other=0 min=%llu max=%llu sum=%llu "
		"elapsed=%llu", n, (unsigned long long)lost, (unsigned long long)mn,
		(unsigned long long)mx, (unsigned long long)sum,
		(unsigned long long)(6250 * (n + lost)));
	fx_line(x, "E lines=%llu", x->seq);
}

#define _POSIX_C_SOURCE 200809L
#include "raw.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <inttypes.h>
#include <string.h>

const char *const prof_class_name[PROF_NCLASS] = {
	"el2_sp0_sync", "el2_sp0_irq", "el2_sp0_fiq", "el2_sp0_serror",
	"el2_sync", "el2_irq", "el2_fiq", "el2_serror",
	"guest64_sync", "guest64_irq", "guest64_fiq", "guest64_serror",
	"guest32_sync", "guest32_irq", "guest32_fiq", "guest32_serror",
};

struct rd {
	const char *path;
	size_t line;
	char *err;
	size_t errlen;
};

static int bad(struct rd *d, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (d->line)
		snprintf(d->err, d->errlen, "%s:%zu: %s", d->path, d->line, msg);
	else
		snprintf(d->err, d->errlen, "%s: %s", d->path, msg);
	return -1;
}

/* A whole unsigned decimal (or 0x hex) token; advances *s past it. */
static int u64_tok(char **s, uint64_t *v, int hex)
{
	char *end;

	while (**s == ' ')
		(*s)++;
	/* strtoull would skip a sign or blanks: the token must start with a
	 * digit of its base (Xen 4.22 links at 0xa0000200000). */
	if (!(hex ? isxdigit((unsigned char)**s) : isdigit((unsigned char)**s)))
		return -1;
	errno = 0;
	*v = strtoull(*s, &end, hex ? 16 : 10);
	if (errno || end == *s || (*end && *end != ' ' && *end != ':' && *end != '\n'))
		return -1;
	*s = end;
	return 0;
}

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
	size_t c = *cap ? *cap : 256;
	void *q;

	if (need <= *cap)
		return 0;
	while (c < need)
		c *= 2;
	q = realloc(*p, c * elem);
	if (!q)
		return -1;
	*p = q;
	*cap = c;
	return 0;
}

static char *rest_str(char *s)
{
	size_t n;

	while (*s == ' ')
		s++;
	n = strlen(s);
	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = 0;
	return n ? strdup(s) : NULL;
}

static long func_index(const struct prof_raw *r, uint32_t id)
{
	size_t lo = 0, hi = r->nfuncs;      /* ids are written in increasing order */

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (r->funcs[mid].id == id)
			return (long)mid;
		if (r->funcs[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static int parse_win(struct rd *d, struct prof_raw *r, char *s, int tail, size_t *cap_fd)
{
	struct prof_win w;
	uint64_t v;

	memset(&w, 0, sizeof(w));
	if (u64_tok(&s, &w.seq, 0) || u64_tok(&s, &w.xen, 0) || u64_tok(&s, &w.other, 0) ||
	    u64_tok(&s, &w.storm, 0) || u64_tok(&s, &w.low, 0) || u64_tok(&s, &w.upper, 0))
		return bad(d, "malformed window record");
	if (w.seq != r->nwins + 1)
		return bad(d, "window %llu out of order", (unsigned long long)w.seq);
	for (int c = 0; c < PROF_NCLASS; c++) {
		if (u64_tok(&s, &v, 0) || v > UINT32_MAX)
			return bad(d, "malformed exit count in window %llu", (unsigned long long)w.seq);
		w.exits[c] = (uint32_t)v;
	}
	for (int c = PROF_FIRST_LOWER; c < PROF_NCLASS; c++) {
		if (u64_tok(&s, &v, 0) || v > w.exits[c])
			return bad(d, "malformed storm exit count in window %llu", (unsigned long long)w.seq);
		w.storm_exits[c] = (uint32_t)v;
	}
	w.f0 = r->nfd;
	uint64_t sum = w.other;
	while (*s == ' ') {
		uint64_t id, n;
		long fi;

		if (u64_tok(&s, &id, 0) || *s != ':' || (s++, u64_tok(&s, &n, 0)))
			return bad(d, "malformed function count in window %llu", (unsigned long long)w.seq);
		if (id > UINT32_MAX || (fi = func_index(r, (uint32_t)id)) < 0)
			return bad(d, "window %llu names function %llu, not in the func list",
				   (unsigned long long)w.seq, (unsigned long long)id);
		if (grow((void **)&r->fd, cap_fd, r->nfd + 1, sizeof(*r->fd)))
			return bad(d, "out of memory");
		r->fd[r->nfd++] = (struct prof_fdelta){ (size_t)fi, n };
		sum += n;
	}
	if (*s && *s != '\n')
		return bad(d, "trailing text in window %llu", (unsigned long long)w.seq);
	if (sum != w.xen)
		return bad(d, "window %llu: functions add up to %llu, not its %llu Xen instructions",
			   (unsigned long long)w.seq, (unsigned long long)sum, (unsigned long long)w.xen);
	w.nf = r->nfd - w.f0;
	(void)tail;
	r->wins[r->nwins++] = w;
	return 0;
}

int prof_raw_read(struct prof_raw *r, const char *path, char *err, size_t errlen)
{
	struct rd d = { path, 0, err, errlen };
	FILE *f;
	char *line = NULL;
	size_t cap = 0, cap_f = 0, cap_w = 0, cap_fd = 0, cap_x = 0;
	int have_total = 0, have_exits = 0, have_end = 0, have_tail = 0, rc = -1;
	ssize_t len;

	memset(r, 0, sizeof(*r));
	f = fopen(path, "r");
	if (!f)
		return bad(&d, "%s", strerror(errno));
	while ((len = getline(&line, &cap, f)) >= 0) {
		char *s = line, *sp;
		uint64_t v;

		d.line++;
		if (!len || line[len - 1] != '\n') {
			bad(&d, "truncated line");
			goto out;
		}
		if (have_end) {
			bad(&d, "text after the end record");
			goto out;
		}
		sp = strchr(s, ' ');
		if (!sp) {
			bad(&d, "malformed record");
			goto out;
		}
		*sp = 0;
		s = sp + 1;
		if (d.line == 1) {
			if (strcmp(line, PROF_RAW_MAGIC) || u64_tok(&s, &v, 0) || v != PROF_RAW_VERSION) {
				bad(&d, "not a version %d vtb-prof raw file", PROF_RAW_VERSION);
				goto out;
			}
		} else if (!strcmp(line, "xen-syms")) {
			r->xen_syms = rest_str(s);
		} else if (!strcmp(line, "guest-elf")) {
			r->guest_elf = rest_str(s);
		} else if (!strcmp(line, "vectors")) {
			if (strncmp(s, "0x", 2) || (s += 2, u64_tok(&s, &r->vectors, 1))) {
				bad(&d, "malformed vectors address");
				goto out;
			}
		} else if (!strcmp(line, "tick")) {
			char *a = strchr(s, ' ');

			if (!a || strncmp(a + 1, "0x", 2)) {
				bad(&d, "malformed tick record");
				goto out;
			}
			*a = 0;
			r->tick_name = strdup(s);
			s = a + 3;
			if (u64_tok(&s, &r->tick_va, 1)) {
				bad(&d, "malformed tick address");
				goto out;
			}
		} else if (!strcmp(line, "guest-base")) {
			if (strncmp(s, "0x", 2) || (s += 2, u64_tok(&s, &r->guest_base, 1))) {
				bad(&d, "malformed guest-base address");
				goto out;
			}
		} else if (!strcmp(line, "zero-instruction-exits")) {
			if (u64_tok(&s, &r->zero_exits, 0)) {
				bad(&d, "malformed zero-instruction-exits");
				goto out;
			}
		} else if (!strcmp(line, "nest-overflow")) {
			if (u64_tok(&s, &v, 0) || v > 1) {
				bad(&d, "malformed nest-overflow");
				goto out;
			}
			r->nest_overflow = (int)v;
		} else if (!strcmp(line, "func")) {
			struct prof_rfunc fn;
			uint64_t id;

			if (u64_tok(&s, &id, 0) || id > UINT32_MAX || strncmp(s, " 0x", 3) ||
			    (s += 3, u64_tok(&s, &fn.addr, 1)) || u64_tok(&s, &fn.total, 0) ||
			    !(fn.name = rest_str(s))) {
				bad(&d, "malformed func record");
				goto out;
			}
			fn.id = (uint32_t)id;
			if (r->nfuncs && r->funcs[r->nfuncs - 1].id >= fn.id) {
				free(fn.name);
				bad(&d, "func ids not increasing");
				goto out;
			}
			if (grow((void **)&r->funcs, &cap_f, r->nfuncs + 1, sizeof(*r->funcs))) {
				free(fn.name);
				bad(&d, "out of memory");
				goto out;
			}
			r->funcs[r->nfuncs++] = fn;
		} else if (!strcmp(line, "total")) {
			if (u64_tok(&s, &r->total_xen, 0) || u64_tok(&s, &r->total_other, 0) ||
			    u64_tok(&s, &r->total_storm, 0) || u64_tok(&s, &r->total_low, 0) ||
			    u64_tok(&s, &r->total_upper, 0)) {
				bad(&d, "malformed total record");
				goto out;
			}
			have_total = 1;
		} else if (!strcmp(line, "exits")) {
			for (int c = 0; c < PROF_NCLASS; c++)
				if (u64_tok(&s, &r->exits[c], 0)) {
					bad(&d, "malformed exits record");
					goto out;
				}
			for (int c = PROF_FIRST_LOWER; c < PROF_NCLASS; c++)
				if (u64_tok(&s, &r->storm_exits[c], 0)) {
					bad(&d, "malformed exits record");
					goto out;
				}
			have_exits = 1;
		} else if (!strcmp(line, "w") || !strcmp(line, "tail")) {
			int tail = !strcmp(line, "tail");

			if (have_tail) {
				bad(&d, "window after the tail");
				goto out;
			}
			if (grow((void **)&r->wins, &cap_w, r->nwins + 1, sizeof(*r->wins))) {
				bad(&d, "out of memory");
				goto out;
			}
			if (parse_win(&d, r, s, tail, &cap_fd))
				goto out;
			have_tail = tail;
		} else if (!strcmp(line, "x")) {
			struct prof_xrec x;

			uint64_t st, ns;

			if (u64_tok(&s, &x.tick, 0) || u64_tok(&s, &v, 0) || v < PROF_FIRST_LOWER ||
			    v >= PROF_NCLASS || u64_tok(&s, &st, 0) || st > 1 || u64_tok(&s, &x.insns, 0) ||
			    u64_tok(&s, &ns, 0) || ns > UINT32_MAX || u64_tok(&s, &x.first, 0) ||
			    u64_tok(&s, &x.last, 0) || x.first > x.last || x.last > x.insns) {
				bad(&d, "malformed exit record");
				goto out;
			}
			x.cls = (uint32_t)v;
			x.storm = (int)st;
			x.nstamp = (uint32_t)ns;
			if (grow((void **)&r->x, &cap_x, r->nx + 1, sizeof(*r->x))) {
				bad(&d, "out of memory");
				goto out;
			}
			r->x[r->nx++] = x;
		} else if (!strcmp(line, "end")) {
			if (u64_tok(&s, &r->ticks, 0)) {
				bad(&d, "malformed end record");
				goto out;
			}
			have_end = 1;
		} else {
			bad(&d, "unknown record '%s'", line);
			goto out;
		}
	}
	if (ferror(f)) {
		bad(&d, "read error");
		goto out;
	}
	d.line = 0;
	if (!have_end || !have_tail || !have_total || !have_exits) {
		bad(&d, "truncated: no %s record", !have_total ? "total" : !have_exits ? "exits" :
		    !have_tail ? "tail" : "end");
		goto out;
	}
	if (r->ticks + 1 != r->nwins) {
		bad(&d, "end says %llu ticks but there are %zu windows", (unsigned long long)r->ticks, r->nwins);
		goto out;
	}
	{
		uint64_t sx = 0, sg = 0, sl = 0, su = 0, se[PROF_NCLASS] = { 0 }, ss[PROF_NCLASS] = { 0 };

		for (size_t k = 0; k < r->nwins; k++) {
			sx += r->wins[k].xen;
			sg += r->wins[k].storm;
			sl += r->wins[k].low;
			su += r->wins[k].upper;
			for (int c = 0; c < PROF_NCLASS; c++) {
				se[c] += r->wins[k].exits[c];
				ss[c] += r->wins[k].storm_exits[c];
			}
		}
		if (sx != r->total_xen || sg != r->total_storm || sl != r->total_low || su != r->total_upper ||
		    memcmp(se, r->exits, sizeof(se)) != 0 || memcmp(ss, r->storm_exits, sizeof(ss)) != 0) {
			bad(&d, "the windows do not add up to the totals");
			goto out;
		}
	}
	rc = 0;
out:
	free(line);
	fclose(f);
	if (rc)
		prof_raw_free(r);
	return rc;
}

void prof_raw_free(struct prof_raw *r)
{
	for (size_t i = 0; i < r->nfuncs; i++)
		free(r->funcs[i].name);
	free(r->funcs);
	free(r->xen_syms);
	free(r->guest_elf);
	free(r->tick_name);
	free(r->wins);
	free(r->fd);
	free(r->x);
	memset(r, 0, sizeof(*r));
}

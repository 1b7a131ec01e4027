/* vtb-justify: the patch-justification report of a `./run-bench.sh justify`
 * directory: one table a row per scenario (correctness, latency with the
 * difference and its 95 % interval, exits and EL2 instructions per tick, a
 * verdict in words), the functions whose instructions moved most, details per
 * scenario, and cover-letter.txt for the [PATCH 0/N] mail.
 *
 *   vtb-justify plot-data DIR     DIR/plots/justify-latency.dat, justify-el2.dat
 *   vtb-justify report DIR [--patches-dir D]
 *                                 DIR/report.md, report.html, cover-letter.txt,
 *                                 headline.md, headline.txt
 *
 * DIR holds suite.txt (the scenarios run, one name a line), command.txt (the
 * command that made it) and scenarios/<name>/, each a complete run directory.
 * It computes no statistic: every figure is copied from the runs' files
 * (summary.json, compare*.json, profile/profile.json, profile-compare*.json,
 * trace-summary.json, manifest.json); the verdict words follow from them.
 * docs/justify.md. */
#define _POSIX_C_SOURCE 200809L
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vtb/atomic_file.h"
#include "vtb/str.h"
#include "vtb/err.h"
#include "json_path.h"
#include "doc_model.h"
#include "run_model.h"

#define MAX_SCEN 16
#define MAX_ROWS 64
#define MAX_VAR 12
#define WHY_FUNCS 8 /* per scenario, at most */
#define WHY_PER_SCENARIO 4

struct scen_info {
	const char *name, *title, *what;
};

/* The scenarios scripts/run/justify.sh knows how to run; how each is run is
 * the shell's, what it means is said here once. */
static const struct scen_info known[] = {
	{ "idle", "idle in WFI", "periodic deadlines 100 us apart; the guest waits in WFI between ticks" },
	{ "spin", "spinning", "periodic deadlines 100 us apart; the guest busy-polls with IRQs unmasked" },
	{ "back-to-back", "back-to-back", "each deadline armed as soon as the last tick is handled; the guest spins" },
	{ "random", "random deadlines", "deadlines 20-200 us apart (seed 3); the guest waits in WFI" },
	{ "2vcpu", "2 vCPUs, 1 pCPU", "two vCPUs of one domain time-share the one pCPU, each with its own timer (dom0_max_vcpus=2, cpus=2)" },
	{ "unmask-first", "unmask-first race", "the guest enables the timer while CVAL still holds the passed deadline, then moves CVAL (order=unmask-first)" },
};

struct vfig {
	char name[64];
	json_t *summary, *profile, *trace_guest;
	long long ticks, taken, lost, spurious, other;
	double p50, p99;  /* nearest rank, summary.json */
	double el2;       /* EL2 instructions per tick window (mean), NAN without a profile */
	double exits;     /* the storm guest's exits per tick window (profile), NAN without */
};

struct scenario {
	char name[64];
	const struct scen_info *info;
	char dir[4096];
	struct run_model model;
	const char *mode;
	struct vfig v[MAX_VAR];
	int nv;
	int traced; /* compare-traced.json present */
	struct vfig ta, tb; /* the traced boots of the first pair */
	json_t *tcmp;
	json_t *manifest;
};

enum row_kind { ROW_PAIR, ROW_SINGLE, ROW_DOM0 };

struct row {
	enum row_kind kind;
	struct scenario *s;
	char label[96];
	struct vfig *a, *b;
	json_t *cmp, *pcmp; /* compare and profile-compare (pairs) */
};

static struct scenario scen[MAX_SCEN];
static int nscen;
static struct row rows[MAX_ROWS];
static int nrows;
static char top_dir[4096];
static double ns_per_tick = NAN;

/* snprintf that refuses to truncate: a name too long is bad input. */
#define xsnprintf(buf, n, ...) \
	do { \
		int xs_n_ = snprintf(buf, n, __VA_ARGS__); \
		if (xs_n_ < 0 || (size_t)xs_n_ >= (size_t)(n)) \
			vtb_die(VTB_EXIT_ERROR, "name too long: %.60s...", buf); \
	} while (0)

static const char *or_empty(const char *s, const char *dflt)
{
	return s ? s : dflt;
}

static const struct scen_info *find_info(const char *name)
{
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (!strcmp(known[i].name, name))
			return &known[i];
	return NULL;
}

static json_t *load(const char *dir, const char *file, int required)
{
	char path[8192];
	json_error_t e;
	xsnprintf(path, sizeof(path), "%s/%s", dir, file);
	FILE *f = fopen(path, "r");
	if (!f) {
		if (required)
			vtb_die(VTB_EXIT_ERROR, "%s: missing", path);
		return NULL;
	}
	json_t *j = json_loadf(f, 0, &e);
	fclose(f);
	if (!j)
		vtb_die(VTB_EXIT_ERROR, "%s: %s", path, e.text);
	return j;
}

static double num(json_t *root, const char *path)
{
	json_t *j = root ? rep_json_path_get(root, path) : NULL;
	return json_is_number(j) ? json_number_value(j) : NAN;
}

static long long need_int(json_t *root, const char *path, const char *what)
{
	json_t *j = rep_json_path_get(root, path);
	if (!json_is_integer(j))
		vtb_die(VTB_EXIT_ERROR, "%s: no integer %s", what, path);
	return json_integer_value(j);
}

/* The storm guest's vCPU in a trace summary: the first vCPU of a domain
 * other than dom0. */
static json_t *trace_guest(json_t *t)
{
	json_t *vc = t ? json_object_get(t, "vcpus") : NULL;
	size_t i;
	json_t *e;
	json_array_foreach(vc, i, e) {
		if (json_integer_value(json_object_get(e, "domid")) != 0)
			return e;
	}
	return NULL;
}

static void load_vfig(struct vfig *f, const char *dir, const char *name)
{
	char sub[8192];
	xsnprintf(f->name, sizeof(f->name), "%s", name);
	xsnprintf(sub, sizeof(sub), "%s/%s", dir, name);
	f->summary = load(sub, "summary.json", 1);
	f->ticks = need_int(f->summary, "counts.ticks", sub);
	f->taken = need_int(f->summary, "counts.taken", sub);
	f->lost = need_int(f->summary, "counts.lost", sub);
	f->spurious = need_int(f->summary, "counts.spurious", sub);
	f->other = need_int(f->summary, "counts.other", sub);
	f->p50 = num(f->summary, "latency_ticks.p50");
	f->p99 = num(f->summary, "latency_ticks.p99");
	char pdir[8300];
	xsnprintf(pdir, sizeof(pdir), "%s/profile", sub);
	f->profile = load(pdir, "profile.json", 0);
	f->el2 = num(f->profile, "el2_per_tick.mean");
	f->exits = NAN;
	json_t *ex = f->profile ? json_object_get(f->profile, "exits_per_tick") : NULL;
	if (ex) {
		const char *k;
		json_t *c;
		f->exits = 0;
		json_object_foreach(ex, k, c) f->exits += num(c, "mean");
	}
	json_t *t = load(sub, "trace-summary.json", 0);
	f->trace_guest = trace_guest(t);
}

static void load_scenario(struct scenario *s, const char *dir, const char *name)
{
	char err[512];
	xsnprintf(s->name, sizeof(s->name), "%s", name);
	s->info = find_info(name);
	xsnprintf(s->dir, sizeof(s->dir), "%s/scenarios/%s", dir, name);
	if (run_model_load(&s->model, s->dir, err, sizeof(err)))
		vtb_die(VTB_EXIT_ERROR, "%s: %s", s->dir, err);
	s->mode = run_model_string(&s->model, "platform_mode");
	if (!s->mode || strcmp(s->mode, "deterministic"))
		vtb_die(VTB_EXIT_ERROR, "%s: platform mode %s, the justification is made in deterministic mode",
			s->dir, s->mode ? s->mode : "unknown");
	s->nv = (int)run_model_variant_count(&s->model);
	if (s->nv > MAX_VAR)
		vtb_die(VTB_EXIT_ERROR, "%s: more than %d variants", s->dir, MAX_VAR);
	for (int i = 0; i < s->nv; i++)
		load_vfig(&s->v[i], s->dir, run_model_variant_name(&s->model, (size_t)i));
	s->manifest = load(s->dir, "manifest.json", 1);
	s->tcmp = load(s->dir, "compare-traced.json", 0);
	if (s->tcmp && run_model_pair_count(&s->model)) {
		const char *a, *b;
		char d[8192];
		run_model_pair(&s->model, 0, &a, &b);
		xsnprintf(d, sizeof(d), "%s/%s", s->dir, a);
		load_vfig(&s->ta, d, "traced");
		xsnprintf(d, sizeof(d), "%s/%s", s->dir, b);
		load_vfig(&s->tb, d, "traced");
		/* the traced boot's trace summary sits in the variant folder */
		xsnprintf(d, sizeof(d), "%s/%s", s->dir, a);
		s->ta.trace_guest = trace_guest(load(d, "trace-summary.json", 0));
		xsnprintf(d, sizeof(d), "%s/%s", s->dir, b);
		s->tb.trace_guest = trace_guest(load(d, "trace-summary.json", 0));
		xsnprintf(s->ta.name, sizeof(s->ta.name), "%s", a);
		xsnprintf(s->tb.name, sizeof(s->tb.name), "%s", b);
		s->traced = 1;
	}
}

static struct vfig *find_v(struct scenario *s, const char *name)
{
	for (int i = 0; i < s->nv; i++)
		if (!strcmp(s->v[i].name, name))
			return &s->v[i];
	return NULL;
}

static struct row *new_row(void)
{
	if (nrows == MAX_ROWS)
		vtb_die(VTB_EXIT_ERROR, "more than %d rows", MAX_ROWS);
	struct row *r = &rows[nrows++];
	memset(r, 0, sizeof(*r));
	return r;
}

static void take_ns_per_tick(json_t *cmp, const char *where)
{
	double n = num(cmp, "a.ns_per_tick");
	if (isnan(n))
		vtb_die(VTB_EXIT_ERROR, "%s: no a.ns_per_tick", where);
	if (!isnan(ns_per_tick) && n != ns_per_tick)
		vtb_die(VTB_EXIT_ERROR, "%s: %g ns per counter tick, another scenario had %g", where, n, ns_per_tick);
	ns_per_tick = n;
}

/* The Linux dom0 row comes from one scenario's traced boots: idle's, else
 * the first traced one (one row says it; every scenario's details show its
 * own traced figures). */
static struct scenario *dom0_scenario(void)
{
	for (int i = 0; i < nscen; i++)
		if (scen[i].traced && !strcmp(scen[i].name, "idle"))
			return &scen[i];
	for (int i = 0; i < nscen; i++)
		if (scen[i].traced)
			return &scen[i];
	return NULL;
}

/* The rows: per scenario, each stock<X>/direct<X> pair, then every variant
 * in no pair (KVM, or anything --variants added), then the traced boots
 * beside a Linux dom0 when the scenario has them. */
static void build_rows(void)
{
	for (int i = 0; i < nscen; i++) {
		struct scenario *s = &scen[i];
		const char *fa = NULL, *fb = NULL;
		if (run_model_pair_count(&s->model))
			run_model_pair(&s->model, 0, &fa, &fb);
		const char *title = s->info ? s->info->title : s->name;
		int paired[MAX_VAR] = { 0 };
		for (int k = 0; k < s->nv; k++) {
			const char *bn = s->v[k].name;
			if (strncmp(bn, "direct", 6))
				continue;
			char an[80];
			xsnprintf(an, sizeof(an), "stock%s", bn + 6);
			struct vfig *a = find_v(s, an);
			if (!a)
				continue;
			struct row *r = new_row();
			r->kind = ROW_PAIR;
			r->s = s;
			r->a = a;
			r->b = &s->v[k];
			paired[k] = 1;
			paired[a - s->v] = 1;
			int first = fa && !strcmp(fa, an) && !strcmp(fb, bn);
			char f[200];
			xsnprintf(f, sizeof(f), first ? "compare.json" : "compare-%s-%s.json", an, bn);
			r->cmp = load(s->dir, f, 1);
			take_ns_per_tick(r->cmp, s->dir);
			xsnprintf(f, sizeof(f), first ? "profile-compare.json" : "profile-compare-%s-%s.json", an, bn);
			r->pcmp = load(s->dir, f, 0);
			if (!strcmp(bn + 6, "-vwfi"))
				xsnprintf(r->label, sizeof(r->label), "%s, vwfi=native", title);
			else if (bn[6])
				xsnprintf(r->label, sizeof(r->label), "%s, %s", title, bn + 7);
			else
				xsnprintf(r->label, sizeof(r->label), "%s", title);
		}
		for (int k = 0; k < s->nv; k++) {
			if (paired[k])
				continue;
			struct row *r = new_row();
			r->kind = ROW_SINGLE;
			r->s = s;
			r->a = &s->v[k];
			xsnprintf(r->label, sizeof(r->label), "%s, %s", title, s->v[k].name);
		}
		if (s == dom0_scenario()) {
			struct row *r = new_row();
			r->kind = ROW_DOM0;
			r->s = s;
			r->a = &s->ta;
			r->b = &s->tb;
			r->cmp = s->tcmp;
			xsnprintf(r->label, sizeof(r->label), "%s, beside Linux dom0", title);
		}
	}
}

/* ---- formatting ---- */

static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static char *fmt(const char *f, ...)
{
	va_list ap;
	va_start(ap, f);
	char *s = vtb_vstrf(f, ap);
	va_end(ap);
	if (!s)
		vtb_die(VTB_EXIT_ERROR, "out of memory");
	return s;
}

static char *g(double x)
{
	if (isnan(x))
		return fmt("-");
	if (fabs(x - llround(x)) < 1e-9)
		return fmt("%lld", (long long)llround(x));
	if (fabs(x) >= 100)
		return fmt("%.0f", x);
	return fmt("%.2f", x);
}

static char *sg(double x)
{
	char *s = g(x), *r = isnan(x) || x < 0 ? fmt("%s", s) : fmt("+%s", s);
	free(s);
	return r;
}

static char *cell_counts(const struct row *r)
{
	if (!r->b)
		return fmt("%lld/%lld/%lld", r->a->lost, r->a->spurious, r->a->other);
	return fmt("%lld/%lld/%lld · %lld/%lld/%lld", r->a->lost, r->a->spurious, r->a->other,
		   r->b->lost, r->b->spurious, r->b->other);
}

/* "A → B (Δ [lo, hi])" for p50 (which = "median") or p99. */
static char *cell_lat(const struct row *r, const char *which)
{
	if (!r->b)
		return g(!strcmp(which, "median") ? r->a->p50 : r->a->p99);
	char pa[32], pb[32], pd[32];
	xsnprintf(pa, sizeof(pa), "a.%s", which);
	xsnprintf(pb, sizeof(pb), "b.%s", which);
	xsnprintf(pd, sizeof(pd), "%s_diff", which);
	json_t *d = json_object_get(r->cmp, pd);
	char *a = g(num(r->cmp, pa)), *b = g(num(r->cmp, pb));
	double est = num(d, "estimate"), clo = num(d, "ci_lo"), chi = num(d, "ci_hi");
	char *e = sg(est), *lo = sg(clo), *hi = sg(chi), *s;
	/* deterministic ticks repeat exactly: the interval is the point */
	if (clo == est && chi == est)
		s = fmt("%s → %s (%s)", a, b, e);
	else
		s = fmt("%s → %s (%s [%s, %s])", a, b, e, lo, hi);
	free(a), free(b), free(e), free(lo), free(hi);
	return s;
}

static double exits_of(const struct vfig *v, int traced)
{
	if (!traced && !isnan(v->exits))
		return v->exits;
	return num(v->trace_guest, "exits_per_guest_tick");
}

static char *cell_pair(double a, double b, int have_b)
{
	char *x = g(a), *y = have_b ? g(b) : NULL, *s = have_b ? fmt("%s → %s", x, y) : fmt("%s", x);
	free(x), free(y);
	return s;
}

static char *cell_exits(const struct row *r)
{
	int tr = r->kind == ROW_DOM0;
	return cell_pair(exits_of(r->a, tr), r->b ? exits_of(r->b, tr) : NAN, !!r->b);
}

static char *cell_el2(const struct row *r)
{
	if (r->kind == ROW_DOM0)
		return fmt("not profiled");
	return cell_pair(r->a->el2, r->b ? r->b->el2 : NAN, !!r->b);
}

static char *verdict(const struct row *r)
{
	const struct vfig *a = r->a, *b = r->b;
	if (!b) {
		if (a->lost || a->spurious || a->other)
			return fmt("%s: %lld of %lld ticks lost, %lld spurious", a->name, a->lost, a->ticks, a->spurious);
		return fmt("%s: every tick delivered; no pair to compare with", a->name);
	}
	char *corr;
	if (a->lost && !b->lost)
		corr = fmt("%s LOSES %lld of %lld ticks; %s loses none", a->name, a->lost, a->ticks, b->name);
	else if (b->lost && !a->lost)
		corr = fmt("%s LOSES %lld of %lld ticks; %s loses none", b->name, b->lost, b->ticks, a->name);
	else if (a->lost && b->lost)
		corr = fmt("both lose ticks (%s %lld, %s %lld of %lld)", a->name, a->lost, b->name, b->lost, a->ticks);
	else if (!a->spurious && !b->spurious && !a->other && !b->other)
		corr = NULL; /* both correct: the counts column says so */
	else
		corr = fmt("nothing lost");
	char *spur = NULL;
	if (a->spurious || b->spurious)
		spur = fmt(" (spurious: %lld, %lld)", a->spurious, b->spurious);
	if (a->lost || b->lost) {
		/* a lost tick decides; its lateness fills the latency columns */
		char *s = fmt("%s%s", corr, spur ? spur : "");
		free(corr), free(spur);
		return s;
	}
	const char *v = json_string_value(json_object_get(r->cmp, "verdict"));
	double d = num(r->cmp, "median_diff.estimate"), am = num(r->cmp, "a.median");
	char *lat;
	if (!v)
		lat = fmt("no latency verdict");
	else if (!strcmp(v, "identical"))
		lat = fmt("latency identical");
	else if (!strcmp(v, "faster") || !strcmp(v, "slower"))
		lat = fmt("%s %s by %.0f ticks (%.1f %%)", b->name, v, fabs(d), am ? fabs(100 * d / am) : NAN);
	else
		lat = fmt("p50 %s (%+.0f ticks)", v, d);
	char *cost = NULL;
	if (r->kind != ROW_DOM0 && !isnan(a->el2) && !isnan(b->el2))
		cost = fmt(", %.0f %s EL2 instructions", fabs(b->el2 - a->el2), b->el2 > a->el2 ? "more" : "fewer");
	char *s = corr ? fmt("%s%s; %s%s", corr, spur ? spur : "", lat, cost ? cost : "")
		       : fmt("%s%s%s", spur ? "nothing lost; " : "", lat, cost ? cost : "");
	free(corr), free(spur), free(lat), free(cost);
	return s;
}

/* ---- the report ---- */

static const char *row_head[] = {
	"scenario", "lost/spurious/other stock · direct", "p50 ticks stock → direct",
	"p99 ticks stock → direct", "exits / tick", "EL2 instr. / tick", "verdict",
};
#define NCOL 7

static void headline_table(struct rep_doc *d)
{
	rep_doc_table(d, NCOL, row_head);
	for (int i = 0; i < nrows; i++) {
		struct row *r = &rows[i];
		char *c[NCOL] = { fmt("%s", r->label), cell_counts(r), cell_lat(r, "median"), cell_lat(r, "p99"),
				  cell_exits(r), cell_el2(r), verdict(r) };
		rep_doc_row(d, (const char *const *)c);
		for (int k = 0; k < NCOL; k++)
			free(c[k]);
	}
}

static char *units_sentence(void)
{
	return fmt("Latency in counter ticks, deadline (CVAL) to guest handler: 1 tick = %g ns = %g guest "
		   "instructions (deterministic mode). (direct − stock [95 %% CI], the CI left out when exact.) "
		   "Exits, EL2 instructions: per tick window (vtb-prof; beside dom0, exits from xentrace).",
		   ns_per_tick, ns_per_tick);
}

static struct row *race_row(void)
{
	for (int i = 0; i < nrows; i++)
		if (rows[i].kind == ROW_PAIR && !strcmp(rows[i].s->name, "unmask-first") &&
		    !strcmp(rows[i].a->name, "stock"))
			return &rows[i];
	return NULL;
}

static char *race_sentence(void)
{
	struct row *r = race_row();
	if (!r)
		return NULL;
	if (r->a->lost)
		return fmt("The unmask-before-move race: stock Xen LOSES TICKS. With order=unmask-first, stock "
			   "lost %lld of %lld deadlines (%lld spurious); direct lost %lld (%lld spurious). Stock masks "
			   "the timer in the guest's own CNTV_CTL when it takes the PPI, and a guest that enables "
			   "the timer before moving CVAL keeps that mask and misses the deadline; the direct path "
			   "never masks.%s",
			   r->a->lost, r->a->ticks, r->a->spurious, r->b->lost, r->b->spurious,
			   r->b->spurious && !r->b->lost
				   ? " Direct's spurious interrupts: enabling the timer while CVAL is still in the past "
				     "raises the PPI at once, and the vGIC injects it without re-sampling the timer's "
				     "level; the guest sees an interrupt whose condition is already gone, nothing is lost."
				   : "");
	return fmt("The unmask-before-move race (order=unmask-first): stock lost %lld of %lld ticks this run "
		   "(%lld spurious); direct lost %lld (%lld spurious).",
		   r->a->lost, r->a->ticks, r->a->spurious, r->b->lost, r->b->spurious);
}

static double moved_change(json_t *pcmp, const char *fn)
{
	json_t *mv = json_object_get(pcmp, "moved"), *e;
	size_t i;
	json_array_foreach(mv, i, e) {
		if (!strcmp(or_empty(json_string_value(json_object_get(e, "name")), ""), fn))
			return num(e, "change_per_tick");
	}
	return 0; /* not in "moved": exactly unchanged */
}

/* A scenario's functions compare per tick only when both paths have the
 * same tick windows: a lost tick or a spurious interrupt changes the count
 * of windows, and a per-window mean then moves for that reason alone. */
static const struct row *why_row(const struct scenario *s)
{
	for (int i = 0; i < nrows; i++) {
		const struct row *r = &rows[i];
		if (r->s == s && r->kind == ROW_PAIR && !strcmp(r->a->name, "stock") && r->pcmp)
			return r;
	}
	return NULL;
}

static int same_windows(const struct row *r)
{
	return num(r->pcmp, "base.windows") == num(r->pcmp, "new.windows") && !r->a->lost && !r->b->lost &&
	       !r->a->spurious && !r->b->spurious;
}

static void why_table(struct rep_doc *d)
{
	const char *name[256];
	double best[256];
	int n = 0, cols[DOC_MAX_COLS - 1], nc = 0;
	char *left = fmt("%s", "");
	for (int i = 0; i < nscen; i++) {
		const struct row *r = why_row(&scen[i]);
		if (!r)
			continue;
		if (!same_windows(r)) {
			char *t = fmt("%s%s%s (%g and %g tick windows: lost ticks or spurious interrupts)", left,
				      *left ? "; " : "", scen[i].name, num(r->pcmp, "base.windows"),
				      num(r->pcmp, "new.windows"));
			free(left);
			left = t;
			continue;
		}
		if (nc < DOC_MAX_COLS - 1)
			cols[nc++] = i;
	}
	/* each scenario's largest movers (the "moved" list is ordered by
	 * change), so every column shows its own story */
	int per = WHY_PER_SCENARIO;
	for (int c = 0; c < nc; c++) {
		json_t *mv = json_object_get(why_row(&scen[cols[c]])->pcmp, "moved"), *e;
		double top[WHY_FUNCS];
		const char *tn[WHY_FUNCS];
		int nt = 0;
		size_t i;
		json_array_foreach(mv, i, e) {
			const char *fn = json_string_value(json_object_get(e, "name"));
			double ch = fabs(num(e, "change_per_tick"));
			if (!fn || isnan(ch))
				continue;
			int k;
			if (nt < per) {
				k = nt++;
			} else {
				if (ch <= top[per - 1])
					continue;
				k = per - 1;
			}
			for (; k > 0 && top[k - 1] < ch; k--)
				top[k] = top[k - 1], tn[k] = tn[k - 1];
			top[k] = ch, tn[k] = fn;
		}
		for (int t = 0; t < nt; t++) {
			int k;
			for (k = 0; k < n && strcmp(name[k], tn[t]); k++)
				;
			if (k == n && n < 256)
				name[n] = tn[t], best[n++] = 0;
			if (k < n && top[t] > best[k])
				best[k] = top[t];
		}
	}
	if (!nc || !n) {
		rep_doc_para(d, "No pair of instruction profiles with the same tick windows to compare function by function.");
	} else {
		for (int i = 0; i < n; i++) { /* by largest change, then name */
			int m = i;
			for (int k = i + 1; k < n; k++)
				if (best[k] > best[m] || (best[k] == best[m] && strcmp(name[k], name[m]) < 0))
					m = k;
			const char *tn = name[i];
			double tb = best[i];
			name[i] = name[m], best[i] = best[m];
			name[m] = tn, best[m] = tb;
		}
		const char *head[DOC_MAX_COLS];
		head[0] = "Xen function (Δ instructions per tick, direct − stock)";
		for (int c = 0; c < nc; c++)
			head[c + 1] = scen[cols[c]].info ? scen[cols[c]].info->title : scen[cols[c]].name;
		rep_doc_table(d, nc + 1, head);
		for (int i = 0; i < n; i++) {
			char *cells[DOC_MAX_COLS];
			cells[0] = fmt("%s", name[i]);
			for (int c = 0; c < nc; c++) {
				double ch = moved_change(why_row(&scen[cols[c]])->pcmp, name[i]);
				cells[c + 1] = ch == 0 ? fmt("0") : fmt("%+.1f", ch);
			}
			rep_doc_row(d, (const char *const *)cells);
			for (int c = 0; c <= nc; c++)
				free(cells[c]);
		}
		char *tot[DOC_MAX_COLS];
		tot[0] = fmt("all of Xen (EL2 instructions per tick, mean)");
		for (int c = 0; c < nc; c++)
			tot[c + 1] = fmt("%+.1f", num(why_row(&scen[cols[c]])->pcmp, "el2_per_tick.mean.change"));
		rep_doc_row(d, (const char *const *)tot);
		for (int c = 0; c <= nc; c++)
			free(tot[c]);
	}
	if (*left)
		rep_doc_para(d, "Not compared function by function: %s.", left);
	free(left);
}

static void scenario_details(struct rep_doc *d, struct scenario *s)
{
	rep_doc_heading(d, 2, "Scenario %s: %s", s->name, s->info ? s->info->title : s->name);
	if (s->info)
		rep_doc_para(d, "%s. Guest boot arguments: %s. Full report of this run: scenarios/%s/report.html "
			     "(distributions, stages, traces, environment).",
			     s->info->what, or_empty(json_string_value(json_object_get(s->manifest, "guest_bootargs")), "?"),
			     s->name);
	static const char *head[] = { "variant", "Xen options", "taken / lost / spurious / other",
				      "p50 / p99 / max (ticks)", "exits per tick (xentrace)", "stages add up (2 %)" };
	rep_doc_table(d, 6, head);
	for (int i = 0; i < s->nv; i++) {
		struct vfig *v = &s->v[i];
		json_t *tg = v->trace_guest;
		json_t *ag = tg ? rep_json_path_get(tg, "stage_check.agrees") : NULL;
		char *c[6] = {
			fmt("%s", v->name),
			fmt("%s", or_empty(run_model_xen_options(&s->model, (size_t)i), "")),
			fmt("%lld / %lld / %lld / %lld", v->taken, v->lost, v->spurious, v->other),
			fmt("%s / %s / %s", g(v->p50), g(v->p99), g(num(v->summary, "latency_ticks.max"))),
			tg ? g(num(tg, "exits_per_guest_tick")) : fmt("not traced"),
			!ag ? fmt("-") : fmt("%s", json_is_true(ag) ? "yes" : "NO (trace misses part of the delivery)"),
		};
		rep_doc_row(d, (const char *const *)c);
		for (int k = 0; k < 6; k++)
			free(c[k]);
	}
	char base[8300], rel[300];
	xsnprintf(base, sizeof(base), "%s/plots/latency-cdf", s->dir);
	xsnprintf(rel, sizeof(rel), "scenarios/%s/plots/latency-cdf", s->name);
	rep_doc_figure(d, base, rel, "latency CDF of the scenario's first pair (counter ticks)");
}

static char *manifest_str(const char *path)
{
	json_t *j = rep_json_path_get(scen[0].manifest, path);
	return fmt("%s", json_is_string(j) ? json_string_value(j) : "?");
}

static char *read_command(const char *dir)
{
	char path[8192], buf[4096];
	xsnprintf(path, sizeof(path), "%s/command.txt", dir);
	FILE *f = fopen(path, "r");
	if (!f || !fgets(buf, sizeof(buf), f))
		vtb_die(VTB_EXIT_ERROR, "%s: missing or empty", path);
	fclose(f);
	buf[strcspn(buf, "\n")] = 0;
	return fmt("%s", buf);
}

/* ---- plain text: headline and cover letter (72 columns) ---- */

static void wrap(FILE *f, const char *indent, const char *text)
{
	size_t col = 0, il = strlen(indent);
	const char *p = text;
	fputs(indent, f);
	col = il;
	while (*p) {
		while (*p == ' ')
			p++;
		size_t w = strcspn(p, " ");
		if (!w)
			break;
		if (col > il && col + 1 + w > 72) {
			fputc('\n', f);
			fputs(indent, f);
			col = il;
		} else if (col > il) {
			fputc(' ', f);
			col++;
		}
		fwrite(p, 1, w, f);
		col += w;
		p += w;
	}
	fputc('\n', f);
}

/* A command, broken with shell continuations so it can be pasted. */
static void wrap_cmd(FILE *f, const char *cmd)
{
	size_t col = 2;
	fputs("  ", f);
	for (const char *p = cmd; *p;) {
		size_t w = strcspn(p, " ");
		if (col > 2 && col + 1 + w > 70) {
			fputs(" \\\n    ", f);
			col = 4;
		} else if (col > 2) {
			fputc(' ', f);
			col++;
		}
		fwrite(p, 1, w, f);
		col += w;
		p += w;
		while (*p == ' ')
			p++;
	}
	fputc('\n', f);
}

static const char *short_label(const struct row *r, char *buf, size_t n)
{
	const char *sfx = r->kind == ROW_DOM0 ? "+dom0" : "";
	if (r->kind == ROW_PAIR && strcmp(r->b->name, "direct"))
		xsnprintf(buf, n, "%s%s", r->s->name, r->b->name + 6);
	else if (r->kind == ROW_SINGLE)
		xsnprintf(buf, n, "%s %s", r->s->name, r->a->name);
	else
		xsnprintf(buf, n, "%s%s", r->s->name, sfx);
	return buf;
}

static void text_table(FILE *f)
{
	fprintf(f, "%-17s %-7s %-16s %-16s %s\n", "scenario", "lost", "p50 ticks", "p99 ticks", "EL2/tick");
	for (int i = 0; i < nrows; i++) {
		struct row *r = &rows[i];
		char l[64], c[40], p50[40], p99[40], el2[40];
		short_label(r, l, sizeof(l));
		if (r->b) {
			xsnprintf(c, sizeof(c), "%lld/%lld", r->a->lost, r->b->lost);
			char *a5 = g(num(r->cmp, "a.median")), *b5 = g(num(r->cmp, "b.median"));
			char *a9 = g(num(r->cmp, "a.p99")), *b9 = g(num(r->cmp, "b.p99"));
			xsnprintf(p50, sizeof(p50), "%s->%s", a5, b5);
			xsnprintf(p99, sizeof(p99), "%s->%s", a9, b9);
			free(a5), free(b5), free(a9), free(b9);
		} else {
			xsnprintf(c, sizeof(c), "%lld", r->a->lost);
			char *a5 = g(r->a->p50), *a9 = g(r->a->p99);
			xsnprintf(p50, sizeof(p50), "%s", a5);
			xsnprintf(p99, sizeof(p99), "%s", a9);
			free(a5), free(a9);
		}
		if (r->kind == ROW_DOM0 || isnan(r->a->el2))
			xsnprintf(el2, sizeof(el2), "-");
		else if (r->b)
			xsnprintf(el2, sizeof(el2), "%.0f->%.0f", r->a->el2, r->b->el2);
		else
			xsnprintf(el2, sizeof(el2), "%.0f", r->a->el2);
		fprintf(f, "%-17.17s %-7s %-16s %-16s %s\n", l, c, p50, p99, el2);
	}
}

static void text_verdicts(FILE *f)
{
	for (int i = 0; i < nrows; i++) {
		char l[64], *v = verdict(&rows[i]), *line = fmt("%s: %s.", short_label(&rows[i], l, sizeof(l)), v);
		wrap(f, "  ", line);
		free(v), free(line);
	}
}

static void text_legend(FILE *f)
{
	char *u = fmt("Each figure is stock->direct (vtimer_delivery=software -> direct); lost: deadlines "
		      "with no interrupt. Latency in counter ticks, deadline (CVAL) to the guest's handler, 1 tick = %g ns "
		      "= %g instructions (QEMU icount). Xen's instructions per tick window are counted "
		      "exactly by a TCG plugin (EL2/tick). +dom0: the storm as an xl domU beside a Linux dom0 running xentrace. "
		      "-vwfi: Xen booted with vwfi=native.",
		      ns_per_tick, ns_per_tick);
	wrap(f, "", u);
	free(u);
}

struct patch_subj {
	char subj[512];
	char file[512];
	char sha[80];
};

/* The direct-ppi series of the build, in order, with the patch subjects read
 * from the patch files and the hashes from the manifest. */
static int series(const char *patches_dir, struct patch_subj *p, int max)
{
	json_t *arr = rep_json_path_get(scen[0].manifest, "xen_build.patch"), *e;
	const char *ver = json_string_value(rep_json_path_get(scen[0].manifest, "xen_build.xen_series_version"));
	size_t i;
	int n = 0;
	json_array_foreach(arr, i, e) {
		const char *s = json_string_value(e);
		if (!s || strncmp(s, "direct-ppi/", 11) || n == max)
			continue;
		if (sscanf(s, "%511s %79s", p[n].file, p[n].sha) != 2)
			continue;
		memcpy(p[n].subj, p[n].file + 11, strlen(p[n].file + 11) + 1); /* both 512 */
		if (patches_dir && ver) {
			char path[2048], line[1024];
			xsnprintf(path, sizeof(path), "%s/%s/%s", patches_dir, ver, p[n].file);
			FILE *f = fopen(path, "r");
			int in_subj = 0;
			char subj[1024] = "";
			while (f && fgets(line, sizeof(line), f)) {
				line[strcspn(line, "\r\n")] = 0;
				if (in_subj && line[0] == ' ') { /* a folded header line */
					strncat(subj, line, sizeof(subj) - strlen(subj) - 1);
					continue;
				}
				if (in_subj)
					break;
				if (!strncmp(line, "Subject: ", 9)) {
					strncat(subj, line + 9, sizeof(subj) - 1);
					in_subj = 1;
				}
			}
			if (*subj) {
				char *t = subj;
				if (!strncmp(t, "[PATCH", 6) && strchr(t, ']'))
					t = strchr(t, ']') + 1;
				while (*t == ' ')
					t++;
				size_t l = strlen(t);
				memcpy(p[n].subj, t, l < sizeof(p[n].subj) ? l + 1 : sizeof(p[n].subj));
				p[n].subj[sizeof(p[n].subj) - 1] = 0;
			}
			if (f)
				fclose(f);
		}
		n++;
	}
	return n;
}

static int write_cover(FILE *f, const char *dir, const char *patches_dir)
{
	struct patch_subj p[16];
	int n = series(patches_dir, p, 16);
	fprintf(f, "Subject: [PATCH 0/%d] xen/arm: deliver the virtual timer PPI directly\n"
		   "         to the running vCPU\n\n", n);
	wrap(f, "", "Today Xen/ARM takes every virtual timer interrupt (PPI 27) in EL2, masks the timer in the "
		    "guest's CNTV_CTL and injects a software virtual interrupt. This series delivers the PPI to "
		    "the vCPU resident on the pCPU instead: the list register carries the HW bit and the physical "
		    "INTID, so the guest's deactivation deactivates the physical interrupt; the timer is never "
		    "masked behind the guest's back; the PPI's active state is saved and restored with the "
		    "vCPU's timer on context switch. The new path is chosen at boot with vtimer_delivery=direct "
		    "(vtimer_delivery=software keeps today's behaviour).");
	fputc('\n', f);
	for (int i = 0; i < n; i++) {
		char *l = fmt("%d/%d %s", i + 1, n, p[i].subj);
		wrap(f, "  ", l);
		free(l);
	}
	fputc('\n', f);
	struct row *r = race_row();
	if (r) {
		char *s = race_sentence();
		wrap(f, "", s);
		free(s);
		fputc('\n', f);
	}
	fprintf(f, "Measured (every figure from the run named below):\n\n");
	text_table(f);
	fputc('\n', f);
	text_legend(f);
	fputc('\n', f);
	text_verdicts(f);
	fputc('\n', f);
	fprintf(f, "How to reproduce (vtimer-bench):\n\n");
	char *cmd = read_command(dir);
	wrap_cmd(f, cmd);
	free(cmd);
	fputc('\n', f);
	char *src = manifest_str("xen_build.source"), *ver = manifest_str("xen_identity.full_version"),
	     *q = manifest_str("qemu"), *plat = manifest_str("platform"), *date = manifest_str("date_utc"),
	     *ser = manifest_str("xen_build.series");
	char *l1 = fmt("Xen: %s (Xen %s), series %s, patches in this order (SHA-256):", src, ver, ser);
	wrap(f, "", l1);
	json_t *arr = rep_json_path_get(scen[0].manifest, "xen_build.patch"), *e;
	size_t i;
	json_array_foreach(arr, i, e) {
		char file[512], sha[80];
		if (sscanf(or_empty(json_string_value(e), ""), "%511s %79s", file, sha) == 2) {
			/* series/NNNN: the full names are in the manifest; 72 columns */
			char *dash = strchr(strchr(file, '/') ? strchr(file, '/') : file, '-');
			fprintf(f, "  %.*s\n    %s\n", dash ? (int)(dash - file) : (int)strlen(file), file, sha);
		}
	}
	char *l2 = fmt("Platform: %s, deterministic mode (QEMU -icount shift=0, one pCPU: instruction-exact and "
		       "repeatable; two runs give identical figures). %s. Run on %s.",
		       plat, q, date);
	wrap(f, "", l2);
	fputc('\n', f);
	wrap(f, "", "Not measured: real hardware. Every figure comes from Xen booted on emulated arm64 (QEMU "
		    "TCG, virt machine, GICv3, cortex-a57); instruction counts are exact there, but cache, TLB "
		    "and GIC timings of a real core are not modelled, so the ticks above are emulated time, "
		    "not a prediction of a server's nanoseconds. Also not in this suite: two dom0less domains "
		    "on one pCPU (run-bench has no dom0less runner yet), vCPU migration between pCPUs (a "
		    "realtime-mode cell of tests/matrix.sh), and the realtime platform mode.");
	free(src), free(ver), free(q), free(plat), free(date), free(ser), free(l1), free(l2);
	return ferror(f) ? -1 : 0;
}

static void build_doc(struct rep_doc *d)
{
	rep_doc_init(d, "Direct vtimer PPI delivery: does the series justify itself?");
	char *u = units_sentence();
	rep_doc_para(d, "%s", u);
	free(u);
	headline_table(d);
	char *race = race_sentence();
	if (race) {
		rep_doc_para(d, "%s", race);
		free(race);
	}
	rep_doc_heading(d, 1, "Why: the Xen functions whose instructions moved most");
	rep_doc_para(d, "Per scenario, the stock/direct pair's instruction profiles compared function by function "
			"(vtb-profile diff, profile-compare.json): each scenario's largest changes, exact.");
	why_table(d);
	rep_doc_heading(d, 1, "The suite in plots");
	char base[8300];
	xsnprintf(base, sizeof(base), "%s/plots/justify-latency", top_dir);
	rep_doc_figure(d, base, "plots/justify-latency",
		       "latency p50 (bars) and p99 (points) per row, counter ticks, log scale");
	xsnprintf(base, sizeof(base), "%s/plots/justify-el2", top_dir);
	rep_doc_figure(d, base, "plots/justify-el2", "EL2 instructions per tick (mean), stock and direct");
	rep_doc_heading(d, 1, "Scenarios");
	for (int i = 0; i < nscen; i++)
		scenario_details(d, &scen[i]);
	rep_doc_heading(d, 1, "Not in this suite");
	rep_doc_para(d, "Two dom0less domains on one pCPU: run-bench has no dom0less runner (vtb-machine can load "
			"the modules; nothing builds the tree yet). vCPU migration between two pCPUs: realtime mode only "
			"(tests/matrix.sh, cell migrate-2pcpu), which has no instruction profile. Real hardware.");
	rep_doc_heading(d, 1, "Environment");
	char *src = manifest_str("xen_build.source"), *q = manifest_str("qemu"), *plat = manifest_str("platform"),
	     *date = manifest_str("date_utc"), *cmd = read_command(top_dir);
	rep_doc_para(d, "Command: %s. Xen: %s. Platform: %s, deterministic mode. %s. Date: %s. Each scenario's "
			"manifest.json has the full identity (patch hashes, image hashes).",
		     cmd, src, plat, q, date);
	free(src), free(q), free(plat), free(date), free(cmd);
}

static void load_suite(const char *dir)
{
	char path[8192], line[256];
	xsnprintf(path, sizeof(path), "%s/suite.txt", dir);
	FILE *f = fopen(path, "r");
	if (!f)
		vtb_die(VTB_EXIT_ERROR, "%s: missing", path);
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = 0;
		if (!*line)
			continue;
		if (nscen == MAX_SCEN)
			vtb_die(VTB_EXIT_ERROR, "%s: more than %d scenarios", path, MAX_SCEN);
		load_scenario(&scen[nscen++], dir, line);
	}
	fclose(f);
	if (!nscen)
		vtb_die(VTB_EXIT_ERROR, "%s: no scenario", path);
	build_rows();
	if (isnan(ns_per_tick))
		vtb_die(VTB_EXIT_ERROR, "%s: no stock/direct pair in any scenario", dir);
}

static void commit_or_die(struct vtb_atomic *a, int n)
{
	for (int i = 0; i < n; i++)
		if (ferror(a[i].f)) {
			for (int k = 0; k < n; k++)
				vtb_atomic_abort(&a[k]);
			vtb_die(VTB_EXIT_ERROR, "write error");
		}
	for (int i = 0; i < n; i++)
		if (vtb_atomic_commit(&a[i])) {
			for (int k = i + 1; k < n; k++)
				vtb_atomic_abort(&a[k]);
			vtb_die(VTB_EXIT_ERROR, "cannot write %s", a[i].final_path);
		}
}

static int plot_data(const char *dir)
{
	char pdir[8192];
	xsnprintf(pdir, sizeof(pdir), "%s/plots", dir);
	if (vtb_mkdirs(pdir))
		vtb_die(VTB_EXIT_ERROR, "cannot create %s", pdir);
	struct vtb_atomic a[2];
	if (vtb_atomic_open(&a[0], pdir, "justify-latency.dat"))
		vtb_die(VTB_EXIT_ERROR, "cannot write in %s", pdir);
	if (vtb_atomic_open(&a[1], pdir, "justify-el2.dat")) {
		vtb_atomic_abort(&a[0]);
		vtb_die(VTB_EXIT_ERROR, "cannot write in %s", pdir);
	}
	fprintf(a[0].f, "row\tstock p50\tdirect p50\tstock p99\tdirect p99\n");
	fprintf(a[1].f, "row\tstock\tdirect\n");
	for (int i = 0; i < nrows; i++) {
		struct row *r = &rows[i];
		char l[64];
		if (!r->b)
			continue;
		short_label(r, l, sizeof(l));
		fprintf(a[0].f, "%s\t%.17g\t%.17g\t%.17g\t%.17g\n", l, num(r->cmp, "a.median"), num(r->cmp, "b.median"),
			num(r->cmp, "a.p99"), num(r->cmp, "b.p99"));
		if (r->kind == ROW_PAIR && !isnan(r->a->el2) && !isnan(r->b->el2))
			fprintf(a[1].f, "%s\t%.17g\t%.17g\n", l, r->a->el2, r->b->el2);
	}
	commit_or_die(a, 2);
	return 0;
}

static int report(const char *dir, const char *patches_dir)
{
	struct rep_doc d;
	build_doc(&d);
	struct vtb_atomic a[5];
	const char *names[5] = { "report.md", "report.html", "cover-letter.txt", "headline.md", "headline.txt" };
	for (int i = 0; i < 5; i++)
		if (vtb_atomic_open(&a[i], dir, names[i])) {
			for (int k = 0; k < i; k++)
				vtb_atomic_abort(&a[k]);
			vtb_die(VTB_EXIT_ERROR, "cannot write in %s", dir);
		}
	int bad = rep_doc_write_markdown(&d, a[0].f) || rep_doc_write_html(&d, a[1].f) || write_cover(a[2].f, dir, patches_dir);
	/* headline.md: the units and the table, what README.md shows */
	struct rep_doc h;
	rep_doc_init(&h, "headline");
	char *u = units_sentence();
	rep_doc_para(&h, "%s", u);
	free(u);
	headline_table(&h);
	char *race = race_sentence();
	if (race)
		rep_doc_para(&h, "%s", race);
	free(race);
	bad = bad || rep_doc_write_markdown(&h, a[3].f);
	text_table(a[4].f);
	fputc('\n', a[4].f);
	text_verdicts(a[4].f);
	if (bad) {
		for (int k = 0; k < 5; k++)
			vtb_atomic_abort(&a[k]);
		vtb_die(VTB_EXIT_ERROR, "cannot write the report in %s", dir);
	}
	commit_or_die(a, 5);
	rep_doc_free(&h);
	rep_doc_free(&d);
	return 0;
}

static void usage(FILE *to)
{
	fprintf(to, "usage: vtb-justify plot-data DIR\n"
		    "       vtb-justify report DIR [--patches-dir DIR]\n"
		    "DIR: a ./run-bench.sh justify directory (suite.txt, command.txt, scenarios/<name>/).\n"
		    "plot-data writes DIR/plots/justify-latency.dat and justify-el2.dat; report writes\n"
		    "DIR/report.md, report.html, cover-letter.txt, headline.md and headline.txt, each whole\n"
		    "or not at all. --patches-dir: tracing/patches, for the series' subjects.\n"
		    "Exit: 0 written, 1 bad input or I/O (one line on stderr), 2 usage.\n");
}

int main(int argc, char **argv)
{
	vtb_set_prog("vtb-justify");
	if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		usage(stdout);
		return 0;
	}
	if (argc < 3)
		return vtb_usage_error("needs a command (plot-data or report) and a directory");
	const char *cmd = argv[1], *dir = argv[2], *patches_dir = NULL;
	if (strcmp(cmd, "plot-data") && strcmp(cmd, "report"))
		return vtb_usage_error("unknown command '%s'", cmd);
	for (int i = 3; i < argc; i++) {
		if (!strcmp(argv[i], "--patches-dir") && i + 1 < argc && !strcmp(cmd, "report"))
			patches_dir = argv[++i];
		else
			return vtb_usage_error("unexpected argument '%s'", argv[i]);
	}
	xsnprintf(top_dir, sizeof(top_dir), "%s", dir);
	load_suite(dir);
	return !strcmp(cmd, "plot-data") ? plot_data(dir) : report(dir, patches_dir);
}

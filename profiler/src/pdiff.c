/* vtb-profile diff BASE NEW: what moved between two profiles, function by
 * function. In deterministic mode the counts are exact, so any difference is
 * a change of the code that ran, never noise: it is reported even when it is
 * small, and it is a regression when Xen's instructions per tick grew by more
 * than the threshold. The same comparison gives the report its side-by-side
 * table of two variants (--json) and its bar chart (--plot-data). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pdiff.h"
#include "vtb/atomic_file.h"
#include "vtb/parse.h"
#include "vtb/read_file.h"

#define TOOL "vtb-profile diff"
#define SCHEMA_IN "vtb-profile/1"
#define SCHEMA_OUT "vtb-profile-diff/1"

struct side {
	const char *dir;
	json_t *j;          /* profile.json */
	const char *label;
	uint64_t windows;
};

struct fn {
	char *name;
	uint64_t total[2]; /* over the counted windows, from profile.folded */
	double per_tick[2];
	double change;
	int moved;
};

struct fns {
	struct fn *v;
	size_t n, cap;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: vtb-profile diff BASE_DIR NEW_DIR [--threshold-pct X] [--top N] [--json OUT]\n"
		"                        [--plot-data OUT] [--quiet]\n"
		"  BASE_DIR, NEW_DIR  profile directories (vtb-profile --out-dir: profile.json, profile.folded)\n"
		"  --threshold-pct X  growth of EL2 instructions per tick (p50 or mean) above X %% of\n"
		"                     BASE is a regression (default 1)\n"
		"  --top N            functions listed by name in --json and --plot-data (default 10;\n"
		"                     by the larger of the two per-tick figures; the rest summed)\n"
		"  --json OUT         the comparison as JSON (schema " SCHEMA_OUT ")\n"
		"  --plot-data OUT    the top functions' instructions per tick, BASE and NEW, for gnuplot\n"
		"  --quiet            no report on stdout\n"
		"Counts are exact (deterministic mode), so any difference is reported as a change with\n"
		"the functions whose instructions per tick moved. Exit: 0 no change, 0 changed within\n"
		"the threshold, 3 regression (grew beyond it), 1 bad input or I/O, 2 usage.\n");
}

static int fail(const char *msg, const char *a, const char *b)
{
	fprintf(stderr, TOOL ": ");
	fprintf(stderr, msg, a, b);
	fputc('\n', stderr);
	return 1;
}

static json_t *at(json_t *o, const char *a, const char *b)
{
	o = json_object_get(o, a);
	return b ? json_object_get(o, b) : o;
}

static double num(json_t *o)
{
	return json_is_number(o) ? json_number_value(o) : NAN;
}

static struct fn *fn_get(struct fns *f, const char *name, size_t len)
{
	for (size_t i = 0; i < f->n; i++)
		if (strlen(f->v[i].name) == len && !memcmp(f->v[i].name, name, len))
			return &f->v[i];
	if (f->n == f->cap) {
		size_t cap = f->cap ? 2 * f->cap : 256;
		struct fn *v = realloc(f->v, cap * sizeof(*v));

		if (!v)
			return NULL;
		f->v = v;
		f->cap = cap;
	}
	struct fn *e = &f->v[f->n];

	memset(e, 0, sizeof(*e));
	e->name = strndup(name, len);
	if (!e->name)
		return NULL;
	f->n++;
	return e;
}

/* Reads DIR/profile.json and adds DIR/profile.folded's Xen functions to f as
 * side k. 0, or 1 with one line on stderr. */
static int load(struct side *s, const char *dir, struct fns *f, int k)
{
	char path[4096], *text, *line, *save = NULL;
	size_t len;
	json_error_t je;
	json_t *w;

	s->dir = dir;
	snprintf(path, sizeof(path), "%s/profile.json", dir);
	s->j = json_load_file(path, 0, &je);
	if (!s->j)
		return fail("%s: %s", path, je.text);
	if (!json_is_string(json_object_get(s->j, "schema")) ||
	    strcmp(json_string_value(json_object_get(s->j, "schema")), SCHEMA_IN))
		return fail("%s: not a %s file", path, SCHEMA_IN);
	w = at(s->j, "ticks", "windows");
	if (!json_is_integer(w) || json_integer_value(w) < 1 || !json_is_integer(at(s->j, "el2_per_tick", "p50")))
		return fail("%s: %s", path, "no tick windows");
	s->windows = (uint64_t)json_integer_value(w);
	s->label = json_is_string(json_object_get(s->j, "label")) ? json_string_value(json_object_get(s->j, "label"))
								  : dir;
	snprintf(path, sizeof(path), "%s/profile.folded", dir);
	if (vtb_read_file(path, &text, &len) != 0)
		return fail("%s: %s", path, strerror(errno));
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *sp = strrchr(line, ' ');
		uint64_t n;
		struct fn *e;

		if (!sp || vtb_parse_u64(sp + 1, &n)) {
			free(text);
			return fail("%s: bad line '%s'", path, line);
		}
		if (strncmp(line, "xen;", 4))
			continue; /* guest, other-guests */
		e = fn_get(f, line + 4, (size_t)(sp - line - 4));
		if (!e) {
			free(text);
			return fail("%s: %s", path, "out of memory");
		}
		e->total[k] += n;
	}
	free(text);
	return 0;
}

static int by_larger(const void *a, const void *b)
{
	const struct fn *x = a, *y = b;
	double mx = fmax(x->per_tick[0], x->per_tick[1]), my = fmax(y->per_tick[0], y->per_tick[1]);

	if (mx != my)
		return mx < my ? 1 : -1;
	return strcmp(x->name, y->name);
}

static int by_change(const void *a, const void *b)
{
	const struct fn *x = *(const struct fn *const *)a, *y = *(const struct fn *const *)b;

	if (fabs(x->change) != fabs(y->change))
		return fabs(x->change) < fabs(y->change) ? 1 : -1;
	return strcmp(x->name, y->name);
}

static json_t *fn_json(const struct fn *e)
{
	return json_pack("{s:s, s:f, s:f, s:f, s:I, s:I}", "name", e->name, "base_per_tick", e->per_tick[0],
			 "new_per_tick", e->per_tick[1], "change_per_tick", e->change, "base_total",
			 (json_int_t)e->total[0], "new_total", (json_int_t)e->total[1]);
}

static double pct(double base, double new)
{
	return base ? 100.0 * (new - base) / base : (new ? INFINITY : 0);
}

int prof_diff_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "threshold-pct", required_argument, NULL, 't' },
		{ "top", required_argument, NULL, 'n' },
		{ "json", required_argument, NULL, 'j' },
		{ "plot-data", required_argument, NULL, 'p' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	double thr = 1.0;
	uint64_t top = 10;
	const char *json_out = NULL, *plot_out = NULL;
	int quiet = 0, c, rc = 1;
	struct side s[2] = { { 0 } };
	struct fns f = { 0 };
	struct fn **moved = NULL;
	size_t nmoved = 0;
	json_t *out = NULL;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			if (vtb_parse_double(optarg, &thr) || thr < 0) {
				fprintf(stderr, TOOL ": --threshold-pct needs a number >= 0, got '%s'\n", optarg);
				return 2;
			}
			break;
		case 'n':
			if (vtb_parse_u64(optarg, &top) || top > 1000) {
				fprintf(stderr, TOOL ": --top needs a whole number up to 1000, got '%s'\n", optarg);
				return 2;
			}
			break;
		case 'j': json_out = optarg; break;
		case 'p': plot_out = optarg; break;
		case 'q': quiet = 1; break;
		case 'h': usage(stdout); return 0;
		default:
			fprintf(stderr, TOOL ": unknown option (see --help)\n");
			return 2;
		}
	}
	if (argc - optind != 2) {
		fprintf(stderr, TOOL ": BASE_DIR and NEW_DIR expected (see --help)\n");
		return 2;
	}
	if (load(&s[0], argv[optind], &f, 0) || load(&s[1], argv[optind + 1], &f, 1))
		goto out;

	/* Per tick: a function's instructions over the counted windows divided
	 * by their number, so the functions add up to the EL2 mean. A function
	 * moved when the two quotients differ, compared exactly. */
	for (size_t i = 0; i < f.n; i++) {
		struct fn *e = &f.v[i];

		for (int k = 0; k < 2; k++)
			e->per_tick[k] = (double)e->total[k] / (double)s[k].windows;
		e->change = e->per_tick[1] - e->per_tick[0];
		e->moved = (unsigned __int128)e->total[0] * s[1].windows !=
			   (unsigned __int128)e->total[1] * s[0].windows;
	}
	qsort(f.v, f.n, sizeof(*f.v), by_larger);
	moved = calloc(f.n ? f.n : 1, sizeof(*moved));
	if (!moved) {
		fail("%s%s", "out of memory", "");
		goto out;
	}
	for (size_t i = 0; i < f.n; i++)
		if (f.v[i].moved)
			moved[nmoved++] = &f.v[i];
	qsort(moved, nmoved, sizeof(*moved), by_change);

	/* EL2 instructions per tick, and the verdict. */
	static const char *stats[] = { "p50", "p99", "mean" };
	double v[2][3];
	int changed = nmoved > 0, regress = 0;

	for (int k = 0; k < 2; k++)
		for (int q = 0; q < 3; q++)
			v[k][q] = num(at(s[k].j, "el2_per_tick", stats[q]));
	for (int q = 0; q < 3; q++)
		changed |= v[0][q] != v[1][q];
	double pct50 = pct(v[0][0], v[1][0]), pctmean = pct(v[0][2], v[1][2]);
	regress = pct50 > thr || pctmean > thr;

	/* Exits per tick by class: the storm guest's, as the plugin counted them. */
	json_t *ex = json_object(), *e0 = at(s[0].j, "exits_per_tick", NULL), *e1 = at(s[1].j, "exits_per_tick", NULL);
	const char *cls;
	json_t *val;

	for (int k = 0; k < 2; k++)
		json_object_foreach(k ? e1 : e0, cls, val) {
			if (json_object_get(ex, cls))
				continue;
			json_t *a = json_object_get(e0, cls), *b = json_object_get(e1, cls);
			double ma = a ? num(json_object_get(a, "mean")) : 0, mb = b ? num(json_object_get(b, "mean")) : 0;
			json_int_t pa = a ? json_integer_value(json_object_get(a, "p50")) : 0;
			json_int_t pb = b ? json_integer_value(json_object_get(b, "p50")) : 0;

			changed |= ma != mb;
			json_object_set_new(ex, cls, json_pack("{s:f, s:f, s:I, s:I}", "base_mean", ma, "new_mean", mb,
							      "base_p50", pa, "new_p50", pb));
		}
	const char *verdict = regress ? "regression" : changed ? "changed" : "same";

	out = json_object();
	json_object_set_new(out, "schema", json_string(SCHEMA_OUT));
	json_object_set_new(out, "unit", json_string("instructions per tick window (deterministic mode: 1 instruction = 1 ns)"));
	for (int k = 0; k < 2; k++)
		json_object_set_new(out, k ? "new" : "base",
				    json_pack("{s:s, s:s, s:I}", "dir", s[k].dir, "label", s[k].label, "windows",
					      (json_int_t)s[k].windows));
	json_object_set_new(out, "threshold_pct", json_real(thr));
	json_object_set_new(out, "verdict", json_string(verdict));
	json_t *el2 = json_object();
	for (int q = 0; q < 3; q++)
		json_object_set_new(el2, stats[q],
				    q < 2 ? json_pack("{s:I, s:I, s:I}", "base", (json_int_t)v[0][q], "new", (json_int_t)v[1][q],
						      "change", (json_int_t)(v[1][q] - v[0][q]))
					  : json_pack("{s:f, s:f, s:f}", "base", v[0][q], "new", v[1][q], "change",
						      v[1][q] - v[0][q]));
	json_object_set_new(el2, "change_pct_p50", json_real(isfinite(pct50) ? pct50 : 0));
	json_object_set_new(el2, "change_pct_mean", json_real(isfinite(pctmean) ? pctmean : 0));
	json_object_set_new(out, "el2_per_tick", el2);
	json_t *topa = json_array(), *mv = json_array();
	double rest[2] = { 0, 0 };
	size_t nrest = 0;
	for (size_t i = 0; i < f.n; i++) {
		if (i < top)
			json_array_append_new(topa, fn_json(&f.v[i]));
		else {
			rest[0] += f.v[i].per_tick[0];
			rest[1] += f.v[i].per_tick[1];
			nrest++;
		}
	}
	json_object_set_new(out, "functions",
			    json_pack("{s:o, s:{s:I, s:f, s:f, s:f}}", "top", topa, "rest", "functions", (json_int_t)nrest,
				      "base_per_tick", rest[0], "new_per_tick", rest[1], "change_per_tick",
				      rest[1] - rest[0]));
	for (size_t i = 0; i < nmoved; i++)
		json_array_append_new(mv, fn_json(moved[i]));
	json_object_set_new(out, "moved", mv);
	json_object_set_new(out, "exits_per_tick", ex);

	if (json_out) {
		struct vtb_atomic a;

		if (vtb_atomic_open_path(&a, json_out)) {
			fail("cannot write %s: %s", json_out, strerror(errno));
			goto out;
		}
		if (json_dumpf(out, a.f, JSON_INDENT(2) | JSON_PRESERVE_ORDER) || fputc('\n', a.f) == EOF ||
		    vtb_atomic_commit(&a)) {
			vtb_atomic_abort(&a);
			fail("cannot write %s: %s", json_out, strerror(errno));
			goto out;
		}
	}
	if (plot_out) {
		struct vtb_atomic a;

		if (vtb_atomic_open_path(&a, plot_out)) {
			fail("cannot write %s: %s", plot_out, strerror(errno));
			goto out;
		}
		/* Quoted names: gnuplot reads "[outside symbols]" as one column. */
		fprintf(a.f, "# EL2 instructions per tick (mean over the tick windows), by Xen function\n");
		fprintf(a.f, "function \"%s\" \"%s\"\n", s[0].label, s[1].label);
		for (size_t i = 0; i < f.n && i < top; i++)
			fprintf(a.f, "\"%s\" %.3f %.3f\n", f.v[i].name, f.v[i].per_tick[0], f.v[i].per_tick[1]);
		if (nrest)
			fprintf(a.f, "\"(%zu others)\" %.3f %.3f\n", nrest, rest[0], rest[1]);
		if (ferror(a.f) || vtb_atomic_commit(&a)) {
			vtb_atomic_abort(&a);
			fail("cannot write %s: %s", plot_out, strerror(errno));
			goto out;
		}
	}
	if (!quiet) {
		printf("EL2 instructions per tick: %s (%s, %" PRIu64 " windows) -> %s (%s, %" PRIu64 " windows)\n",
		       s[0].label, s[0].dir, s[0].windows, s[1].label, s[1].dir, s[1].windows);
		for (int q = 0; q < 3; q++)
			printf(q == 2 ? "  %-4s %.3f -> %.3f (%+.3f)\n" : "  %-4s %.0f -> %.0f (%+.0f)\n", stats[q],
			       v[0][q], v[1][q], v[1][q] - v[0][q]);
		printf("verdict: %s (p50 %+.3f%%, mean %+.3f%%; a regression is growth beyond %g%%)\n", verdict,
		       isfinite(pct50) ? pct50 : 0, isfinite(pctmean) ? pctmean : 0, thr);
		if (nmoved)
			printf("functions whose instructions per tick moved (mean per tick):\n");
		for (size_t i = 0; i < nmoved; i++)
			printf("  %+12.3f  %s  (%.3f -> %.3f)\n", moved[i]->change, moved[i]->name, moved[i]->per_tick[0],
			       moved[i]->per_tick[1]);
		json_object_foreach(ex, cls, val) {
			double a = num(json_object_get(val, "base_mean")), b = num(json_object_get(val, "new_mean"));

			if (a != b)
				printf("exits per tick, %s: %.3f -> %.3f\n", cls, a, b);
		}
	}
	rc = regress ? 3 : 0;
out:
	json_decref(out);
	for (int k = 0; k < 2; k++)
		json_decref(s[k].j);
	for (size_t i = 0; i < f.n; i++)
		free(f.v[i].name);
	free(f.v);
	free(moved);
	return rc;
}

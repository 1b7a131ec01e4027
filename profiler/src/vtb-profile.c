/* vtb-profile: turns the vtb-prof plugin's raw output into profile.json,
 * folded stacks for flame-graph tools, and a one-screen summary
 * (docs/profiler.md). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pdiff.h"
#include "raw.h"
#include "vtb/atomic_file.h"
#include "vtb/quantile.h"

#define TOOL "vtb-profile"
#define SCHEMA "vtb-profile/1"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: " TOOL " --raw FILE --out-dir DIR [--label NAME] [--top N] [--quiet]\n"
		"       " TOOL " diff BASE_DIR NEW_DIR [options]   (compare two profiles; diff --help)\n"
		"  --raw FILE     the vtb-prof plugin's output (docs/profiler.md)\n"
		"  --out-dir DIR  where profile.json and profile.folded go (created)\n"
		"  --label NAME   the variant's name in the output (default: profile)\n"
		"  --top N        functions listed by name (default 20; the rest are summed)\n"
		"  --quiet        no summary on stdout\n"
		"Per-tick figures cover the windows between consecutive tick handler\n"
		"entries (the window before the first tick, with the boot, and the tail\n"
		"after the last are left out). Exit: 0 written, 1 bad input or I/O, 2 usage.\n");
}

static int die(const char *fmt, const char *arg)
{
	fprintf(stderr, TOOL ": ");
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	return 1;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Distribution of n values (sorted in place): nearest-rank quantiles. */
static json_t *dist(uint64_t *v, size_t n)
{
	long double sum = 0;
	json_t *o = json_object();

	json_object_set_new(o, "n", json_integer((json_int_t)n));
	if (!n)
		return o;
	qsort(v, n, sizeof(*v), cmp_u64);
	for (size_t i = 0; i < n; i++)
		sum += v[i];
	json_object_set_new(o, "min", json_integer((json_int_t)v[0]));
	json_object_set_new(o, "p50", json_integer((json_int_t)v[vtb_nearest_rank(n, 1, 2) - 1]));
	json_object_set_new(o, "p90", json_integer((json_int_t)v[vtb_nearest_rank(n, 9, 10) - 1]));
	json_object_set_new(o, "p99", json_integer((json_int_t)v[vtb_nearest_rank(n, 99, 100) - 1]));
	json_object_set_new(o, "max", json_integer((json_int_t)v[n - 1]));
	json_object_set_new(o, "mean", json_real((double)(sum / n)));
	return o;
}

struct ftot {
	size_t func;
	uint64_t total;
};

static int by_total_desc(const void *a, const void *b)
{
	const struct ftot *x = a, *y = b;

	if (x->total != y->total)
		return x->total < y->total ? 1 : -1;
	return x->func < y->func ? -1 : x->func > y->func;
}

static char *hex(uint64_t v, char *buf, size_t n)
{
	snprintf(buf, n, "0x%" PRIx64, v);
	return buf;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "raw", required_argument, NULL, 'r' },
		{ "out-dir", required_argument, NULL, 'o' },
		{ "label", required_argument, NULL, 'l' },
		{ "top", required_argument, NULL, 't' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *raw_path = NULL, *out_dir = NULL, *label = "profile";
	unsigned long top = 20;
	int quiet = 0, c;
	char err[1024], buf[32];
	struct prof_raw r;

	if (argc > 1 && strcmp(argv[1], "diff") == 0)
		return prof_diff_main(argc - 1, argv + 1);
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'r': raw_path = optarg; break;
		case 'o': out_dir = optarg; break;
		case 'l': label = optarg; break;
		case 'q': quiet = 1; break;
		case 't': {
			char *end;

			errno = 0;
			top = strtoul(optarg, &end, 10);
			if (errno || end == optarg || *end || optarg[0] == '-' || top > 100000) {
				fprintf(stderr, TOOL ": --top needs a whole number, got '%s'\n", optarg);
				return 2;
			}
			break;
		}
		case 'h': usage(stdout); return 0;
		default:
			fprintf(stderr, TOOL ": unknown option (see --help)\n");
			return 2;
		}
	}
	if (optind != argc || !raw_path || !out_dir) {
		fprintf(stderr, TOOL ": --raw and --out-dir are required (see --help)\n");
		return 2;
	}
	if (prof_raw_read(&r, raw_path, err, sizeof(err)) != 0)
		return die("%s", err);
	if (!r.tick_va || r.ticks < 2) {
		prof_raw_free(&r);
		return die("%s: fewer than two tick handler entries: no per-tick window "
			   "(was the guest ELF given, and did the guest take ticks?)", raw_path);
	}

	/* Windows 2..ticks: each lies between two handler entries. */
	size_t w0 = 1, nw = (size_t)r.ticks - 1;
	uint64_t *v = malloc(nw * sizeof(*v));
	struct ftot *ft = calloc(r.nfuncs ? r.nfuncs : 1, sizeof(*ft));
	uint64_t *fv = calloc(r.nfuncs ? r.nfuncs : 1, sizeof(*fv));
	json_t *root = json_object(), *o, *a;
	uint64_t other_total = 0, guest_total = 0, others_total = 0, xen_total = 0;

	if (!v || !ft || !fv || !root)
		return die("%s", "out of memory");
	json_object_set_new(root, "schema", json_string(SCHEMA));
	json_object_set_new(root, "label", json_string(label));
	json_object_set_new(root, "unit", json_string("instructions (deterministic mode: 1 instruction = 1 ns)"));
	o = json_object();
	json_object_set_new(o, "raw", json_string(raw_path));
	json_object_set_new(o, "xen_syms", json_string(r.xen_syms ? r.xen_syms : ""));
	json_object_set_new(o, "guest_elf", json_string(r.guest_elf ? r.guest_elf : ""));
	json_object_set_new(o, "guest_base", json_string(hex(r.guest_base, buf, sizeof(buf))));
	json_object_set_new(o, "tick_symbol", json_string(r.tick_name ? r.tick_name : ""));
	json_object_set_new(o, "tick_address", json_string(hex(r.tick_va, buf, sizeof(buf))));
	json_object_set_new(o, "vectors", json_string(hex(r.vectors, buf, sizeof(buf))));
	json_object_set_new(root, "source", o);
	o = json_object();
	json_object_set_new(o, "handler_entries", json_integer((json_int_t)r.ticks));
	json_object_set_new(o, "windows", json_integer((json_int_t)nw));
	json_object_set_new(root, "ticks", o);

	for (size_t k = 0; k < nw; k++)
		v[k] = r.wins[w0 + k].xen;
	json_object_set_new(root, "el2_per_tick", dist(v, nw));
	for (size_t k = 0; k < nw; k++)
		v[k] = r.wins[w0 + k].storm;
	json_object_set_new(root, "guest_per_tick", dist(v, nw));
	for (size_t k = 0; k < nw; k++)
		v[k] = r.wins[w0 + k].low + r.wins[w0 + k].upper;
	json_object_set_new(root, "other_guests_per_tick", dist(v, nw));

	/* By function: totals over the windows, per-tick means; the top N get
	 * their per-tick distribution. */
	for (size_t i = 0; i < r.nfuncs; i++)
		ft[i].func = i;
	for (size_t k = 0; k < nw; k++) {
		const struct prof_win *w = &r.wins[w0 + k];

		for (size_t j = 0; j < w->nf; j++)
			ft[r.fd[w->f0 + j].func].total += r.fd[w->f0 + j].n;
		other_total += w->other;
		guest_total += w->storm;
		others_total += w->low + w->upper;
		xen_total += w->xen;
	}
	qsort(ft, r.nfuncs, sizeof(*ft), by_total_desc);
	o = json_object();
	a = json_array();
	size_t shown = 0;
	uint64_t rest_total = other_total, rest_funcs = 0;
	for (size_t i = 0; i < r.nfuncs && ft[i].total; i++) {
		const struct prof_rfunc *fn = &r.funcs[ft[i].func];
		json_t *e;

		if (shown >= top) {
			rest_total += ft[i].total;
			rest_funcs++;
			continue;
		}
		for (size_t k = 0; k < nw; k++) {
			const struct prof_win *w = &r.wins[w0 + k];

			v[k] = 0;
			for (size_t j = 0; j < w->nf; j++)
				if (r.fd[w->f0 + j].func == ft[i].func)
					v[k] = r.fd[w->f0 + j].n;
		}
		e = json_object();
		json_object_set_new(e, "name", json_string(fn->name));
		json_object_set_new(e, "address", json_string(hex(fn->addr, buf, sizeof(buf))));
		json_object_set_new(e, "total", json_integer((json_int_t)ft[i].total));
		json_object_set_new(e, "share", json_real(xen_total ? (double)ft[i].total / (double)xen_total : 0));
		json_object_set_new(e, "per_tick", dist(v, nw));
		json_array_append_new(a, e);
		shown++;
	}
	json_object_set_new(o, "top", a);
	a = json_object();
	json_object_set_new(a, "functions", json_integer((json_int_t)rest_funcs));
	json_object_set_new(a, "total", json_integer((json_int_t)rest_total));
	json_object_set_new(a, "per_tick_mean", json_real((double)rest_total / (double)nw));
	json_object_set_new(a, "outside_symbols", json_integer((json_int_t)other_total));
	json_object_set_new(o, "rest", a);
	json_object_set_new(root, "by_function", o);

	/* Exits per tick by class (vector entries): the storm guest's, every
	 * guest's, Xen's own exceptions; and what one storm exit costs. */
	json_t *all = json_object();

	o = json_object();
	a = json_object();
	for (int cl = 0; cl < PROF_NCLASS; cl++) {
		for (int storm = 0; storm < 2; storm++) {
			uint64_t tot = 0;
			json_t *e;

			if (storm && cl < PROF_FIRST_LOWER)
				continue;
			for (size_t k = 0; k < nw; k++)
				tot += (v[k] = storm ? r.wins[w0 + k].storm_exits[cl] : r.wins[w0 + k].exits[cl]);
			if (!tot)
				continue;
			e = dist(v, nw);
			json_object_set_new(e, "total", json_integer((json_int_t)tot));
			json_object_set_new(storm ? o : cl >= PROF_FIRST_LOWER ? all : a, prof_class_name[cl], e);
		}
	}
	json_object_set_new(root, "exits_per_tick", o);
	json_object_set_new(root, "all_guests_exits_per_tick", all);
	json_object_set_new(root, "el2_exceptions_per_tick", a);
	o = json_object();
	for (int cl = PROF_FIRST_LOWER; cl < PROF_NCLASS; cl++) {
		size_t n = 0;

		for (size_t i = 0; i < r.nx; i++)
			if (r.x[i].cls == (uint32_t)cl && r.x[i].storm && r.x[i].tick >= 1 && r.x[i].tick < r.ticks)
				n++;
		if (!n)
			continue;
		uint64_t *xv = malloc(n * sizeof(*xv));

		if (!xv)
			return die("%s", "out of memory");
		n = 0;
		for (size_t i = 0; i < r.nx; i++)
			if (r.x[i].cls == (uint32_t)cl && r.x[i].storm && r.x[i].tick >= 1 && r.x[i].tick < r.ticks)
				xv[n++] = r.x[i].insns;
		json_t *e = json_object();
		size_t ns = 0;

		json_object_set_new(e, "entry_to_eret", dist(xv, n));
		/* Between the first and the last trace timestamp read of the exit
		 * (GUEST_EXIT and GUEST_ENTRY in a traced Xen with tracing on):
		 * what the trace's timestamps measure of it. */
		for (size_t i = 0; i < r.nx; i++)
			if (r.x[i].cls == (uint32_t)cl && r.x[i].storm && r.x[i].tick >= 1 &&
			    r.x[i].tick < r.ticks && r.x[i].nstamp >= 2)
				xv[ns++] = r.x[i].last - r.x[i].first;
		if (ns)
			json_object_set_new(e, "between_trace_stamps", dist(xv, ns));
		json_object_set_new(o, prof_class_name[cl], e);
		free(xv);
	}
	json_object_set_new(root, "exit_cost", o);
	o = json_object();
	json_object_set_new(o, "xen", json_integer((json_int_t)r.total_xen));
	json_object_set_new(o, "guest", json_integer((json_int_t)r.total_storm));
	json_object_set_new(o, "other_low", json_integer((json_int_t)r.total_low));
	json_object_set_new(o, "upper_half", json_integer((json_int_t)r.total_upper));
	a = json_object();
	for (int cl = PROF_FIRST_LOWER; cl < PROF_NCLASS; cl++)
		if (r.exits[cl])
			json_object_set_new(a, prof_class_name[cl], json_integer((json_int_t)r.storm_exits[cl]));
	json_object_set_new(o, "guest_exits", a);
	a = json_object();
	for (int cl = PROF_FIRST_LOWER; cl < PROF_NCLASS; cl++)
		if (r.exits[cl])
			json_object_set_new(a, prof_class_name[cl], json_integer((json_int_t)(r.exits[cl] - r.storm_exits[cl])));
	json_object_set_new(o, "other_guests_exits", a);
	json_object_set_new(o, "zero_instruction_exits", json_integer((json_int_t)r.zero_exits));
	json_object_set_new(o, "nesting_overflow", json_boolean(r.nest_overflow));
	json_object_set_new(root, "whole_run", o);
	/* All instructions of the counted windows: in deterministic mode, their
	 * virtual time in ns (a check of the counting against the guest's clock). */
	o = json_object();
	json_object_set_new(o, "xen", json_integer((json_int_t)xen_total));
	json_object_set_new(o, "guest", json_integer((json_int_t)guest_total));
	json_object_set_new(o, "other_guests", json_integer((json_int_t)others_total));
	json_object_set_new(o, "all", json_integer((json_int_t)(xen_total + guest_total + others_total)));
	json_object_set_new(root, "windows_instructions", o);
	json_object_set_new(root, "folded", json_string("profile.folded"));
	json_object_set_new(root, "exits_csv", json_string("exits.csv"));

	/* Write both files, or neither. */
	struct vtb_atomic fj, ff, fx;
	int ok;

	if (vtb_mkdirs(out_dir) != 0)
		return die("cannot create %s", out_dir);
	if (vtb_atomic_open(&fj, out_dir, "profile.json") != 0)
		return die("cannot write in %s", out_dir);
	if (vtb_atomic_open(&ff, out_dir, "profile.folded") != 0) {
		vtb_atomic_abort(&fj);
		return die("cannot write in %s", out_dir);
	}
	if (vtb_atomic_open(&fx, out_dir, "exits.csv") != 0) {
		vtb_atomic_abort(&ff);
		vtb_atomic_abort(&fj);
		return die("cannot write in %s", out_dir);
	}
	fprintf(fx.f, "seq,tick,class,guest,entry_to_eret,trace_stamps,first_stamp,last_stamp\n");
	for (size_t i = 0; i < r.nx; i++)
		fprintf(fx.f, "%zu,%" PRIu64 ",%s,%s,%" PRIu64 ",%" PRIu32 ",%" PRIu64 ",%" PRIu64 "\n", i + 1,
			r.x[i].tick, prof_class_name[r.x[i].cls], r.x[i].storm ? "storm" : "other",
			r.x[i].insns, r.x[i].nstamp, r.x[i].first, r.x[i].last);
	ok = json_dumpf(root, fj.f, JSON_INDENT(2) | JSON_PRESERVE_ORDER) == 0 && fputc('\n', fj.f) != EOF;
	for (size_t i = 0; i < r.nfuncs && ft[i].total; i++)
		fprintf(ff.f, "xen;%s %" PRIu64 "\n", r.funcs[ft[i].func].name, ft[i].total);
	if (other_total)
		fprintf(ff.f, "xen;[outside symbols] %" PRIu64 "\n", other_total);
	if (guest_total)
		fprintf(ff.f, "guest %" PRIu64 "\n", guest_total);
	if (others_total)
		fprintf(ff.f, "other-guests %" PRIu64 "\n", others_total);
	ok = ok && !ferror(ff.f) && !ferror(fx.f);
	if (!ok || vtb_atomic_commit(&fx) != 0) {
		vtb_atomic_abort(&fx);
		vtb_atomic_abort(&ff);
		vtb_atomic_abort(&fj);
		return die("cannot write %s/exits.csv", out_dir);
	}
	if (vtb_atomic_commit(&ff) != 0) {
		vtb_atomic_abort(&fj);
		return die("cannot write %s/profile.folded", out_dir);
	}
	if (vtb_atomic_commit(&fj) != 0)
		return die("cannot write %s/profile.json", out_dir);

	if (!quiet) {
		json_t *d = json_object_get(root, "el2_per_tick"), *e;
		const char *k;

		printf("%s: %zu tick windows; %s at %s\n", label, nw, r.tick_name, hex(r.tick_va, buf, sizeof(buf)));
		printf("  EL2 instructions per tick: p50 %" JSON_INTEGER_FORMAT "  p99 %" JSON_INTEGER_FORMAT
		       "  min %" JSON_INTEGER_FORMAT "  max %" JSON_INTEGER_FORMAT "  mean %.1f\n",
		       json_integer_value(json_object_get(d, "p50")), json_integer_value(json_object_get(d, "p99")),
		       json_integer_value(json_object_get(d, "min")), json_integer_value(json_object_get(d, "max")),
		       json_real_value(json_object_get(d, "mean")));
		printf("  exits per tick (mean):");
		json_object_foreach(json_object_get(root, "exits_per_tick"), k, e)
			printf("  %s %.3f", k, json_real_value(json_object_get(e, "mean")));
		printf("\n  EL2 exceptions per tick (mean):");
		json_object_foreach(json_object_get(root, "el2_exceptions_per_tick"), k, e)
			printf("  %s %.3f", k, json_real_value(json_object_get(e, "mean")));
		printf("\n  top functions by instructions in the windows:  per tick mean, p50, share\n");
		size_t idx;
		json_array_foreach(json_object_get(json_object_get(root, "by_function"), "top"), idx, e) {
			if (idx >= 10)
				break;
			printf("  %12.2f  %8" JSON_INTEGER_FORMAT "  %5.1f%%  %s\n",
			       json_real_value(json_object_get(json_object_get(e, "per_tick"), "mean")),
			       json_integer_value(json_object_get(json_object_get(e, "per_tick"), "p50")),
			       100 * json_real_value(json_object_get(e, "share")),
			       json_string_value(json_object_get(e, "name")));
		}
	}
	json_decref(root);
	free(v);
	free(ft);
	free(fv);
	prof_raw_free(&r);
	return 0;
}

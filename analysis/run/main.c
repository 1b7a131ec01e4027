/* vtb-run: the run's data model for run-bench.sh, which only orchestrates.
 * It decides once, in C, what a run is (variants in run order and their Xen
 * options, storm parameters, platform, the pairs compared) and answers the
 * shell's questions about a run directory from raw/run.json. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "identity.h"
#include "manifest.h"
#include "nightly.h"
#include "pool.h"
#include "run_init.h"
#include "run_model.h"
#include "vtb/atomic_file.h"

static const char *prog = "vtb-run";

static void usage(FILE *to)
{
	fprintf(to,
		"usage: %s init --out FILE|- --run-id ID [run options]   write a run's raw/run.json\n"
		"       %s variants RUN          variant names, one a line, in run order\n"
		"       %s xen-options RUN NAME  the Xen command-line options of variant NAME\n"
		"       %s pairs RUN             the A/B pairs compared, 'A B' a line (B against A)\n"
		"       %s get RUN KEY           one value: platform_mode target label run_id traced boots\n"
		"                                history_config guest_bootargs linux_storm_args\n"
		"       %s boot-order RUN        the untraced boots in run order, 'NAME I' a line: rounds\n"
		"                                of every variant, alternate rounds reversed (A B B A ...)\n"
		"       %s pool RUN NAME         pool NAME/boot-1..K into NAME/ (summary.json, samples.csv)\n"
		"       %s manifest RUN [facts]  write RUN/manifest.json and its rendering manifest.txt\n"
		"       %s nightly-verdict --baseline NAME [--base-run DIR --run DIR] [--exits-pct P]\n"
		"                                VARIANT=COMPARE_JSON...\n"
		"       %s same-build RUN_A RUN_B  differences of Xen source, version, patches, variants'\n"
		"                                options and platform, one a line; exit 0 same, 1 differ\n"
		"init options: --label L --target emulated|native|linux-dom0\n"
		"  --platform-mode deterministic|realtime --ticks N --storm periodic|back-to-back|random\n"
		"  --period-ns N --rmin-ns N --rmax-ns N --seed N --guest-args S\n"
		"  --variants NAME[=XEN-OPTIONS],... (default: stock, and direct with --with-direct)\n"
		"  --no-trace (no traced boots) --boots K (untraced boots per variant, 1..64; default 5 for\n"
		"  realtime on the emulated target, else 1) --runner local|lava (default local)\n"
		"  --machine NAME (platform/machines/NAME.conf; another than virt-gicv3 is its own configuration)\n"
		"manifest facts: --date UTC --host S --qemu S --cpu S --xen-sha256 H --guest-sha256 H\n"
		"  --linux-kernel S --xen-build FILE (tracing/build-xen.sh's manifest)\n"
		"  --xen-tree PATH --xen-describe S --xen-commit H --xen-dirty yes|no --xen-full-version V\n"
		"  --xen-debian-package V --traced-boots S --server S (an imported capture's Xen and dom0)\n"
		"  --machine-desc S (the emulated machine, e.g. 'virt-gicv3: virt, GICv3, cortex-a57')\n"
		"RUN is a run directory; one made before raw/run.json is read from raw/variants.\n"
		"nightly-verdict prints one line per variant and exits 3 if any is slower, or lost or\n"
		"spurious ticks, or exits per delivered tick (traced boots, --base-run/--run) changed by\n"
		"more than P %% (default 5) for some reason; else 4 if any comparison is inconclusive.\n"
		"Exit: 0 ok (a lookup that finds nothing prints nothing), 1 error, 2 usage, 3 regression,\n"
		"4 inconclusive.\n",
		prog, prog, prog, prog, prog, prog, prog, prog, prog, prog);
}

static int usage_error(const char *what)
{
	fprintf(stderr, "%s: %s (see --help)\n", prog, what);
	return 2;
}

static int load(struct run_model *m, const char *dir)
{
	char err[512];
	if (run_model_load(m, dir, err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", prog, err);
		return -1;
	}
	return 0;
}

static int write_json(json_t *doc, const char *path)
{
	if (!strcmp(path, "-"))
		return json_dumpf(doc, stdout, JSON_INDENT(2)) || puts("") == EOF;
	struct vtb_atomic af;
	if (vtb_atomic_open_path(&af, path) || json_dumpf(doc, af.f, JSON_INDENT(2)) || fputc('\n', af.f) == EOF ||
	    vtb_atomic_commit(&af)) {
		fprintf(stderr, "%s: cannot write %s: %s\n", prog, path, strerror(errno));
		vtb_atomic_abort(&af);
		return 1;
	}
	return 0;
}

static int cmd_init(int argc, char **argv)
{
	struct run_params p;
	const char *out = NULL;
	run_params_default(&p);
	enum { O_OUT = 1, O_ID, O_LABEL, O_TARGET, O_MODE, O_TICKS, O_STORM, O_PERIOD, O_RMIN, O_RMAX, O_SEED,
	       O_GARGS, O_VARIANTS, O_DIRECT, O_NOTRACE, O_BOOTS, O_RUNNER, O_MACHINE };
	static const struct option opts[] = {
		{"out", required_argument, 0, O_OUT},        {"run-id", required_argument, 0, O_ID},
		{"label", required_argument, 0, O_LABEL},    {"target", required_argument, 0, O_TARGET},
		{"platform-mode", required_argument, 0, O_MODE}, {"ticks", required_argument, 0, O_TICKS},
		{"storm", required_argument, 0, O_STORM},    {"period-ns", required_argument, 0, O_PERIOD},
		{"rmin-ns", required_argument, 0, O_RMIN},   {"rmax-ns", required_argument, 0, O_RMAX},
		{"seed", required_argument, 0, O_SEED},      {"guest-args", required_argument, 0, O_GARGS},
		{"variants", required_argument, 0, O_VARIANTS}, {"with-direct", no_argument, 0, O_DIRECT},
		{"no-trace", no_argument, 0, O_NOTRACE},     {"boots", required_argument, 0, O_BOOTS},
		{"runner", required_argument, 0, O_RUNNER}, {"machine", required_argument, 0, O_MACHINE},
		{0, 0, 0, 0}};
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case O_OUT: out = optarg; break;
		case O_ID: p.run_id = optarg; break;
		case O_LABEL: p.label = optarg; break;
		case O_TARGET: p.target = optarg; break;
		case O_MODE: p.platform_mode = optarg; break;
		case O_TICKS: p.ticks = optarg; break;
		case O_STORM: p.storm = optarg; break;
		case O_PERIOD: p.period_ns = optarg; break;
		case O_RMIN: p.rmin_ns = optarg; break;
		case O_RMAX: p.rmax_ns = optarg; break;
		case O_SEED: p.seed = optarg; break;
		case O_GARGS: p.guest_args = optarg; break;
		case O_VARIANTS: p.variants = optarg; break;
		case O_DIRECT: p.with_direct = 1; break;
		case O_NOTRACE: p.traced = 0; break;
		case O_BOOTS: p.boots = optarg; break;
		case O_RUNNER: p.runner = optarg; break;
		case O_MACHINE: p.machine = optarg; break;
		default: return 2;
		}
	}
	if (!out || optind != argc)
		return usage_error("init needs --out and no other argument");
	char err[512];
	json_t *doc = run_init_build(&p, err, sizeof(err));
	if (!doc) {
		fprintf(stderr, "%s: %s\n", prog, err);
		return 2;
	}
	int rc = write_json(doc, out);
	json_decref(doc);
	return rc;
}

/* Named values of the model and where they sit in run.json. */
static const struct {
	const char *key, *object;
} get_keys[] = {
	{"platform_mode", NULL},  {"target", NULL}, {"label", NULL},          {"run_id", NULL},
	{"history_config", NULL}, {"traced", NULL}, {"guest_bootargs", "storm"}, {"linux_storm_args", "storm"},
};

/* Untraced boots per variant (1 when run.json says nothing). */
static size_t model_boots(const struct run_model *m)
{
	json_t *b = json_object_get(m->root, "boots");
	return json_is_integer(b) && json_integer_value(b) > 1 ? (size_t)json_integer_value(b) : 1;
}

static int cmd_get(const struct run_model *m, const char *key)
{
	if (!strcmp(key, "boots")) {
		printf("%zu\n", model_boots(m));
		return 0;
	}
	for (size_t i = 0; i < sizeof(get_keys) / sizeof(get_keys[0]); i++) {
		if (strcmp(key, get_keys[i].key))
			continue;
		json_t *o = get_keys[i].object ? json_object_get(m->root, get_keys[i].object) : m->root;
		json_t *v = json_object_get(o, key);
		if (json_is_string(v))
			printf("%s\n", json_string_value(v));
		else if (json_is_boolean(v))
			printf("%d\n", json_is_true(v));
		return 0;
	}
	fprintf(stderr, "%s: unknown key '%s' (see --help)\n", prog, key);
	return 2;
}

static int cmd_manifest(const struct run_model *m, const char *dir, int argc, char **argv)
{
	struct manifest_facts f = {0};
	static const struct option opts[] = {
		{"date", required_argument, 0, 'd'},       {"host", required_argument, 0, 'H'},
		{"qemu", required_argument, 0, 'q'},       {"cpu", required_argument, 0, 'c'},
		{"xen-sha256", required_argument, 0, 'x'}, {"guest-sha256", required_argument, 0, 'g'},
		{"linux-kernel", required_argument, 0, 'k'}, {"xen-build", required_argument, 0, 'b'},
		{"xen-tree", required_argument, 0, 'T'},   {"xen-describe", required_argument, 0, 'D'},
		{"xen-commit", required_argument, 0, 'C'}, {"xen-dirty", required_argument, 0, 'y'},
		{"xen-full-version", required_argument, 0, 'V'}, {"xen-debian-package", required_argument, 0, 'P'},
		{"traced-boots", required_argument, 0, 't'}, {"server", required_argument, 0, 's'},
		{"machine-desc", required_argument, 0, 'M'},
		{0, 0, 0, 0}};
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': f.date_utc = optarg; break;
		case 'H': f.host = optarg; break;
		case 'q': f.qemu = optarg; break;
		case 'c': f.cpu = optarg; break;
		case 'x': f.xen_image_sha256 = optarg; break;
		case 'g': f.guest_image_sha256 = optarg; break;
		case 'k': f.linux_kernel = optarg; break;
		case 'b': f.xen_build_file = optarg; break;
		case 'T': f.xen_tree = optarg; break;
		case 'D': f.xen_describe = optarg; break;
		case 'C': f.xen_commit = optarg; break;
		case 'y': f.xen_dirty = optarg; break;
		case 'V': f.xen_full_version = optarg; break;
		case 'P': f.xen_debian_package = optarg; break;
		case 't': f.traced_boots = optarg; break;
		case 's': f.server = optarg; break;
		case 'M': f.machine_desc = optarg; break;
		default: return 2;
		}
	}
	if (optind != argc)
		return usage_error("manifest takes RUN and options only");
	char err[512];
	json_t *man = manifest_build(m, &f, err, sizeof(err));
	if (!man) {
		fprintf(stderr, "%s: %s\n", prog, err);
		return 1;
	}
	char path[4096];
	snprintf(path, sizeof(path), "%s/manifest.json", dir);
	int rc = write_json(man, path);
	struct vtb_atomic af;
	snprintf(path, sizeof(path), "%s/manifest.txt", dir);
	if (!rc && (vtb_atomic_open_path(&af, path) || manifest_render_text(man, af.f) || vtb_atomic_commit(&af))) {
		fprintf(stderr, "%s: cannot write %s: %s\n", prog, path, strerror(errno));
		vtb_atomic_abort(&af);
		rc = 1;
	}
	json_decref(man);
	return rc;
}

static int cmd_nightly(int argc, char **argv)
{
	const char *baseline = NULL, *base_run = NULL, *run = NULL;
	double exits_pct = 5.0;
	static const struct option opts[] = {{"baseline", required_argument, 0, 'b'},
					     {"base-run", required_argument, 0, 'B'},
					     {"run", required_argument, 0, 'r'},
					     {"exits-pct", required_argument, 0, 'e'},
					     {0, 0, 0, 0}};
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		char *end;
		switch (c) {
		case 'b': baseline = optarg; break;
		case 'B': base_run = optarg; break;
		case 'r': run = optarg; break;
		case 'e':
			exits_pct = strtod(optarg, &end);
			if (end == optarg || *end || !(exits_pct >= 0))
				return usage_error("--exits-pct needs a number >= 0");
			break;
		default: return 2;
		}
	}
	if (!base_run != !run)
		return usage_error("--base-run and --run go together");
	if (!baseline || optind == argc)
		return usage_error("nightly-verdict needs --baseline and VARIANT=COMPARE_JSON arguments");
	int regression = 0, inconclusive = 0;
	for (int i = optind; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		if (!eq || eq == argv[i])
			return usage_error("arguments are VARIANT=COMPARE_JSON");
		*eq = 0;
		json_error_t je;
		json_t *doc = json_load_file(eq + 1, 0, &je);
		int r = doc ? nightly_judge(argv[i], baseline, doc, stdout) : -1;
		json_decref(doc);
		if (r < 0) {
			fprintf(stderr, "%s: %s: %s\n", prog, eq + 1, doc ? "no verdict" : je.text);
			return 1;
		}
		regression |= r == NIGHTLY_REGRESSION;
		inconclusive |= r == NIGHTLY_INCONCLUSIVE;
		if (run) {
			char err[512];
			int t = nightly_judge_ticks(argv[i], baseline, base_run, run, exits_pct, stdout, err, sizeof err);
			if (t < 0) {
				fprintf(stderr, "%s: %s\n", prog, err);
				return 1;
			}
			regression |= t;
		}
	}
	return regression ? 3 : inconclusive ? 4 : 0;
}

/* A run without a readable manifest.json has no known identity: that is a
 * difference the caller must hear about, not an error that hides it. */
static int cmd_same_build(int argc, char **argv)
{
	if (argc != 3)
		return usage_error("same-build needs RUN_A and RUN_B");
	json_t *man[2];
	int unknown = 0;
	for (int i = 0; i < 2; i++) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/manifest.json", argv[i + 1]);
		man[i] = json_load_file(path, 0, NULL);
		if (!man[i]) {
			printf("identity unknown: %s has no readable manifest.json\n", argv[i + 1]);
			unknown = 1;
		}
	}
	int n = unknown ? 1 : identity_diff(man[0], man[1], stdout);
	json_decref(man[0]);
	json_decref(man[1]);
	return n ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage_error("a command is required");
	const char *cmd = argv[1];
	if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help")) {
		usage(stdout);
		return 0;
	}
	opterr = 1;
	if (!strcmp(cmd, "init"))
		return cmd_init(argc - 1, argv + 1);
	if (!strcmp(cmd, "same-build"))
		return cmd_same_build(argc - 1, argv + 1);
	if (!strcmp(cmd, "nightly-verdict"))
		return cmd_nightly(argc - 1, argv + 1);
	static const char *run_cmds[] = {"variants", "xen-options", "pairs", "get", "manifest", "boot-order", "pool"};
	size_t k = 0;
	while (k < sizeof(run_cmds) / sizeof(run_cmds[0]) && strcmp(cmd, run_cmds[k]))
		k++;
	if (k == sizeof(run_cmds) / sizeof(run_cmds[0])) {
		fprintf(stderr, "%s: unknown command '%s' (see --help)\n", prog, cmd);
		return 2;
	}
	int wants = !strcmp(cmd, "xen-options") || !strcmp(cmd, "get") || !strcmp(cmd, "pool") ? 2 : 1;
	if (!strcmp(cmd, "manifest") ? argc < 3 : argc != 2 + wants)
		return usage_error("wrong arguments");
	struct run_model m;
	if (load(&m, argv[2]))
		return 1;
	int rc = 0;
	if (!strcmp(cmd, "variants")) {
		for (size_t i = 0; i < run_model_variant_count(&m); i++)
			printf("%s\n", run_model_variant_name(&m, i));
	} else if (!strcmp(cmd, "xen-options")) {
		long i = run_model_find(&m, argv[3]);
		if (i >= 0)
			printf("%s\n", run_model_xen_options(&m, (size_t)i));
	} else if (!strcmp(cmd, "pairs")) {
		for (size_t i = 0; i < run_model_pair_count(&m); i++) {
			const char *a, *b;
			run_model_pair(&m, i, &a, &b);
			printf("%s %s\n", a, b);
		}
	} else if (!strcmp(cmd, "boot-order")) {
		/* Interleaved so that slow drift of the host hits every variant
		 * alike: round r runs the variants forward when r is odd,
		 * backward when even (A B, B A, A B, ...). */
		size_t k = model_boots(&m), nv = run_model_variant_count(&m);
		for (size_t r = 1; r <= k; r++)
			for (size_t j = 0; j < nv; j++)
				printf("%s %zu\n", run_model_variant_name(&m, r % 2 ? j : nv - 1 - j), r);
	} else if (!strcmp(cmd, "pool")) {
		char err[512], dir[4200];
		if (run_model_find(&m, argv[3]) < 0) {
			fprintf(stderr, "%s: no variant '%s' in %s\n", prog, argv[3], argv[2]);
			rc = 1;
		} else {
			snprintf(dir, sizeof dir, "%s/%s", argv[2], argv[3]);
			if (run_pool_boots(dir, model_boots(&m), err, sizeof err)) {
				fprintf(stderr, "%s: %s\n", prog, err);
				rc = 1;
			}
		}
	} else if (!strcmp(cmd, "get"))
		rc = cmd_get(&m, argv[3]);
	else
		rc = cmd_manifest(&m, argv[2], argc - 2, argv + 2);
	run_model_free(&m);
	return rc;
}

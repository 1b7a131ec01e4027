#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include "run_init.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run_model.h"
#include "vtb/parse.h"

/* The delivery paths the harness knows, and the Xen option selecting each
 * (tracing/patches: vtimer_delivery=). Stock needs no patch; direct needs the
 * direct-PPI series. The kvm-* rows boot no Xen but KVM in the machine's own
 * Linux (platform/kvm, docs/kvm.md): kvm-nvhe/kvm-vhe run the guest under
 * QEMU with -accel kvm, the -min rows under the minimal VMM, the -nopoll
 * rows with KVM's halt polling off; asked for by name, never by default. A
 * registered name given without '=' gets its registered options when the
 * build has the series (a Xen without it knows no vtimer_delivery=). */
static const struct {
	const char *name, *xen_options;
	int needs_direct, by_default;
} registry[] = {
	{"stock", "vtimer_delivery=software", 0, 1},
	{"direct", "vtimer_delivery=direct", 1, 1},
	{"kvm-nvhe", "", 0, 0},
	{"kvm-vhe", "", 0, 0},
	{"kvm-nvhe-min", "", 0, 0},
	{"kvm-vhe-min", "", 0, 0},
	{"kvm-nvhe-nopoll", "", 0, 0},
	{"kvm-vhe-nopoll", "", 0, 0},
	{"kvm-nvhe-min-nopoll", "", 0, 0},
	{"kvm-vhe-min-nopoll", "", 0, 0},
};

static const char *registered_options(const char *name, int with_direct)
{
	if (!with_direct)
		return "";
	for (size_t i = 0; i < sizeof(registry) / sizeof(registry[0]); i++)
		if (!strcmp(registry[i].name, name))
			return registry[i].xen_options;
	return "";
}

void run_params_default(struct run_params *p)
{
	memset(p, 0, sizeof(*p));
	p->target = "emulated";
	p->platform_mode = "deterministic";
	p->ticks = "2000";
	p->storm = "periodic";
	p->period_ns = "100000";
	p->rmin_ns = "20000";
	p->rmax_ns = "200000";
	p->seed = "1";
	p->guest_args = "";
	p->label = "ab";
	p->traced = 1;
	p->runner = "local";
}

static int parse_uint(const char *opt, const char *s, uint64_t *out, char *err, size_t errlen)
{
	if (!s || vtb_parse_u64(s, out))
		return run_fail(err, errlen, "--%s needs a whole number, got '%s'", opt, s ? s : "");
	return 0;
}

static int one_of(const char *s, const char *a, const char *b, const char *c)
{
	return s && (!strcmp(s, a) || !strcmp(s, b) || (c && !strcmp(s, c)));
}

/* "stock=opts,direct=opts" -> [{name, xen_options}]; a name without '=' has
 * its registered options (registered_options), or none. */
static json_t *parse_variant_list(const char *list, int with_direct, char *err, size_t errlen)
{
	json_t *vs = json_array();
	char *copy = strdup(list), *save = NULL;
	for (char *item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(item, '=');
		if (eq)
			*eq = 0;
		if (!run_variant_name_ok(item)) {
			run_fail(err, errlen, "bad variant name '%s' in --variants", item);
			goto bad;
		}
		json_array_append_new(vs, json_pack("{s:s, s:s}", "name", item, "xen_options",
						    eq ? eq + 1 : registered_options(item, with_direct)));
	}
	free(copy);
	if (json_array_size(vs) == 0) {
		run_fail(err, errlen, "--variants names no variant");
		json_decref(vs);
		return NULL;
	}
	return vs;
bad:
	free(copy);
	json_decref(vs);
	return NULL;
}

static json_t *default_variants(const struct run_params *p)
{
	json_t *vs = json_array();
	if (!strcmp(p->target, "native")) {
		json_array_append_new(vs, json_pack("{s:s, s:s}", "name", "native", "xen_options", ""));
		return vs;
	}
	for (size_t i = 0; i < sizeof(registry) / sizeof(registry[0]); i++)
		if (registry[i].by_default && (!registry[i].needs_direct || p->with_direct))
			json_array_append_new(vs, json_pack("{s:s, s:s}", "name", registry[i].name, "xen_options",
							    p->with_direct ? registry[i].xen_options : ""));
	return vs;
}

/* The storm in the bare-metal guest's boot-argument syntax
 * (docs/guest-kernel.md) and in vtimer_storm's option syntax. */
static void storm_strings(json_t *storm, const char *mode, uint64_t ticks, uint64_t period, uint64_t rmin,
			  uint64_t rmax, uint64_t seed, const char *extra)
{
	char a[1024];
	int n = snprintf(a, sizeof(a), "ticks=%" PRIu64 " mode=%s", ticks, mode);
	if (!strcmp(mode, "periodic"))
		n += snprintf(a + n, sizeof(a) - (size_t)n, " period_ns=%" PRIu64, period);
	else if (!strcmp(mode, "random"))
		n += snprintf(a + n, sizeof(a) - (size_t)n,
			      " rmin_ns=%" PRIu64 " rmax_ns=%" PRIu64 " seed=%" PRIu64, rmin, rmax, seed);
	if (*extra)
		snprintf(a + n, sizeof(a) - (size_t)n, " %s", extra);
	json_object_set_new(storm, "guest_bootargs", json_string(a));
	snprintf(a, sizeof(a), "-t1 -i %" PRIu64 " -l %" PRIu64 " --mode %s", period / 1000, ticks, mode);
	json_object_set_new(storm, "linux_storm_args", json_string(a));
}

json_t *run_init_build(const struct run_params *p, char *err, size_t errlen)
{
	uint64_t ticks, period, rmin, rmax, seed;
	if (parse_uint("ticks", p->ticks, &ticks, err, errlen) ||
	    parse_uint("period-ns", p->period_ns, &period, err, errlen) ||
	    parse_uint("rmin-ns", p->rmin_ns, &rmin, err, errlen) ||
	    parse_uint("rmax-ns", p->rmax_ns, &rmax, err, errlen) || parse_uint("seed", p->seed, &seed, err, errlen))
		return NULL;
	if (ticks == 0)
		return run_fail(err, errlen, "--ticks must be at least 1"), NULL;
	if (!one_of(p->storm, "periodic", "back-to-back", "random"))
		return run_fail(err, errlen, "--storm must be periodic, back-to-back or random"), NULL;
	if (!one_of(p->platform_mode, "deterministic", "realtime", NULL))
		return run_fail(err, errlen, "--platform-mode must be deterministic or realtime"), NULL;
	if (!one_of(p->target, "emulated", "native", "linux-dom0"))
		return run_fail(err, errlen, "--target must be emulated, native or linux-dom0"), NULL;
	if (p->machine && (!*p->machine || strspn(p->machine, "abcdefghijklmnopqrstuvwxyz0123456789-_.") != strlen(p->machine)))
		return run_fail(err, errlen, "--machine must be a machine description's name, not '%s'", p->machine), NULL;
	if (!one_of(p->runner, "local", "lava", NULL))
		return run_fail(err, errlen, "--runner must be local or lava"), NULL;
	if (rmin > rmax)
		return run_fail(err, errlen, "--rmin-ns must not exceed --rmax-ns"), NULL;
	const char *mode = p->platform_mode;
	int traced = p->traced;
	/* The Linux storm sleeps in whole microseconds and has no random mode. */
	if (strcmp(p->target, "emulated")) {
		if (!strcmp(p->storm, "random"))
			return run_fail(err, errlen, "--target %s has no random mode (periodic or back-to-back)", p->target),
			       NULL;
		if (period % 1000 || period < 1000)
			return run_fail(err, errlen, "--target %s needs --period-ns in whole microseconds", p->target), NULL;
		traced = 0;
	}
	if (!strcmp(p->target, "native"))
		mode = "realtime";
	if (!p->run_id || !*p->run_id || strchr(p->run_id, '/') || p->run_id[0] == '.')
		return run_fail(err, errlen, "--run-id must be a plain name"), NULL;
	if (!p->label || !*p->label ||
	    strspn(p->label, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != strlen(p->label))
		return run_fail(err, errlen, "--label may hold letters, digits, '.', '_' and '-' only"), NULL;

	json_t *vs = p->variants && strcmp(p->target, "native") ? parse_variant_list(p->variants, p->with_direct, err, errlen)
								 : default_variants(p);
	if (!vs)
		return NULL;
	json_t *storm = json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:s}", "mode", p->storm, "ticks", (json_int_t)ticks,
				  "period_ns", (json_int_t)period, "rmin_ns", (json_int_t)rmin, "rmax_ns",
				  (json_int_t)rmax, "seed", (json_int_t)seed, "guest_args", p->guest_args);
	storm_strings(storm, p->storm, ticks, period, rmin, rmax, seed, p->guest_args);
	char key[1400];
	/* The history compares runs whose key matches: keep its form stable. */
	/* A LAVA run is never the baseline of a local one, nor the reverse: a
	 * lab's QEMU and LAVA's machine (its PCI network card, docs/lava.md)
	 * are not this host's. Local keys keep their form. */
	int lava = !strcmp(p->runner, "lava");
	/* Another machine (a GICv2 board) is another configuration; the default
	 * machine keeps the old key. */
	int other_machine = p->machine && strcmp(p->machine, "virt-gicv3") != 0;
	snprintf(key, sizeof(key), "%s %s %s%s%s%s", p->target, mode,
		 json_string_value(json_object_get(storm, "guest_bootargs")), lava ? " runner=lava" : "",
		 other_machine ? " machine=" : "", other_machine ? p->machine : "");
	unsigned long long boots = !strcmp(p->target, "emulated") && !strcmp(mode, "realtime") ? 5 : 1;
	if (p->boots) {
		char *end;
		errno = 0;
		boots = strtoull(p->boots, &end, 10);
		if (errno || end == p->boots || *end || p->boots[0] == '-' || boots < 1 || boots > 64) {
			json_decref(vs);
			json_decref(storm);
			return run_fail(err, errlen, "--boots must be a whole number from 1 to 64"), NULL;
		}
	}
	json_t *root = json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:o, s:o, s:s}", "schema", RUN_SCHEMA, "run_id",
				 p->run_id, "label", p->label, "target", p->target, "platform_mode", mode, "traced",
				 traced, "storm", storm, "variants", vs, "history_config", key);
	/* Stock precedes direct in the registry, so by default direct is
	 * measured against stock. */
	run_model_add_default_pair(root);
	/* One boot is today's layout and today's run.json, byte for byte. */
	if (boots > 1)
		json_object_set_new(root, "boots", json_integer((json_int_t)boots));
	if (lava)
		json_object_set_new(root, "runner", json_string("lava"));
	if (other_machine)
		json_object_set_new(root, "machine", json_string(p->machine));
	char why[256];
	if (run_model_validate(root, why, sizeof(why))) {
		run_fail(err, errlen, "%s", why);
		json_decref(root);
		return NULL;
	}
	return root;
}

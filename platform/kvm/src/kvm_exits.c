/* vtb-kvm-exits: exits per tick of a kvm-* traced boot (docs/kvm.md,
 * "Exits per tick"), from the host kernel's trace points that the KVM host's
 * /init prints between "@KT-BEGIN" and "@KT-END" (one "@KT <event>" line
 * each), counted in the project's exit-reason vocabulary (vtb/trace_vocab.h)
 * into a trace-summary.json that vtb-report reads like a Xen row's.
 *
 * Classification:
 *   kvm_exit "TRAP" by ESR exception class: 0x01 WFx -> sync_wfx, 0x16 HVC64
 *     -> sync_hvc, 0x17 SMC64 -> sync_smc, 0x18 SYS64 -> sync_sysreg, 0x24
 *     DABT_LOW -> sync_dabt, 0x20 IABT_LOW -> sync_iabt, else sync_other;
 *   kvm_exit "IRQ" by the first host interrupt handled since the last
 *     kvm_entry (irq_handler_entry precedes the exit's trace point): "kvm
 *     guest vtimer" -> irq_vtimer, "vgic" (the maintenance interrupt) ->
 *     irq_maint, anything else -> irq_other;
 *   kvm_exit "SERROR" -> serror; any other kind -> sync_other.
 * Storm window: a kvm_mmio access to the VMM's UART marks the exit before it
 * as a console exit, and the data-register writes (kvm_mmio's val) give back
 * the guest's console text. The guest prints its parameters before the storm
 * and "vtb-guest: done ..." (or "vtb-guest: cpu0 done ...") after it, nothing
 * in between: the window is the run of non-console exits just before the
 * console exits of the first "done" line.
 * Exits per tick = exits in the window / the guest's own taken count of the
 * same boot (--guest-summary, vtb-analyze's summary.json).
 * Hypervisor time per exit: the synthetic event "vtb_hyp: ns=N" that /init
 * hangs on kvm_entry (a hist trigger: common_timestamp of the entry minus
 * that of the vCPU's last kvm_exit) belongs to the last exit before it; the
 * nanoseconds of the trace clock (sched_clock of the arch counter) go back to
 * counter ticks (x cntfrq / 10^9: exact at 62.5 MHz, 16 ns a tick) and make
 * hyp_time by reason, as in the Xen rows. */
#define _POSIX_C_SOURCE 200809L
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vtb/atomic_file.h"
#include "vtb/err.h"
#include "vtb/parse.h"
#include "vtb/quantile.h"
#include "vtb/read_file.h"
#include "vtb/schema.h"
#include "vtb/trace_vocab.h"

#define UART_BASE 0x09000000ull /* platform/kvm/vmm/vtb-kvm-vmm.c */
#define UART_SIZE 0x1000ull
#define MAX_IRQ_NAMES 16

struct exit_rec {
	unsigned char reason, console;
	unsigned ec;
	char ecname[16];
	int irq; /* index into irq_names of the IRQ exit's host interrupt, or -1 */
	int has_hyp;
	uint64_t hyp_ns; /* kvm_exit to the next kvm_entry (vtb_hyp) */
};

static char *irq_names[MAX_IRQ_NAMES];
static int n_irq_names;

static int irq_index(const char *name, size_t len)
{
	for (int i = 0; i < n_irq_names; i++)
		if (strlen(irq_names[i]) == len && !strncmp(irq_names[i], name, len))
			return i;
	if (n_irq_names == MAX_IRQ_NAMES)
		vtb_die(VTB_EXIT_ERROR, "more than %d distinct host interrupt names in the trace", MAX_IRQ_NAMES);
	irq_names[n_irq_names] = strndup(name, len);
	return n_irq_names++;
}

static int reason_of_ec(unsigned ec)
{
	switch (ec) {
	case 0x01: return VTB_EXIT_SYNC_WFX;
	case 0x16: return VTB_EXIT_SYNC_HVC;
	case 0x17: return VTB_EXIT_SYNC_SMC;
	case 0x18: return VTB_EXIT_SYNC_SYSREG;
	case 0x24: return VTB_EXIT_SYNC_DABT;
	case 0x20: return VTB_EXIT_SYNC_IABT;
	default: return VTB_EXIT_SYNC_OTHER;
	}
}

static int reason_of_irq(const char *name)
{
	if (!name)
		return VTB_EXIT_IRQ_OTHER;
	if (!strcmp(name, "kvm guest vtimer"))
		return VTB_EXIT_IRQ_VTIMER;
	if (!strcmp(name, "vgic"))
		return VTB_EXIT_IRQ_MAINT;
	return VTB_EXIT_IRQ_OTHER;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* {count, min, p50, p90, p99, p999, max, mean} of n values (sorted here), in
 * the Xen rows' form (analysis/xentrace); nearest-rank quantiles. */
static json_t *dist_json(uint64_t *v, size_t n)
{
	json_t *o = json_object();
	json_object_set_new(o, "count", json_integer((json_int_t)n));
	if (!n)
		return o;
	qsort(v, n, sizeof(*v), cmp_u64);
	static const struct {
		const char *key;
		uint64_t num, den;
	} q[] = {{"p50", 1, 2}, {"p90", 9, 10}, {"p99", 99, 100}, {"p999", 999, 1000}};
	double sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += (double)v[i];
	json_object_set_new(o, "min", json_integer((json_int_t)v[0]));
	for (size_t k = 0; k < sizeof(q) / sizeof(q[0]); k++)
		json_object_set_new(o, q[k].key, json_integer((json_int_t)v[vtb_nearest_rank(n, q[k].num, q[k].den) - 1]));
	json_object_set_new(o, "max", json_integer((json_int_t)v[n - 1]));
	json_object_set_new(o, "mean", json_real(sum / (double)n));
	return o;
}

static json_t *by_reason(const unsigned long *n)
{
	json_t *o = json_object();
	for (int r = 0; r < VTB_EXIT__N; r++)
		json_object_set_new(o, vtb_exit_reason_name(r), json_integer((json_int_t)n[r]));
	return o;
}

static void usage(FILE *to)
{
	fprintf(to, "usage: vtb-kvm-exits --log CONSOLE_LOG --guest-summary SUMMARY_JSON --out FILE\n"
		    "Counts the exits of a kvm-* traced boot (platform/kvm/run.sh --trace) by reason\n"
		    "inside the storm window and writes a trace-summary.json (docs/kvm.md).\n"
		    "Exit: 0 written; 1 bad input (no complete trace, overrun, no exits, no\n"
		    "guest tick count); 2 usage.\n");
}

int main(int argc, char **argv)
{
	vtb_set_prog("vtb-kvm-exits");
	const char *log = NULL, *gsum = NULL, *out = NULL;
	static const struct option opts[] = {{"log", required_argument, 0, 'l'},
					     {"guest-summary", required_argument, 0, 'g'},
					     {"out", required_argument, 0, 'o'},
					     {"help", no_argument, 0, 'h'},
					     {0, 0, 0, 0}};
	int c;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'l': log = optarg; break;
		case 'g': gsum = optarg; break;
		case 'o': out = optarg; break;
		case 'h': usage(stdout); return 0;
		default: return vtb_usage_error("unknown option");
		}
	}
	if (optind != argc || !log || !gsum || !out)
		return vtb_usage_error("--log, --guest-summary and --out are required");

	json_error_t je;
	json_t *gs = json_load_file(gsum, 0, &je);
	json_int_t taken = gs ? json_integer_value(json_object_get(json_object_get(gs, "counts"), "taken")) : 0;
	if (!gs || taken <= 0)
		vtb_die(VTB_EXIT_ERROR, "%s: no guest tick count (counts.taken)", gsum);
	json_int_t cntfrq = json_integer_value(json_object_get(json_object_get(gs, "guest"), "cntfrq"));

	char *buf;
	size_t len;
	if (vtb_read_file(log, &buf, &len))
		vtb_die(VTB_EXIT_ERROR, "%s: cannot read", log);
	struct exit_rec *ex = NULL;
	size_t n_ex = 0, cap = 0, events = 0, hyp_events = 0;
	int begun = 0, ended = 0, cur_irq = -1, found = 0;
	char text[256];
	size_t text_len = 0, line_start = 0, best = 0, best_n = 0; /* line_start: the line's first write's exit */
	for (char *line = buf, *next; line < buf + len; line = next) {
		char *nl = memchr(line, '\n', (size_t)(buf + len - line));
		next = nl ? nl + 1 : buf + len;
		if (nl)
			*nl = 0;
		if (nl && nl > line && nl[-1] == '\r')
			nl[-1] = 0;
		if (!strncmp(line, "@KT-BEGIN ", 10)) {
			uint64_t ov;
			if (begun)
				vtb_die(VTB_EXIT_ERROR, "%s: two traces in one log", log);
			if (strncmp(line + 10, "overrun=", 8) || vtb_parse_u64(line + 18, &ov))
				vtb_die(VTB_EXIT_ERROR, "%s: malformed @KT-BEGIN line", log);
			if (ov)
				vtb_die(VTB_EXIT_ERROR, "%s: the trace ring overran (%llu events lost)", log,
					(unsigned long long)ov);
			begun = 1;
			continue;
		}
		if (!strcmp(line, "@KT-END")) {
			ended = begun;
			continue;
		}
		if (!begun || ended || strncmp(line, "@KT ", 4))
			continue;
		const char *e = line + 4;
		events++;
		if (!strncmp(e, "kvm_entry:", 10)) {
			cur_irq = -1;
		} else if (!strncmp(e, "vtb_hyp: ns=", 12)) {
			uint64_t ns;
			if (vtb_parse_u64(e + 12, &ns))
				vtb_die(VTB_EXIT_ERROR, "%s: malformed vtb_hyp: %s", log, e);
			if (n_ex && !ex[n_ex - 1].has_hyp) {
				ex[n_ex - 1].has_hyp = 1;
				ex[n_ex - 1].hyp_ns = ns;
				hyp_events++;
			}
		} else if (!strncmp(e, "irq_handler_entry: ", 19)) {
			const char *nm = strstr(e, " name=");
			if (!nm)
				vtb_die(VTB_EXIT_ERROR, "%s: irq_handler_entry without a name: %s", log, e);
			if (cur_irq < 0)
				cur_irq = irq_index(nm + 6, strlen(nm + 6));
		} else if (!strncmp(e, "kvm_mmio: ", 10)) {
			const char *g = strstr(e, " gpa 0x");
			char *end;
			if (!g)
				vtb_die(VTB_EXIT_ERROR, "%s: kvm_mmio without an address: %s", log, e);
			unsigned long long gpa = strtoull(g + 7, &end, 16);
			if (end == g + 7 || (*end && *end != ' '))
				vtb_die(VTB_EXIT_ERROR, "%s: bad kvm_mmio address: %s", log, e);
			if (gpa < UART_BASE || gpa >= UART_BASE + UART_SIZE || !n_ex)
				continue;
			ex[n_ex - 1].console = 1;
			const char *val = strstr(e, " val 0x");
			if (found || gpa != UART_BASE || strncmp(e + 10, "mmio write ", 11) || !val)
				continue;
			int ch = (int)strtol(val + 7, NULL, 16);
			if (ch == '\r')
				continue;
			if (ch != '\n') {
				if (!text_len)
					line_start = n_ex - 1;
				if (text_len < sizeof(text) - 1)
					text[text_len++] = (char)ch;
				continue;
			}
			text[text_len] = 0;
			text_len = 0;
			if (!strncmp(text, "vtb-guest: done ", 16) || !strncmp(text, "vtb-guest: cpu0 done ", 21)) {
				size_t end = line_start, start;
				while (end > 0 && ex[end - 1].console)
					end--; /* the line's status-register polls */
				for (start = end; start > 0 && !ex[start - 1].console; start--)
					;
				best = start;
				best_n = end - start;
				found = 1;
			}
		} else if (!strncmp(e, "kvm_exit: ", 10)) {
			/* "kvm_exit: TRAP: HSR_EC: 0x0001 (WFx), PC: 0x..." */
			const char *kind = e + 10, *hs = strstr(kind, ": HSR_EC: 0x");
			unsigned ec;
			char name[16] = "";
			if (!hs || sscanf(hs + 10, "%x (%15[^)])", &ec, name) < 1)
				vtb_die(VTB_EXIT_ERROR, "%s: malformed kvm_exit: %s", log, e);
			size_t kl = (size_t)(hs - kind);
			int r;
			if (kl == 4 && !strncmp(kind, "TRAP", 4))
				r = reason_of_ec(ec);
			else if (kl == 3 && !strncmp(kind, "IRQ", 3))
				r = reason_of_irq(cur_irq >= 0 ? irq_names[cur_irq] : NULL);
			else if (kl == 6 && !strncmp(kind, "SERROR", 6))
				r = VTB_EXIT_SERROR;
			else
				r = VTB_EXIT_SYNC_OTHER;
			if (n_ex == cap) {
				cap = cap ? 2 * cap : 4096;
				ex = realloc(ex, cap * sizeof(*ex));
				if (!ex)
					vtb_die(VTB_EXIT_ERROR, "out of memory");
			}
			ex[n_ex] = (struct exit_rec){.reason = (unsigned char)r, .ec = ec, .irq = -1};
			if (kl == 3 && !strncmp(kind, "IRQ", 3))
				ex[n_ex].irq = cur_irq;
			snprintf(ex[n_ex].ecname, sizeof(ex[n_ex].ecname), "%s", name);
			n_ex++;
		}
	}
	if (!begun)
		vtb_die(VTB_EXIT_ERROR, "%s: no @KT-BEGIN: not a traced kvm boot (platform/kvm/run.sh --trace)", log);
	if (!ended)
		vtb_die(VTB_EXIT_ERROR, "%s: the trace has no @KT-END (cut short)", log);

	if (!found)
		vtb_die(VTB_EXIT_ERROR, "%s: the trace holds no \"vtb-guest: done\" line: no storm window", log);
	if (!best_n)
		vtb_die(VTB_EXIT_ERROR, "%s: no exits in the storm window", log);

	unsigned long in[VTB_EXIT__N] = {0}, outw[VTB_EXIT__N] = {0}, host_irq[MAX_IRQ_NAMES] = {0};
	json_t *by_ec = json_object();
	for (size_t i = 0; i < n_ex; i++) {
		int inside = i >= best && i < best + best_n;
		(inside ? in : outw)[ex[i].reason]++;
		if (!inside)
			continue;
		if (ex[i].irq >= 0)
			host_irq[ex[i].irq]++;
		if (ex[i].reason <= VTB_EXIT_SYNC_OTHER) {
			char key[40];
			snprintf(key, sizeof(key), "0x%02x_%s", ex[i].ec, ex[i].ecname);
			json_object_set_new(by_ec, key, json_integer(json_integer_value(json_object_get(by_ec, key)) + 1));
		}
	}
	/* Hypervisor time by reason, counter ticks, exits inside the window. */
	json_t *hyp = NULL;
	size_t hyp_missing = 0;
	if (hyp_events) {
		if (cntfrq <= 0)
			vtb_die(VTB_EXIT_ERROR, "%s: no guest.cntfrq: cannot turn the trace's ns into counter ticks", gsum);
		uint64_t *vals = malloc((best_n ? best_n : 1) * sizeof(*vals));
		if (!vals)
			vtb_die(VTB_EXIT_ERROR, "out of memory");
		hyp = json_object();
		for (int r = 0; r < VTB_EXIT__N; r++) {
			size_t k = 0;
			for (size_t i = best; i < best + best_n; i++) {
				if (ex[i].reason != r)
					continue;
				if (!ex[i].has_hyp) {
					hyp_missing++;
					continue;
				}
				/* ns -> ticks, rounded to the nearest (exact when the
				 * clock's ns are whole ticks, as at 62.5 MHz) */
				vals[k++] = (ex[i].hyp_ns * (uint64_t)cntfrq + 500000000u) / 1000000000u;
			}
			json_object_set_new(hyp, vtb_exit_reason_name(r), dist_json(vals, k));
		}
		free(vals);
	}
	json_t *irqs = json_object();
	for (int i = 0; i < n_irq_names; i++)
		if (host_irq[i])
			json_object_set_new(irqs, irq_names[i], json_integer((json_int_t)host_irq[i]));
	unsigned long tot_in = 0, tot_out = 0, irq_in = 0;
	for (int r = 0; r < VTB_EXIT__N; r++) {
		tot_in += in[r];
		tot_out += outw[r];
	}
	irq_in = in[VTB_EXIT_IRQ_VTIMER] + in[VTB_EXIT_IRQ_MAINT] + in[VTB_EXIT_IRQ_OTHER];

	json_t *v = json_pack("{s:s, s:{s:I, s:I, s:I}, s:{s:I, s:o, s:o}, s:o, s:{s:I, s:o}, s:{s:n, s:I}, s:n, "
			      "s:f, s:f}",
			      "id", "kvm-v0", "window", "first_exit", (json_int_t)best, "exits", (json_int_t)best_n,
			      "ticks", (json_int_t)taken, "exits", "total", (json_int_t)tot_in, "by_reason", by_reason(in),
			      "sync_by_ec", by_ec, "irq_exits_by_host_irq", irqs, "exits_outside_window", "total",
			      (json_int_t)tot_out, "by_reason", by_reason(outw), "ticks", "delivered", "guest_taken",
			      (json_int_t)taken, "exits_per_tick", "exits_per_guest_tick", (double)tot_in / (double)taken,
			      "irq_exits_per_tick", (double)irq_in / (double)taken);
	json_t *doc = json_pack("{s:s, s:s, s:{s:s, s:I, s:I}, s:s, s:I, s:[o], s:{s:s, s:s, s:I}}", "schema",
				VTB_SCHEMA_TRACE_SUMMARY, "source", "kvm-tracepoints", "input", "path", log, "events",
				(json_int_t)events, "exits", (json_int_t)n_ex, "time_unit", "counter_ticks", "cntfrq_hz",
				cntfrq, "vcpus", v, "guest", "vcpu", "kvm-v0", "path", gsum, "taken",
				(json_int_t)taken);
	if (!doc)
		vtb_die(VTB_EXIT_ERROR, "cannot build the summary");
	if (hyp) {
		json_object_set_new(v, "hyp_time", hyp);
		json_object_set_new(v, "hyp_time_missing", json_integer((json_int_t)hyp_missing));
		json_object_set_new(doc, "hyp_time_source",
				    json_string("tracefs hist trigger: kvm_entry common_timestamp - the vCPU's last "
						"kvm_exit's, trace_clock global (sched_clock of the arch counter), "
						"ns x cntfrq / 1e9"));
	}
	struct vtb_atomic af;
	if (vtb_atomic_open_path(&af, out) || json_dumpf(doc, af.f, JSON_INDENT(2)) || fputc('\n', af.f) == EOF ||
	    vtb_atomic_commit(&af)) {
		vtb_atomic_abort(&af);
		vtb_die(VTB_EXIT_ERROR, "%s: cannot write", out);
	}
	printf("kvm exits in the storm window: %lu (%.3f per tick, %lu ticks); outside: %lu\n", tot_in,
	       (double)tot_in / (double)taken, (unsigned long)taken, tot_out);
	for (int r = 0; r < VTB_EXIT__N; r++)
		if (in[r])
			printf("  %-12s %8lu  %.3f per tick\n", vtb_exit_reason_name(r), in[r], (double)in[r] / (double)taken);
	json_decref(doc);
	json_decref(gs);
	free(ex);
	free(buf);
	return 0;
}

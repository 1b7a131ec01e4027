/* vtb-guest: bare-metal vtimer storm. Reads the device tree, sets up the GIC
 * and the virtual timer, runs the storm, prints a @VTB report, powers off. */
#include "args.h"
#include "dt.h"
#include "gic.h"
#include "hist.h"
#include "hyp.h"
#include "vtb/protocol_writer.h"
#include "storm.h"
#include "sysreg.h"
#include <libfdt.h>

/* Set by start.S before .bss is cleared, hence in .data. */
__attribute__((section(".data"))) volatile int guest_mmu_failed = 0;
__attribute__((section(".data"))) volatile int guest_bad_reloc = 0;

/* The prebuilt Debian libfdt.a is built with -fstack-protector-strong. */
uintptr_t __stack_chk_guard = 0x5a17c0de9e3779b9ull;
__attribute__((noreturn)) void __stack_chk_fail(void);
void __stack_chk_fail(void)
{
	guest_die("stack protector: stack smashed in libfdt");
}

static const char *const exc_names[] = {
	"sync (SP0)", "irq (SP0)", "fiq (SP0)", "serror (SP0)",
	"sync", "irq", "fiq", "serror",
	"sync (lower EL)", "irq (lower EL)", "fiq (lower EL)", "serror (lower EL)",
	"sync (lower EL32)", "irq (lower EL32)", "fiq (lower EL32)", "serror (lower EL32)",
};

__attribute__((noreturn)) void guest_fatal_exception(uint64_t kind, uint64_t esr, uint64_t elr, uint64_t far);
void guest_fatal_exception(uint64_t kind, uint64_t esr, uint64_t elr, uint64_t far)
{
	char buf[160];
	struct vtb_text sb;
	vtb_text_init(&sb, buf, sizeof(buf));
	vtb_text_puts(&sb, "unexpected exception ");
	vtb_text_puts(&sb, kind < 16 ? exc_names[kind] : "?");
	vtb_text_puts(&sb, " esr=0x");
	vtb_text_hex(&sb, esr, 0);
	vtb_text_puts(&sb, " elr=0x");
	vtb_text_hex(&sb, elr, 0);
	vtb_text_puts(&sb, " far=0x");
	vtb_text_hex(&sb, far, 0);
	guest_die(buf);
}

static void sink_console(const char *line, size_t len, void *ctx)
{
	(void)ctx;
	guest_console_write(line, len);
}

/* Logical CPUs: 0 is the boot CPU, then the others in /cpus order. */
static unsigned ncpus = 1;
static uint64_t cpu_mpidr[VTB_MAX_CPUS];
static struct storm_result cpu_res[VTB_MAX_CPUS];

static void emit_report(const struct storm_config *cfg, const struct storm_result *res)
{
	const struct storm_args *a = cfg->args;
	char payload[VTB_PROTO_LINE_MAX];
	struct vtb_text sb;
	struct vtb_pw w;

	vtb_pw_init(&w, sink_console, 0);

	vtb_text_init(&sb, payload, sizeof(payload));
	vtb_text_puts(&sb, "guest=baremetal");
	vtb_text_kv_str(&sb, "mode", guest_mode_name(a->mode));
	/* Totals over the vCPUs, so that taken + lost = ticks still holds. */
	vtb_text_kv_u64(&sb, "ticks", a->ticks * ncpus);
	vtb_text_kv_u64(&sb, "cntfrq", cfg->cntfrq);
	vtb_text_kv_u64(&sb, "intid", cfg->vtimer_intid);
	vtb_text_kv_str(&sb, "record", guest_record_name(a->record));
	vtb_text_kv_u64(&sb, "period", a->mode == MODE_PERIODIC ? cfg->period : 0);
	vtb_text_kv_u64(&sb, "rmin", a->mode == MODE_RANDOM ? cfg->rmin : 0);
	vtb_text_kv_u64(&sb, "rmax", a->mode == MODE_RANDOM ? cfg->rmax : 0);
	vtb_text_kv_u64(&sb, "seed", a->mode == MODE_RANDOM ? a->seed : 0);
	vtb_text_kv_u64(&sb, "hist_shift", a->record == REC_HIST ? a->hist_shift : 0);
	vtb_text_kv_str(&sb, "idle", guest_idle_name(a->idle));
	vtb_text_kv_str(&sb, "order", guest_order_name(a->order));
	vtb_text_kv_u64(&sb, "timeout", cfg->timeout);
	/* Only for several vCPUs: a one-vCPU report stays as it was, and its H
	 * line short enough for a dom0less domU's 200-byte console lines. */
	if (ncpus > 1) {
		vtb_text_kv_u64(&sb, "cpus", ncpus);
		vtb_text_kv_u64(&sb, "cpu_ticks", a->ticks);
	}
	vtb_pw_line(&w, 'H', payload);

	if (a->record == REC_SAMPLES) {
		for (uint64_t i = 0; i < res->taken; i++)
			vtb_pw_sample(&w, res->samples[i]);
	} else {
		unsigned n = guest_hist_nbuckets(a->hist_shift);
		for (unsigned i = 0; i < n; i++)
			if (res->hist[i])
				vtb_pw_bucket(&w, guest_hist_lo(i, a->hist_shift), res->hist[i]);
	}

	vtb_text_init(&sb, payload, sizeof(payload));
	vtb_text_puts(&sb, "taken=");
	vtb_text_u64(&sb, res->taken);
	vtb_text_kv_u64(&sb, "lost", res->lost);
	vtb_text_kv_u64(&sb, "spurious", res->spurious);
	vtb_text_kv_u64(&sb, "other", res->other);
	vtb_text_kv_u64(&sb, "min", res->min);
	vtb_text_kv_u64(&sb, "max", res->max);
	vtb_text_kv_u64(&sb, "sum", res->sum);
	vtb_text_kv_u64(&sb, "elapsed", res->elapsed);
	for (unsigned c = 0; c < ncpus && ncpus > 1; c++) {
		char key[24];
		struct vtb_text k;
		static const char *const what[] = { "taken", "lost", "spurious" };
		const uint64_t val[] = { cpu_res[c].taken, cpu_res[c].lost, cpu_res[c].spurious };
		for (unsigned w = 0; w < 3; w++) {
			vtb_text_init(&k, key, sizeof(key));
			vtb_text_puts(&k, "cpu");
			vtb_text_u64(&k, c);
			vtb_text_puts(&k, "_");
			vtb_text_puts(&k, what[w]);
			vtb_text_kv_u64(&sb, key, val[w]);
		}
	}
	vtb_pw_line(&w, 'T', payload);
	vtb_pw_end(&w);
	if (w.overflow)
		guest_die("report line too long (bug)");
}

static void print_params(const struct platform *p, const struct storm_config *cfg)
{
	const struct storm_args *a = cfg->args;
	char buf[VTB_PROTO_LINE_MAX];
	struct vtb_text sb;
	vtb_text_init(&sb, buf, sizeof(buf));
	vtb_text_puts(&sb, "vtb-guest: vtimer storm");
	vtb_text_kv_str(&sb, "mode", guest_mode_name(a->mode));
	vtb_text_kv_u64(&sb, "ticks", a->ticks);
	vtb_text_kv_u64(&sb, "period_ns", a->period_ns);
	vtb_text_kv_u64(&sb, "rmin_ns", a->rmin_ns);
	vtb_text_kv_u64(&sb, "rmax_ns", a->rmax_ns);
	vtb_text_kv_u64(&sb, "seed", a->seed);
	vtb_text_kv_str(&sb, "record", guest_record_name(a->record));
	vtb_text_kv_str(&sb, "idle", guest_idle_name(a->idle));
	vtb_text_kv_str(&sb, "order", guest_order_name(a->order));
	vtb_text_kv_u64(&sb, "timeout_ns", a->timeout_ns);
	/* Two lines: a domU's console lines are cut at 200 bytes by Xen. */
	vtb_text_puts(&sb, "\nvtb-guest: found");
	vtb_text_kv_u64(&sb, "cntfrq", cfg->cntfrq);
	vtb_text_kv_u64(&sb, "intid", cfg->vtimer_intid);
	vtb_text_kv_u64(&sb, "wdog_intid", cfg->wdog_intid);
	vtb_text_puts(&sb, " gicd=0x");
	vtb_text_hex(&sb, p->gicd, 0);
	vtb_text_puts(&sb, p->sbsa_uart ? " console=sbsa-uart"
		: (!p->xen && p->pl011) ? " console=pl011" : " console=xen");
	vtb_text_kv_u64(&sb, "cpus", ncpus);
	vtb_text_kv_u64(&sb, "dt_cpus", p->n_cpus);
	vtb_text_puts(&sb, "\n");
	guest_console_write(buf, sb.len);
	for (unsigned c = 0; c < ncpus; c++) {
		vtb_text_init(&sb, buf, sizeof(buf));
		vtb_text_puts(&sb, "vtb-guest: cpu");
		vtb_text_u64(&sb, c);
		vtb_text_puts(&sb, " mpidr=0x");
		vtb_text_hex(&sb, cpu_mpidr[c], 0);
		vtb_text_puts(&sb, " gicr=0x");
		vtb_text_hex(&sb, guest_gic_redist_base(c), 0);
		vtb_text_puts(&sb, "\n");
		guest_console_write(buf, sb.len);
	}
}

static struct storm_args args; /* defined below, with the other shared state */

static void print_stats(const char *who, const struct storm_result *res)
{
	char buf[256];
	struct vtb_text sb;
	vtb_text_init(&sb, buf, sizeof(buf));
	vtb_text_puts(&sb, "vtb-guest: ");
	vtb_text_puts(&sb, who);
	vtb_text_puts(&sb, "done");
	vtb_text_kv_u64(&sb, "taken", res->taken);
	vtb_text_kv_u64(&sb, "lost", res->lost);
	vtb_text_kv_u64(&sb, "spurious", res->spurious);
	vtb_text_kv_u64(&sb, "other", res->other);
	vtb_text_kv_u64(&sb, "gic_spurious", res->gic_spurious);
	vtb_text_kv_u64(&sb, "wdog_armed", res->wdog_armed);
	vtb_text_kv_u64(&sb, "wdog_fired", res->wdog_fired);
	if (args.ispend) {
		vtb_text_kv_u64(&sb, "ispend_made", res->ispend_made);
		vtb_text_kv_u64(&sb, "ispend_taken", res->ispend_taken);
	}
	vtb_text_puts(&sb, "\n");
	guest_console_write(buf, sb.len);
}

/* Shared with the secondaries: written by the boot CPU before CPU_ON. */
static struct platform plat;
static struct storm_args args;
static struct storm_config cfg;
static volatile int cpu_ready[VTB_MAX_CPUS]; /* 1 up, -1 failed (reason in cpu_err) */
static volatile int cpu_done[VTB_MAX_CPUS];
static volatile int storm_go;
static char cpu_err[VTB_MAX_CPUS][160];

/* start.S: entry point for PSCI CPU_ON. Logical CPU i >= 1 uses entry i - 1
 * of guest_secondary_stacks, whose end is guest_secondary_stacks + i * SECONDARY_STACK
 * (start.S shifts by the same 14). CPU 0 keeps the boot stack. */
#define SECONDARY_STACK (1u << 14)
extern char guest_secondary_entry[];
__attribute__((aligned(16))) uint8_t guest_secondary_stacks[VTB_MAX_CPUS - 1][SECONDARY_STACK];

/* Start the storm on a counter-tick edge, so that its figures do not
 * depend on how many instructions ran before it (docs/guest-kernel.md,
 * "Start phase"). Under QEMU icount the counter ticks every 16
 * instructions; a loop of exactly 17 instructions per counter read moves
 * its read one instruction later within the tick on every turn, and the
 * first time two reads differ by 2 the read came on the edge itself. That
 * is exact to the instruction, where a plain "spin until the counter
 * changes" would be exact only to its loop length. Elsewhere (realtime,
 * hardware) the loop is a short wait: at most 64 turns. The 17 are
 * counted in the asm below and must stay so. */
static void storm_sync_to_tick_edge(void)
{
	uint64_t prev, cur, turns = 64;

	__asm__ volatile(
		"isb\n\t"
		"mrs	%[cur], cntvct_el0\n"
		"1:\n\t"
		"mov	%[prev], %[cur]\n\t"		/*  1 */
		"nop\n\tnop\n\tnop\n\tnop\n\tnop\n\t"	/*  6 */
		"nop\n\tnop\n\tnop\n\tnop\n\t"		/* 10 */
		"isb\n\t"				/* 11 */
		"mrs	%[cur], cntvct_el0\n\t"		/* 12 */
		"sub	%[prev], %[cur], %[prev]\n\t"	/* 13 */
		"cmp	%[prev], #2\n\t"			/* 14 */
		"b.eq	2f\n\t"				/* 15 */
		"subs	%[turns], %[turns], #1\n\t"	/* 16 */
		"b.ne	1b\n"				/* 17 */
		"2:\n"
		: [prev] "=&r"(prev), [cur] "=&r"(cur), [turns] "+r"(turns)
		:
		: "cc", "memory");
}

static void enable_storm_ppis(void)
{
	guest_gic_enable_ppi(cfg.vtimer_intid, 0xa0);
	if (cfg.wdog_intid)
		guest_gic_enable_ppi(cfg.wdog_intid, 0xa0);
}

__attribute__((noreturn)) void guest_secondary_main(uint64_t idx);
void guest_secondary_main(uint64_t idx)
{
	struct vtb_text err;
	vtb_text_init(&err, cpu_err[idx], sizeof(cpu_err[idx]));
	if (guest_gic_init_cpu(&plat, &err)) {
		dsb(ish);
		cpu_ready[idx] = -1;
		sev();
		guest_cpu_off();
	}
	enable_storm_ppis();
	dsb(ish);
	cpu_ready[idx] = 1;
	sev();
	while (!storm_go)
		wfe();
	storm_sync_to_tick_edge();
	guest_storm_run(&cfg, &cpu_res[idx]);
	dsb(ish);
	cpu_done[idx] = 1;
	guest_gic_send_sgi(STORM_SGI_DONE, cpu_mpidr[0]);
	guest_cpu_off();
}

#define MPIDR_AFF_MASK 0xff00ffffffull

/* Picks the logical CPUs: the boot CPU, then the others in /cpus order. */
static void choose_cpus(void)
{
	unsigned avail = plat.n_cpus ? (plat.n_cpus < DT_MAX_CPUS ? plat.n_cpus : DT_MAX_CPUS) : 1;
	unsigned want = args.cpus ? (unsigned)args.cpus : (avail < VTB_MAX_CPUS ? avail : VTB_MAX_CPUS);
	char buf[120];
	struct vtb_text sb;
	if (want > avail) {
		vtb_text_init(&sb, buf, sizeof(buf));
		vtb_text_puts(&sb, "bootargs: cpus=");
		vtb_text_u64(&sb, want);
		vtb_text_puts(&sb, " but the device tree lists ");
		vtb_text_u64(&sb, avail);
		vtb_text_puts(&sb, " CPU(s)");
		guest_die(buf);
	}
	cpu_mpidr[0] = read_sysreg(mpidr_el1) & MPIDR_AFF_MASK;
	ncpus = 1;
	for (unsigned i = 0; i < avail && i < plat.n_cpus && ncpus < want; i++)
		if ((plat.cpu_mpidr[i] & MPIDR_AFF_MASK) != cpu_mpidr[0])
			cpu_mpidr[ncpus++] = plat.cpu_mpidr[i] & MPIDR_AFF_MASK;
	if (ncpus < want)
		guest_die("device tree /cpus does not list enough CPUs besides the boot CPU");
}

static void start_secondaries(void)
{
	char buf[200];
	struct vtb_text sb;
	for (unsigned i = 1; i < ncpus; i++) {
		int64_t rc = guest_psci_cpu_on(cpu_mpidr[i], (uintptr_t)guest_secondary_entry, i);
		vtb_text_init(&sb, buf, sizeof(buf));
		vtb_text_puts(&sb, "cpu");
		vtb_text_u64(&sb, i);
		vtb_text_puts(&sb, " (mpidr 0x");
		vtb_text_hex(&sb, cpu_mpidr[i], 0);
		if (rc != 0) {
			vtb_text_puts(&sb, "): PSCI CPU_ON failed, status ");
			vtb_text_puts(&sb, rc < 0 ? "-" : "");
			vtb_text_u64(&sb, rc < 0 ? (uint64_t)-rc : (uint64_t)rc);
			guest_die(buf);
		}
		/* WFE: under Xen a trapped yield, so the new vCPU gets the pCPU. */
		uint64_t t0 = counter_now();
		while (!cpu_ready[i]) {
			if (counter_now() - t0 > 5 * cfg.cntfrq) {
				vtb_text_puts(&sb, "): not up 5 s after CPU_ON");
				guest_die(buf);
			}
			wfe();
		}
		if (cpu_ready[i] < 0) {
			vtb_text_puts(&sb, "): ");
			vtb_text_puts(&sb, cpu_err[i]);
			guest_die(buf);
		}
	}
}

/* Sleeps until every secondary has finished its storm (its SGI wakes us). */
static void wait_secondaries(void)
{
	guest_gic_enable_ppi(STORM_SGI_DONE, 0xa0);
	for (;;) {
		irq_unmask();
		isb();
		irq_mask();
		unsigned done = 1;
		for (unsigned i = 1; i < ncpus; i++)
			done += cpu_done[i] ? 1 : 0;
		if (done == ncpus)
			break;
		wfi();
	}
	dsb(ish);
}

void guest_main(const void *fdt);
void guest_main(const void *fdt)
{
	static struct storm_result res;
	char errbuf[256];
	struct vtb_text err;

	vtb_text_init(&err, errbuf, sizeof(errbuf));
	/* Until the tree says otherwise, assume Xen's console (dom0's case). */
	guest_console_use_xen();
	if (fdt_check_header(fdt) == 0) {
		guest_dt_probe_console(fdt, &plat);
		if (plat.sbsa_uart)
			guest_console_use_pl011((uintptr_t)plat.sbsa_uart);
		else if (!plat.xen && plat.pl011)
			guest_console_use_pl011((uintptr_t)plat.pl011);
		guest_psci_set_conduit_smc(plat.psci_smc);
	}
	if (guest_mmu_failed)
		guest_die("image or device tree above 512 GiB: MMU not enabled");
	if (guest_bad_reloc)
		guest_die("image has a relocation other than R_AARCH64_RELATIVE");
	if (guest_dt_probe(fdt, &plat, &err))
		guest_die(errbuf);

	guest_args_defaults(&args);
	vtb_text_init(&err, errbuf, sizeof(errbuf));
	vtb_text_puts(&err, "bootargs: ");
	if (guest_args_parse(plat.bootargs, &args, &err))
		guest_die(errbuf);

	cfg.args = &args;
	cfg.cntfrq = read_sysreg(cntfrq_el0);
	if (cfg.cntfrq == 0)
		guest_die("CNTFRQ_EL0 is 0");
	cfg.period = guest_ns_to_ticks(args.period_ns, cfg.cntfrq);
	cfg.rmin = guest_ns_to_ticks(args.rmin_ns, cfg.cntfrq);
	cfg.rmax = guest_ns_to_ticks(args.rmax_ns, cfg.cntfrq);
	cfg.timeout = guest_ns_to_ticks(args.timeout_ns, cfg.cntfrq);
	if (args.mode == MODE_PERIODIC && cfg.period == 0)
		guest_die("period_ns is below one counter tick");
	if (cfg.timeout == 0)
		guest_die("timeout_ns is below one counter tick");
	cfg.vtimer_intid = plat.vtimer_intid;
	cfg.wdog_intid = args.idle == IDLE_WFI ? plat.ptimer_intid : 0;

	choose_cpus();

	vtb_text_init(&err, errbuf, sizeof(errbuf));
	if (guest_gic_init(&plat, &err))
		guest_die(errbuf);
	enable_storm_ppis();
	start_secondaries();

	print_params(&plat, &cfg);
	if (args.disabled_wfi_ns) {
		char buf[96];
		struct vtb_text sb;
		uint64_t returns = guest_storm_disabled_wfi(&cfg);
		vtb_text_init(&sb, buf, sizeof(buf));
		vtb_text_puts(&sb, "vtb-guest: disabled-wfi");
		vtb_text_kv_u64(&sb, "ns", args.disabled_wfi_ns);
		vtb_text_kv_u64(&sb, "wfi_returns", returns);
		vtb_text_puts(&sb, "\n");
		guest_console_write(buf, sb.len);
	}
	guest_console_drain(cfg.cntfrq); /* 1 s at most */
	dsb(ish);
	storm_go = 1;
	sev();
	storm_sync_to_tick_edge();
	guest_storm_run(&cfg, &cpu_res[0]);
	wait_secondaries();
	for (unsigned c = 0; c < ncpus && ncpus > 1; c++) {
		char who[16];
		struct vtb_text w;
		vtb_text_init(&w, who, sizeof(who));
		vtb_text_puts(&w, "cpu");
		vtb_text_u64(&w, c);
		vtb_text_puts(&w, " ");
		print_stats(who, &cpu_res[c]);
	}
	guest_storm_merge(&args, cpu_res, ncpus, &res);
	print_stats("", &res);
	emit_report(&cfg, &res);
	guest_system_off();
}

#include "storm.h"
#include "gic.h"
#include "hist.h"
#include "sysreg.h"
#include <string.h>

/* Storage sized for the largest run record=samples accepts, per CPU, laid
 * out CPU after CPU so that guest_storm_merge() can make the samples contiguous. */
static uint32_t samples[VTB_MAX_CPUS][SAMPLES_MAX];
static uint64_t hist[VTB_MAX_CPUS][HIST_BUCKETS_MAX];

/* Per CPU, shared between that CPU's storm loop and its IRQ handler. */
struct cpu_state {
	const struct storm_config *cfg;
	volatile int armed;  /* a deadline is programmed and not yet delivered */
	volatile int fired;  /* the armed deadline was delivered */
	volatile int wdog_fired;
	uint64_t ispend_out;  /* self-pends not delivered back yet */
	uint64_t last_entry; /* handler-entry counter of the last delivered tick */
	struct storm_result *volatile res;
	uint64_t wdog_deadline;
	int wdog_on;
} __attribute__((aligned(64)));
static struct cpu_state cpu_st[VTB_MAX_CPUS];

static void record(struct cpu_state *st, uint64_t lat)
{
	struct storm_result *r = st->res;
	unsigned cpu = this_cpu();
	uint32_t v = lat > UINT32_MAX ? UINT32_MAX : (uint32_t)lat;
	if (st->cfg->args->record == REC_SAMPLES)
		samples[cpu][r->taken] = v;
	else
		hist[cpu][guest_hist_index(v, st->cfg->args->hist_shift)]++;
	if (r->taken == 0 || lat < r->min)
		r->min = lat;
	if (lat > r->max)
		r->max = lat;
	r->sum += lat;
	r->taken++;
}

/* ispend=: with the tick still active (before its EOI), pend the timer PPI
 * again through the redistributor, then block in WFI for ispend_sleep_ns so
 * that Xen switches this vCPU out while the pend is outstanding. The pend
 * must come back to this vCPU after the EOI, and to no other vCPU or
 * domain. The sleep ends on the EL1 physical timer (the watchdog's), whose
 * interrupt, taken after the EOI, is counted as a watchdog expiry. */
static void storm_self_pend(struct cpu_state *st)
{
	const struct storm_config *cfg = st->cfg;
	guest_gic_ppi(GIC_PPI_PEND, cfg->vtimer_intid);
	st->ispend_out++;
	st->res->ispend_made++;
	uint64_t rel = guest_ns_to_ticks(cfg->args->ispend_sleep_ns, cfg->cntfrq);
	write_sysreg(rel ? rel : 1, cntp_tval_el0);
	write_sysreg(CNT_CTL_ENABLE, cntp_ctl_el0);
	isb();
	while (!(read_sysreg(cntp_ctl_el0) & CNT_CTL_ISTATUS))
		wfi();
	write_sysreg(0, cntp_ctl_el0);
	isb();
	st->wdog_on = 0; /* its deadline was overwritten: re-armed by wdog_cover */
}

/* Called from the IRQ vector with the counter read at entry. */
/* profiler/ ends each tick's window at this symbol's entry: keep the name. */
void guest_irq_handler(uint64_t t_entry);
void guest_irq_handler(uint64_t t_entry)
{
	struct cpu_state *st = &cpu_st[this_cpu()];
	uint32_t iar = gic_ack();
	unsigned id = iar & 0xffffffu;

	if (id >= GIC_INTID_SPURIOUS_MIN) {
		/* Nothing to acknowledge: no EOI for 1020-1023. */
		if (st->res)
			st->res->gic_spurious++;
		return;
	}
	if (!st->res || id == STORM_SGI_DONE) {
		/* The done doorbell only wakes the boot CPU: not a storm event. */
		gic_eoi(iar);
		return;
	}
	if (id == st->cfg->vtimer_intid) {
		uint64_t ctl = read_sysreg(cntv_ctl_el0);
		uint64_t cval = read_sysreg(cntv_cval_el0);
		if (!st->armed || !(ctl & CNT_CTL_ISTATUS) || t_entry < cval) {
			/* Not the programmed deadline firing: leave the timer alone,
			 * the real condition (if any) will raise it again. A pend
			 * of our own (ispend=) coming back is not spurious. */
			if (st->ispend_out) {
				st->ispend_out--;
				st->res->ispend_taken++;
			} else {
				st->res->spurious++;
			}
		} else {
			record(st, t_entry - cval);
			/* Level-triggered: drop the line before EOI. */
			write_sysreg(CNT_CTL_ENABLE | CNT_CTL_IMASK, cntv_ctl_el0);
			isb();
			st->last_entry = t_entry;
			st->armed = 0;
			st->fired = 1;
			if (st->cfg->args->ispend && st->res->taken % st->cfg->args->ispend == 0)
				storm_self_pend(st);
		}
	} else if (st->cfg->wdog_intid && id == st->cfg->wdog_intid) {
		write_sysreg(0, cntp_ctl_el0);
		isb();
		st->wdog_fired = 1;
		st->res->wdog_fired++;
	} else {
		st->res->other++;
	}
	gic_eoi(iar);
}

static uint64_t xorshift64(uint64_t *s)
{
	uint64_t x = *s;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return x;
}

static void arm_vtimer(struct cpu_state *st, uint64_t deadline, enum arm_order order)
{
	st->armed = 1;
	if (order == ORDER_CVAL_FIRST) {
		write_sysreg(deadline, cntv_cval_el0);
		isb();
		write_sysreg(CNT_CTL_ENABLE, cntv_ctl_el0);
	} else {
		/* The race: enabled and unmasked while CVAL still holds the old,
		 * passed deadline, so the condition is briefly true. */
		write_sysreg(CNT_CTL_ENABLE, cntv_ctl_el0);
		isb();
		write_sysreg(deadline, cntv_cval_el0);
		/* unmask-exit: then one exit to the hypervisor (an emulated
		 * distributor read) before the unmask, where it can see that
		 * the level it forwarded has dropped. */
		if (order == ORDER_UNMASK_EXIT) {
			isb();
			(void)guest_gic_dist_ctlr();
		}
	}
	isb();
}

/* idle=wfi needs something to end a WFI whose tick never comes: the EL1
 * physical timer, re-armed lazily so that it costs about two writes per
 * 'timeout' of storm time, not per tick, and normally never fires. */
static void wdog_cover(struct cpu_state *st, uint64_t deadline, struct storm_result *res)
{
	const struct storm_config *cfg = st->cfg;
	if (!cfg->wdog_intid)
		return;
	if (st->wdog_on && st->wdog_deadline >= deadline + cfg->timeout)
		return;
	/* The physical counter runs ahead of the virtual one by CNTVOFF, so
	 * program a relative value (TVAL) instead of converting the deadline. */
	uint64_t now = counter_now();
	st->wdog_deadline = deadline + 2 * cfg->timeout;
	uint64_t rel = st->wdog_deadline > now ? st->wdog_deadline - now : 1;
	if (rel > INT32_MAX)
		rel = INT32_MAX;
	write_sysreg(rel, cntp_tval_el0);
	write_sysreg(CNT_CTL_ENABLE, cntp_ctl_el0);
	isb();
	st->wdog_on = 1;
	res->wdog_armed++;
}

/* Waits with IRQs masked on entry and exit; returns 1 if the tick came.
 * An interrupt already pending is always taken before the timeout is
 * checked, so a tick armed after its own give-up time (a backlog in periodic
 * mode) is still delivered, late, rather than counted lost unseen. */
static int wait_tick(struct cpu_state *st, uint64_t deadline, struct storm_result *res)
{
	const struct storm_config *cfg = st->cfg;
	uint64_t give_up = deadline + cfg->timeout;
	if (cfg->args->idle == IDLE_SPIN) {
		irq_unmask();
		isb();
		while (!st->fired && counter_now() <= give_up)
			;
		irq_mask();
		return st->fired;
	}
	for (;;) {
		irq_unmask();
		isb();
		irq_mask();
		if (st->fired || counter_now() > give_up)
			return st->fired;
		if (st->wdog_fired) {
			st->wdog_fired = 0;
			st->wdog_on = 0;
			wdog_cover(st, deadline, res);
		}
		/* Masked WFI still wakes on a pending IRQ, which the unmask at the
		 * top of the loop then takes: no wakeup is lost in between. */
		wfi();
	}
}

void guest_storm_run(const struct storm_config *cfg, struct storm_result *res)
{
	const struct storm_args *a = cfg->args;
	struct cpu_state *st = &cpu_st[this_cpu()];
	uint64_t rng = a->seed;
	uint64_t deadline = 0, first = 0;

	*res = (struct storm_result){ 0 };
	irq_mask();
	st->cfg = cfg;
	st->armed = 0;
	st->fired = 0;
	st->wdog_on = 0;
	st->ispend_out = 0;
	st->res = res;

	/* Start masked, with a deadline in the past, so unmask-first has a stale
	 * CVAL to race against from the first tick on. */
	write_sysreg(CNT_CTL_ENABLE | CNT_CTL_IMASK, cntv_ctl_el0);
	write_sysreg(0, cntv_cval_el0);
	isb();

	for (uint64_t i = 0; i < a->ticks; i++) {
		uint64_t now = counter_now();
		switch (a->mode) {
		case MODE_PERIODIC:
			deadline = i == 0 ? now + cfg->period : deadline + cfg->period;
			break;
		case MODE_B2B:
			deadline = now;
			break;
		case MODE_RANDOM:
			deadline = now + cfg->rmin + xorshift64(&rng) % (cfg->rmax - cfg->rmin + 1);
			break;
		}
		if (i == 0)
			first = deadline;
		st->fired = 0;
		wdog_cover(st, deadline, res);
		arm_vtimer(st, deadline, a->order);
		if (!wait_tick(st, deadline, res)) {
			res->lost++;
			st->armed = 0;
			write_sysreg(CNT_CTL_ENABLE | CNT_CTL_IMASK, cntv_ctl_el0);
			isb();
		}
	}

	write_sysreg(0, cntv_ctl_el0);
	if (cfg->wdog_intid)
		write_sysreg(0, cntp_ctl_el0);
	isb();
	res->elapsed = res->taken ? st->last_entry - first : 0;
	res->first = first;
	res->last = res->taken ? st->last_entry : first;
	res->samples = samples[this_cpu()];
	res->hist = hist[this_cpu()];
	st->res = 0;
}

uint64_t guest_storm_disabled_wfi(const struct storm_config *cfg)
{
	uint64_t returns = 0;
	irq_mask();
	guest_gic_ppi(GIC_PPI_DISABLE, cfg->vtimer_intid);
	/* Expired at once and unmasked: the level is high for the whole
	 * window, but the vIRQ cannot be delivered. */
	write_sysreg(0, cntv_cval_el0);
	isb();
	write_sysreg(CNT_CTL_ENABLE, cntv_ctl_el0);
	uint64_t rel = guest_ns_to_ticks(cfg->args->disabled_wfi_ns, cfg->cntfrq);
	write_sysreg(rel ? rel : 1, cntp_tval_el0);
	write_sysreg(CNT_CTL_ENABLE, cntp_ctl_el0);
	isb();
	while (!(read_sysreg(cntp_ctl_el0) & CNT_CTL_ISTATUS)) {
		wfi();
		returns++;
	}
	write_sysreg(0, cntp_ctl_el0);
	write_sysreg(0, cntv_ctl_el0);
	isb();
	guest_gic_ppi(GIC_PPI_ENABLE, cfg->vtimer_intid);
	/* Take (and EOI, outside any storm) what the window left behind: the
	 * physical timer's interrupt, and a timer vIRQ still in flight. */
	irq_unmask();
	isb();
	for (volatile int i = 0; i < 1000; i++)
		;
	irq_mask();
	return returns;
}

void guest_storm_merge(const struct storm_args *a, const struct storm_result *per, unsigned n,
		 struct storm_result *out)
{
	uint64_t first = 0, last = 0;
	*out = (struct storm_result){ 0 };
	for (unsigned c = 0; c < n; c++) {
		const struct storm_result *r = &per[c];
		if (r->taken) {
			if (out->taken == 0 || r->min < out->min)
				out->min = r->min;
			if (r->max > out->max)
				out->max = r->max;
			if (out->taken == 0 || r->first < first)
				first = r->first;
			if (r->last > last)
				last = r->last;
		}
		/* CPU c's samples go right after those of CPUs 0..c-1: a move
		 * down (or in place) within samples[][], which is contiguous. */
		if (a->record == REC_SAMPLES && r->taken)
			memmove(&samples[0][0] + out->taken, r->samples, r->taken * sizeof(uint32_t));
		if (a->record == REC_HIST && c > 0)
			for (unsigned b = 0; b < guest_hist_nbuckets(a->hist_shift); b++)
				hist[0][b] += r->hist[b];
		out->taken += r->taken;
		out->lost += r->lost;
		out->spurious += r->spurious;
		out->other += r->other;
		out->sum += r->sum;
		out->wdog_fired += r->wdog_fired;
		out->wdog_armed += r->wdog_armed;
		out->gic_spurious += r->gic_spurious;
		out->ispend_made += r->ispend_made;
		out->ispend_taken += r->ispend_taken;
	}
	out->elapsed = out->taken ? last - first : 0;
	out->first = first;
	out->last = last;
	out->samples = &samples[0][0];
	out->hist = hist[0];
}

#include "xtr_analyze.h"

#include <stdlib.h>
#include <string.h>

#include "xtr_events.h"

enum vtb_exit_reason xtr_reason_of_ec(uint32_t ec)
{
	switch (ec) {
	case 0x12: case 0x16: return VTB_EXIT_SYNC_HVC;
	case 0x13: case 0x17: return VTB_EXIT_SYNC_SMC;
	case 0x01: return VTB_EXIT_SYNC_WFX;
	case 0x03: case 0x04: case 0x05: case 0x06: case 0x0c: case 0x18:
		return VTB_EXIT_SYNC_SYSREG;
	case 0x24: return VTB_EXIT_SYNC_DABT;
	case 0x20: return VTB_EXIT_SYNC_IABT;
	default: return VTB_EXIT_SYNC_OTHER;
	}
}

int xtr_an_init(struct xtr_an *a)
{
	memset(a, 0, sizeof(*a));
	return 0;
}

void xtr_an_free(struct xtr_an *a)
{
	if (a->vcpu)
		for (unsigned i = 0; i < a->nvcpu; i++) {
			for (int r = 0; r < VTB_EXIT__N; r++)
				xtr_hist_free(&a->vcpu[i].hyp[r]);
			for (int s = 0; s < VTB_STAGE__N; s++)
				xtr_hist_free(&a->vcpu[i].stage[s]);
		}
	free(a->pcpu);
	free(a->vcpu);
	a->pcpu = 0;
	a->vcpu = 0;
}

static inline unsigned vhash(uint32_t dv)
{
	return (dv * 2654435761u) >> 24;
}

static struct xtr_vcpu *vcpu_get(struct xtr_an *a, uint32_t dv)
{
	if (a->last_vi && a->last_dv == dv)
		return &a->vcpu[a->last_vi - 1];
	unsigned h = vhash(dv);
	for (unsigned i = 0; i < 256; i++, h = (h + 1) & 255) {
		int s = a->vslot[h];
		if (s == 0)
			break;
		if (a->vcpu[s - 1].dv == dv) {
			a->last_dv = dv;
			a->last_vi = s;
			return &a->vcpu[s - 1];
		}
	}
	if (a->nvcpu >= a->vcap) {
		unsigned cap = a->vcap ? 2 * a->vcap : 4;
		struct xtr_vcpu *nv = a->nvcpu < XTR_MAX_VCPUS ? realloc(a->vcpu, cap * sizeof(*nv)) : NULL;
		if (!nv) {
			a->an.vcpu_table_full++;
			return NULL;
		}
		memset(nv + a->vcap, 0, (cap - a->vcap) * sizeof(*nv));
		a->vcpu = nv;
		a->vcap = cap;
	}
	struct xtr_vcpu *v = &a->vcpu[a->nvcpu++];
	v->dv = dv;
	a->vslot[h] = (int16_t)a->nvcpu;
	return v;
}

const struct xtr_vcpu *xtr_an_find(const struct xtr_an *a, uint32_t dv)
{
	for (unsigned i = 0; i < a->nvcpu; i++)
		if (a->vcpu[i].dv == dv)
			return &a->vcpu[i];
	return NULL;
}

static inline void count_event(struct xtr_an *a, uint32_t ev)
{
	unsigned h = (ev * 2654435761u) >> 20; /* 12 bits: XTR_EVCOUNT_SLOTS */
	for (unsigned i = 0; i < XTR_EVCOUNT_SLOTS; i++, h = (h + 1) & (XTR_EVCOUNT_SLOTS - 1)) {
		if (a->ev_id[h] == ev) {
			a->ev_n[h]++;
			return;
		}
		if (a->ev_id[h] == 0) {
			if (a->nev >= XTR_EVCOUNT_SLOTS / 2) /* keep probes short */
				break;
			a->ev_id[h] = ev;
			a->ev_n[h] = 1;
			a->nev++;
			return;
		}
	}
	a->an.event_table_full++;
}

static int cmp_u32(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
	return a < b ? -1 : a > b;
}

int xtr_an_guest_vcpu(const struct xtr_an *a, uint32_t *dv)
{
	int best = -1, best_domu = 0;
	uint64_t best_ticks = 0;

	for (unsigned i = 0; i < a->nvcpu; i++) {
		const struct xtr_vcpu *v = &a->vcpu[i];
		uint32_t dom = v->dv >> 16;
		int domu = dom != 0;
		if (dom == XTR_DV_IDLE_DOM || !v->ticks_delivered)
			continue;
		if (best < 0 || domu > best_domu ||
		    (domu == best_domu && v->ticks_delivered >= best_ticks)) {
			best = (int)i;
			best_domu = domu;
			best_ticks = v->ticks_delivered;
		}
	}
	if (best < 0)
		return -1;
	*dv = a->vcpu[best].dv;
	return 0;
}

unsigned xtr_an_event_counts(const struct xtr_an *a, uint32_t *ids, uint64_t *counts)
{
	unsigned n = 0;
	for (unsigned i = 0; i < XTR_EVCOUNT_SLOTS; i++)
		if (a->ev_id[i])
			ids[n++] = a->ev_id[i];
	qsort(ids, n, sizeof(*ids), cmp_u32);
	for (unsigned i = 0; i < n; i++) {
		unsigned h = (ids[i] * 2654435761u) >> 20;
		while (a->ev_id[h] != ids[i])
			h = (h + 1) & (XTR_EVCOUNT_SLOTS - 1);
		counts[i] = a->ev_n[h];
	}
	return n;
}

/* Interval b - a on a free-running counter; negative means broken ordering. */
static int interval(struct xtr_an *a, uint64_t from, uint64_t to, uint64_t *out)
{
	int64_t d = (int64_t)(to - from);
	if (d < 0) {
		a->an.negative_interval++;
		return 0;
	}
	*out = (uint64_t)d;
	return 1;
}

static void close_exit(struct xtr_an *a, struct xtr_pcpu *p, int timed, uint64_t now)
{
	struct xtr_vcpu *v = vcpu_get(a, p->exit_dv);
	uint64_t d;

	p->exit_open = 0;
	if (!v)
		return;
	/* An exit belongs to the storm when its [exit, entry] interval overlaps
	 * [first tick, last tick]: this keeps the exit in which the first tick
	 * arrived (it began before the tick event) and the one the last tick was
	 * delivered in (it ends at the window end). */
	uint64_t end = timed ? now : p->exit_tsc;
	if (a->windowed && v->has_window &&
	    ((int64_t)(p->exit_tsc - v->win_last_tick) > 0 || (int64_t)(end - v->win_first) < 0)) {
		v->out_exits[p->exit_reason]++;
		v->out_total++;
		if (timed && interval(a, p->exit_tsc, now, &d)) {
			v->out_hyp_sum += d;
			v->out_timed++;
		}
		return;
	}
	v->exits[p->exit_reason]++;
	v->exits_total++;
	if (p->exit_kind == 0)
		v->sync_by_ec[p->exit_ec & 63]++;
	if (timed && interval(a, p->exit_tsc, now, &d)) {
		xtr_hist_add(&v->hyp[p->exit_reason], d);
		v->exits_timed++;
	}
}

static void drop_tick(struct xtr_an *a, struct xtr_vcpu *v)
{
	if (v->tick_open)
		a->an.ticks_abandoned++;
	v->tick_open = 0;
}

/* Our picture of this pCPU may be wrong after missing or reordered data:
 * its open exit goes, and so do the open ticks (a tick may span pCPUs). */
static void reset_pcpu(struct xtr_an *a, struct xtr_pcpu *p)
{
	if (p->exit_open)
		close_exit(a, p, 0, 0);
	for (unsigned i = 0; i < a->nvcpu; i++)
		drop_tick(a, &a->vcpu[i]);
	p->have_cur = 0;
	p->resets++;
	a->an.state_resets++;
}

static void open_tick(struct xtr_an *a, struct xtr_pcpu *p, struct xtr_vcpu *v)
{
	drop_tick(a, v);
	v->tick_open = 1;
	v->have_cval = v->have_inject = v->have_switch_in = 0;
	/* Xen's first event for this tick is the IRQ exit of this vCPU we are
	 * handling, if any (the PPI taken in EL2 while the vCPU ran). */
	v->have_first = p->exit_open && p->exit_kind == 1 && p->exit_dv == v->dv;
	v->t_first = p->exit_tsc;
}

/* The stages of a tick that reached the guest (vtb/trace_vocab.h): timed
 * only when the deadline and Xen's first event are known and the events
 * are in order, so every stage is measured over the same ticks and the
 * parts add up to deadline_to_entry tick by tick. */
static void complete_tick(struct xtr_an *a, struct xtr_vcpu *v, uint64_t now)
{
	v->tick_open = 0;
	v->ticks_complete++;
	if (!v->have_cval || !v->have_first)
		return;
	uint64_t t[4] = { v->t_cval, v->t_first,
			  v->have_switch_in ? v->t_switch_in : v->t_first, now };
	for (int i = 0; i < 3; i++)
		if ((int64_t)(t[i + 1] - t[i]) < 0) {
			a->an.negative_interval++;
			return;
		}
	v->ticks_staged++;
	xtr_hist_add(&v->stage[VTB_STAGE_DEADLINE_TO_XEN], t[1] - t[0]);
	xtr_hist_add(&v->stage[VTB_STAGE_XEN_TO_SWITCH_IN], t[2] - t[1]);
	xtr_hist_add(&v->stage[VTB_STAGE_SWITCH_IN_TO_ENTRY], t[3] - t[2]);
	xtr_hist_add(&v->stage[VTB_STAGE_DEADLINE_TO_ENTRY], t[3] - t[0]);
}

static inline uint64_t u64of(uint32_t lo, uint32_t hi)
{
	return (uint64_t)lo | ((uint64_t)hi << 32);
}

#define NEED(n) do { if (r->n_extra < (n) || !r->has_tsc) { a->an.short_records++; return; } } while (0)

static struct xtr_pcpu *pcpu_get(struct xtr_an *a, uint32_t cpu)
{
	if (cpu >= XTR_MAX_CPUS)
		return NULL;
	if (cpu >= a->pcap) {
		unsigned cap = a->pcap ? a->pcap : 4;
		while (cap <= cpu)
			cap *= 2;
		struct xtr_pcpu *np = realloc(a->pcpu, cap * sizeof(*np));
		if (!np)
			return NULL;
		memset(np + a->pcap, 0, (cap - a->pcap) * sizeof(*np));
		a->pcpu = np;
		a->pcap = cap;
	}
	if (cpu >= a->ncpu)
		a->ncpu = cpu + 1;
	return &a->pcpu[cpu];
}

static void window_tick(struct xtr_an *a, uint32_t dv, uint64_t tsc)
{
	struct xtr_vcpu *v = vcpu_get(a, dv);
	if (!v)
		return;
	if (!v->has_window || (int64_t)(tsc - v->win_first) < 0)
		v->win_first = tsc;
	if (!v->has_window || (int64_t)(tsc - v->win_last_tick) > 0)
		v->win_last_tick = tsc;
	v->has_window = 1;
}

/* First pass: only the tick events, to find each vCPU's first and last
 * tick. Two extreme values per vCPU: memory does not grow with the trace. */
void xtr_an_window_feed(struct xtr_an *a, const struct xtr_rec *r)
{
	const uint32_t *d = r->extra;
	if (!r->has_tsc)
		return;
	switch (r->event) {
	case TRC_ARM_VIRQ_INJECT:
		if (r->n_extra >= 2 && d[1] == XTR_VTIMER_INTID)
			window_tick(a, d[0], r->tsc);
		break;
	case TRC_ARM_VTIMER_IRQ:
	case TRC_ARM_VTIMER_EXPIRED:
		if (r->n_extra >= 1)
			window_tick(a, d[0], r->tsc);
		break;
	case TRC_ARM_PIRQ:
		if (r->n_extra >= 2 && d[0] == XTR_VTIMER_INTID)
			window_tick(a, d[1], r->tsc);
		break;
	default:
		break;
	}
}

void xtr_an_window_done(struct xtr_an *a)
{
	a->windowed = 1;
	a->an.vcpu_table_full = 0; /* the main pass counts these again */
}

/* One handler per trace event: each updates the pCPU's open exit / open
 * tick and the vCPU counters that event is evidence of. The NEED guard
 * returns from the handler, which ends the record's processing. */
#define UNUSED_OK __attribute__((unused)) /* not every event needs every argument */
#define HANDLER(name) static inline void name(struct xtr_an *a UNUSED_OK, struct xtr_pcpu *p UNUSED_OK, \
					    const struct xtr_rec *r UNUSED_OK, const uint32_t *d UNUSED_OK)

static inline void set_resident(struct xtr_pcpu *p, uint32_t dv)
{
	p->cur_dv = dv;
	p->have_cur = 1;
}

HANDLER(on_guest_exit)
{
	NEED(3);
	uint32_t kind = d[0] & 0xff, ec = (d[0] >> 8) & 0x3f;
	if (kind > 3) {
		a->an.bad_exit_kind++;
		return;
	}
	if (p->exit_open) {
		a->an.exit_without_entry++;
		close_exit(a, p, 0, 0);
	}
	p->exit_open = 1;
	p->exit_kind = (uint8_t)kind;
	p->exit_ec = (uint8_t)ec;
	p->exit_classified = 0;
	p->exit_tsc = r->tsc;
	p->exit_dv = d[1];
	p->exit_reason = (uint8_t)(kind == 0 ? xtr_reason_of_ec(ec) :
				   kind == 1 ? VTB_EXIT_IRQ_OTHER :
				   kind == 2 ? VTB_EXIT_FIQ : VTB_EXIT_SERROR);
	set_resident(p, d[1]);
}

HANDLER(on_guest_entry)
{
	struct xtr_vcpu *v;
	NEED(1);
	if ((v = vcpu_get(a, d[0]))) {
		v->entries++;
		/* window end: the first entry at or after the last tick */
		if (v->has_window && (int64_t)(r->tsc - v->win_last_tick) >= 0 &&
		    (!v->has_win_end || (int64_t)(r->tsc - v->win_end) < 0)) {
			v->win_end = r->tsc;
			v->has_win_end = 1;
		}
	}
	if (p->exit_open)
		close_exit(a, p, 1, r->tsc);
	else
		a->an.entry_without_exit++;
	v = vcpu_get(a, d[0]); /* close_exit may have grown the table */
	if (v && v->tick_open && v->have_inject)
		complete_tick(a, v, r->tsc);
	set_resident(p, d[0]);
}

HANDLER(on_pirq)
{
	struct xtr_vcpu *v;
	NEED(2);
	/* The first physical IRQ handled in an IRQ exit is what caused it. */
	if (p->exit_open && p->exit_kind == 1 && !p->exit_classified) {
		p->exit_classified = 1;
		if (d[0] == XTR_VTIMER_INTID)
			p->exit_reason = VTB_EXIT_IRQ_VTIMER;
		else if (d[0] == XTR_MAINT_INTID)
			p->exit_reason = VTB_EXIT_IRQ_MAINT;
	}
	if (d[0] == XTR_VTIMER_INTID && (v = vcpu_get(a, d[1]))) {
		v->pirq_vtimer++;
		open_tick(a, p, v);
		/* The PPI taken while Xen waits in this vCPU's trapped WFI
		 * (direct-ppi's vtimer_wfi_wait): that exit began before the
		 * deadline, so this PIRQ is Xen's first event for the tick. */
		if (!v->have_first && p->exit_open && p->exit_kind == 0 &&
		    p->exit_dv == v->dv) {
			v->have_first = 1;
			v->t_first = r->tsc;
		}
	}
}

HANDLER(on_vtimer_irq)
{
	struct xtr_vcpu *v;
	NEED(6);
	if (!(v = vcpu_get(a, d[0])))
		return;
	v->vtimer_irq++;
	v->cntvoff = u64of(d[4], d[5]);
	v->have_cntvoff = 1;
	/* the tick its PIRQ opened, unless that one is already further on */
	if (!(v->tick_open && !v->have_cval && !v->have_inject))
		open_tick(a, p, v);
	v->have_cval = 1;
	/* CVAL is in the guest's virtual count; physical = virtual + CNTVOFF. */
	v->t_cval = u64of(d[2], d[3]) + u64of(d[4], d[5]);
}

HANDLER(on_vtimer_expired)
{
	struct xtr_vcpu *v;
	NEED(3);
	if (!(v = vcpu_get(a, d[0])))
		return;
	v->vtimer_expired++;
	open_tick(a, p, v);
	/* Xen's software timer stands in for the blocked vCPU's timer: its
	 * expiry is Xen's first event for the tick. */
	v->have_first = 1;
	v->t_first = r->tsc;
	if (v->have_cntvoff) {
		v->have_cval = 1;
		v->t_cval = u64of(d[1], d[2]) + v->cntvoff;
	}
}

HANDLER(on_virq_inject)
{
	struct xtr_vcpu *v;
	NEED(4);
	if (d[1] != XTR_VTIMER_INTID)
		return;
	if (!(v = vcpu_get(a, d[0])))
		return;
	v->ticks_delivered++;
	if (((d[2] >> 4) & 0xf) == 1)
		v->delivered_direct++;
	else
		v->delivered_sw++;
	if (v->tick_open && !v->have_inject) {
		v->have_inject = 1;
	} else {
		v->delivered_untimed++;
	}
}

HANDLER(on_lr_write)
{
	struct xtr_vcpu *v;
	NEED(4);
	if (p->have_cur && (v = vcpu_get(a, p->cur_dv))) {
		v->lr_writes++;
		/* a HW-mapped vtimer LR: how the direct path delivers a tick */
		if (d[1] == XTR_VTIMER_INTID && (d[2] & 1))
			v->lr_vtimer_hw++;
		/* VIRQ_INJECT also fires when an in-flight vIRQ is only
		 * re-raised; an LR write with the pending bit is a delivery. */
		if (d[1] == XTR_VTIMER_INTID && (d[2] & 2))
			v->delivered_lr++;
	}
}

HANDLER(on_maint_irq)
{
	struct xtr_vcpu *v;
	NEED(2);
	if ((v = vcpu_get(a, d[0])))
		v->maint_irqs++;
}

HANDLER(on_vtimer_save_restore)
{
	struct xtr_vcpu *v;
	NEED(6);
	if ((v = vcpu_get(a, d[0]))) {
		if (r->event == TRC_ARM_VTIMER_SAVE)
			v->vtimer_save++;
		else
			v->vtimer_restore++;
		v->cntvoff = u64of(d[4], d[5]);
		v->have_cntvoff = 1;
	}
}

HANDLER(on_sched_switch)
{
	struct xtr_vcpu *v;
	NEED(4);
	uint32_t next = (d[2] << 16) | (d[3] & 0xffff);
	p->switches++;
	set_resident(p, next);
	/* the first switch to the tick's vCPU after Xen's first event */
	if (d[2] != XTR_DV_IDLE_DOM && (v = vcpu_get(a, next)) && v->tick_open &&
	    !v->have_switch_in) {
		v->have_switch_in = 1;
		v->t_switch_in = r->tsc;
	}
	if (d[2] != XTR_DV_IDLE_DOM && (v = vcpu_get(a, next)))
		v->sched_in++;
}

HANDLER(on_continue_running)
{
	NEED(1);
	set_resident(p, d[0]);
}

HANDLER(on_lost_records)
{
	/* Reported whatever its shape: a lost-records record is never ignored. */
	p->lost_events++;
	a->lost_events++;
	if (r->n_extra >= 1) {
		p->lost_records += d[0];
		a->lost_records += d[0];
	}
	reset_pcpu(a, p);
}

HANDLER(on_other_event)
{
	/* Runstate change into "running" tells us who is resident. */
	if ((r->event & 0x0ffff00fu) == 0x00021001u && ((r->event >> 4) & 0xf) == 0 &&
	    r->n_extra >= 1)
		set_resident(p, d[0]);
}

/* Bookkeeping every record gets, whatever its event. */
static inline void note_record(struct xtr_an *a, struct xtr_pcpu *p, const struct xtr_rec *r)
{
	p->records++;
	p->seen = 1;
	if (r->flags & (XTR_F_BACKWARD | XTR_F_AFTER_GAP))
		reset_pcpu(a, p);
	if (r->has_tsc) {
		if (!a->have_tsc || (int64_t)(r->tsc - a->first_tsc) < 0)
			a->first_tsc = r->tsc;
		if (!a->have_tsc || (int64_t)(r->tsc - a->last_tsc) > 0)
			a->last_tsc = r->tsc;
		a->have_tsc = 1;
	}
}

void xtr_an_feed(struct xtr_an *a, const struct xtr_rec *r)
{
	struct xtr_pcpu *p = pcpu_get(a, r->cpu);
	const uint32_t *d = r->extra;

	count_event(a, r->event);
	if (!p) {
		a->an.state_resets++; /* cannot happen: the decoder bounds cpu */
		return;
	}
	note_record(a, p, r);
	switch (r->event) {
	case TRC_ARM_GUEST_EXIT: on_guest_exit(a, p, r, d); break;
	case TRC_ARM_GUEST_ENTRY: on_guest_entry(a, p, r, d); break;
	case TRC_ARM_PIRQ: on_pirq(a, p, r, d); break;
	case TRC_ARM_VTIMER_IRQ: on_vtimer_irq(a, p, r, d); break;
	case TRC_ARM_VTIMER_EXPIRED: on_vtimer_expired(a, p, r, d); break;
	case TRC_ARM_VIRQ_INJECT: on_virq_inject(a, p, r, d); break;
	case TRC_ARM_LR_WRITE: on_lr_write(a, p, r, d); break;
	case TRC_ARM_MAINT_IRQ: on_maint_irq(a, p, r, d); break;
	case TRC_ARM_VTIMER_SAVE:
	case TRC_ARM_VTIMER_RESTORE: on_vtimer_save_restore(a, p, r, d); break;
	case TRC_SCHED_SWITCH: on_sched_switch(a, p, r, d); break;
	case TRC_SCHED_CONTINUE_RUNNING: on_continue_running(a, p, r, d); break;
	case XTR_EVT_LOST_RECORDS: on_lost_records(a, p, r, d); break;
	default: on_other_event(a, p, r, d); break;
	}
}

void xtr_an_finish(struct xtr_an *a)
{
	for (unsigned c = 0; c < a->ncpu; c++) {
		struct xtr_pcpu *p = &a->pcpu[c];
		if (p->exit_open) {
			a->an.exits_open_at_end++;
			close_exit(a, p, 0, 0);
		}
	}
	for (unsigned i = 0; i < a->nvcpu; i++)
		if (a->vcpu[i].tick_open) {
			a->an.ticks_open_at_end++;
			a->vcpu[i].tick_open = 0;
		}
}

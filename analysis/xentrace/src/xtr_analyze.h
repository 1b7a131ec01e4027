/* Per-vCPU exit / tick analysis over a decoded xentrace stream.
 * State is bounded: a fixed pCPU table, at most XTR_MAX_VCPUS vCPUs, a
 * fixed event-count table, and fixed-size histograms. */
#ifndef XTR_ANALYZE_H
#define XTR_ANALYZE_H

#include <stdint.h>

#include "vtb/trace_vocab.h"
#include "xtr_decode.h"
#include "xtr_hist.h"

/* Exit reasons and tick stages are libvtb's trace vocabulary (vtb/trace_vocab.h). */
enum vtb_exit_reason xtr_reason_of_ec(uint32_t ec);

#define XTR_MAX_VCPUS 64u
#define XTR_EVCOUNT_SLOTS 4096u

struct xtr_vcpu {
	uint32_t dv;
	uint64_t exits[VTB_EXIT__N];
	struct xtr_hist hyp[VTB_EXIT__N];     /* exit -> next entry on the same pCPU */
	struct xtr_hist stage[VTB_STAGE__N];
	uint64_t exits_total, exits_timed;
	uint64_t entries;
	uint64_t ticks_delivered, delivered_sw, delivered_direct, delivered_untimed;
	uint64_t ticks_complete;           /* ticks with an injection and a return to guest */
	uint64_t ticks_staged;             /* complete ticks with every stage timed */
	uint64_t vtimer_irq, vtimer_expired, vtimer_save, vtimer_restore;
	uint64_t pirq_vtimer, maint_irqs, lr_writes, lr_vtimer_hw, sched_in;
	uint64_t delivered_lr;             /* LR writes making vIRQ 27 pending */
	uint64_t sync_by_ec[64];           /* sync exits by ESR_EL2.EC */
	uint64_t cntvoff;
	int have_cntvoff;
	/* This vCPU's open tick: the deadline (CVAL + CNTVOFF), Xen's first
	 * event for it (the IRQ exit that took the PPI, or the software
	 * timer's expiry, on whichever pCPU), its switch-in, the injection
	 * (vtb/trace_vocab.h). Per vCPU: another vCPU's tick on the same pCPU
	 * (dom0's own timer) must not replace it. */
	uint8_t tick_open, have_cval, have_first, have_switch_in, have_inject;
	uint64_t t_cval, t_first, t_switch_in;
	/* Storm window (set by the window pass): first tick event .. the
	 * GUEST_ENTRY following the last one. Exits outside it are kept apart
	 * so that exits per tick count only what the ticks caused. */
	uint8_t has_window, has_win_end;
	uint64_t win_first, win_last_tick, win_end;
	uint64_t out_exits[VTB_EXIT__N], out_total, out_timed, out_hyp_sum;
};

struct xtr_pcpu {
	uint64_t records, lost_events, lost_records, switches, resets;
	uint32_t cur_dv;
	uint8_t have_cur, seen;
	/* open exit */
	uint8_t exit_open, exit_kind, exit_reason, exit_classified, exit_ec;
	uint32_t exit_dv;
	uint64_t exit_tsc;
};

struct xtr_anomalies {
	uint64_t short_records;       /* known event with too few words or no tsc */
	uint64_t bad_exit_kind;
	uint64_t exit_without_entry;  /* a second exit on a pCPU before any entry */
	uint64_t entry_without_exit;
	uint64_t negative_interval;
	uint64_t ticks_abandoned;     /* tick replaced before reaching the guest */
	uint64_t ticks_open_at_end;
	uint64_t exits_open_at_end;
	uint64_t state_resets;        /* lost records / damage / tsc step back */
	uint64_t vcpu_table_full;     /* records about vCPUs beyond XTR_MAX_VCPUS */
	uint64_t event_table_full;
};

struct xtr_an {
	struct xtr_pcpu *pcpu;        /* grown on demand up to XTR_MAX_CPUS */
	struct xtr_vcpu *vcpu;        /* grown on demand up to XTR_MAX_VCPUS */
	unsigned pcap, vcap;
	uint32_t last_dv;             /* one-entry lookup cache: most records name the same vCPU */
	int last_vi;
	unsigned nvcpu;
	unsigned ncpu;                /* highest pCPU seen + 1: bounds the loops */
	int16_t vslot[256];           /* dv hash -> vcpu index + 1 */
	uint32_t ev_id[XTR_EVCOUNT_SLOTS];
	uint64_t ev_n[XTR_EVCOUNT_SLOTS];
	unsigned nev;
	uint64_t lost_events, lost_records;
	uint64_t first_tsc, last_tsc;
	int have_tsc;
	int windowed;                 /* xtr_an_window_done was called */
	struct xtr_anomalies an;
};

int xtr_an_init(struct xtr_an *a);
/* Optional first pass over the same records: every record to
 * xtr_an_window_feed, then xtr_an_window_done, then the normal pass with
 * xtr_an_feed. Without it no window is applied (all exits are counted). */
void xtr_an_window_feed(struct xtr_an *a, const struct xtr_rec *r);
void xtr_an_window_done(struct xtr_an *a);
void xtr_an_feed(struct xtr_an *a, const struct xtr_rec *r);
void xtr_an_finish(struct xtr_an *a);
void xtr_an_free(struct xtr_an *a);
/* Event counts, sorted by id into ids/counts (caller arrays of XTR_EVCOUNT_SLOTS). */
unsigned xtr_an_event_counts(const struct xtr_an *a, uint32_t *ids, uint64_t *counts);
const struct xtr_vcpu *xtr_an_find(const struct xtr_an *a, uint32_t dv);
/* The one definition of the storm guest's vCPU: the one Xen delivered the
 * most timer ticks to, a domU's before dom0's (in a traced run dom0 only
 * hosts the tools), never the idle domain; on a tie the later vCPU. 0 with
 * *dv set, or -1 if no vCPU received a tick. trace-summary.json records
 * the choice (guest.vcpu) so that no reader chooses again. */
int xtr_an_guest_vcpu(const struct xtr_an *a, uint32_t *dv);

#endif

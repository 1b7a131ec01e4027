#include "xtr_report.h"

#include <inttypes.h>

#include "xtr_events.h"

static json_t *hist_json(const struct xtr_hist *h)
{
	json_t *o = json_object();
	json_object_set_new(o, "count", json_integer((json_int_t)h->count));
	if (!h->count)
		return o;
	static const double ps[4] = {0.50, 0.90, 0.99, 0.999};
	uint64_t v[4];
	xtr_hist_pcts(h, ps, 4, v);
	json_object_set_new(o, "min", json_integer((json_int_t)h->min));
	json_object_set_new(o, "p50", json_integer((json_int_t)v[0]));
	json_object_set_new(o, "p90", json_integer((json_int_t)v[1]));
	json_object_set_new(o, "p99", json_integer((json_int_t)v[2]));
	json_object_set_new(o, "p999", json_integer((json_int_t)v[3]));
	json_object_set_new(o, "max", json_integer((json_int_t)h->max));
	json_object_set_new(o, "mean", json_real(h->sum / (double)h->count));
	return o;
}

static json_t *ratio(uint64_t num, uint64_t den)
{
	return den ? json_real((double)num / (double)den) : json_null();
}

static void dv_str(char *buf, size_t n, uint32_t dv)
{
	snprintf(buf, n, "d%uv%u", dv >> 16, dv & 0xffff);
}

json_t *xtr_report_json(const struct xtr_an *a, const struct xtr_stats *st,
			const struct xtr_report_meta *m)
{
	json_t *root = json_object(), *o, *arr;
	static uint32_t ids[XTR_EVCOUNT_SLOTS];
	static uint64_t counts[XTR_EVCOUNT_SLOTS];
	char buf[64];

	json_object_set_new(root, "schema", json_string("vtb-xentrace-summary/1"));
	o = json_object();
	json_object_set_new(o, "path", json_string(m->input_path ? m->input_path : ""));
	json_object_set_new(o, "bytes", json_integer((json_int_t)st->bytes));
	json_object_set_new(o, "records", json_integer((json_int_t)st->records));
	json_object_set_new(o, "windows", json_integer((json_int_t)st->windows));
	json_object_set_new(o, "first_tsc", json_integer((json_int_t)a->first_tsc));
	json_object_set_new(o, "last_tsc", json_integer((json_int_t)a->last_tsc));
	json_object_set_new(root, "input", o);
	json_object_set_new(root, "time_unit", json_string("counter_ticks"));
	json_object_set_new(root, "cntfrq_hz", json_integer((json_int_t)m->cntfrq_hz));
	json_object_set_new(root, "partial", json_boolean(m->partial));

	o = json_object();
	for (int i = 0; i < XTR_ISSUE__N; i++)
		json_object_set_new(o, xtr_issue_name(i), json_integer((json_int_t)st->issues[i]));
	json_object_set_new(o, "skipped_byte_count", json_integer((json_int_t)st->skipped_bytes));
	json_object_set_new(root, "decode_issues", o);

	o = json_object();
	json_object_set_new(o, "events", json_integer((json_int_t)a->lost_events));
	json_object_set_new(o, "records", json_integer((json_int_t)a->lost_records));
	arr = json_array();
	for (unsigned c = 0; c < a->ncpu; c++) {
		const struct xtr_pcpu *p = &a->pcpu[c];
		if (!p->lost_events)
			continue;
		json_t *e = json_object();
		json_object_set_new(e, "cpu", json_integer(c));
		json_object_set_new(e, "events", json_integer((json_int_t)p->lost_events));
		json_object_set_new(e, "records", json_integer((json_int_t)p->lost_records));
		json_array_append_new(arr, e);
	}
	json_object_set_new(o, "per_cpu", arr);
	json_object_set_new(root, "lost_records", o);

	o = json_object();
	unsigned n = xtr_an_event_counts(a, ids, counts);
	for (unsigned i = 0; i < n; i++) {
		snprintf(buf, sizeof(buf), "0x%08x", ids[i]);
		json_object_set_new(o, buf, json_integer((json_int_t)counts[i]));
	}
	json_object_set_new(root, "event_counts", o);

	arr = json_array();
	for (unsigned c = 0; c < a->ncpu; c++) {
		const struct xtr_pcpu *p = &a->pcpu[c];
		if (!p->seen)
			continue;
		json_t *e = json_object();
		json_object_set_new(e, "cpu", json_integer(c));
		json_object_set_new(e, "records", json_integer((json_int_t)p->records));
		json_object_set_new(e, "sched_switches", json_integer((json_int_t)p->switches));
		json_object_set_new(e, "state_resets", json_integer((json_int_t)p->resets));
		json_array_append_new(arr, e);
	}
	json_object_set_new(root, "pcpus", arr);

	arr = json_array();
	for (unsigned i = 0; i < a->nvcpu; i++) {
		const struct xtr_vcpu *v = &a->vcpu[i];
		json_t *e = json_object(), *x;
		dv_str(buf, sizeof(buf), v->dv);
		json_object_set_new(e, "id", json_string(buf));
		json_object_set_new(e, "domid", json_integer(v->dv >> 16));
		json_object_set_new(e, "vcpu", json_integer(v->dv & 0xffff));

		x = json_object();
		json_object_set_new(x, "total", json_integer((json_int_t)v->exits_total));
		json_t *br = json_object();
		for (int r = 0; r < VTB_EXIT__N; r++)
			json_object_set_new(br, vtb_exit_reason_name(r), json_integer((json_int_t)v->exits[r]));
		json_object_set_new(x, "by_reason", br);
		json_t *ec = json_object();
		for (unsigned e = 0; e < 64; e++)
			if (v->sync_by_ec[e]) {
				char k[40];
				snprintf(k, sizeof(k), "0x%02x_%s", e, xtr_ec_name(e));
				json_object_set_new(ec, k, json_integer((json_int_t)v->sync_by_ec[e]));
			}
		json_object_set_new(x, "sync_by_ec", ec);
		json_object_set_new(e, "exits", x);

		x = json_object();
		for (int r = 0; r < VTB_EXIT__N; r++)
			json_object_set_new(x, vtb_exit_reason_name(r), hist_json(&v->hyp[r]));
		json_object_set_new(e, "hyp_time", x);

		/* Storm window (null without tick events or without the window pass). */
		if (a->windowed && v->has_window) {
			x = json_object();
			json_object_set_new(x, "first_tsc", json_integer((json_int_t)v->win_first));
			json_object_set_new(x, "last_tsc", json_integer((json_int_t)(v->has_win_end ? v->win_end : v->win_last_tick)));
			json_object_set_new(x, "last_tick_tsc", json_integer((json_int_t)v->win_last_tick));
			json_object_set_new(x, "ticks", json_integer((json_int_t)v->ticks_delivered));
			json_object_set_new(e, "window", x);
		} else {
			json_object_set_new(e, "window", json_null());
		}
		x = json_object();
		json_object_set_new(x, "total", json_integer((json_int_t)v->out_total));
		br = json_object();
		for (int r = 0; r < VTB_EXIT__N; r++)
			json_object_set_new(br, vtb_exit_reason_name(r), json_integer((json_int_t)v->out_exits[r]));
		json_object_set_new(x, "by_reason", br);
		json_object_set_new(x, "timed", json_integer((json_int_t)v->out_timed));
		json_object_set_new(x, "hyp_time_sum", json_integer((json_int_t)v->out_hyp_sum));
		json_object_set_new(e, "exits_outside_window", x);

		x = json_object();
		json_object_set_new(x, "delivered", json_integer((json_int_t)v->ticks_delivered));
		json_object_set_new(x, "delivered_sw", json_integer((json_int_t)v->delivered_sw));
		json_object_set_new(x, "delivered_direct", json_integer((json_int_t)v->delivered_direct));
		json_object_set_new(x, "delivered_untimed", json_integer((json_int_t)v->delivered_untimed));
		json_object_set_new(x, "delivered_lr", json_integer((json_int_t)v->delivered_lr));
		json_object_set_new(x, "complete", json_integer((json_int_t)v->ticks_complete));
		json_object_set_new(x, "vtimer_irq", json_integer((json_int_t)v->vtimer_irq));
		json_object_set_new(x, "vtimer_expired", json_integer((json_int_t)v->vtimer_expired));
		json_object_set_new(x, "pirq_vtimer", json_integer((json_int_t)v->pirq_vtimer));
		int guest = m->have_guest && m->guest_dv == v->dv;
		json_object_set_new(x, "guest_taken", guest ? json_integer((json_int_t)m->guest_taken) : json_null());
		json_object_set_new(e, "ticks", x);

		json_object_set_new(e, "exits_per_tick", ratio(v->exits_total, v->ticks_delivered));
		uint64_t irq = v->exits[VTB_EXIT_IRQ_VTIMER] + v->exits[VTB_EXIT_IRQ_MAINT] + v->exits[VTB_EXIT_IRQ_OTHER];
		json_object_set_new(e, "irq_exits_per_tick", ratio(irq, v->ticks_delivered));
		json_object_set_new(e, "exits_per_lr_tick", ratio(v->exits_total, v->delivered_lr));
		json_object_set_new(e, "exits_per_guest_tick", guest ? ratio(v->exits_total, m->guest_taken) : json_null());

		x = json_object();
		for (int s = 0; s < VTB_STAGE__N; s++)
			json_object_set_new(x, vtb_tick_stage_name(s), hist_json(&v->stage[s]));
		json_object_set_new(e, "stages", x);

		x = json_object();
		json_object_set_new(x, "entries", json_integer((json_int_t)v->entries));
		json_object_set_new(x, "maint_irqs", json_integer((json_int_t)v->maint_irqs));
		json_object_set_new(x, "lr_writes", json_integer((json_int_t)v->lr_writes));
		json_object_set_new(x, "lr_vtimer_hw", json_integer((json_int_t)v->lr_vtimer_hw));
		json_object_set_new(x, "vtimer_save", json_integer((json_int_t)v->vtimer_save));
		json_object_set_new(x, "vtimer_restore", json_integer((json_int_t)v->vtimer_restore));
		json_object_set_new(x, "sched_in", json_integer((json_int_t)v->sched_in));
		json_object_set_new(e, "other", x);
		json_array_append_new(arr, e);
	}
	json_object_set_new(root, "vcpus", arr);

	const struct xtr_anomalies *an = &a->an;
	o = json_object();
#define AN(f) json_object_set_new(o, #f, json_integer((json_int_t)an->f))
	AN(short_records); AN(bad_exit_kind); AN(exit_without_entry); AN(entry_without_exit);
	AN(negative_interval); AN(ticks_abandoned); AN(ticks_open_at_end); AN(exits_open_at_end);
	AN(state_resets); AN(vcpu_table_full); AN(event_table_full);
#undef AN
	json_object_set_new(root, "anomalies", o);

	if (m->guest_summary_path) {
		o = json_object();
		json_object_set_new(o, "path", json_string(m->guest_summary_path));
		dv_str(buf, sizeof(buf), m->guest_dv);
		json_object_set_new(o, "vcpu", json_string(buf));
		json_object_set_new(o, "taken", json_integer((json_int_t)m->guest_taken));
		json_object_set_new(root, "guest", o);
	}
	return root;
}

static double ns(uint64_t ticks, uint64_t hz)
{
	return hz ? (double)ticks * 1e9 / (double)hz : 0.0;
}

static void hist_row(FILE *f, const char *label, const struct xtr_hist *h, uint64_t hz)
{
	if (!h->count)
		return;
	fprintf(f, "    %-16s n=%-8" PRIu64 " p50=%-8" PRIu64 " p90=%-8" PRIu64 " p99=%-8" PRIu64
		" max=%-8" PRIu64 " ticks  (p50 %.0f ns, p99 %.0f ns)\n",
		label, h->count, xtr_hist_pct(h, 0.5), xtr_hist_pct(h, 0.9), xtr_hist_pct(h, 0.99),
		h->max, ns(xtr_hist_pct(h, 0.5), hz), ns(xtr_hist_pct(h, 0.99), hz));
}

void xtr_report_table(FILE *f, const struct xtr_an *a, const struct xtr_stats *st,
		      const struct xtr_report_meta *m)
{
	fprintf(f, "trace %s: %" PRIu64 " bytes, %" PRIu64 " records, %" PRIu64 " windows%s\n",
		m->input_path ? m->input_path : "-", st->bytes, st->records, st->windows,
		m->partial ? "  [PARTIAL: damaged input]" : "");
	fprintf(f, "lost records: %" PRIu64 " in %" PRIu64 " lost-record events\n",
		a->lost_records, a->lost_events);
	for (unsigned i = 0; i < a->nvcpu; i++) {
		const struct xtr_vcpu *v = &a->vcpu[i];
		fprintf(f, "d%uv%u: exits %" PRIu64 ", ticks delivered %" PRIu64 " (sw %" PRIu64
			", direct %" PRIu64 "; LR writes %" PRIu64 ")", v->dv >> 16, v->dv & 0xffff,
			v->exits_total, v->ticks_delivered, v->delivered_sw, v->delivered_direct,
			v->delivered_lr);
		if (v->ticks_delivered)
			fprintf(f, ", exits/tick %.3f", (double)v->exits_total / (double)v->ticks_delivered);
		if (m->have_guest && m->guest_dv == v->dv && m->guest_taken)
			fprintf(f, ", exits/guest tick %.3f", (double)v->exits_total / (double)m->guest_taken);
		fprintf(f, "\n");
		if (a->windowed && v->has_window)
			fprintf(f, "  storm window tsc %" PRIu64 "..%" PRIu64 ": %" PRIu64
				" exits outside it not counted above (hypervisor time %" PRIu64 " ticks)\n",
				v->win_first, v->has_win_end ? v->win_end : v->win_last_tick,
				v->out_total, v->out_hyp_sum);
		for (int r = 0; r < VTB_EXIT__N; r++)
			if (v->exits[r])
				fprintf(f, "  exits %-12s %" PRIu64 "\n", vtb_exit_reason_name(r), v->exits[r]);
		int any = 0;
		for (int r = 0; r < VTB_EXIT__N; r++)
			any |= v->hyp[r].count != 0;
		if (any)
			fprintf(f, "  hypervisor time per exit:\n");
		for (int r = 0; r < VTB_EXIT__N; r++)
			hist_row(f, vtb_exit_reason_name(r), &v->hyp[r], m->cntfrq_hz);
		any = 0;
		for (int s = 0; s < VTB_STAGE__N; s++)
			any |= v->stage[s].count != 0;
		if (any)
			fprintf(f, "  tick latency stages:\n");
		for (int s = 0; s < VTB_STAGE__N; s++)
			hist_row(f, vtb_tick_stage_name(s), &v->stage[s], m->cntfrq_hz);
	}
	uint64_t iss = xtr_issue_total(st);
	if (iss)
		fprintf(f, "decode issues: %" PRIu64 " (see decode_issues in the summary)\n", iss);
}

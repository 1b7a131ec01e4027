#include "xtr_report.h"

#include <inttypes.h>

#include "vtb/schema.h"
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

#define JINT(v) json_integer((json_int_t)(v))

static json_t *input_json(const struct xtr_an *a, const struct xtr_stats *st,
			  const struct xtr_report_meta *m)
{
	json_t *o = json_object();
	json_object_set_new(o, "path", json_string(m->input_label ? m->input_label : ""));
	json_object_set_new(o, "bytes", JINT(st->bytes));
	json_object_set_new(o, "records", JINT(st->records));
	json_object_set_new(o, "windows", JINT(st->windows));
	json_object_set_new(o, "first_tsc", JINT(a->first_tsc));
	json_object_set_new(o, "last_tsc", JINT(a->last_tsc));
	return o;
}

static json_t *decode_issues_json(const struct xtr_stats *st)
{
	json_t *o = json_object();
	for (int i = 0; i < XTR_ISSUE__N; i++)
		json_object_set_new(o, xtr_issue_name(i), JINT(st->issues[i]));
	json_object_set_new(o, "skipped_byte_count", JINT(st->skipped_bytes));
	return o;
}

static json_t *lost_records_json(const struct xtr_an *a)
{
	json_t *o = json_object(), *arr = json_array();
	json_object_set_new(o, "events", JINT(a->lost_events));
	json_object_set_new(o, "records", JINT(a->lost_records));
	for (unsigned c = 0; c < a->ncpu; c++) {
		const struct xtr_pcpu *p = &a->pcpu[c];
		if (!p->lost_events)
			continue;
		json_t *e = json_object();
		json_object_set_new(e, "cpu", json_integer(c));
		json_object_set_new(e, "events", JINT(p->lost_events));
		json_object_set_new(e, "records", JINT(p->lost_records));
		json_array_append_new(arr, e);
	}
	json_object_set_new(o, "per_cpu", arr);
	return o;
}

static json_t *event_counts_json(const struct xtr_an *a)
{
	static uint32_t ids[XTR_EVCOUNT_SLOTS];
	static uint64_t counts[XTR_EVCOUNT_SLOTS];
	char key[16];
	json_t *o = json_object();
	unsigned n = xtr_an_event_counts(a, ids, counts);
	for (unsigned i = 0; i < n; i++) {
		snprintf(key, sizeof(key), "0x%08x", ids[i]);
		json_object_set_new(o, key, JINT(counts[i]));
	}
	return o;
}

static json_t *pcpus_json(const struct xtr_an *a)
{
	json_t *arr = json_array();
	for (unsigned c = 0; c < a->ncpu; c++) {
		const struct xtr_pcpu *p = &a->pcpu[c];
		if (!p->seen)
			continue;
		json_t *e = json_object();
		json_object_set_new(e, "cpu", json_integer(c));
		json_object_set_new(e, "records", JINT(p->records));
		json_object_set_new(e, "sched_switches", JINT(p->switches));
		json_object_set_new(e, "state_resets", JINT(p->resets));
		json_array_append_new(arr, e);
	}
	return arr;
}

static json_t *by_reason_json(const uint64_t *exits)
{
	json_t *o = json_object();
	for (int r = 0; r < VTB_EXIT__N; r++)
		json_object_set_new(o, vtb_exit_reason_name(r), JINT(exits[r]));
	return o;
}

static json_t *exits_json(const struct xtr_vcpu *v)
{
	json_t *x = json_object(), *ec = json_object();
	json_object_set_new(x, "total", JINT(v->exits_total));
	json_object_set_new(x, "by_reason", by_reason_json(v->exits));
	for (unsigned e = 0; e < 64; e++)
		if (v->sync_by_ec[e]) {
			char k[40];
			snprintf(k, sizeof(k), "0x%02x_%s", e, xtr_ec_name(e));
			json_object_set_new(ec, k, JINT(v->sync_by_ec[e]));
		}
	json_object_set_new(x, "sync_by_ec", ec);
	return x;
}

static json_t *hyp_time_json(const struct xtr_vcpu *v)
{
	json_t *x = json_object();
	for (int r = 0; r < VTB_EXIT__N; r++)
		json_object_set_new(x, vtb_exit_reason_name(r), hist_json(&v->hyp[r]));
	return x;
}

/* Storm window (null without tick events or without the window pass). */
static json_t *window_json(const struct xtr_an *a, const struct xtr_vcpu *v)
{
	if (!a->windowed || !v->has_window)
		return json_null();
	json_t *x = json_object();
	json_object_set_new(x, "first_tsc", JINT(v->win_first));
	json_object_set_new(x, "last_tsc", JINT(v->has_win_end ? v->win_end : v->win_last_tick));
	json_object_set_new(x, "last_tick_tsc", JINT(v->win_last_tick));
	json_object_set_new(x, "ticks", JINT(v->ticks_delivered));
	return x;
}

static json_t *outside_window_json(const struct xtr_vcpu *v)
{
	json_t *x = json_object();
	json_object_set_new(x, "total", JINT(v->out_total));
	json_object_set_new(x, "by_reason", by_reason_json(v->out_exits));
	json_object_set_new(x, "timed", JINT(v->out_timed));
	json_object_set_new(x, "hyp_time_sum", JINT(v->out_hyp_sum));
	return x;
}

static json_t *ticks_json(const struct xtr_vcpu *v, const struct xtr_report_meta *m, int guest)
{
	json_t *x = json_object();
	json_object_set_new(x, "delivered", JINT(v->ticks_delivered));
	json_object_set_new(x, "delivered_sw", JINT(v->delivered_sw));
	json_object_set_new(x, "delivered_direct", JINT(v->delivered_direct));
	json_object_set_new(x, "delivered_untimed", JINT(v->delivered_untimed));
	json_object_set_new(x, "delivered_lr", JINT(v->delivered_lr));
	json_object_set_new(x, "complete", JINT(v->ticks_complete));
	json_object_set_new(x, "staged", JINT(v->ticks_staged));
	json_object_set_new(x, "vtimer_irq", JINT(v->vtimer_irq));
	json_object_set_new(x, "vtimer_expired", JINT(v->vtimer_expired));
	json_object_set_new(x, "pirq_vtimer", JINT(v->pirq_vtimer));
	json_object_set_new(x, "guest_taken", guest ? JINT(m->guest_taken) : json_null());
	return x;
}

/* The per-tick ratios: exits over Xen's deliveries, over list-register
 * deliveries and, for the storm guest, over the ticks it counted itself. */
static void ratios_json(json_t *e, const struct xtr_vcpu *v, const struct xtr_report_meta *m,
			int guest)
{
	uint64_t irq = v->exits[VTB_EXIT_IRQ_VTIMER] + v->exits[VTB_EXIT_IRQ_MAINT] +
		       v->exits[VTB_EXIT_IRQ_OTHER];
	json_object_set_new(e, "exits_per_tick", ratio(v->exits_total, v->ticks_delivered));
	json_object_set_new(e, "irq_exits_per_tick", ratio(irq, v->ticks_delivered));
	json_object_set_new(e, "exits_per_lr_tick", ratio(v->exits_total, v->delivered_lr));
	json_object_set_new(e, "exits_per_guest_tick",
			    guest ? ratio(v->exits_total, m->guest_taken) : json_null());
}

static json_t *stages_json(const struct xtr_vcpu *v)
{
	json_t *x = json_object();
	for (int s = 0; s < VTB_STAGE__N; s++)
		json_object_set_new(x, vtb_tick_stage_name(s), hist_json(&v->stage[s]));
	return x;
}

/* Do the stages add up to the latency the guest measured in the same boot?
 * The parts add up to deadline_to_entry tick by tick, so the sum of their
 * means is that span's mean exactly; the guest's mean latency adds the
 * last stretch, guest entry to its handler's counter read, which the trace
 * cannot see and which should be a few ticks. The check passes when the
 * trace's sum is within XTR_STAGE_CHECK_TOLERANCE of the guest's mean, or
 * the unseen stretch is between 0 and XTR_STAGE_CHECK_UNSEEN_MAX ticks; the
 * p50 sum is stated too (medians do not add up exactly). null without the
 * guest's latency (--guest-summary of a vtb-analyze summary.json). */
static json_t *stage_check_json(const struct xtr_vcpu *v, const struct xtr_report_meta *m)
{
	if (!m->have_guest_latency || !v->ticks_staged || m->guest_lat_mean <= 0)
		return json_null();
	double sum_mean = 0, sum_p50 = 0;
	for (int s = 0; s < VTB_TICK_STAGE_PARTS; s++) {
		sum_mean += v->stage[s].sum / (double)v->stage[s].count;
		sum_p50 += (double)xtr_hist_pct(&v->stage[s], 0.5);
	}
	double rel = (sum_mean - m->guest_lat_mean) / m->guest_lat_mean;
	json_t *o = json_object();
	json_object_set_new(o, "ticks_staged", JINT(v->ticks_staged));
	json_object_set_new(o, "guest_ticks", json_real(m->guest_lat_n));
	json_object_set_new(o, "stage_mean_sum", json_real(sum_mean));
	json_object_set_new(o, "guest_mean", json_real(m->guest_lat_mean));
	json_object_set_new(o, "entry_to_handler_mean", json_real(m->guest_lat_mean - sum_mean));
	json_object_set_new(o, "relative_difference", json_real(rel));
	json_object_set_new(o, "stage_p50_sum", json_real(sum_p50));
	json_object_set_new(o, "guest_p50", json_real(m->guest_lat_p50));
	json_object_set_new(o, "tolerance", json_real(XTR_STAGE_CHECK_TOLERANCE));
	json_object_set_new(o, "unseen_max_ticks", JINT(XTR_STAGE_CHECK_UNSEEN_MAX));
	double unseen = m->guest_lat_mean - sum_mean;
	json_object_set_new(o, "agrees", json_boolean((rel <= XTR_STAGE_CHECK_TOLERANCE &&
						       rel >= -XTR_STAGE_CHECK_TOLERANCE) ||
						      (unseen >= 0 && unseen <= XTR_STAGE_CHECK_UNSEEN_MAX)));
	return o;
}

static json_t *other_json(const struct xtr_vcpu *v)
{
	json_t *x = json_object();
	json_object_set_new(x, "entries", JINT(v->entries));
	json_object_set_new(x, "maint_irqs", JINT(v->maint_irqs));
	json_object_set_new(x, "lr_writes", JINT(v->lr_writes));
	json_object_set_new(x, "lr_vtimer_hw", JINT(v->lr_vtimer_hw));
	json_object_set_new(x, "vtimer_save", JINT(v->vtimer_save));
	json_object_set_new(x, "vtimer_restore", JINT(v->vtimer_restore));
	json_object_set_new(x, "sched_in", JINT(v->sched_in));
	return x;
}

static json_t *vcpu_json(const struct xtr_an *a, const struct xtr_vcpu *v,
			 const struct xtr_report_meta *m)
{
	char id[32];
	int guest = m->have_guest && m->have_guest_dv && m->guest_dv == v->dv;
	json_t *e = json_object();
	dv_str(id, sizeof(id), v->dv);
	json_object_set_new(e, "id", json_string(id));
	json_object_set_new(e, "domid", json_integer(v->dv >> 16));
	json_object_set_new(e, "vcpu", json_integer(v->dv & 0xffff));
	json_object_set_new(e, "exits", exits_json(v));
	json_object_set_new(e, "hyp_time", hyp_time_json(v));
	json_object_set_new(e, "window", window_json(a, v));
	json_object_set_new(e, "exits_outside_window", outside_window_json(v));
	json_object_set_new(e, "ticks", ticks_json(v, m, guest));
	ratios_json(e, v, m, guest);
	json_object_set_new(e, "stages", stages_json(v));
	json_object_set_new(e, "stage_check", guest ? stage_check_json(v, m) : json_null());
	json_object_set_new(e, "other", other_json(v));
	return e;
}

static json_t *anomalies_json(const struct xtr_anomalies *an)
{
	json_t *o = json_object();
#define AN(f) json_object_set_new(o, #f, JINT(an->f))
	AN(short_records); AN(bad_exit_kind); AN(exit_without_entry); AN(entry_without_exit);
	AN(negative_interval); AN(ticks_abandoned); AN(ticks_open_at_end); AN(exits_open_at_end);
	AN(state_resets); AN(vcpu_table_full); AN(event_table_full);
#undef AN
	return o;
}

/* Which vCPU is the storm guest: readers take it from here and never
 * choose again (path and taken are null without --guest-summary). */
static json_t *guest_json(const struct xtr_report_meta *m)
{
	char id[32];
	json_t *o = json_object();
	json_object_set_new(o, "path", m->guest_summary_label ? json_string(m->guest_summary_label)
							      : json_null());
	dv_str(id, sizeof(id), m->guest_dv);
	json_object_set_new(o, "vcpu", m->have_guest_dv ? json_string(id) : json_null());
	json_object_set_new(o, "taken", m->have_guest ? JINT(m->guest_taken) : json_null());
	return o;
}

json_t *xtr_report_json(const struct xtr_an *a, const struct xtr_stats *st,
			const struct xtr_report_meta *m)
{
	json_t *root = json_object(), *arr = json_array();

	json_object_set_new(root, "schema", json_string(VTB_SCHEMA_TRACE_SUMMARY));
	json_object_set_new(root, "input", input_json(a, st, m));
	json_object_set_new(root, "time_unit", json_string("counter_ticks"));
	json_object_set_new(root, "cntfrq_hz", JINT(m->cntfrq_hz));
	json_object_set_new(root, "partial", json_boolean(m->partial));
	json_object_set_new(root, "decode_issues", decode_issues_json(st));
	json_object_set_new(root, "lost_records", lost_records_json(a));
	json_object_set_new(root, "event_counts", event_counts_json(a));
	json_object_set_new(root, "pcpus", pcpus_json(a));
	for (unsigned i = 0; i < a->nvcpu; i++)
		json_array_append_new(arr, vcpu_json(a, &a->vcpu[i], m));
	json_object_set_new(root, "vcpus", arr);
	json_object_set_new(root, "anomalies", anomalies_json(&a->an));
	json_object_set_new(root, "guest", guest_json(m));
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
	fprintf(f, "    %-20s n=%-8" PRIu64 " p50=%-8" PRIu64 " p90=%-8" PRIu64 " p99=%-8" PRIu64
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
		if (m->have_guest && m->have_guest_dv && m->guest_dv == v->dv && m->guest_taken)
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
		json_t *chk = m->have_guest_dv && m->guest_dv == v->dv && m->have_guest
				      ? stage_check_json(v, m) : NULL;
		if (json_is_object(chk))
			fprintf(f, "  stages add up: mean %.1f of the guest's %.1f ticks (%+.2f %%), "
				"p50 sum %.0f of %.0f: %s\n",
				json_real_value(json_object_get(chk, "stage_mean_sum")),
				m->guest_lat_mean,
				100 * json_real_value(json_object_get(chk, "relative_difference")),
				json_real_value(json_object_get(chk, "stage_p50_sum")), m->guest_lat_p50,
				json_is_true(json_object_get(chk, "agrees")) ? "agree within 2 % or 16 ticks"
									     : "MISMATCH beyond 2 % and 16 ticks");
		json_decref(chk);
	}
	uint64_t iss = xtr_issue_total(st);
	if (iss)
		fprintf(f, "decode issues: %" PRIu64 " (see decode_issues in the summary)\n", iss);
}

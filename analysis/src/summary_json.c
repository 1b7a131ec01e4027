#include "summary_json.h"
#include "vtb/parse.h"
#include "vtb/schema.h"
#include "vtb/stationarity.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "latency_stats.h"

/* Integral values print as JSON integers (179, not 179.0); 2^53 bounds the
 * range where a double holds every integer exactly. */
static json_t *num(double x)
{
	if (x == floor(x) && fabs(x) < 9007199254740992.0)
		return json_integer((json_int_t)x);
	return json_real(x);
}

/* A decimal string from the guest: a JSON integer if it fits, else kept as a
 * string (jansson integers are signed 64-bit; a 64-bit seed may not fit). */
static json_t *guest_value(const char *v)
{
	uint64_t u;

	if (vtb_parse_u64_n(v, strlen(v), &u) == 0 && u <= (uint64_t)INT64_MAX)
		return json_integer((json_int_t)u);
	return json_string(v);
}

static json_t *kv_object(const struct vtb_kv *kv, size_t n)
{
	json_t *o = json_object();

	for (size_t i = 0; o && i < n; i++)
		if (json_object_set_new(o, kv[i].key, guest_value(kv[i].val)) != 0) {
			json_decref(o);
			return NULL;
		}
	return o;
}

static json_t *stats_object(const struct vtb_stats *s, double scale)
{
	json_t *o = json_object();

	if (!o)
		return NULL;
	if (json_object_set_new(o, "n", json_integer((json_int_t)s->n)) ||
	    json_object_set_new(o, "min", num(s->min * scale)) ||
	    json_object_set_new(o, "p50", num(s->p50 * scale)) ||
	    json_object_set_new(o, "p90", num(s->p90 * scale)) ||
	    json_object_set_new(o, "p99", num(s->p99 * scale)) ||
	    json_object_set_new(o, "p99_9", num(s->p99_9 * scale)) ||
	    json_object_set_new(o, "max", num(s->max * scale)) ||
	    json_object_set_new(o, "mean", json_real(s->mean * scale)) ||
	    json_object_set_new(o, "stddev", json_real(s->stddev * scale))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* The stationarity block (docs/summary-format.md, "Stationarity"):
 * Pettitt's change-point test over the per-tick series, and the
 * statistics of the segment after a change point when there is one, so a
 * warm-up never enters the run's statistics unseen. A histogram has no
 * time order: the block then says it was not tested. */
static json_t *stationarity_object(const struct vtb_report *r)
{
	struct vtb_change_point cp;
	struct vtb_stats after;
	json_t *o = json_object(), *c = NULL;
	double *x = NULL;
	int found;

	if (!o)
		return NULL;
	if (json_object_set_new(o, "test", json_string("pettitt")) ||
	    json_object_set_new(o, "alpha", json_real(VTB_PETTITT_ALPHA)))
		goto fail;
	if (r->record != VTB_RECORD_SAMPLES || r->n_samples < 2) {
		if (json_object_set_new(o, "tested", json_false()) ||
		    json_object_set_new(o, "why", json_string(r->record != VTB_RECORD_SAMPLES
				? "histogram record: no per-tick series"
				: "fewer than 2 samples")) ||
		    json_object_set_new(o, "stationary", json_null()) ||
		    json_object_set_new(o, "change_point", json_null()))
			goto fail;
		return o;
	}
	x = malloc(r->n_samples * sizeof *x);
	if (!x)
		goto fail;
	for (size_t i = 0; i < r->n_samples; i++)
		x[i] = (double)r->samples[i];
	if (vtb_pettitt(x, r->n_samples, &cp) != 0)
		goto fail;
	/* A change point is a significant split whose two medians differ: with
	 * thousands of ticks a shift in the tail alone reaches significance,
	 * and the median is what a warm-up moves. */
	found = cp.p < VTB_PETTITT_ALPHA && cp.median_before != cp.median_after;
	c = json_object();
	if (!c ||
	    json_object_set_new(c, "at_tick", json_integer((json_int_t)cp.at)) ||
	    json_object_set_new(c, "median_before_ticks", num(cp.median_before)) ||
	    json_object_set_new(c, "median_after_ticks", num(cp.median_after)) ||
	    json_object_set_new(o, "tested", json_true()) ||
	    json_object_set_new(o, "n", json_integer((json_int_t)r->n_samples)) ||
	    json_object_set_new(o, "stationary", json_boolean(!found)) ||
	    json_object_set_new(o, "statistic", num(cp.statistic)) ||
	    json_object_set_new(o, "p", json_real(cp.p)) ||
	    json_object_set_new(o, "split", c)) {
		json_decref(c);
		goto fail;
	}
	c = NULL;
	if (!found) {
		if (json_object_set_new(o, "change_point", json_null()))
			goto fail;
		free(x);
		return o;
	}
	if (vtb_stats_from_samples(r->samples + cp.at, r->n_samples - cp.at, &after) != 0)
		goto fail;
	c = json_object();
	if (!c ||
	    json_object_set_new(c, "at_tick", json_integer((json_int_t)cp.at)) ||
	    json_object_set_new(c, "median_before_ticks", num(cp.median_before)) ||
	    json_object_set_new(c, "median_after_ticks", num(cp.median_after)) ||
	    json_object_set_new(c, "latency_ticks_after", stats_object(&after, 1.0)) ||
	    json_object_set_new(o, "change_point", c)) {
		json_decref(c);
		goto fail;
	}
	free(x);
	return o;
fail:
	free(x);
	json_decref(o);
	return NULL;
}

static int compute_stats(const struct vtb_report *r, struct vtb_stats *s)
{
	if (r->record == VTB_RECORD_SAMPLES)
		return vtb_stats_from_samples(r->samples, r->n_samples, s);
	if (vtb_stats_from_hist(r->buckets, r->n_buckets, r->hist_shift, s) < 0)
		return -1;
	/* The trailer carries min, max and sum exactly; only the percentiles and
	 * stddev need bucket midpoints. */
	if (r->taken) {
		double *q[4] = { &s->p50, &s->p90, &s->p99, &s->p99_9 };
		s->min = (double)r->min;
		s->max = (double)r->max;
		s->mean = (double)r->sum / (double)r->taken;
		/* A midpoint can lie beyond the exact extremes in the edge buckets. */
		for (int i = 0; i < 4; i++)
			*q[i] = *q[i] < s->min ? s->min : *q[i] > s->max ? s->max : *q[i];
	}
	return 0;
}

json_t *vtb_summary_build(const struct vtb_report *r, const struct vtb_summary_opts *o)
{
	double ns_per_tick = 1e9 / (double)r->cntfrq;
	struct vtb_stats st;
	json_t *root, *clock, *counts;

	if (compute_stats(r, &st) < 0)
		return NULL;
	root = json_object();
	clock = json_object();
	counts = json_object();
	if (!root || !clock || !counts)
		goto fail;
	if (json_object_set_new(clock, "cntfrq_hz", json_integer((json_int_t)r->cntfrq)) ||
	    json_object_set_new(clock, "ns_per_tick", json_real(ns_per_tick)) ||
	    json_object_set_new(clock, "instructions_per_tick",
				o->deterministic ? json_real(ns_per_tick) : json_null()))
		goto fail;
	if (json_object_set_new(counts, "ticks", json_integer((json_int_t)r->ticks)) ||
	    json_object_set_new(counts, "taken", json_integer((json_int_t)r->taken)) ||
	    json_object_set_new(counts, "lost", json_integer((json_int_t)r->lost)) ||
	    json_object_set_new(counts, "spurious", json_integer((json_int_t)r->spurious)) ||
	    json_object_set_new(counts, "other", json_integer((json_int_t)r->other)))
		goto fail;
	if (json_object_set_new(root, "schema", json_string(VTB_SCHEMA_SUMMARY)) ||
	    json_object_set_new(root, "label", o->label ? json_string(o->label) : json_null()) ||
	    json_object_set_new(root, "platform_mode",
				json_string(o->deterministic ? "deterministic" : "realtime")) ||
	    json_object_set_new(root, "guest", kv_object(r->header, r->n_header)) ||
	    json_object_set_new(root, "trailer", kv_object(r->trailer, r->n_trailer)) ||
	    json_object_set_new(root, "clock", clock) ||
	    json_object_set_new(root, "counts", counts))
		goto fail_root;
	clock = counts = NULL; /* owned by root now */
	if (json_object_set_new(root, "latency_ticks", stats_object(&st, 1.0)) ||
	    json_object_set_new(root, "latency_ns", stats_object(&st, ns_per_tick)) ||
	    json_object_set_new(root, "latency_instructions",
				o->deterministic ? stats_object(&st, ns_per_tick) : json_null()) ||
	    json_object_set_new(root, "source",
				json_string(r->record == VTB_RECORD_HIST ? "histogram" : "samples")) ||
	    json_object_set_new(root, "stationarity", stationarity_object(r)) ||
	    json_object_set_new(root, "xen_boot_scrub",
				r->xen_scrub == VTB_SCRUB_BACKGROUND ? json_string("background") :
				r->xen_scrub == VTB_SCRUB_AT_BOOT ? json_string("before_dom0")
								  : json_null()))
		goto fail_root;
	return root;
fail:
	json_decref(clock);
	json_decref(counts);
fail_root:
	json_decref(root);
	return NULL;
}

const char *vtb_summary_check(const json_t *s)
{
	const char *schema;

	if (!json_is_object(s))
		return "not a JSON object";
	schema = json_string_value(json_object_get(s, "schema"));
	if (!schema)
		return "no \"schema\" member";
	if (strcmp(schema, VTB_SCHEMA_SUMMARY) != 0)
		return "unknown schema (want " VTB_SCHEMA_SUMMARY ")";
	if (!json_is_object(json_object_get(s, "latency_ticks")) ||
	    !json_is_object(json_object_get(s, "latency_ns")) ||
	    !json_is_object(json_object_get(s, "counts")))
		return "missing latency_ticks, latency_ns or counts";
	return NULL;
}

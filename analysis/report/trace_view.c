#define _POSIX_C_SOURCE 200809L
#include "trace_view.h"

#include <string.h>

#include "vtb/schema.h"
#include "vtb/trace_vocab.h"

const char *const *const trace_exit_reasons = vtb_exit_reason_names_report_order;
const int trace_exit_reason_count = VTB_EXIT__N;
const char *const *const trace_stages = vtb_tick_stage_names;
const int trace_stage_count = VTB_STAGE__N;

static double num(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	return json_is_number(v) ? json_number_value(v) : -1;
}

static json_t *find_vcpu(json_t *summary, const char *id)
{
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(summary, "vcpus"), i, v)
	{
		const char *vid = json_string_value(json_object_get(v, "id"));
		if (vid && strcmp(vid, id) == 0)
			return v;
	}
	return NULL;
}

int trace_view_init(struct trace_view *tv, json_t *summary)
{
	memset(tv, 0, sizeof(*tv));
	const char *schema = json_string_value(json_object_get(summary, "schema"));
	const char *want = json_string_value(json_object_get(json_object_get(summary, "guest"), "vcpu"));
	if (!schema || strcmp(schema, VTB_SCHEMA_TRACE_SUMMARY) != 0 || !want)
		return -1;
	tv->vcpu = find_vcpu(summary, want);
	if (!tv->vcpu)
		return -1;
	tv->vcpu_id = json_string_value(json_object_get(tv->vcpu, "id"));
	json_t *ticks = json_object_get(tv->vcpu, "ticks");
	if (num(ticks, "guest_taken") > 0) {
		tv->ticks = num(ticks, "guest_taken");
		tv->ticks_source = "guest";
		tv->exits_per_tick = num(tv->vcpu, "exits_per_guest_tick");
	} else {
		tv->ticks = num(ticks, "delivered");
		tv->ticks_source = "hypervisor deliveries";
		tv->exits_per_tick = num(tv->vcpu, "exits_per_tick");
	}
	return tv->ticks > 0 && tv->exits_per_tick >= 0 ? 0 : -1;
}

double trace_view_exits_per_tick(const struct trace_view *tv, const char *reason)
{
	if (!reason)
		return tv->exits_per_tick;
	double n = num(json_object_get(json_object_get(tv->vcpu, "exits"), "by_reason"), reason);
	return n < 0 ? 0 : n / tv->ticks;
}

#define _POSIX_C_SOURCE 200809L
#include "trace_view.h"

#include <string.h>

const char *const trace_exit_reasons[] = {
	"irq_vtimer", "irq_maint", "irq_other", "sync_hvc", "sync_smc", "sync_sysreg",
	"sync_wfx", "sync_dabt", "sync_iabt", "sync_other", "fiq", "serror",
};
const int trace_exit_reason_count = sizeof(trace_exit_reasons) / sizeof(trace_exit_reasons[0]);

const char *const trace_stages[] = {"cval_to_el2", "el2_to_inject", "inject_to_entry", "el2_to_entry",
				    "cval_to_entry"};
const int trace_stage_count = sizeof(trace_stages) / sizeof(trace_stages[0]);

static double num(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	return json_is_number(v) ? json_number_value(v) : -1;
}

int trace_view_init(struct trace_view *tv, json_t *summary)
{
	memset(tv, 0, sizeof(*tv));
	json_t *vcpus = json_object_get(summary, "vcpus");
	const char *want = json_string_value(json_object_get(json_object_get(summary, "guest"), "vcpu"));
	size_t i;
	json_t *v;
	double best = 0;
	int best_guest = 0;
	json_array_foreach(vcpus, i, v)
	{
		const char *id = json_string_value(json_object_get(v, "id"));
		json_t *ticks = json_object_get(v, "ticks");
		double lr = num(ticks, "delivered_lr");
		int is_guest = num(v, "domid") > 0;
		if (!id)
			continue;
		if (want && strcmp(id, want) == 0) {
			tv->vcpu = v;
			break;
		}
		/* A domU beats dom0: dom0 only hosts the tools in a traced run. */
		if (!want && lr > 0 && (is_guest > best_guest || (is_guest == best_guest && lr > best))) {
			tv->vcpu = v;
			best = lr;
			best_guest = is_guest;
		}
	}
	if (!tv->vcpu)
		return -1;
	tv->vcpu_id = json_string_value(json_object_get(tv->vcpu, "id"));
	json_t *ticks = json_object_get(tv->vcpu, "ticks");
	if (num(ticks, "guest_taken") > 0) {
		tv->ticks = num(ticks, "guest_taken");
		tv->ticks_source = "guest";
	} else if (num(ticks, "delivered_lr") > 0) {
		tv->ticks = num(ticks, "delivered_lr");
		tv->ticks_source = "list-register writes";
	} else {
		tv->ticks = num(ticks, "delivered");
		tv->ticks_source = "injections";
	}
	return tv->ticks > 0 ? 0 : -1;
}

double trace_view_exits_per_tick(const struct trace_view *tv, const char *reason)
{
	double n = num(json_object_get(json_object_get(tv->vcpu, "exits"), "by_reason"), reason);
	return n < 0 ? 0 : n / tv->ticks;
}

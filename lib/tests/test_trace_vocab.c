/* vtb/trace_vocab.h: the JSON order trace-summary.json has always had, and
 * the report order derived from it. */
#include "vtb/trace_vocab.h"
#include "vtb/test.h"
#include "suites.h"

static void test_vocab_json_order(void)
{
	static const char *const want[] = {
		"sync_hvc", "sync_smc", "sync_sysreg", "sync_wfx", "sync_dabt", "sync_iabt",
		"sync_other", "irq_vtimer", "irq_maint", "irq_other", "fiq", "serror",
	};
	CHECK(VTB_EXIT__N == 12);
	for (int i = 0; i < VTB_EXIT__N; i++)
		CHECK_STR(vtb_exit_reason_name(i), want[i]);
	CHECK_STR(vtb_exit_reason_name(VTB_EXIT__N), "?");
}

static void test_vocab_report_order(void)
{
	static const char *const want[] = {
		"irq_vtimer", "irq_maint", "irq_other", "sync_hvc", "sync_smc", "sync_sysreg",
		"sync_wfx", "sync_dabt", "sync_iabt", "sync_other", "fiq", "serror",
	};
	for (int i = 0; i < VTB_EXIT__N; i++)
		CHECK_STR(vtb_exit_reason_names_report_order[i], want[i]);
}

static void test_vocab_stages(void)
{
	static const char *const want[] = {
		"deadline_to_xen", "xen_to_switch_in", "switch_in_to_entry", "deadline_to_entry",
	};
	CHECK(VTB_STAGE__N == 4);
	CHECK(VTB_TICK_STAGE_PARTS == VTB_STAGE__N - 1);
	for (int i = 0; i < VTB_STAGE__N; i++) {
		CHECK_STR(vtb_tick_stage_name(i), want[i]);
		CHECK_STR(vtb_tick_stage_names[i], want[i]);
	}
}

void test_trace_vocab_suite(void)
{
	RUN(test_vocab_json_order);
	RUN(test_vocab_report_order);
	RUN(test_vocab_stages);
}

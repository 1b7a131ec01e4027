/* Unit tests of the run model: run.json made by init, the fallbacks for old
 * run directories, validation, the manifest's text rendering, the nightly
 * verdict. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "manifest.h"
#include "nightly.h"
#include "run_init.h"
#include "run_model.h"
#include "vtb/test.h"

static char tmp[64];

static void put_file(const char *rel, const char *text)
{
	char path[512], dir[600];
	snprintf(path, sizeof(path), "%s/%s", tmp, rel);
	snprintf(dir, sizeof(dir), "mkdir -p \"$(dirname '%s')\"", path);
	CHECK(system(dir) == 0);
	FILE *f = fopen(path, "w");
	CHECK(f != NULL);
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void fresh(void)
{
	char cmd[200];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' && mkdir -p '%s'", tmp, tmp);
	CHECK(system(cmd) == 0);
}

static json_t *init_with(const char *variants, int with_direct, char *err)
{
	struct run_params p;
	run_params_default(&p);
	p.run_id = "r1";
	p.variants = variants;
	p.with_direct = with_direct;
	return run_init_build(&p, err, 256);
}

static void test_default_variants_are_stock_then_direct(void)
{
	char err[256];
	json_t *doc = init_with(NULL, 1, err);
	CHECK(doc != NULL);
	struct run_model m = {doc, RUN_FROM_JSON};
	CHECK(run_model_variant_count(&m) == 2);
	CHECK_STR(run_model_variant_name(&m, 0), "stock");
	CHECK_STR(run_model_xen_options(&m, 0), "vtimer_delivery=software");
	CHECK_STR(run_model_variant_name(&m, 1), "direct");
	const char *a, *b;
	CHECK(run_model_pair_count(&m) == 1);
	run_model_pair(&m, 0, &a, &b);
	CHECK_STR(a, "stock");
	CHECK_STR(b, "direct");
	CHECK_STR(json_string_value(json_object_get(json_object_get(doc, "storm"), "guest_bootargs")),
		  "ticks=2000 mode=periodic period_ns=100000");
	CHECK_STR(run_model_string(&m, "history_config"), "emulated deterministic ticks=2000 mode=periodic period_ns=100000");
	json_decref(doc);
}

static void test_without_direct_series_stock_alone_has_no_options(void)
{
	char err[256];
	json_t *doc = init_with(NULL, 0, err);
	struct run_model m = {doc, RUN_FROM_JSON};
	CHECK(run_model_variant_count(&m) == 1);
	CHECK_STR(run_model_xen_options(&m, 0), "");
	CHECK(run_model_pair_count(&m) == 0);
	json_decref(doc);
}

static void test_user_variants_keep_their_order(void)
{
	char err[256];
	json_t *doc = init_with("b=x=1 y=2,a", 1, err);
	struct run_model m = {doc, RUN_FROM_JSON};
	CHECK(run_model_variant_count(&m) == 2);
	CHECK_STR(run_model_variant_name(&m, 0), "b");
	CHECK_STR(run_model_xen_options(&m, 0), "x=1 y=2");
	CHECK_STR(run_model_xen_options(&m, 1), "");
	json_decref(doc);
}

static void test_bad_values_are_refused(void)
{
	char err[256];
	CHECK(init_with("ok,bad name", 1, err) == NULL);
	CHECK(strstr(err, "bad variant name") != NULL);
	CHECK(init_with("plots", 1, err) == NULL);
	CHECK(init_with("a,a", 1, err) == NULL);
	CHECK(strstr(err, "named twice") != NULL);
	struct run_params p;
	run_params_default(&p);
	p.run_id = "r";
	p.ticks = "12x";
	CHECK(run_init_build(&p, err, sizeof(err)) == NULL);
	CHECK_STR(err, "--ticks needs a whole number, got '12x'");
	p.ticks = "10";
	p.target = "native";
	p.storm = "random";
	CHECK(run_init_build(&p, err, sizeof(err)) == NULL);
	p.run_id = "../x";
	p.storm = "periodic";
	CHECK(run_init_build(&p, err, sizeof(err)) == NULL);
	CHECK_STR(err, "--run-id must be a plain name");
}

static void test_native_runs_one_realtime_variant_untraced(void)
{
	struct run_params p;
	char err[256];
	run_params_default(&p);
	p.run_id = "n";
	p.target = "native";
	p.variants = "stock,direct";
	json_t *doc = run_init_build(&p, err, sizeof(err));
	struct run_model m = {doc, RUN_FROM_JSON};
	CHECK(run_model_variant_count(&m) == 1);
	CHECK_STR(run_model_variant_name(&m, 0), "native");
	CHECK_STR(run_model_string(&m, "platform_mode"), "realtime");
	CHECK(json_is_false(json_object_get(doc, "traced")));
	json_decref(doc);
}

static void test_legacy_directory_reads_raw_variants(void)
{
	fresh();
	put_file("raw/variants", "direct\nstock\nthird\n");
	put_file("raw/direct/xen-options", "vtimer_delivery=direct\n");
	put_file("raw/platform-mode", "deterministic\n");
	struct run_model m;
	char err[256];
	CHECK(run_model_load(&m, tmp, err, sizeof(err)) == 0);
	CHECK(m.source == RUN_FROM_LEGACY);
	CHECK(run_model_variant_count(&m) == 3);
	CHECK_STR(run_model_variant_name(&m, 2), "third");
	CHECK_STR(run_model_xen_options(&m, 0), "vtimer_delivery=direct");
	CHECK_STR(run_model_xen_options(&m, 1), "");
	CHECK_STR(run_model_string(&m, "platform_mode"), "deterministic");
	const char *a, *b;
	run_model_pair(&m, 0, &a, &b);
	CHECK_STR(a, "direct");
	CHECK_STR(b, "stock");
	run_model_free(&m);
}

static void test_plain_directory_is_scanned_stock_first(void)
{
	fresh();
	put_file("alpha/summary.json", "{}");
	put_file("stock/summary.json", "{}");
	put_file("plots/summary.json", "{}");
	struct run_model m;
	char err[256];
	CHECK(run_model_load(&m, tmp, err, sizeof(err)) == 0);
	CHECK(m.source == RUN_FROM_SCAN);
	CHECK(run_model_variant_count(&m) == 2);
	CHECK_STR(run_model_variant_name(&m, 0), "stock");
	CHECK_STR(run_model_variant_name(&m, 1), "alpha");
	run_model_free(&m);
}

static void test_damaged_run_json_is_an_error(void)
{
	fresh();
	put_file("raw/run.json", "{\"schema\":\"vtimer-bench/run/1\",\"variants\":[{\"name\":\"a\",\"xen_options\":\"\"}],"
				 "\"pairs\":[{\"a\":\"a\",\"b\":\"zz\"}]}");
	struct run_model m;
	char err[256];
	CHECK(run_model_load(&m, tmp, err, sizeof(err)) == -1);
	CHECK(strstr(err, "pair 0") != NULL);
	put_file("raw/run.json", "{not json");
	CHECK(run_model_load(&m, tmp, err, sizeof(err)) == -1);
	fresh();
	CHECK(run_model_load(&m, tmp, err, sizeof(err)) == -1);
}

static void test_manifest_text_keeps_the_old_layout(void)
{
	fresh();
	put_file("xen-manifest", "source=debian:xen\npatch=0001 aa\npatch=0002 bb\nversion=4.17\n");
	char err[256], path[512];
	json_t *doc = init_with(NULL, 1, err);
	struct run_model m = {doc, RUN_FROM_JSON};
	snprintf(path, sizeof(path), "%s/xen-manifest", tmp);
	struct manifest_facts f = {.date_utc = "D", .host = "H", .qemu = "Q", .xen_image_sha256 = "X",
				   .guest_image_sha256 = "G", .xen_build_file = path};
	json_t *man = manifest_build(&m, &f, err, sizeof(err));
	CHECK(man != NULL);
	CHECK(json_array_size(json_object_get(json_object_get(man, "xen_build"), "patch")) == 2);
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	CHECK(manifest_render_text(man, out) == 0);
	fclose(out);
	CHECK_STR(text, "run_id=r1\ndate_utc=D\nlabel=ab\n"
			"platform=emulated (qemu-system-aarch64 virt, GICv3, cortex-a57)\n"
			"platform_mode=deterministic\nqemu=Q\nhost=H\n"
			"guest_bootargs=ticks=2000 mode=periodic period_ns=100000\n"
			"variants=stock=vtimer_delivery=software,direct=vtimer_delivery=direct\n"
			"xen_image_sha256=X\nguest_image_sha256=G\n"
			"xen_source=debian:xen\nxen_patch=0001 aa\nxen_patch=0002 bb\nxen_version=4.17\n");
	free(text);
	json_decref(man);
	json_decref(doc);
}

static void test_nightly_only_slower_is_a_regression(void)
{
	json_t *slow = json_pack("{s:s, s:s, s:{s:i}, s:{s:f}}", "verdict", "slower", "unit", "ticks", "median_diff",
				 "estimate", 12, "mann_whitney", "p", 0.001);
	json_t *same = json_pack("{s:s}", "verdict", "identical");
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	CHECK(nightly_judge("stock", "n2", slow, out) == 1);
	CHECK(nightly_judge("direct", "n2", same, out) == 0);
	CHECK(nightly_judge("x", "n2", json_object_get(same, "none"), out) == -1);
	fclose(out);
	CHECK_STR(text, "nightly [stock]: REGRESSION against n2: verdict: slower (difference of medians +12 ticks)\n"
			"nightly [direct]: verdict: identical\n");
	free(text);
	json_decref(slow);
	json_decref(same);
}

static void test_nightly_inconclusive_is_not_a_regression(void)
{
	json_t *inc = json_pack("{s:s, s:f}", "verdict", "inconclusive", "mde_pct", 23.5);
	json_t *blind = json_pack("{s:s, s:n}", "verdict", "inconclusive", "mde_pct");
	json_t *rt = json_pack("{s:s, s:s, s:{s:f}, s:s, s:f, s:{s:{s:{s:f, s:f}}}}", "verdict", "no significant change",
			       "unit", "ticks", "median_diff", "estimate", 3.0, "basis", "boot-level t", "mde_pct", 8.0,
			       "boots", "test", "p50", "ratio", 1.01, "p", 0.4);
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	CHECK(nightly_judge("stock", "n2", inc, out) == NIGHTLY_INCONCLUSIVE);
	CHECK(nightly_judge("stock", "n2", blind, out) == NIGHTLY_INCONCLUSIVE);
	CHECK(nightly_judge("stock", "n2", rt, out) == NIGHTLY_OK);
	fclose(out);
	CHECK_STR(text, "nightly [stock]: verdict: inconclusive (could detect only changes beyond +-23.5 %)\n"
			"nightly [stock]: verdict: inconclusive (one boot a side and no calibrated noise: the boot is the unit)\n"
			"nightly [stock]: verdict: no significant change (difference of medians +3 ticks, boot level B/A"
			" 1.01, p = 0.4, detectable +-8 %)\n");
	free(text);
	json_decref(inc);
	json_decref(blind);
	json_decref(rt);
}

/* Writes dir/name/file with text. */
static void put(const char *dir, const char *name, const char *file, const char *text)
{
	char path[600];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	mkdir(dir, 0755);
	mkdir(path, 0755);
	snprintf(path, sizeof path, "%s/%s/%s", dir, name, file);
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
}

static void test_nightly_ticks_lost_and_exits(void)
{
	char a[300], b[300];
	snprintf(a, sizeof a, "%s-ta", tmp);
	snprintf(b, sizeof b, "%s-tb", tmp);
	const char *ok = "{\"platform_mode\":\"deterministic\",\"counts\":{\"ticks\":1000,\"lost\":0,\"spurious\":0}}";
	const char *lost = "{\"platform_mode\":\"deterministic\",\"counts\":{\"ticks\":1000,\"lost\":2,\"spurious\":0}}";
	const char *rt1 = "{\"platform_mode\":\"realtime\",\"counts\":{\"ticks\":1000,\"lost\":1,\"spurious\":0}}";
	const char *rt30 = "{\"platform_mode\":\"realtime\",\"counts\":{\"ticks\":1000,\"lost\":20,\"spurious\":10}}";
	const char *ts1 = "{\"guest\":{\"vcpu\":\"d1v0\"},\"vcpus\":[{\"id\":\"d0v0\"},{\"id\":\"d1v0\","
			  "\"ticks\":{\"delivered\":1000},\"exits\":{\"by_reason\":{\"sync_wfx\":1000,\"irq_maint\":0}}}]}";
	const char *ts2 = "{\"guest\":{\"vcpu\":\"d1v0\"},\"vcpus\":[{\"id\":\"d1v0\","
			  "\"ticks\":{\"delivered\":1000},\"exits\":{\"by_reason\":{\"sync_wfx\":1000,\"irq_maint\":500}}}]}";
	put(a, "stock", "summary.json", ok);
	put(a, "stock", "trace-summary.json", ts1);
	put(b, "stock", "summary.json", ok);
	put(b, "stock", "trace-summary.json", ts1);
	char err[256], *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	CHECK(nightly_judge_ticks("stock", "n1", a, b, 5, out, err, sizeof err) == 0);
	put(b, "stock", "trace-summary.json", ts2);
	CHECK(nightly_judge_ticks("stock", "n1", a, b, 5, out, err, sizeof err) == 1);
	put(b, "stock", "summary.json", lost);
	put(b, "stock", "trace-summary.json", ts1);
	CHECK(nightly_judge_ticks("stock", "n1", a, b, 5, out, err, sizeof err) == 1);
	/* Realtime: one lost tick in 1000 is the platform; 3 % is not. */
	put(b, "stock", "summary.json", rt1);
	CHECK(nightly_judge_ticks("stock", "n1", a, b, 5, out, err, sizeof err) == 0);
	put(b, "stock", "summary.json", rt30);
	CHECK(nightly_judge_ticks("stock", "n1", a, b, 5, out, err, sizeof err) == 1);
	put(b, "stock", "trace-summary.json", "{");
	CHECK(nightly_judge_ticks("stock", "n1", a, b, 5, out, err, sizeof err) == -1);
	fclose(out);
	CHECK(strstr(text, "exits per delivered tick unchanged") != NULL);
	CHECK(strstr(text, "irq_maint: 0 -> 0.5") != NULL);
	CHECK(strstr(text, "REGRESSION: 2 lost and 0 spurious") != NULL);
	CHECK(strstr(text, "nightly [stock]: 1 lost and 0 spurious ticks (0.1 % of 1000; baseline 0 %): within") != NULL);
	CHECK(strstr(text, "REGRESSION: 20 lost and 10 spurious ticks (3 %") != NULL);
	free(text);
	char cmd[700];
	snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s'", a, b);
	CHECK(system(cmd) == 0);
}

int main(void)
{
	snprintf(tmp, sizeof(tmp), "/tmp/vtb-run-test.%d", (int)getpid());
	RUN(test_default_variants_are_stock_then_direct);
	RUN(test_nightly_inconclusive_is_not_a_regression);
	RUN(test_nightly_ticks_lost_and_exits);
	RUN(test_without_direct_series_stock_alone_has_no_options);
	RUN(test_user_variants_keep_their_order);
	RUN(test_bad_values_are_refused);
	RUN(test_native_runs_one_realtime_variant_untraced);
	RUN(test_legacy_directory_reads_raw_variants);
	RUN(test_plain_directory_is_scanned_stock_first);
	RUN(test_damaged_run_json_is_an_error);
	RUN(test_manifest_text_keeps_the_old_layout);
	RUN(test_nightly_only_slower_is_a_regression);
	char cmd[200];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		return 1;
	return vtb_test_done();
}

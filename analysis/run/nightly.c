#define _POSIX_C_SOURCE 200809L
#include "nightly.h"

#include <math.h>
#include <string.h>
#include <sys/stat.h>

int nightly_judge(const char *variant, const char *baseline, json_t *compare, FILE *out)
{
	const char *verdict = json_string_value(json_object_get(compare, "verdict"));
	const char *unit = json_string_value(json_object_get(compare, "unit"));
	const char *basis = json_string_value(json_object_get(compare, "basis"));
	json_t *diff = json_object_get(json_object_get(compare, "median_diff"), "estimate");
	json_t *mde = json_object_get(compare, "mde_pct");
	json_t *p50 = json_object_get(json_object_get(json_object_get(compare, "boots"), "test"), "p50");
	if (!verdict)
		return -1;
	/* vtb-compare --fail-on-regression's rule: "slower" is a regression,
	 * "inconclusive" is its own outcome, never a regression. */
	int rc = !strcmp(verdict, "slower") ? NIGHTLY_REGRESSION
		 : !strcmp(verdict, "inconclusive") ? NIGHTLY_INCONCLUSIVE : NIGHTLY_OK;
	fprintf(out, "nightly [%s]: ", variant);
	if (rc == NIGHTLY_REGRESSION)
		fprintf(out, "REGRESSION against %s: ", baseline);
	fprintf(out, "verdict: %s", verdict);
	if (rc == NIGHTLY_INCONCLUSIVE)
		fprintf(out, json_is_number(mde) ? " (could detect only changes beyond +-%.3g %%)"
						 : " (one boot a side and no calibrated noise: the boot is the unit)",
			json_number_value(mde));
	else if (strcmp(verdict, "identical") && json_is_number(diff)) {
		fprintf(out, " (difference of medians %+g %s", json_number_value(diff), unit ? unit : "ticks");
		if (basis && !strcmp(basis, "exact"))
			fprintf(out, ", exact: instruction-exact runs");
		else if (json_is_object(p50))
			fprintf(out, ", boot level B/A %.4g, p = %.3g, detectable +-%.3g %%",
				json_number_value(json_object_get(p50, "ratio")),
				json_number_value(json_object_get(p50, "p")), json_number_value(mde));
		fputc(')', out);
	}
	fputc('\n', out);
	return rc;
}

static json_t *load(const char *dir, const char *variant, const char *file, int *missing, char *err, size_t errlen)
{
	char path[4200];
	struct stat st;
	snprintf(path, sizeof path, "%s/%s/%s", dir, variant, file);
	*missing = stat(path, &st) != 0;
	if (*missing)
		return NULL;
	json_error_t je;
	json_t *doc = json_load_file(path, 0, &je);
	if (!doc)
		snprintf(err, errlen, "%s: %s", path, je.text);
	return doc;
}

/* The guest's vCPU entry of a trace summary (guest.vcpu names it). */
static json_t *guest_vcpu(json_t *ts)
{
	const char *id = json_string_value(json_object_get(json_object_get(ts, "guest"), "vcpu"));
	json_t *vs = json_object_get(ts, "vcpus"), *v;
	size_t i;
	json_array_foreach(vs, i, v) {
		const char *vid = json_string_value(json_object_get(v, "id"));
		if (id && vid && !strcmp(vid, id))
			return v;
	}
	return NULL;
}

int nightly_judge_ticks(const char *variant, const char *baseline, const char *base_run, const char *run,
			double exits_pct, FILE *out, char *err, size_t errlen)
{
	int missing, regression = 0;
	json_t *sum = load(run, variant, "summary.json", &missing, err, errlen);
	if (!sum)
		return missing ? 0 : -1;
	json_t *counts = json_object_get(sum, "counts");
	json_int_t lost = json_integer_value(json_object_get(counts, "lost"));
	json_int_t spurious = json_integer_value(json_object_get(counts, "spurious"));
	double ticks = (double)json_integer_value(json_object_get(counts, "ticks"));
	const char *mode = json_string_value(json_object_get(sum, "platform_mode"));
	int exact = mode && !strcmp(mode, "deterministic");
	json_decref(sum);
	double base_rate = 0;
	json_t *bsum = load(base_run, variant, "summary.json", &missing, err, errlen);
	if (!bsum && !missing)
		return -1;
	if (bsum) {
		json_t *bc = json_object_get(bsum, "counts");
		double bt = (double)json_integer_value(json_object_get(bc, "ticks"));
		if (bt > 0)
			base_rate = (double)(json_integer_value(json_object_get(bc, "lost")) +
					     json_integer_value(json_object_get(bc, "spurious"))) / bt;
		json_decref(bsum);
	}
	if (lost || spurious) {
		/* Instruction-exact runs lose no tick: any is a regression.  On a
		 * wall-clock platform the host can preempt the emulated CPU past
		 * the guest's timeout, so a rare lost tick is noise (an A/A series
		 * showed 1 in 1000): there it is a regression only above 1 % of
		 * the ticks and twice the baseline's rate. */
		double rate = ticks > 0 ? (double)(lost + spurious) / ticks : 1.0;
		int judged = exact || (rate > 0.01 && rate > 2.0 * base_rate);
		fprintf(out, "nightly [%s]: %s%lld lost and %lld spurious ticks (%.3g %% of %.0f; baseline %.3g %%)%s\n",
			variant, judged ? "REGRESSION: " : "", (long long)lost, (long long)spurious, 100.0 * rate, ticks,
			100.0 * base_rate, judged ? "" : ": within the realtime platform's noise (1 % and twice the baseline's)");
		regression |= judged;
	}

	int m1, m2;
	json_t *ta = load(base_run, variant, "trace-summary.json", &m1, err, errlen);
	if (!ta && !m1)
		return -1;
	json_t *tb = load(run, variant, "trace-summary.json", &m2, err, errlen);
	if (!tb && !m2) {
		json_decref(ta);
		return -1;
	}
	json_t *va = ta ? guest_vcpu(ta) : NULL, *vb = tb ? guest_vcpu(tb) : NULL;
	if (va && vb) {
		double na = json_number_value(json_object_get(json_object_get(va, "ticks"), "delivered"));
		double nb = json_number_value(json_object_get(json_object_get(vb, "ticks"), "delivered"));
		json_t *ra = json_object_get(json_object_get(va, "exits"), "by_reason");
		json_t *rb = json_object_get(json_object_get(vb, "exits"), "by_reason");
		const char *reason;
		json_t *x;
		int changed = 0;
		if (na > 0 && nb > 0) {
			json_object_foreach(rb, reason, x) {
				double a = json_number_value(json_object_get(ra, reason)) / na;
				double b = json_number_value(x) / nb;
				if (fabs(b - a) > 0.01 && fabs(b - a) > a * exits_pct / 100.0) {
					fprintf(out,
						"nightly [%s]: REGRESSION against %s: exits per delivered tick, %s: %.4g -> %.4g"
						" (traced boots, beyond %g %%)\n",
						variant, baseline, reason, a, b, exits_pct);
					changed = regression = 1;
				}
			}
			if (!changed)
				fprintf(out, "nightly [%s]: exits per delivered tick unchanged (traced boots, within %g %%)\n",
					variant, exits_pct);
		}
	}
	json_decref(ta);
	json_decref(tb);
	return regression;
}

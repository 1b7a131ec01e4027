#include "nightly.h"

#include <string.h>

int nightly_judge(const char *variant, const char *baseline, json_t *compare, FILE *out)
{
	const char *verdict = json_string_value(json_object_get(compare, "verdict"));
	const char *unit = json_string_value(json_object_get(compare, "unit"));
	json_t *diff = json_object_get(json_object_get(compare, "median_diff"), "estimate");
	json_t *p = json_object_get(json_object_get(compare, "mann_whitney"), "p");
	if (!verdict)
		return -1;
	/* vtb-compare --fail-on-regression's rule: only "slower" is a regression. */
	int regression = strcmp(verdict, "slower") == 0;
	fprintf(out, "nightly [%s]: ", variant);
	if (regression)
		fprintf(out, "REGRESSION against %s: ", baseline);
	fprintf(out, "verdict: %s", verdict);
	if (strcmp(verdict, "identical") && json_is_number(diff) && json_is_number(p))
		fprintf(out, " (difference of medians %+g %s, p = %.4g)", json_number_value(diff),
			unit ? unit : "ticks", json_number_value(p));
	fputc('\n', out);
	return regression;
}

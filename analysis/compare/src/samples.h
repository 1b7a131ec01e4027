/* Loading one run's latency samples.
 * A run directory holds summary.json and samples.csv
 * (`tick,latency_ticks,latency_ns`, one row per delivered tick), or, when
 * samples.csv is absent, hist.csv (`lo_ticks,count`), which is expanded to
 * `count` copies of its bin's lower bound (exact for 1-tick bins). */
#ifndef VTB_CMP_SAMPLES_H
#define VTB_CMP_SAMPLES_H
#include <stddef.h>

enum metric { METRIC_TICKS, METRIC_NS };

/* Hard cap per side, so a corrupt histogram cannot ask for terabytes. */
#define SAMPLES_MAX ((size_t)200000000)

struct run_info {
	char dir[1024];
	char mode[32];          /* platform_mode */
	char source[16];        /* "samples.csv" or "hist.csv" */
	double cntfrq_hz;       /* NaN if absent */
	double ns_per_tick;     /* NaN if absent */
	long long summary_n;    /* latency_ticks.n, -1 if absent */
	int hist_shift;         /* guest.hist_shift, -1 if absent */
};

struct sample_set {
	double *v;
	size_t n;
};

const char *cmp_metric_name(enum metric m);

/* Each returns 0, or -1 with a one-line message in err. `name` labels
 * messages (usually the file path). */
int cmp_parse_samples_csv(const char *buf, size_t len, const char *name,
		      enum metric m, struct sample_set *out, char *err, size_t errlen);
/* Width of the log-linear bucket starting at lo, or 0 if lo is not a
 * bucket boundary for this hist_shift. */
unsigned long long cmp_hist_bucket_width(unsigned long long lo, int hist_shift);
int cmp_parse_hist_csv(const char *buf, size_t len, const char *name,
		   enum metric m, double ns_per_tick, int hist_shift,
		   struct sample_set *out, char *err, size_t errlen);
int cmp_parse_summary_json(const char *buf, size_t len, const char *name,
		       struct run_info *info, char *err, size_t errlen);
int cmp_load_run(const char *dir, enum metric m, struct sample_set *out,
	     struct run_info *info, char *err, size_t errlen);
void cmp_sample_set_free(struct sample_set *s);

#endif

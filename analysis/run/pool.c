#define _POSIX_C_SOURCE 200809L
#include "pool.h"
#include "run_model.h"
#include "vtb/atomic_file.h"
#include "vtb/quantile.h"
#include "vtb/read_file.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct col {
	double *v;
	size_t n, cap;
};

static int push(struct col *c, double x)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 4096;
		double *v = realloc(c->v, cap * sizeof *v);
		if (!v)
			return -1;
		c->v = v;
		c->cap = cap;
	}
	c->v[c->n++] = x;
	return 0;
}

static int dcmp(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;
	return (a > b) - (a < b);
}

/* The statistics object of summary.json over the values of c (sorted here). */
static json_t *stats(struct col *c)
{
	qsort(c->v, c->n, sizeof c->v[0], dcmp);
	long double sum = 0, ss = 0;
	for (size_t i = 0; i < c->n; i++)
		sum += c->v[i];
	double mean = (double)(sum / c->n);
	for (size_t i = 0; i < c->n; i++)
		ss += (c->v[i] - mean) * (c->v[i] - mean);
#define Q(num, den) json_integer((json_int_t)c->v[vtb_nearest_rank(c->n, num, den) - 1])
	return json_pack("{s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:f, s:f}", "n", (json_int_t)c->n, "min",
			 json_integer((json_int_t)c->v[0]), "p50", Q(1, 2), "p90", Q(9, 10), "p99", Q(99, 100),
			 "p99_9", Q(999, 1000), "max", json_integer((json_int_t)c->v[c->n - 1]), "mean", mean,
			 "stddev", sqrt((double)(ss / c->n)));
#undef Q
}

static void add_counts(json_t *to, json_t *from, const char *const *keys, int minmax)
{
	for (size_t i = 0; keys[i]; i++) {
		json_t *a = json_object_get(to, keys[i]), *b = json_object_get(from, keys[i]);
		if (!json_is_integer(a) || !json_is_integer(b))
			continue;
		json_int_t x = json_integer_value(a), y = json_integer_value(b);
		json_int_t r = minmax && !strcmp(keys[i], "min") ? (x < y ? x : y)
			       : minmax && !strcmp(keys[i], "max") ? (x > y ? x : y) : x + y;
		json_object_set_new(to, keys[i], json_integer(r));
	}
}

static int write_text(const char *path, const char *text, size_t len)
{
	struct vtb_atomic af;
	if (vtb_atomic_open_path(&af, path))
		return -1;
	if (fwrite(text, 1, len, af.f) != len) {
		vtb_atomic_abort(&af);
		return -1;
	}
	return vtb_atomic_commit(&af);
}

int run_pool_boots(const char *dir, size_t k, char *err, size_t errlen)
{
	static const char *const count_keys[] = { "ticks", "taken", "lost", "spurious", "other", NULL };
	static const char *const trailer_keys[] = { "taken", "lost", "spurious", "other", "min", "max", "sum",
						    "elapsed", NULL };
	struct col ticks = { 0 }, ns = { 0 };
	char *csv = NULL;
	size_t csv_len = 0;
	json_t *pooled = NULL;
	int rc = -1, deterministic = 0;
	char path[4200];
	if (k < 2)
		return run_fail(err, errlen, "%s: pooling needs at least 2 boots", dir);
	for (size_t i = 1; i <= k; i++) {
		snprintf(path, sizeof path, "%s/boot-%zu/summary.json", dir, i);
		json_error_t je;
		json_t *sum = json_load_file(path, 0, &je);
		if (!sum) {
			run_fail(err, errlen, "%s: %s", path, je.text);
			goto out;
		}
		if (!pooled) {
			pooled = sum;
			const char *m = json_string_value(json_object_get(sum, "platform_mode"));
			deterministic = m && !strcmp(m, "deterministic");
		} else {
			add_counts(json_object_get(pooled, "counts"), json_object_get(sum, "counts"), count_keys, 0);
			add_counts(json_object_get(pooled, "trailer"), json_object_get(sum, "trailer"), trailer_keys, 1);
			json_decref(sum);
		}
		snprintf(path, sizeof path, "%s/boot-%zu/samples.csv", dir, i);
		char *buf;
		size_t len;
		if (vtb_read_file(path, &buf, &len)) {
			run_fail(err, errlen, "%s: %s (pooling needs record=samples)", path, strerror(errno));
			goto out;
		}
		char *body = memchr(buf, '\n', len);
		body = body ? body + 1 : buf + len;
		if (i == 1) {
			csv = malloc(len + 1);
			if (!csv) {
				free(buf);
				run_fail(err, errlen, "out of memory");
				goto out;
			}
			memcpy(csv, buf, (size_t)(body - buf));
			csv_len = (size_t)(body - buf);
		} else {
			char *bigger = realloc(csv, csv_len + len + 1);
			if (!bigger) {
				free(buf);
				run_fail(err, errlen, "out of memory");
				goto out;
			}
			csv = bigger;
		}
		size_t body_len = len - (size_t)(body - buf);
		memcpy(csv + csv_len, body, body_len);
		csv_len += body_len;
		/* tick,latency_ticks,latency_ns */
		for (char *line = body; line < buf + len;) {
			char *nl = memchr(line, '\n', (size_t)(buf + len - line));
			if (!nl)
				nl = buf + len;
			unsigned long long t, lt, ln;
			char tmp[128];
			size_t l = (size_t)(nl - line) < sizeof tmp - 1 ? (size_t)(nl - line) : sizeof tmp - 1;
			memcpy(tmp, line, l);
			tmp[l] = 0;
			if (l && sscanf(tmp, "%llu,%llu,%llu", &t, &lt, &ln) != 3) {
				free(buf);
				run_fail(err, errlen, "%s: bad row '%s'", path, tmp);
				goto out;
			}
			if (l && (push(&ticks, (double)lt) || push(&ns, (double)ln))) {
				free(buf);
				run_fail(err, errlen, "out of memory");
				goto out;
			}
			line = nl + 1;
		}
		free(buf);
	}
	if (ticks.n == 0) {
		run_fail(err, errlen, "%s: the boots hold no samples", dir);
		goto out;
	}
	json_object_set_new(pooled, "latency_ticks", stats(&ticks));
	json_object_set_new(pooled, "latency_ns", stats(&ns));
	json_object_set_new(pooled, "latency_instructions",
			    deterministic ? json_deep_copy(json_object_get(pooled, "latency_ns")) : json_null());
	json_object_set_new(pooled, "boots", json_integer((json_int_t)k));
	char *text = json_dumps(pooled, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (!text) {
		run_fail(err, errlen, "out of memory");
		goto out;
	}
	size_t tl = strlen(text);
	text[tl] = 0;
	snprintf(path, sizeof path, "%s/samples.csv", dir);
	int bad = write_text(path, csv, csv_len);
	if (!bad) {
		snprintf(path, sizeof path, "%s/summary.json", dir);
		char *t2 = malloc(tl + 2);
		bad = !t2;
		if (t2) {
			memcpy(t2, text, tl);
			t2[tl] = '\n';
			bad = write_text(path, t2, tl + 1);
			free(t2);
		}
	}
	free(text);
	if (bad) {
		run_fail(err, errlen, "cannot write %s: %s", path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	json_decref(pooled);
	free(csv);
	free(ticks.v);
	free(ns.v);
	return rc;
}

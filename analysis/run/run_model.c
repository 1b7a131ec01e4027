#define _POSIX_C_SOURCE 200809L
#include "run_model.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int run_fail(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -1;
}

int run_variant_name_ok(const char *name)
{
	if (!name || !*name || strlen(name) > 63 || !strcmp(name, "raw") || !strcmp(name, "plots"))
		return 0;
	return strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") == strlen(name);
}

static json_t *variants_of(const struct run_model *m) { return json_object_get(m->root, "variants"); }

size_t run_model_variant_count(const struct run_model *m) { return json_array_size(variants_of(m)); }

const char *run_model_variant_name(const struct run_model *m, size_t i)
{
	return json_string_value(json_object_get(json_array_get(variants_of(m), i), "name"));
}

const char *run_model_xen_options(const struct run_model *m, size_t i)
{
	const char *o = json_string_value(json_object_get(json_array_get(variants_of(m), i), "xen_options"));
	return o ? o : "";
}

long run_model_find(const struct run_model *m, const char *name)
{
	for (size_t i = 0; i < run_model_variant_count(m); i++)
		if (!strcmp(run_model_variant_name(m, i), name))
			return (long)i;
	return -1;
}

size_t run_model_pair_count(const struct run_model *m) { return json_array_size(json_object_get(m->root, "pairs")); }

void run_model_pair(const struct run_model *m, size_t i, const char **a, const char **b)
{
	json_t *p = json_array_get(json_object_get(m->root, "pairs"), i);
	*a = json_string_value(json_object_get(p, "a"));
	*b = json_string_value(json_object_get(p, "b"));
}

const char *run_model_string(const struct run_model *m, const char *key)
{
	return json_string_value(json_object_get(m->root, key));
}

int run_model_validate(json_t *root, char *err, size_t errlen)
{
	const char *schema = json_string_value(json_object_get(root, "schema"));
	if (!schema || strcmp(schema, RUN_SCHEMA))
		return run_fail(err, errlen, "schema is not %s", RUN_SCHEMA);
	json_t *vs = json_object_get(root, "variants");
	if (!json_is_array(vs) || json_array_size(vs) == 0)
		return run_fail(err, errlen, "no variants");
	size_t i, j;
	json_t *v;
	json_array_foreach(vs, i, v) {
		const char *name = json_string_value(json_object_get(v, "name"));
		if (!run_variant_name_ok(name))
			return run_fail(err, errlen, "bad variant name '%s'", name ? name : "(none)");
		if (!json_is_string(json_object_get(v, "xen_options")))
			return run_fail(err, errlen, "variant %s has no xen_options string", name);
		for (j = 0; j < i; j++)
			if (!strcmp(name, json_string_value(json_object_get(json_array_get(vs, j), "name"))))
				return run_fail(err, errlen, "variant %s named twice", name);
	}
	json_t *ps = json_object_get(root, "pairs");
	if (!json_is_array(ps))
		return run_fail(err, errlen, "no pairs array");
	struct run_model m = {root, RUN_FROM_JSON};
	json_array_foreach(ps, i, v) {
		const char *a = json_string_value(json_object_get(v, "a"));
		const char *b = json_string_value(json_object_get(v, "b"));
		if (!a || !b || run_model_find(&m, a) < 0 || run_model_find(&m, b) < 0 || !strcmp(a, b))
			return run_fail(err, errlen, "pair %zu does not name two different variants of the run", i);
	}
	return 0;
}

/* The first line of a small text file, without its newline; NULL if absent. */
static char *first_line(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	char buf[4096];
	char *s = fgets(buf, sizeof(buf), f) ? strdup(buf) : strdup("");
	fclose(f);
	if (s)
		s[strcspn(s, "\r\n")] = 0;
	return s;
}

static json_t *variant_json(const char *name, const char *xen_options)
{
	return json_pack("{s:s, s:s}", "name", name, "xen_options", xen_options ? xen_options : "");
}

void run_model_add_default_pair(json_t *root)
{
	json_t *vs = json_object_get(root, "variants"), *pairs = json_array();
	if (json_array_size(vs) >= 2)
		json_array_append_new(pairs, json_pack("{s:O, s:O}", "a", json_object_get(json_array_get(vs, 0), "name"),
						       "b", json_object_get(json_array_get(vs, 1), "name")));
	json_object_set_new(root, "pairs", pairs);
}

static int load_legacy(struct run_model *m, const char *dir, const char *list, char *err, size_t errlen)
{
	FILE *f = fopen(list, "r");
	if (!f)
		return run_fail(err, errlen, "%s: %s", list, strerror(errno));
	json_t *vs = json_array();
	char line[256], path[4096];
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = 0;
		if (!*line)
			continue;
		snprintf(path, sizeof(path), "%s/raw/%s/xen-options", dir, line);
		char *opts = first_line(path);
		json_array_append_new(vs, variant_json(line, opts));
		free(opts);
	}
	fclose(f);
	m->root = json_pack("{s:s, s:o}", "schema", RUN_SCHEMA, "variants", vs);
	snprintf(path, sizeof(path), "%s/raw/platform-mode", dir);
	char *mode = first_line(path);
	if (mode)
		json_object_set_new(m->root, "platform_mode", json_string(mode));
	free(mode);
	run_model_add_default_pair(m->root);
	m->source = RUN_FROM_LEGACY;
	return 0;
}

/* Stock Xen is the natural reference, so it leads; the rest by name. */
static int scan_order(const void *x, const void *y)
{
	const char *a = json_string_value(json_object_get(*(json_t *const *)x, "name"));
	const char *b = json_string_value(json_object_get(*(json_t *const *)y, "name"));
	int ra = strcmp(a, "stock") != 0, rb = strcmp(b, "stock") != 0;
	return ra != rb ? ra - rb : strcmp(a, b);
}

static int load_scan(struct run_model *m, const char *dir, char *err, size_t errlen)
{
	DIR *d = opendir(dir);
	if (!d)
		return run_fail(err, errlen, "%s: %s", dir, strerror(errno));
	json_t *found[256];
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d)) && n < sizeof(found) / sizeof(found[0])) {
		char path[4096];
		struct stat st;
		snprintf(path, sizeof(path), "%s/%s/summary.json", dir, e->d_name);
		if (run_variant_name_ok(e->d_name) && !stat(path, &st))
			found[n++] = variant_json(e->d_name, "");
	}
	closedir(d);
	if (n == 0)
		return run_fail(err, errlen, "%s: no raw/run.json, raw/variants or variant directory with a summary.json",
			    dir);
	qsort(found, n, sizeof(found[0]), scan_order);
	json_t *vs = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(vs, found[i]);
	m->root = json_pack("{s:s, s:o}", "schema", RUN_SCHEMA, "variants", vs);
	run_model_add_default_pair(m->root);
	m->source = RUN_FROM_SCAN;
	return 0;
}

int run_model_load(struct run_model *m, const char *dir, char *err, size_t errlen)
{
	char path[4096], why[256];
	struct stat st;
	memset(m, 0, sizeof(*m));
	snprintf(path, sizeof(path), "%s/raw/run.json", dir);
	if (!stat(path, &st)) {
		json_error_t je;
		m->root = json_load_file(path, 0, &je);
		if (!m->root)
			return run_fail(err, errlen, "%s: %s", path, je.text);
		m->source = RUN_FROM_JSON;
	} else {
		snprintf(path, sizeof(path), "%s/raw/variants", dir);
		int rc = stat(path, &st) ? load_scan(m, dir, err, errlen) : load_legacy(m, dir, path, err, errlen);
		if (rc)
			return -1;
	}
	if (run_model_validate(m->root, why, sizeof(why))) {
		run_model_free(m);
		return run_fail(err, errlen, "%s: %s", path, why);
	}
	return 0;
}

void run_model_free(struct run_model *m)
{
	json_decref(m->root);
	m->root = NULL;
}

/* The run's data model: what a run directory holds and in which order
 * (raw/run.json, schema "vtimer-bench/run/1").  Every tool that needs the
 * variants of a run, their Xen options or the pairs to compare asks here, so
 * the order and the A/B choice are decided once, when the run is made.
 *
 * Run directories made before run.json existed are read through a fallback:
 * raw/variants (one name a line, run order), raw/<name>/xen-options and
 * raw/platform-mode; the pair is then the first two variants, as the shell
 * used to pick it.  Directories with neither (hand-made or test fixtures)
 * are read from their <variant>/summary.json sub-directories, stock first. */
#ifndef VTB_RUN_MODEL_H
#define VTB_RUN_MODEL_H

#include <jansson.h>
#include <stddef.h>

#include "vtb/schema.h"
#define RUN_SCHEMA VTB_SCHEMA_RUN

/* Where the model of a directory came from. */
enum run_source { RUN_FROM_JSON, RUN_FROM_LEGACY, RUN_FROM_SCAN };

struct run_model {
	json_t *root;             /* owned; the run.json document (or its equivalent) */
	enum run_source source;
};

/* Loads DIR/raw/run.json, or the fallbacks above.  0, or -1 with a one-line
 * reason in err. */
int run_model_load(struct run_model *m, const char *dir, char *err, size_t errlen);
/* Checks a run.json document: schema, unique well-formed variant names, pairs
 * naming known variants.  0, or -1 with the reason in err. */
int run_model_validate(json_t *root, char *err, size_t errlen);
void run_model_free(struct run_model *m);

size_t run_model_variant_count(const struct run_model *m);
const char *run_model_variant_name(const struct run_model *m, size_t i);
/* The Xen command-line options of variant i ("" for none). */
const char *run_model_xen_options(const struct run_model *m, size_t i);
/* Index of the variant called name, or -1. */
long run_model_find(const struct run_model *m, const char *name);

size_t run_model_pair_count(const struct run_model *m);
/* Pair i compares B against A: a is the reference (the report's A column). */
void run_model_pair(const struct run_model *m, size_t i, const char **a, const char **b);

/* A top-level string of the model (platform_mode, target, ...), or NULL. */
const char *run_model_string(const struct run_model *m, const char *key);

/* Sets root's pairs to the default A/B pair: the first variant in run order
 * is the reference A, the second is B (none with a single variant). */
void run_model_add_default_pair(json_t *root);

/* A name usable as a variant directory: letters, digits, '_' and '-', and not
 * one of the run directory's own folders. */
int run_variant_name_ok(const char *name);

/* Writes a one-line reason into err and returns -1, the model's error style.
 * TODO(libvtb): H1's error printer may take this over. */
int run_fail(char *err, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif

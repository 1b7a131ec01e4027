/* Making a run's model (raw/run.json) from what the user asked for: the
 * variant registry (which delivery paths a build offers and the Xen options
 * that select them), the storm parameters in the guest's and the Linux
 * storm's syntax, the pairs to compare and the history's configuration key. */
#ifndef VTB_RUN_INIT_H
#define VTB_RUN_INIT_H

#include <jansson.h>
#include <stddef.h>

/* Every field as the user typed it (strings): run_init_build checks them. */
struct run_params {
	const char *run_id, *label, *target, *platform_mode;
	const char *ticks, *storm, *period_ns, *rmin_ns, *rmax_ns, *seed, *guest_args;
	const char *variants; /* NAME[=XEN-OPTIONS],... or NULL for the registry's default */
	int with_direct;      /* the build carries the direct-PPI series */
	int traced;           /* each variant also gets a traced boot */
	const char *runner;   /* "local" or "lava" (each boot a LAVA job) */
	const char *machine;  /* machine description name (platform/machines/); NULL: the default */
	const char *boots;    /* untraced boots per variant; NULL: the platform's default
			       * (1 deterministic, where boots are byte-identical; 5 realtime
			       * on the emulated target; 1 for native and linux-dom0) */
};

/* Fills p with the defaults run-bench documents in its --help. */
void run_params_default(struct run_params *p);
/* The run.json document for p, or NULL with a one-line reason in err (every
 * reason is a usage error: a value the user gave is not acceptable). */
json_t *run_init_build(const struct run_params *p, char *err, size_t errlen);

#endif

/* Pooling the boots of one variant.  With --boots K > 1 every boot of a
 * variant is analysed into <variant>/boot-<i>/ (summary.json, samples.csv);
 * the variant folder itself then gets the boots pooled, for the plots and
 * the report: samples.csv is the boots' rows one after the other (boot 1
 * first, tick numbers as each boot counted them) and summary.json is boot
 * 1's with the counts summed, the latency statistics recomputed over all
 * samples (nearest rank, population stddev, as vtb-analyze) and
 * "boots": K added.  The comparison itself works on the boots. */
#ifndef VTB_RUN_POOL_H
#define VTB_RUN_POOL_H
#include <stddef.h>

/* Pools dir/boot-1..boot-k into dir.  0, or -1 with a one-line reason in
 * err; nothing is written on error (each file is replaced atomically). */
int run_pool_boots(const char *dir, size_t k, char *err, size_t errlen);

#endif

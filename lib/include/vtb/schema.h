/* The schema names of the JSON documents the tools write and read: the one
 * place a version is bumped. A reader accepts exactly these strings. */
#ifndef VTB_SCHEMA_H
#define VTB_SCHEMA_H

/* summary.json of one run: vtb-analyze writes it (docs/summary-format.md);
 * vtb-compare, vtb-report and vtb-history read it. */
#define VTB_SCHEMA_SUMMARY "vtimer-bench/summary/1"
/* trace-summary.json: vtb-xentrace-analyze writes it
 * (docs/xentrace-decoder.md); vtb-report and vtb-tracedata read it. */
#define VTB_SCHEMA_TRACE_SUMMARY "vtb-xentrace-summary/2"
/* compare.json: vtb-compare --json (docs/comparison-statistics.md). */
#define VTB_SCHEMA_COMPARE "vtimer-bench/compare/1"
/* raw/run.json: what a run is (variants, pairs, storm); vtb-run writes it
 * and every tool that walks a run directory reads it (results/README.md). */
#define VTB_SCHEMA_RUN "vtimer-bench/run/1"
/* manifest.json: what ran (Xen source, patches, QEMU, host); vtb-run. */
#define VTB_SCHEMA_MANIFEST "vtimer-bench/manifest/1"

#endif

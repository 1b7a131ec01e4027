/* The report's section "Where the hypervisor's instructions go": the
 * instruction profile of each variant's untraced boot (profiler/,
 * docs/profiler.md). Every figure is copied from files the run holds:
 * <variant>/profile/profile.json (vtb-profile), profile-compare.json
 * (vtb-profile diff of the run's pair), <variant>/trace-summary.json
 * (analysis/xentrace), plots/profile-functions.svg. */
#ifndef VTB_PROFILE_VIEW_H
#define VTB_PROFILE_VIEW_H
#include "doc_model.h"
#include "run_model.h"

/* Appends the section for the first n variants of the run's model; nothing
 * when none of them has a profile (--no-profile, realtime mode, older runs). */
void rep_profile_section(struct rep_doc *d, const char *run, const struct run_model *m, int n);

#endif

/* vtb-profile diff: two profile directories (vtb-profile's output) compared
 * function by function (docs/profiler.md, "Comparing two profiles"). */
#ifndef VTB_PROF_DIFF_H
#define VTB_PROF_DIFF_H

/* argv[0] is "diff". Exit: 0 same or changed within the threshold, 3 EL2
 * instructions per tick grew beyond it, 1 bad input or I/O, 2 usage. */
int prof_diff_main(int argc, char **argv);

#endif

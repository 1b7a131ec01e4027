/* Test support for bench/ and bench/guest_kernels/: runs a report through the
 * project's one protocol reader, analysis/bin/vtb-analyze (path in the
 * VTB_ANALYZE environment variable, set by the Makefiles' check targets), so
 * that no test carries a reader of its own. */
#ifndef STORM_TEST_READER_H
#define STORM_TEST_READER_H
#include <stddef.h>

/* Creates the scratch directory; 0 if vtb-analyze and it are ready, -1 if not
 * (the caller skips its reader tests). */
int storm_reader_setup(void);
/* Removes the scratch directory. */
void storm_reader_cleanup(void);
/* Writes text as a console log, runs vtb-analyze on it; its exit status (-1 if
 * it could not run), its standard error in err. */
int storm_reader_run(const char *text, char *err, size_t errlen);
/* Member key of object section of the last run's summary.json, as text
 * ("(missing)" when absent). */
const char *storm_reader_get(const char *section, const char *key, char *buf, size_t len);
/* A whole file as a NUL-terminated string (free it), NULL on error. */
char *storm_reader_slurp(const char *path);

#endif

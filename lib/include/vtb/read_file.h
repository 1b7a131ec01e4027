/* Reading a whole (small) input file into memory: a run's summary.json,
 * samples.csv, a storm's JSON report. One reader, so every tool rejects a
 * directory or a short read the same way. */
#ifndef VTB_READ_FILE_H
#define VTB_READ_FILE_H
#include <stddef.h>

/* Reads path into a malloc'd, NUL-terminated buffer (*len excludes the NUL).
 * 0, or -1 with errno set: open's errno (ENOENT for a missing file), EISDIR
 * for anything but a regular file, EIO for a short read, ENOMEM. */
int vtb_read_file(const char *path, char **buf, size_t *len);

#endif

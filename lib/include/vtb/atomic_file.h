/* Output files that appear whole or not at all: write to a hidden temp file in
 * the target directory, then rename() over the final name (atomic on POSIX).
 * A run that fails half-way leaves no partial results for later tools to trust. */
#ifndef VTB_ATOMIC_FILE_H
#define VTB_ATOMIC_FILE_H

#include <stdio.h>

struct vtb_atomic {
	char *final_path;
	char *tmp_path;
	FILE *f;
};

/* Creates dir/.name.XXXXXX; a->f is open for writing. 0 or -1 (errno set). */
int vtb_atomic_open(struct vtb_atomic *a, const char *dir, const char *name);
/* The same for a full path: dir is everything before its last '/'. */
int vtb_atomic_open_path(struct vtb_atomic *a, const char *path);
/* Flushes, fsyncs, closes and renames into place. 0 or -1; on -1 the temp is gone. */
int vtb_atomic_commit(struct vtb_atomic *a);
/* Closes and removes the temp file; safe on a closed or never-opened handle. */
void vtb_atomic_abort(struct vtb_atomic *a);

/* mkdir -p. 0 or -1 (errno set). */
int vtb_mkdirs(const char *path);

#endif

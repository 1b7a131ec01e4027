/* Files that appear whole or not at all: written to a temporary name in the
 * same directory, then renamed over the target. */
#ifndef VTB_ATOMIC_FILE_H
#define VTB_ATOMIC_FILE_H
#include <stdio.h>

struct atomic_file {
	FILE *f;
	char tmp[4096];
	char path[4096];
};

/* Returns the stream to write to, or NULL (errno set). */
FILE *atomic_open(struct atomic_file *af, const char *path);
/* Flushes, syncs and renames into place; on any write error removes the
 * temporary and returns -1 (errno set). */
int atomic_commit(struct atomic_file *af);
void atomic_abort(struct atomic_file *af);

#endif

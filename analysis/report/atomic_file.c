#define _POSIX_C_SOURCE 200809L
#include "atomic_file.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

FILE *atomic_open(struct atomic_file *af, const char *path)
{
	if (strlen(path) + 8 >= sizeof(af->tmp)) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	strcpy(af->path, path);
	snprintf(af->tmp, sizeof(af->tmp), "%s.XXXXXX", path);
	int fd = mkstemp(af->tmp);
	if (fd < 0)
		return NULL;
	/* mkstemp makes 0600; results are meant to be shared like any file. */
	mode_t mask = umask(0);
	umask(mask);
	fchmod(fd, 0666 & ~mask);
	af->f = fdopen(fd, "w");
	if (!af->f) {
		int e = errno;
		close(fd);
		unlink(af->tmp);
		errno = e;
	}
	return af->f;
}

int atomic_commit(struct atomic_file *af)
{
	int bad = ferror(af->f) || fflush(af->f) || fsync(fileno(af->f));
	int e = errno;
	if (fclose(af->f))
		bad = 1, e = errno;
	af->f = NULL;
	if (!bad && rename(af->tmp, af->path) == 0)
		return 0;
	if (!bad)
		e = errno;
	unlink(af->tmp);
	errno = e ? e : EIO;
	return -1;
}

void atomic_abort(struct atomic_file *af)
{
	if (af->f)
		fclose(af->f);
	af->f = NULL;
	unlink(af->tmp);
}

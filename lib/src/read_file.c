#define _POSIX_C_SOURCE 200809L
#include "vtb/read_file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

static int fail(FILE *f, char *b, int e)
{
	free(b);
	if (f)
		fclose(f);
	errno = e;
	return -1;
}

int vtb_read_file(const char *path, char **buf, size_t *len)
{
	struct stat st;
	FILE *f = fopen(path, "rb");

	if (!f)
		return -1;
	if (fstat(fileno(f), &st) != 0)
		return fail(f, NULL, errno);
	if (!S_ISREG(st.st_mode))
		return fail(f, NULL, EISDIR);
	size_t n = (size_t)st.st_size;
	char *b = malloc(n + 1);
	if (!b)
		return fail(f, NULL, ENOMEM);
	/* A regular file's size is known: read exactly that, and call a file
	 * that shrank meanwhile a short read rather than trusting half of it. */
	if (fread(b, 1, n, f) != n)
		return fail(f, b, EIO);
	fclose(f);
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;
}

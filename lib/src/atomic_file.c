#define _POSIX_C_SOURCE 200809L
#include "vtb/atomic_file.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *join(const char *dir, const char *prefix, const char *name, const char *suffix)
{
	size_t n = strlen(dir) + strlen(prefix) + strlen(name) + strlen(suffix) + 2;
	char *p = malloc(n);

	if (p)
		snprintf(p, n, "%s/%s%s%s", dir, prefix, name, suffix);
	return p;
}

int vtb_atomic_open(struct vtb_atomic *a, const char *dir, const char *name)
{
	int fd;

	memset(a, 0, sizeof(*a));
	a->final_path = join(dir, "", name, "");
	a->tmp_path = join(dir, ".", name, ".XXXXXX");
	if (!a->final_path || !a->tmp_path)
		goto fail;
	fd = mkstemp(a->tmp_path);
	if (fd < 0)
		goto fail;
	/* mkstemp creates 0600; results are meant to be shared like any other file. */
	(void)fchmod(fd, 0644);
	a->f = fdopen(fd, "w");
	if (!a->f) {
		int e = errno;
		close(fd);
		unlink(a->tmp_path);
		errno = e;
		goto fail;
	}
	return 0;
fail:
	free(a->final_path);
	free(a->tmp_path);
	memset(a, 0, sizeof(*a));
	return -1;
}

int vtb_atomic_open_path(struct vtb_atomic *a, const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return vtb_atomic_open(a, ".", path);
	size_t n = slash == path ? 1 : (size_t)(slash - path);
	char *dir = malloc(n + 1);
	if (!dir)
		return -1;
	memcpy(dir, path, n);
	dir[n] = '\0';
	int rc = vtb_atomic_open(a, dir, slash + 1);
	free(dir);
	return rc;
}

int vtb_atomic_commit(struct vtb_atomic *a)
{
	int rc = 0, e = 0;

	if (!a->f)
		return -1;
	if (fflush(a->f) != 0 || ferror(a->f) || fsync(fileno(a->f)) != 0) {
		rc = -1;
		e = errno;
	}
	if (fclose(a->f) != 0 && rc == 0) {
		rc = -1;
		e = errno;
	}
	a->f = NULL;
	if (rc == 0 && rename(a->tmp_path, a->final_path) != 0) {
		rc = -1;
		e = errno;
	}
	if (rc != 0)
		unlink(a->tmp_path);
	free(a->final_path);
	free(a->tmp_path);
	a->final_path = a->tmp_path = NULL;
	if (rc)
		errno = e ? e : EIO;
	return rc;
}

void vtb_atomic_abort(struct vtb_atomic *a)
{
	if (a->f) {
		fclose(a->f);
		a->f = NULL;
	}
	if (a->tmp_path)
		unlink(a->tmp_path);
	free(a->final_path);
	free(a->tmp_path);
	a->final_path = a->tmp_path = NULL;
}

int vtb_mkdirs(const char *path)
{
	char *p = strdup(path);
	struct stat st;

	if (!p)
		return -1;
	if (!*p) {
		free(p);
		errno = ENOENT;
		return -1;
	}
	for (char *s = p + 1; ; s++) {
		if (*s == '/' || *s == '\0') {
			char c = *s;
			*s = '\0';
			if (mkdir(p, 0755) != 0 && errno != EEXIST) {
				free(p);
				return -1;
			}
			*s = c;
			if (c == '\0')
				break;
		}
	}
	free(p);
	if (stat(path, &st) != 0)
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	return 0;
}

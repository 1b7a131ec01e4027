/* vtb/read_file.h: whole files, and the errno of each refusal. */
#define _POSIX_C_SOURCE 200809L
#include "vtb/read_file.h"
#include "vtb/test.h"
#include "suites.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void test_read_file_whole(void)
{
	char path[] = "/tmp/vtb-read-file-XXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	if (fd < 0)
		return;
	CHECK(write(fd, "a,b\n1,2", 7) == 7);
	close(fd);
	char *buf = NULL;
	size_t len = 0;
	CHECK(vtb_read_file(path, &buf, &len) == 0);
	CHECK(len == 7);
	CHECK_STR(buf, "a,b\n1,2");
	free(buf);
	unlink(path);
}

static void test_read_file_refusals(void)
{
	char *buf = NULL;
	size_t len = 0;
	errno = 0;
	CHECK(vtb_read_file("/nonexistent/x", &buf, &len) == -1 && errno == ENOENT);
	errno = 0;
	CHECK(vtb_read_file("/tmp", &buf, &len) == -1 && errno == EISDIR);
	CHECK(buf == NULL);
}

void test_read_file_suite(void)
{
	RUN(test_read_file_whole);
	RUN(test_read_file_refusals);
}

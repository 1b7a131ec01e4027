#define _POSIX_C_SOURCE 200809L
#include "storm_test_reader.h"
#include "vtb/read_file.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *analyze;
static char tmpdir[] = "/tmp/storm-reader.XXXXXX";
static int ready;

int storm_reader_setup(void)
{
	analyze = getenv("VTB_ANALYZE");
	ready = analyze && access(analyze, X_OK) == 0 && mkdtemp(tmpdir);
	return ready ? 0 : -1;
}

void storm_reader_cleanup(void)
{
	const char *names[] = { "console.log", "stderr", "out/summary.json", "out/samples.csv",
				"out/hist.csv", "out" };
	char path[sizeof(tmpdir) + 32];
	if (!ready)
		return;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", tmpdir, names[i]);
		remove(path);
	}
	rmdir(tmpdir);
}

char *storm_reader_slurp(const char *path)
{
	char *buf;
	size_t len;

	return vtb_read_file(path, &buf, &len) == 0 ? buf : NULL;
}

int storm_reader_run(const char *text, char *err, size_t errlen)
{
	char log[sizeof(tmpdir) + 16], out[sizeof(tmpdir) + 16], errpath[sizeof(tmpdir) + 16];
	snprintf(log, sizeof(log), "%s/console.log", tmpdir);
	snprintf(out, sizeof(out), "%s/out", tmpdir);
	snprintf(errpath, sizeof(errpath), "%s/stderr", tmpdir);
	err[0] = '\0';
	if (!ready)
		return -1;
	FILE *f = fopen(log, "w");
	if (!f || fputs(text, f) == EOF || fclose(f) != 0)
		return -1;
	fflush(stdout); /* the child must not write our buffered TAP again */
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (!freopen(errpath, "w", stderr) || !freopen("/dev/null", "w", stdout))
			_exit(127);
		execl(analyze, analyze, "--log", log, "--out-dir", out, "--platform-mode",
		      "deterministic", (char *)NULL);
		_exit(127);
	}
	int st;
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	char *e = storm_reader_slurp(errpath);
	snprintf(err, errlen, "%s", e ? e : "");
	free(e);
	return WEXITSTATUS(st);
}

const char *storm_reader_get(const char *section, const char *key, char *buf, size_t len)
{
	char path[sizeof(tmpdir) + 32];
	snprintf(path, sizeof(path), "%s/out/summary.json", tmpdir);
	json_t *root = json_load_file(path, 0, NULL);
	json_t *v = json_object_get(json_object_get(root, section), key);
	if (json_is_integer(v))
		snprintf(buf, len, "%lld", (long long)json_integer_value(v));
	else if (json_is_string(v))
		snprintf(buf, len, "%s", json_string_value(v));
	else
		snprintf(buf, len, "(missing)");
	json_decref(root);
	return buf;
}

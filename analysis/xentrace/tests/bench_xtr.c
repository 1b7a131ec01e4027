/* xtr-bench FILE [--ref REFFILE --xen-src DIR --py3-port SCRIPT]
 * Throughput of raw decode and of decode+analysis on FILE (wall clock and
 * CPU time, since the host is shared), peak RSS of vtb-xentrace-analyze on
 * FILE, and Xen's xentrace_format on REFFILE (it is ~1000x slower, so it
 * gets a smaller file; rates are per byte and per record). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "xtr_analyze.h"
#include "xtr_decode.h"
#include "xtr_report.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double cpu_self(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

struct pass { double wall, cpu; uint64_t bytes, records; };

static int run_pass(const char *path, int analyze, struct pass *out)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "xtr-bench: %s: %s\n", path, strerror(errno));
		return -1;
	}
	static struct xtr_an an;
	struct xtr_reader *r = xtr_reader_new(xtr_read_fd, &fd, 0);
	struct xtr_rec rec;
	uint64_t n = 0, sink = 0;
	xtr_an_init(&an);
	double w0 = now(), c0 = cpu_self();
	if (analyze) {
		while (xtr_next(r, &rec))
			xtr_an_feed(&an, &rec);
		xtr_an_finish(&an);
		struct xtr_report_meta m = {.input_path = path, .input_label = path, .cntfrq_hz = 62500000};
		json_t *j = xtr_report_json(&an, xtr_reader_stats(r), &m);
		char *s = json_dumps(j, 0);
		sink += strlen(s);
		free(s);
		json_decref(j);
	} else {
		while (xtr_next(r, &rec))
			sink += rec.event ^ rec.tsc; /* keep the decode from being optimised away */
	}
	out->wall = now() - w0;
	out->cpu = cpu_self() - c0;
	out->bytes = xtr_reader_stats(r)->bytes;
	out->records = xtr_reader_stats(r)->records;
	n = sink;
	(void)n;
	xtr_reader_free(r);
	xtr_an_free(&an);
	close(fd);
	return 0;
}

static void print_pass(const char *label, const struct pass *p)
{
	double mb = (double)p->bytes / 1e6;
	printf("%-22s %8.1f MB  wall %7.3f s  %8.1f MB/s  %6.1f Mrec/s   cpu %7.3f s  %8.1f MB/s  %6.1f Mrec/s\n",
	       label, mb, p->wall, mb / p->wall, p->records / p->wall / 1e6, p->cpu,
	       mb / p->cpu, p->records / p->cpu / 1e6);
}

/* fork/exec argv with stdin/stdout redirected; child wall time and rusage */
static int run_child(char *const argv[], const char *in, double *wall, struct rusage *ru)
{
	double w0 = now();
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int nul = open("/dev/null", O_WRONLY);
		if (in) {
			int fd = open(in, O_RDONLY);
			if (fd < 0 || dup2(fd, 0) < 0)
				_exit(127);
		}
		if (nul < 0 || dup2(nul, 1) < 0)
			_exit(127);
		execvp(argv[0], argv);
		_exit(127);
	}
	int st;
	if (wait4(pid, &st, 0, ru) < 0)
		return -1;
	*wall = now() - w0;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int main(int argc, char **argv)
{
	const char *file = NULL, *ref = NULL, *xensrc = NULL, *port = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--ref") && i + 1 < argc)
			ref = argv[++i];
		else if (!strcmp(argv[i], "--xen-src") && i + 1 < argc)
			xensrc = argv[++i];
		else if (!strcmp(argv[i], "--py3-port") && i + 1 < argc)
			port = argv[++i];
		else
			file = argv[i];
	}
	if (!file) {
		fprintf(stderr, "usage: xtr-bench FILE [--ref REFFILE --xen-src DIR --py3-port SCRIPT]\n");
		return 2;
	}
	struct pass p;
	printf("host: %ld cpus online, load average:", sysconf(_SC_NPROCESSORS_ONLN));
	double la[3];
	if (getloadavg(la, 3) == 3)
		printf(" %.2f %.2f %.2f", la[0], la[1], la[2]);
	printf(" (shared host: CPU-time rates are the better figure)\n");
	if (run_pass(file, 0, &p)) /* warm the page cache */
		return 1;
	run_pass(file, 0, &p);
	print_pass("decode only", &p);
	run_pass(file, 1, &p);
	print_pass("decode+analysis", &p);

	/* the real tool, as a child, for its peak RSS */
	char bindir[4096], tool[4200], outdir[4200];
	snprintf(bindir, sizeof(bindir), "%s", argv[0]);
	char *slash = strrchr(bindir, '/');
	if (slash)
		*slash = 0;
	else
		strcpy(bindir, ".");
	snprintf(tool, sizeof(tool), "%s/vtb-xentrace-analyze", bindir);
	snprintf(outdir, sizeof(outdir), "%s/bench-out", bindir);
	char *targv[] = {tool, (char *)file, "--out-dir", outdir, "--quiet", "--partial-ok", NULL};
	struct rusage ru;
	double wall;
	int rc = run_child(targv, NULL, &wall, &ru);
	double cpu = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
	printf("vtb-xentrace-analyze  exit %d  wall %.3f s (%.1f MB/s)  cpu %.3f s (%.1f MB/s)  peak RSS %ld KiB\n",
	       rc, wall, p.bytes / 1e6 / wall, cpu, p.bytes / 1e6 / cpu, ru.ru_maxrss);

	if (!ref || !xensrc || !*xensrc) {
		printf("xentrace_format: no reference file or Xen source: skipped\n");
		return 0;
	}
	struct pass rp;
	if (run_pass(ref, 0, &rp))
		return 1;
	char script[4200], formats[4200], py3[4400], cmd[9000];
	snprintf(script, sizeof(script), "%s/tools/xentrace/xentrace_format", xensrc);
	snprintf(formats, sizeof(formats), "%s/tools/xentrace/formats", xensrc);
	const char *py2 = NULL;
	static char py2buf[4096];
	FILE *pp = popen("for p in python2 $HOME/.pyenv/versions/2.*/bin/python2; do "
			 "$p -c 'print 1' >/dev/null 2>&1 && { echo $p; break; }; done", "r");
	if (pp && fgets(py2buf, sizeof(py2buf), pp)) {
		py2buf[strcspn(py2buf, "\n")] = 0;
		py2 = py2buf;
	}
	if (pp)
		pclose(pp);
	if (py2) {
		char *pargv[] = {(char *)py2, script, formats, NULL};
		rc = run_child(pargv, ref, &wall, &ru);
		cpu = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
		printf("xentrace_format (%s, unmodified) on %.1f MB: exit %d  wall %.2f s (%.2f MB/s, %.3f Mrec/s)  cpu %.2f s (%.2f MB/s, %.3f Mrec/s)  peak RSS %ld KiB\n",
		       py2, rp.bytes / 1e6, rc, wall, rp.bytes / 1e6 / wall, rp.records / wall / 1e6, cpu,
		       rp.bytes / 1e6 / cpu, rp.records / cpu / 1e6, ru.ru_maxrss);
	}
	if (port) {
		snprintf(py3, sizeof(py3), "%s.py3", outdir);
		snprintf(cmd, sizeof(cmd), "%s %s %s", port, script, py3);
		if (system(cmd) == 0) {
			char *pargv[] = {"python3", py3, formats, NULL};
			rc = run_child(pargv, ref, &wall, &ru);
			cpu = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
			printf("xentrace_format (python3 port) on %.1f MB: exit %d  wall %.2f s (%.2f MB/s, %.3f Mrec/s)  cpu %.2f s (%.2f MB/s, %.3f Mrec/s)  peak RSS %ld KiB\n",
			       rp.bytes / 1e6, rc, wall, rp.bytes / 1e6 / wall, rp.records / wall / 1e6, cpu,
			       rp.bytes / 1e6 / cpu, rp.records / cpu / 1e6, ru.ru_maxrss);
		}
	}
	run_pass(ref, 1, &rp);
	print_pass("ours on the same file", &rp);
	return 0;
}

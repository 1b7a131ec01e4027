/* vtb-analyze: guest console log -> summary.json + samples.csv/hist.csv.
 * Exit 0 ok, 1 bad input or output error, 2 usage. */
#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "vtb/atomic_file.h"
#include "vtb/err.h"
#include "csv_writer.h"
#include "guest_protocol.h"
#include "summary_json.h"
#include "summary_table.h"

#define PROG "vtb-analyze"

static void usage(FILE *f)
{
	fprintf(f,
"Usage: " PROG " --log FILE --out-dir DIR [--platform-mode deterministic|realtime]\n"
"                   [--label NAME] [--table]\n"
"       " PROG " --summary-table A/summary.json [B/summary.json]\n"
"       " PROG " --help\n"
"\n"
"Reads one guest result report (protocol version 1, docs/guest-protocol.md) from a\n"
"console log: lines holding the @VTB marker anywhere (Xen prefixes such as \"(d1) \"\n"
"and \\r\\n endings are fine); all other lines are ignored. Checks CRC-32, sequence,\n"
"line order and that the counts add up, then writes, each atomically (temp file +\n"
"rename, nothing at all on error):\n"
"  DIR/summary.json   statistics, schema vtimer-bench/summary/1 (docs/summary-format.md)\n"
"  DIR/samples.csv    tick,latency_ticks,latency_ns   one row per sample (record=samples)\n"
"  DIR/hist.csv       lo_ticks,count                  one row per bucket (record=hist)\n"
"DIR is created if missing; the CSV of the other record kind is removed from DIR.\n"
"\n"
"Options:\n"
"  --log FILE             console log to read ('-' for standard input)\n"
"  --out-dir DIR          where to write the results\n"
"  --platform-mode MODE   deterministic: QEMU -icount shift=0, where one guest\n"
"                         instruction is one ns, so latency_instructions is filled in;\n"
"                         realtime (default): wall-clock ns, latency_instructions null\n"
"  --label NAME           label stored in summary.json (default: DIR's last component)\n"
"  --table                also print a readable summary table on standard output\n"
"  --summary-table A [B]  print one or two existing summary.json files side by side\n"
"  --help                 this text\n"
"\n"
"Statistics: percentiles by nearest rank on the sorted samples (value of rank\n"
"ceil(p/100*n)); stddev is the population standard deviation. From a histogram,\n"
"percentiles and stddev use bucket midpoints; min, max and mean come exactly from\n"
"the T line.\n"
"\n"
"Exit status: 0 ok; 1 bad input or unwritable output (one line on standard error,\n"
"e.g. '" PROG ": console.log:123: bad CRC (expected 1a2b3c4d, got 0badf00d)', where\n"
"'expected' is the CRC computed over the line and 'got' the one it carries);\n"
"2 usage error.\n");
}

static int usage_error(const char *msg)
{
	return vtb_usage_error("%s", msg);
}

/* The last path component, trailing slashes ignored; "." and ".." are resolved
 * (the directory exists then) so the label names a real directory. */
static const char *last_component(const char *path, char *buf, size_t len)
{
	char *real = NULL;

	for (int pass = 0; pass < 2; pass++) {
		size_t n = strlen(path);
		const char *s;
		while (n > 1 && path[n - 1] == '/')
			n--;
		s = path + n;
		while (s > path && s[-1] != '/')
			s--;
		snprintf(buf, len, "%.*s", (int)(n - (size_t)(s - path)), s);
		if (pass || (strcmp(buf, ".") && strcmp(buf, "..")) ||
		    !(real = realpath(path, NULL)))
			break;
		path = real;
	}
	free(real);
	return buf;
}

static json_t *load_summary(const char *path)
{
	json_error_t jerr;
	json_t *s = json_load_file(path, 0, &jerr);
	const char *why;

	if (!s) {
		vtb_err("%s:%d: %s", path, jerr.line, jerr.text);
		return NULL;
	}
	why = vtb_summary_check(s);
	if (why) {
		vtb_err("%s: not a summary: %s", path, why);
		json_decref(s);
		return NULL;
	}
	return s;
}

static int summary_table_mode(const char *a, const char *b)
{
	json_t *s[2] = { NULL, NULL };
	size_t n = b ? 2 : 1;
	int rc = 1;

	s[0] = load_summary(a);
	if (s[0] && b)
		s[1] = load_summary(b);
	if (s[0] && (!b || s[1]))
		rc = vtb_print_summary_table(stdout, (const json_t *const *)s, NULL, n) ? 1 : 0;
	json_decref(s[0]);
	json_decref(s[1]);
	return rc;
}

struct outputs {
	struct vtb_atomic summary, csv;
};

static int write_outputs(const char *dir, const struct vtb_report *r, const json_t *summary)
{
	const char *csv_name = r->record == VTB_RECORD_HIST ? "hist.csv" : "samples.csv";
	const char *stale = r->record == VTB_RECORD_HIST ? "samples.csv" : "hist.csv";
	struct outputs o;
	const char *what = dir;
	char path[4096];

	memset(&o, 0, sizeof(o));
	if (vtb_mkdirs(dir) != 0)
		goto fail;
	what = "summary.json";
	if (vtb_atomic_open(&o.summary, dir, "summary.json") != 0 ||
	    json_dumpf(summary, o.summary.f, JSON_INDENT(2) | JSON_REAL_PRECISION(15)) != 0 ||
	    fputc('\n', o.summary.f) == EOF)
		goto fail;
	what = csv_name;
	if (vtb_atomic_open(&o.csv, dir, csv_name) != 0 ||
	    (r->record == VTB_RECORD_HIST ? vtb_write_hist_csv(o.csv.f, r)
					  : vtb_write_samples_csv(o.csv.f, r)) != 0)
		goto fail;
	/* Both complete before either is renamed: a failure leaves DIR as it was. */
	what = csv_name;
	if (vtb_atomic_commit(&o.csv) != 0)
		goto fail;
	what = "summary.json";
	if (vtb_atomic_commit(&o.summary) != 0)
		goto fail;
	snprintf(path, sizeof(path), "%s/%s", dir, stale);
	if (unlink(path) != 0 && errno != ENOENT)
		vtb_err("warning: cannot remove stale %s: %s", path,
			strerror(errno));
	return 0;
fail:
	if (what == dir)
		vtb_err("%s: %s", dir, strerror(errno ? errno : EIO));
	else
		vtb_err("%s/%s: %s", dir, what, strerror(errno ? errno : EIO));
	vtb_atomic_abort(&o.summary);
	vtb_atomic_abort(&o.csv);
	return 1;
}

static int analyze(const char *log, const char *dir, const char *label, int deterministic,
		   int table)
{
	struct vtb_report r;
	struct vtb_summary_opts opts = { label, deterministic };
	FILE *f = strcmp(log, "-") == 0 ? stdin : fopen(log, "r");
	unsigned long line = 0;
	char err[300];
	json_t *summary;
	int rc;

	if (!f) {
		vtb_err("%s: %s", log, strerror(errno));
		return 1;
	}
	vtb_report_init(&r);
	rc = vtb_parse_file(f, &r, err, sizeof(err), &line);
	if (f != stdin)
		fclose(f);
	if (rc != 0) {
		if (line)
			vtb_err("%s:%lu: %s", log, line, err);
		else    /* empty input: there is no line to point at */
			vtb_err("%s: %s", log, err);
		vtb_report_free(&r);
		return 1;
	}
	summary = vtb_summary_build(&r, &opts);
	if (!summary) {
		vtb_err("out of memory building the summary");
		vtb_report_free(&r);
		return 1;
	}
	errno = 0;
	rc = write_outputs(dir, &r, summary);
	if (rc == 0 && table) {
		const json_t *one[1] = { summary };
		rc = vtb_print_summary_table(stdout, one, NULL, 1) ? 1 : 0;
	}
	json_decref(summary);
	vtb_report_free(&r);
	return rc;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "log", required_argument, NULL, 'l' },
		{ "out-dir", required_argument, NULL, 'o' },
		{ "platform-mode", required_argument, NULL, 'm' },
		{ "label", required_argument, NULL, 'L' },
		{ "table", no_argument, NULL, 't' },
		{ "summary-table", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *log = NULL, *dir = NULL, *mode = NULL, *label = NULL, *sum_a = NULL;
	char labelbuf[256];
	int table = 0, c;

	vtb_set_prog(PROG);
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'l': log = optarg; break;
		case 'o': dir = optarg; break;
		case 'm': mode = optarg; break;
		case 'L': label = optarg; break;
		case 't': table = 1; break;
		case 's': sum_a = optarg; break;
		case 'h': usage(stdout); return 0;
		default:
			return vtb_usage_error("unknown option or missing argument: %s",
					       argv[optind - 1]);
		}
	}
	if (sum_a) {
		if (log || dir || table || label || mode || argc - optind > 1)
			return usage_error("--summary-table takes one or two summary files "
					   "and no other option");
		return summary_table_mode(sum_a, optind < argc ? argv[optind] : NULL);
	}
	if (optind < argc)
		return usage_error("unexpected argument");
	if (!log || !dir)
		return usage_error("--log and --out-dir are required");
	if (!mode)
		mode = "realtime";
	if (strcmp(mode, "deterministic") != 0 && strcmp(mode, "realtime") != 0)
		return usage_error("--platform-mode must be deterministic or realtime");
	if (!label)
		label = last_component(dir, labelbuf, sizeof(labelbuf));
	return analyze(log, dir, label, strcmp(mode, "deterministic") == 0, table);
}

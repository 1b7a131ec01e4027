/* Option parsing for vtimer_storm.  Option letters follow cyclictest so a run
 * of one can be repeated with the other; everything is checked here so a bad
 * command line fails before any thread or timer exists. */
#define _GNU_SOURCE
#include "storm_opts.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage_text[] =
	"usage: vtimer_storm [options]\n"
	"  -t N             threads (default 1, max 256)\n"
	"  -i US            interval in microseconds (default 1000)\n"
	"  -l N             stop after N wake-ups per thread (default: no limit)\n"
	"  -D TIME          stop after TIME: N (seconds) or Nms, Ns, Nm, Nh\n"
	"  -p PRIO          SCHED_FIFO priority 1..99 (default: SCHED_OTHER)\n"
	"  -a CPU[,CPU..]   pin thread i to the (i mod count)-th listed CPU; ranges A-B allowed\n"
	"  -h US            also keep a 1 us-bin histogram up to US (+ overflow), cyclictest style\n"
	"  -m               mlockall() before the run\n"
	"  -q               no text report on stdout\n"
	"  --source S       timerfd | nanosleep | signal (default timerfd)\n"
	"  --mode M         periodic | back-to-back (default periodic)\n"
	"  --json FILE      write the JSON report to FILE\n"
	"  --vtb-protocol FILE  write the guest console protocol report (docs/guest-protocol.md), '-' = stdout\n"
	"  --vtb-record R   hist | samples (default hist; samples needs -l)\n"
	"  --hist-shift N   log-linear ns histogram resolution 2^-N (0..16, default 10)\n"
	"  --timerslack NS  set this process's timer slack (prctl) before the run\n"
	"  --help           this text\n"
	"Latency = CLOCK_MONOTONIC at wake-up - programmed expiry, in ns.\n";

const char *storm_opts_usage(void) { return usage_text; }

const char *storm_source_name(enum storm_source s)
{
	switch (s) {
	case STORM_SRC_TIMERFD: return "timerfd";
	case STORM_SRC_NANOSLEEP: return "nanosleep";
	case STORM_SRC_SIGNAL: return "signal";
	}
	return "?";
}

const char *storm_mode_name(enum storm_mode m)
{
	return m == STORM_MODE_PERIODIC ? "periodic" : "back-to-back";
}

void storm_opts_default(struct storm_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->threads = 1;
	o->interval_ns = 1000000;
	o->hist_shift = STORM_DEFAULT_HIST_SHIFT;
	o->timerslack_ns = -1;
	o->source = STORM_SRC_TIMERFD;
	o->mode = STORM_MODE_PERIODIC;
	o->vtb_record = STORM_REC_HIST;
}

static void seterr(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
}

/* Whole-string unsigned decimal; rejects signs, blanks, trailing junk. */
static int parse_u64(const char *s, uint64_t *v, const char **end_out)
{
	char *end;
	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	unsigned long long x = strtoull(s, &end, 10);
	if (errno)
		return -1;
	if (end_out)
		*end_out = end;
	else if (*end)
		return -1;
	*v = x;
	return 0;
}

static int parse_range(const char *opt, const char *s, uint64_t lo, uint64_t hi, uint64_t *v,
		       char *err, size_t len)
{
	if (parse_u64(s, v, NULL) || *v < lo || *v > hi) {
		seterr(err, len, "option %s: '%s' is not an integer in %llu..%llu", opt, s ? s : "",
		       (unsigned long long)lo, (unsigned long long)hi);
		return -1;
	}
	return 0;
}

static int parse_duration(const char *s, uint64_t *ns)
{
	const char *end;
	uint64_t v, mul;
	if (parse_u64(s, &v, &end))
		return -1;
	if (!*end || !strcmp(end, "s"))
		mul = 1000000000ull;
	else if (!strcmp(end, "ms"))
		mul = 1000000ull;
	else if (!strcmp(end, "m"))
		mul = 60000000000ull;
	else if (!strcmp(end, "h"))
		mul = 3600000000000ull;
	else
		return -1;
	if (v == 0 || v > UINT64_MAX / mul / 2)
		return -1;
	*ns = v * mul;
	return 0;
}

static int parse_cpus(const char *s, struct storm_opts *o)
{
	o->ncpus = 0;
	while (*s) {
		const char *end;
		uint64_t a, b;
		if (parse_u64(s, &a, &end))
			return -1;
		b = a;
		if (*end == '-') {
			if (parse_u64(end + 1, &b, &end) || b < a)
				return -1;
		}
		if (b >= STORM_MAX_CPUS)
			return -1;
		for (uint64_t c = a; c <= b; c++) {
			if (o->ncpus >= STORM_MAX_CPUS)
				return -1;
			o->cpus[o->ncpus++] = (int)c;
		}
		if (*end == ',' && end[1])
			end++;
		else if (*end)
			return -1;
		s = end;
	}
	return o->ncpus ? 0 : -1;
}

enum { OPT_SOURCE = 256, OPT_MODE, OPT_JSON, OPT_VTB, OPT_VTB_RECORD, OPT_HIST_SHIFT,
       OPT_SLACK, OPT_HELP };

int storm_opts_parse(int argc, char **argv, struct storm_opts *o, char *err, size_t errlen)
{
	static const struct option longopts[] = {
		{ "source", required_argument, NULL, OPT_SOURCE },
		{ "mode", required_argument, NULL, OPT_MODE },
		{ "json", required_argument, NULL, OPT_JSON },
		{ "vtb-protocol", required_argument, NULL, OPT_VTB },
		{ "vtb-record", required_argument, NULL, OPT_VTB_RECORD },
		{ "hist-shift", required_argument, NULL, OPT_HIST_SHIFT },
		{ "timerslack", required_argument, NULL, OPT_SLACK },
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t v;
	int c;

	storm_opts_default(o);
	err[0] = '\0';
	optind = 0; /* glibc: full re-initialisation, so the parser can run twice */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":t:i:l:D:p:a:h:mq", longopts, NULL)) != -1) {
		switch (c) {
		case 't':
			if (parse_range("-t", optarg, 1, STORM_MAX_THREADS, &v, err, errlen))
				return STORM_OPTS_ERR;
			o->threads = (unsigned)v;
			break;
		case 'i':
			if (parse_range("-i", optarg, 1, 10000000, &v, err, errlen))
				return STORM_OPTS_ERR;
			o->interval_ns = v * 1000;
			break;
		case 'l':
			if (parse_range("-l", optarg, 1, 1000000000000ull, &v, err, errlen))
				return STORM_OPTS_ERR;
			o->loops = v;
			break;
		case 'D':
			if (parse_duration(optarg, &o->duration_ns)) {
				seterr(err, errlen, "option -D: '%s' is not a positive duration (N, Nms, Ns, Nm, Nh)", optarg);
				return STORM_OPTS_ERR;
			}
			break;
		case 'p':
			if (parse_range("-p", optarg, 0, 99, &v, err, errlen))
				return STORM_OPTS_ERR;
			o->prio = (int)v;
			break;
		case 'a':
			if (parse_cpus(optarg, o)) {
				seterr(err, errlen, "option -a: '%s' is not a CPU list like 0,1 or 0-3 (CPUs < %d)",
				       optarg, STORM_MAX_CPUS);
				return STORM_OPTS_ERR;
			}
			break;
		case 'h':
			if (parse_range("-h", optarg, 1, STORM_MAX_HIST_US, &v, err, errlen))
				return STORM_OPTS_ERR;
			o->hist_max_us = (unsigned)v;
			break;
		case 'm': o->mlock = 1; break;
		case 'q': o->quiet = 1; break;
		case OPT_SOURCE:
			if (!strcmp(optarg, "timerfd")) o->source = STORM_SRC_TIMERFD;
			else if (!strcmp(optarg, "nanosleep")) o->source = STORM_SRC_NANOSLEEP;
			else if (!strcmp(optarg, "signal")) o->source = STORM_SRC_SIGNAL;
			else {
				seterr(err, errlen, "option --source: '%s' is not timerfd, nanosleep or signal", optarg);
				return STORM_OPTS_ERR;
			}
			break;
		case OPT_MODE:
			if (!strcmp(optarg, "periodic")) o->mode = STORM_MODE_PERIODIC;
			else if (!strcmp(optarg, "back-to-back")) o->mode = STORM_MODE_B2B;
			else {
				seterr(err, errlen, "option --mode: '%s' is not periodic or back-to-back", optarg);
				return STORM_OPTS_ERR;
			}
			break;
		case OPT_JSON:
			if (!*optarg || !strcmp(optarg, "-")) {
				seterr(err, errlen, "option --json: needs a file name");
				return STORM_OPTS_ERR;
			}
			o->json_path = optarg;
			break;
		case OPT_VTB:
			if (!*optarg) {
				seterr(err, errlen, "option --vtb-protocol: needs a file name or '-'");
				return STORM_OPTS_ERR;
			}
			o->vtb_path = optarg;
			break;
		case OPT_VTB_RECORD:
			if (!strcmp(optarg, "hist")) o->vtb_record = STORM_REC_HIST;
			else if (!strcmp(optarg, "samples")) o->vtb_record = STORM_REC_SAMPLES;
			else {
				seterr(err, errlen, "option --vtb-record: '%s' is not hist or samples", optarg);
				return STORM_OPTS_ERR;
			}
			break;
		case OPT_HIST_SHIFT:
			if (parse_range("--hist-shift", optarg, 0, STORM_MAX_HIST_SHIFT, &v, err, errlen))
				return STORM_OPTS_ERR;
			o->hist_shift = (unsigned)v;
			break;
		case OPT_SLACK:
			if (parse_range("--timerslack", optarg, 1, 1000000000, &v, err, errlen))
				return STORM_OPTS_ERR;
			o->timerslack_ns = (long long)v;
			break;
		case OPT_HELP:
			return STORM_OPTS_HELP;
		case ':':
			seterr(err, errlen, "option %s needs an argument", argv[optind - 1]);
			return STORM_OPTS_ERR;
		default:
			if (optopt)
				seterr(err, errlen, "unknown option -%c (see --help)", optopt);
			else
				seterr(err, errlen, "unknown option %s (see --help)", argv[optind - 1]);
			return STORM_OPTS_ERR;
		}
	}
	if (optind < argc) {
		seterr(err, errlen, "unexpected argument '%s' (see --help)", argv[optind]);
		return STORM_OPTS_ERR;
	}
	if (o->vtb_record == STORM_REC_SAMPLES && !o->vtb_path) {
		seterr(err, errlen, "option --vtb-record samples needs --vtb-protocol");
		return STORM_OPTS_ERR;
	}
	/* Samples are kept in memory, so their number must be known up front. */
	if (o->vtb_record == STORM_REC_SAMPLES && (!o->loops || o->loops * o->threads > 10000000ull)) {
		seterr(err, errlen, "option --vtb-record samples needs -l with threads*loops <= 10000000");
		return STORM_OPTS_ERR;
	}
	if (o->json_path && o->vtb_path && !strcmp(o->json_path, o->vtb_path)) {
		seterr(err, errlen, "options --json and --vtb-protocol name the same file '%s'", o->json_path);
		return STORM_OPTS_ERR;
	}
	return STORM_OPTS_OK;
}

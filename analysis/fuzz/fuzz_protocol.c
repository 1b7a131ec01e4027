/* libFuzzer harness for the guest protocol parser. The first input byte picks
 * whether CRCs are checked: with them off the fuzzer gets past the CRC and
 * into the field, order and count checks, which is where the bugs would be. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "guest_protocol.h"
#include "latency_stats.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vtb_report r;
	struct vtb_parser p;
	struct vtb_stats s;
	const char *buf;
	size_t i = 0;
	int rc = 0;

	if (size == 0)
		return 0;
	vtb_report_init(&r);
	vtb_parser_init(&p, &r);
	p.check_crc = data[0] & 1;
	buf = (const char *)data + 1;
	size--;
	while (i < size && rc == 0) {
		const char *nl = memchr(buf + i, '\n', size - i);
		size_t n = nl ? (size_t)(nl - (buf + i)) : size - i;
		rc = vtb_parser_feed(&p, buf + i, n);
		i += n + 1;
	}
	if (rc == 0)
		rc = vtb_parser_finish(&p);
	if (rc == 0) {
		/* A report the parser accepts must be one the statistics can digest. */
		if (r.record == VTB_RECORD_SAMPLES)
			rc = vtb_stats_from_samples(r.samples, r.n_samples, &s);
		else
			rc = vtb_stats_from_hist(r.buckets, r.n_buckets, r.hist_shift, &s);
		if (rc != 0 || s.n != r.taken)
			__builtin_trap();
	} else if (vtb_parser_error(&p)[0] == '\0') {
		__builtin_trap();       /* every failure must say why */
	}
	vtb_report_free(&r);
	return 0;
}

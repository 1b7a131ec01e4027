/* libFuzzer harness: arbitrary bytes through the decoder, the analysis and
 * the JSON report, with a small read buffer so refills and records that
 * straddle buffer boundaries are exercised. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "xtr_analyze.h"
#include "xtr_decode.h"
#include "xtr_report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct xtr_an an;
	struct xtr_mem_src m = {data, size, 0};
	struct xtr_reader *r = xtr_reader_new(xtr_read_mem, &m, 4096);
	struct xtr_rec rec;

	if (!r || xtr_an_init(&an))
		abort();
	/* the storm-window pass first, as vtb-xentrace-analyze does */
	while (xtr_next(r, &rec))
		xtr_an_window_feed(&an, &rec);
	xtr_an_window_done(&an);
	xtr_reader_free(r);
	m.pos = 0;
	if (!(r = xtr_reader_new(xtr_read_mem, &m, 4096)))
		abort();
	while (xtr_next(r, &rec))
		xtr_an_feed(&an, &rec);
	xtr_an_finish(&an);
	const struct xtr_stats *st = xtr_reader_stats(r);
	if (st->bytes != size) /* every input byte is decoded or accounted as skipped */
		abort();
	struct xtr_report_meta meta = {.input_path = "fuzz", .input_label = "fuzz", .cntfrq_hz = 62500000};
	json_t *j = xtr_report_json(&an, st, &meta);
	char *s = json_dumps(j, 0);
	free(s);
	json_decref(j);
	xtr_reader_free(r);
	xtr_an_free(&an);
	return 0;
}

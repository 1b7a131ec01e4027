/* Log-linear latency histogram, bucket layout fixed by docs/guest-protocol.md:
 * values below 2^shift get one bucket each; each [2^k, 2^(k+1)) above is split
 * into 2^shift equal buckets. Values are u32 counter ticks. */
#ifndef VTB_HIST_H
#define VTB_HIST_H
#include <stdint.h>

#define HIST_SHIFT_MAX 8u
#define HIST_SHIFT_DEFAULT 4u
/* Buckets for shift s: 2^s + (32 - s) * 2^s. */
#define HIST_BUCKETS_MAX ((1u << HIST_SHIFT_MAX) * (33u - HIST_SHIFT_MAX))

unsigned guest_hist_nbuckets(unsigned shift);
unsigned guest_hist_index(uint32_t v, unsigned shift);
uint32_t guest_hist_lo(unsigned idx, unsigned shift);
#endif

/* CRC-32 (IEEE 802.3, reflected, init and final xor ~0: zlib's crc32()),
 * the checksum of every line of the guest result protocol
 * (docs/guest-protocol.md). Written by the guests, checked by vtb-analyze:
 * one implementation for both, freestanding so the bare-metal guest can
 * compile it. vtb_crc32(0, "123456789", 9) == 0xCBF43926. */
#ifndef VTB_CRC32_H
#define VTB_CRC32_H
#include <stddef.h>
#include <stdint.h>

/* Continues crc over data (start with crc = 0). */
uint32_t vtb_crc32(uint32_t crc, const void *data, size_t len);

#endif

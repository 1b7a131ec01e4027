/* zlib-compatible CRC-32 (reflected, poly 0xEDB88320), as docs/guest-protocol.md requires. */
#ifndef VTB_CRC32_H
#define VTB_CRC32_H
#include <stddef.h>
#include <stdint.h>
uint32_t vtb_crc32(uint32_t crc, const void *data, size_t len);
#endif

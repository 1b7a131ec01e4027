#include "crc32.h"

/* Bit-at-a-time: report lines are short and emitted once, after the storm, so
 * a table buys nothing and costs a relocation-free 1 KiB we would have to build. */
uint32_t vtb_crc32(uint32_t crc, const void *data, size_t len)
{
	const unsigned char *p = data;
	crc = ~crc;
	while (len--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
	}
	return ~crc;
}

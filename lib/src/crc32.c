#include "vtb/crc32.h"

/* Byte-at-a-time with a table built on first use: the reader checks every
 * line of 10^6-sample reports, and a table in .bss costs the position-
 * independent guest no relocation. */
static uint32_t table[256];
static int table_ready;

static void build_table(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
		table[i] = c;
	}
	table_ready = 1;
}

uint32_t vtb_crc32(uint32_t crc, const void *data, size_t len)
{
	const unsigned char *p = data;

	if (!table_ready)
		build_table();
	crc = ~crc;
	while (len--)
		crc = table[(crc ^ *p++) & 0xffu] ^ (crc >> 8);
	return ~crc;
}

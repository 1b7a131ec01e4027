/* Identity map so the guest runs with caches on and unaligned accesses allowed
 * (libfdt reads unaligned properties; with the MMU off every data access is
 * Device memory, where that faults). Runs BEFORE relocations are applied: it
 * may only use PC-relative addressing (no pointers stored in data). */
#include <stdint.h>

#pragma GCC visibility push(hidden)

/* 4 KiB granule, T0SZ=25: one level-1 table of 512 x 1 GiB blocks (512 GiB). */
#define BLOCK_SHIFT 30
#define DESC_BLOCK 0x1ull
#define DESC_ATTR(i) ((uint64_t)(i) << 2)
#define DESC_SH_INNER (3ull << 8)
#define DESC_AF (1ull << 10)
#define DESC_PXN (1ull << 53)
#define DESC_UXN (1ull << 54)
#define ATTR_DEVICE 0 /* MAIR attr0: Device-nGnRE */
#define ATTR_NORMAL 1 /* MAIR attr1: Normal write-back */

extern uint64_t __pgtable[512];

/* Normal memory for the 1 GiB blocks holding the image and the DTB, Device
 * everywhere else (MMIO of any layout stays safe). Returns -1 if either lies
 * above the 512 GiB this table covers. */
int guest_mmu_build(uint64_t img_start, uint64_t img_end, uint64_t dtb)
{
	if ((img_end >> 39) || (dtb >> 39))
		return -1;
	for (uint64_t i = 0; i < 512; i++) {
		uint64_t b = i << BLOCK_SHIFT;
		int normal = (i >= (img_start >> BLOCK_SHIFT) && i <= ((img_end - 1) >> BLOCK_SHIFT)) ||
			     i == (dtb >> BLOCK_SHIFT) ||
			     (dtb && i == ((dtb + 0x200000 - 1) >> BLOCK_SHIFT));
		uint64_t d = b | DESC_BLOCK | DESC_AF;
		if (normal)
			d |= DESC_ATTR(ATTR_NORMAL) | DESC_SH_INNER;
		else
			d |= DESC_ATTR(ATTR_DEVICE) | DESC_PXN | DESC_UXN;
		((volatile uint64_t *)__pgtable)[i] = d;
	}
	return 0;
}

#pragma GCC visibility pop

	.macro	adr_l reg, sym
	adrp	\reg, \sym
	add	\reg, \reg, :lo12:\sym
	.endm

/* Entry: Linux arm64 Image header, then MMU on, .bss cleared, our own
 * R_AARCH64_RELATIVE relocations applied, VBAR set, C main. Loaded anywhere
 * (header flag bit 3), linked at 0. x0 = DTB physical address at entry. */

#define R_AARCH64_RELATIVE 1027
#define SECONDARY_STACK_SHIFT 14	/* 16 KiB per secondary CPU: main.c agrees */

	.section .text.head, "ax"
	.globl _start
_start:
	b	entry			/* code0 */
	.long	0			/* code1 */
	.quad	0			/* text_offset */
	/* image_size (file + stack + bss) is emitted by src/linker.ld between
	 * .text.head and .text.head2: a link-time constant, no relocation. */
	.section .text.head2, "ax"
	.quad	0xa			/* flags: LE, 4K pages, anywhere in RAM */
	.quad	0, 0, 0			/* res2..res4 */
	.ascii	"ARM\x64"		/* magic */
	.long	0			/* res5 (PE header offset: none) */

entry:
	/* GUEST_PRESTORM_NOPS extra instructions (0 unless a test asks): the
	 * storm starts on a counter-tick edge (main.c), so they must not
	 * change any figure (docs/guest-kernel.md, "Start phase"). */
	.rept	GUEST_PRESTORM_NOPS
	nop
	.endr
	msr	daifset, #0xf
	mov	x19, x0			/* DTB */
	adr	x20, _start		/* load address = relocation base */

	/* FP/SIMD on: libfdt (prebuilt) may use vector registers. */
	mov	x1, #(3 << 20)
	msr	cpacr_el1, x1
	isb

	/* Drop any cache lines over our image before writing with the MMU off
	 * (the loader cleaned the image to PoC, so nothing is lost). */
	adr_l	x0, _start
	adr_l	x1, __image_end
	bl	guest_dcache_inval_range

	adr_l	x1, __stack_top
	mov	sp, x1

	adr_l	x0, _start
	adr_l	x1, __image_end
	mov	x2, x19
	bl	guest_mmu_build
	cbnz	w0, no_mmu

	/* Tables and stack were written non-cacheable: invalidate again so no
	 * speculative line hides them once caches are on. */
	adr_l	x0, __early_start
	adr_l	x1, __early_end
	bl	guest_dcache_inval_range

	bl	guest_mmu_enable
	b	mmu_done
no_mmu:
	/* Above 512 GiB: carry on uncached; main() reports it. */
	adr_l	x1, guest_mmu_failed
	mov	w2, #1
	str	w2, [x1]
mmu_done:
	/* .bss (cacheable now) */
	adr_l	x0, __bss_start
	adr_l	x1, __bss_end
1:	cmp	x0, x1
	b.hs	2f
	stp	xzr, xzr, [x0], #16
	b	1b
2:
	/* R_AARCH64_RELATIVE: *(base + off) = base + addend */
	adr_l	x0, __rela_start
	adr_l	x1, __rela_end
3:	cmp	x0, x1
	b.hs	5f
	ldp	x2, x3, [x0], #24	/* r_offset, r_info */
	ldur	x4, [x0, #-8]		/* r_addend */
	cmp	w3, #R_AARCH64_RELATIVE
	b.ne	4f
	add	x4, x4, x20
	str	x4, [x20, x2]
	b	3b
4:	adr_l	x1, guest_bad_reloc	/* any other type: main() reports it */
	mov	w2, #1
	str	w2, [x1]
	b	5f
5:
	adr_l	x1, guest_vectors
	msr	vbar_el1, x1
	msr	tpidr_el1, xzr		/* logical CPU 0: the boot CPU */
	isb
	mov	x0, x19
	bl	guest_main
6:	wfi
	b	6b

/* Turns on the MMU with the table at __pgtable (built by the boot CPU);
 * shared by the boot CPU and the secondaries. Clobbers x1, x2. */
guest_mmu_enable:
	ldr	x1, =0xff04		/* attr1 Normal WB RA WA, attr0 Device-nGnRE */
	msr	mair_el1, x1
	mrs	x1, id_aa64mmfr0_el1
	and	x1, x1, #7		/* PARange -> TCR.IPS */
	lsl	x1, x1, #32
	/* T0SZ=25, walks non-cacheable (tables written with MMU off), TG0 4K, EPD1 */
	ldr	x2, =(25 | (1 << 23))
	orr	x1, x1, x2
	msr	tcr_el1, x1
	adr_l	x1, __pgtable
	msr	ttbr0_el1, x1
	dsb	sy
	tlbi	vmalle1
	dsb	nsh
	isb
	mrs	x1, sctlr_el1
	orr	x1, x1, #(1 << 0)	/* M */
	orr	x1, x1, #(1 << 2)	/* C */
	orr	x1, x1, #(1 << 12)	/* I */
	bic	x1, x1, #(1 << 1)	/* A: unaligned accesses allowed */
	msr	sctlr_el1, x1
	isb
	ret

/* PSCI CPU_ON entry of a secondary CPU: MMU off, x0 = logical CPU index
 * (1..VTB_MAX_CPUS-1, checked by the boot CPU). The boot CPU has already
 * built the page table, cleared .bss and relocated the image. */
	.globl guest_secondary_entry
guest_secondary_entry:
	msr	daifset, #0xf
	mov	x19, x0
	mov	x1, #(3 << 20)		/* FP/SIMD on, as on the boot CPU */
	msr	cpacr_el1, x1
	isb
	bl	guest_mmu_enable
	adr_l	x1, guest_vectors
	msr	vbar_el1, x1
	msr	tpidr_el1, x19
	isb
	/* Stack: guest_secondary_stacks[idx - 1], growing down from its end. */
	adr_l	x1, guest_secondary_stacks
	lsl	x2, x19, #SECONDARY_STACK_SHIFT
	add	sp, x1, x2
	mov	x0, x19
	bl	guest_secondary_main
10:	wfi
	b	10b

/* x0 = start, x1 = end; clobbers x2-x4 */
guest_dcache_inval_range:
	mrs	x3, ctr_el0
	ubfx	x3, x3, #16, #4		/* DminLine: log2(words) */
	mov	x2, #4
	lsl	x2, x2, x3		/* line size in bytes */
	sub	x4, x2, #1
	bic	x0, x0, x4
7:	cmp	x0, x1
	b.hs	8f
	dc	ivac, x0
	add	x0, x0, x2
	b	7b
8:	dsb	sy
	ret

	.ltorg

/* ---- exception vectors ---- */
	.macro	vec_bad kind
	.balign	0x80
	stp	x29, x30, [sp, #-16]!
	mov	x0, #\kind
	b	bad_exception
	.endm

	.section .text.vectors, "ax"
	.balign	0x800
	.globl	guest_vectors
guest_vectors:
	vec_bad 0	/* current EL, SP0: sync */
	vec_bad 1	/* irq */
	vec_bad 2	/* fiq */
	vec_bad 3	/* serror */
	vec_bad 4	/* current EL, SPx: sync */
	.balign	0x80	/* current EL, SPx: IRQ, the one we use */
	b	irq_entry
	vec_bad 6	/* fiq */
	vec_bad 7	/* serror */
	vec_bad 8	/* lower EL (never: no EL0 code) */
	vec_bad 9
	vec_bad 10
	vec_bad 11
	vec_bad 12
	vec_bad 13
	vec_bad 14
	vec_bad 15

irq_entry:
	/* Read the counter first: it is the "handler entry" time of latency. */
	stp	x0, x1, [sp, #-16]!
	isb
	mrs	x0, cntvct_el0
	stp	x2, x3, [sp, #-16]!
	stp	x4, x5, [sp, #-16]!
	stp	x6, x7, [sp, #-16]!
	stp	x8, x9, [sp, #-16]!
	stp	x10, x11, [sp, #-16]!
	stp	x12, x13, [sp, #-16]!
	stp	x14, x15, [sp, #-16]!
	stp	x16, x17, [sp, #-16]!
	stp	x18, x29, [sp, #-16]!
	mrs	x1, elr_el1
	mrs	x2, spsr_el1
	stp	x30, x1, [sp, #-16]!
	str	x2, [sp, #-16]!
	bl	guest_irq_handler
	ldr	x2, [sp], #16
	ldp	x30, x1, [sp], #16
	msr	elr_el1, x1
	msr	spsr_el1, x2
	ldp	x18, x29, [sp], #16
	ldp	x16, x17, [sp], #16
	ldp	x14, x15, [sp], #16
	ldp	x12, x13, [sp], #16
	ldp	x10, x11, [sp], #16
	ldp	x8, x9, [sp], #16
	ldp	x6, x7, [sp], #16
	ldp	x4, x5, [sp], #16
	ldp	x2, x3, [sp], #16
	ldp	x0, x1, [sp], #16
	eret

bad_exception:
	mrs	x1, esr_el1
	mrs	x2, elr_el1
	mrs	x3, far_el1
	bl	guest_fatal_exception		/* prints and powers off */
9:	wfi
	b	9b

/* Function symbols and executable ranges of an ELF64 little-endian file
 * (xen-syms, the storm guest's ELF), read with <elf.h> alone: the plugin and
 * vtb-profile both need them and neither may depend on a library QEMU does
 * not already load. */
#ifndef PROF_ELFSYM_H
#define PROF_ELFSYM_H
#include <stddef.h>
#include <stdint.h>

struct prof_func {
	uint64_t addr;
	uint64_t size;          /* 0 when the symbol has none (assembly labels) */
	const char *name;
};

struct prof_range {
	uint64_t start, end;    /* [start, end) */
	uint64_t offset;        /* file offset of start */
};

struct prof_elf {
	unsigned char *data;    /* the whole file */
	size_t len;
	struct prof_range *exec;        /* SHF_EXECINSTR sections, by address */
	size_t nexec;
	struct prof_func *funcs;        /* code symbols in exec, by address, one per address */
	size_t nfuncs;
	struct prof_func *all;          /* every code symbol, aliases included */
	size_t nall;
};

/* 0, or -1 with a one-line reason in err. */
int prof_elf_load(struct prof_elf *e, const char *path, char *err, size_t errlen);
void prof_elf_free(struct prof_elf *e);
/* Is addr inside an executable section? */
int prof_elf_is_exec(const struct prof_elf *e, uint64_t addr);
/* Index of the function containing addr (the last symbol at or below it,
 * within the same executable section), or -1. */
long prof_elf_func_at(const struct prof_elf *e, uint64_t addr);
/* The code symbol named name (aliases included), or NULL. */
const struct prof_func *prof_elf_sym(const struct prof_elf *e, const char *name);
/* Pointer to len bytes of code at addr, or NULL when not all inside one
 * executable section. */
const unsigned char *prof_elf_code(const struct prof_elf *e, uint64_t addr, size_t len);

#endif

#define _POSIX_C_SOURCE 200809L
#include "elfsym.h"

#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(char *err, size_t errlen, const char *path, const char *why)
{
	snprintf(err, errlen, "%s: %s", path, why);
	return -1;
}

static int by_start(const void *a, const void *b)
{
	const struct prof_range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* Sort key: address, then the symbol to keep first (a typed function before
 * an assembly label, a global before a local, then by name for stability). */
struct cand {
	struct prof_func f;
	int rank;
};

static int by_addr(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	if (x->f.addr != y->f.addr)
		return x->f.addr < y->f.addr ? -1 : 1;
	if (x->rank != y->rank)
		return x->rank - y->rank;
	return strcmp(x->f.name, y->f.name);
}

static int in_bounds(size_t len, uint64_t off, uint64_t n)
{
	return off <= len && n <= len - off;
}

int prof_elf_load(struct prof_elf *e, const char *path, char *err, size_t errlen)
{
	FILE *f;
	long sz;
	const Elf64_Ehdr *eh;
	const Elf64_Shdr *sh;
	struct cand *c = NULL;
	size_t nc = 0;

	memset(e, 0, sizeof(*e));
	f = fopen(path, "rb");
	if (!f)
		return fail(err, errlen, path, strerror(errno));
	if (fseek(f, 0, SEEK_END) != 0 || (sz = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
		fclose(f);
		return fail(err, errlen, path, "cannot read");
	}
	e->len = (size_t)sz;
	e->data = malloc(e->len ? e->len : 1);
	if (!e->data || fread(e->data, 1, e->len, f) != e->len) {
		fclose(f);
		prof_elf_free(e);
		return fail(err, errlen, path, "cannot read");
	}
	fclose(f);
	eh = (const Elf64_Ehdr *)e->data;
	if (e->len < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_ident[EI_DATA] != ELFDATA2LSB) {
		prof_elf_free(e);
		return fail(err, errlen, path, "not a 64-bit little-endian ELF file");
	}
	if (eh->e_shentsize != sizeof(Elf64_Shdr) ||
	    !in_bounds(e->len, eh->e_shoff, (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr))) {
		prof_elf_free(e);
		return fail(err, errlen, path, "damaged section table");
	}
	sh = (const Elf64_Shdr *)(e->data + eh->e_shoff);
	e->exec = calloc(eh->e_shnum ? eh->e_shnum : 1, sizeof(*e->exec));
	if (!e->exec) {
		prof_elf_free(e);
		return fail(err, errlen, path, "out of memory");
	}
	for (unsigned i = 0; i < eh->e_shnum; i++) {
		if (sh[i].sh_type != SHT_PROGBITS || !(sh[i].sh_flags & SHF_EXECINSTR) ||
		    !sh[i].sh_size)
			continue;
		if (!in_bounds(e->len, sh[i].sh_offset, sh[i].sh_size)) {
			prof_elf_free(e);
			return fail(err, errlen, path, "damaged section");
		}
		e->exec[e->nexec++] = (struct prof_range){ sh[i].sh_addr,
			sh[i].sh_addr + sh[i].sh_size, sh[i].sh_offset };
	}
	qsort(e->exec, e->nexec, sizeof(*e->exec), by_start);
	for (unsigned i = 0; i < eh->e_shnum; i++) {
		const Elf64_Sym *sym;
		const char *str;
		size_t n, strsz;

		if (sh[i].sh_type != SHT_SYMTAB)
			continue;
		if (sh[i].sh_entsize != sizeof(Elf64_Sym) || sh[i].sh_link >= eh->e_shnum ||
		    !in_bounds(e->len, sh[i].sh_offset, sh[i].sh_size) ||
		    !in_bounds(e->len, sh[sh[i].sh_link].sh_offset, sh[sh[i].sh_link].sh_size)) {
			free(c);
			prof_elf_free(e);
			return fail(err, errlen, path, "damaged symbol table");
		}
		sym = (const Elf64_Sym *)(e->data + sh[i].sh_offset);
		n = sh[i].sh_size / sizeof(Elf64_Sym);
		str = (const char *)e->data + sh[sh[i].sh_link].sh_offset;
		strsz = sh[sh[i].sh_link].sh_size;
		c = calloc(n ? n : 1, sizeof(*c));
		if (!c) {
			prof_elf_free(e);
			return fail(err, errlen, path, "out of memory");
		}
		for (size_t k = 0; k < n; k++) {
			int type = ELF64_ST_TYPE(sym[k].st_info);
			const char *name;

			if (type != STT_FUNC && type != STT_NOTYPE)
				continue;
			if (sym[k].st_shndx == SHN_UNDEF || sym[k].st_shndx >= SHN_LORESERVE ||
			    sym[k].st_name >= strsz || !prof_elf_is_exec(e, sym[k].st_value))
				continue;
			name = str + sym[k].st_name;
			if (!memchr(name, 0, strsz - sym[k].st_name) || !*name ||
			    name[0] == '$' || !strncmp(name, ".L", 2))
				continue;       /* mapping symbols ($x, $d) and local labels */
			c[nc].f = (struct prof_func){ sym[k].st_value, sym[k].st_size, name };
			c[nc].rank = (type == STT_FUNC ? 0 : 2) +
				(ELF64_ST_BIND(sym[k].st_info) == STB_LOCAL);
			nc++;
		}
		break;
	}
	if (!nc) {
		free(c);
		prof_elf_free(e);
		return fail(err, errlen, path, "no function symbols (stripped?)");
	}
	qsort(c, nc, sizeof(*c), by_addr);
	e->funcs = malloc(nc * sizeof(*e->funcs));
	if (!e->funcs) {
		free(c);
		prof_elf_free(e);
		return fail(err, errlen, path, "out of memory");
	}
	e->all = malloc(nc * sizeof(*e->all));
	if (!e->all) {
		free(c);
		prof_elf_free(e);
		return fail(err, errlen, path, "out of memory");
	}
	for (size_t k = 0; k < nc; k++) {
		e->all[e->nall++] = c[k].f;
		if (!e->nfuncs || e->funcs[e->nfuncs - 1].addr != c[k].f.addr)
			e->funcs[e->nfuncs++] = c[k].f;
	}
	free(c);
	return 0;
}

void prof_elf_free(struct prof_elf *e)
{
	free(e->data);
	free(e->exec);
	free(e->funcs);
	free(e->all);
	memset(e, 0, sizeof(*e));
}

static const struct prof_range *range_of(const struct prof_elf *e, uint64_t addr)
{
	for (size_t i = 0; i < e->nexec; i++)
		if (addr >= e->exec[i].start && addr < e->exec[i].end)
			return &e->exec[i];
	return NULL;
}

int prof_elf_is_exec(const struct prof_elf *e, uint64_t addr)
{
	return range_of(e, addr) != NULL;
}

long prof_elf_func_at(const struct prof_elf *e, uint64_t addr)
{
	const struct prof_range *r = range_of(e, addr);
	size_t lo = 0, hi = e->nfuncs;

	if (!r)
		return -1;
	while (lo < hi) {       /* first symbol above addr */
		size_t mid = lo + (hi - lo) / 2;

		if (e->funcs[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo || e->funcs[lo - 1].addr < r->start)
		return -1;
	return (long)lo - 1;
}

const struct prof_func *prof_elf_sym(const struct prof_elf *e, const char *name)
{
	for (size_t i = 0; i < e->nall; i++)
		if (!strcmp(e->all[i].name, name))
			return &e->all[i];
	return NULL;
}

const unsigned char *prof_elf_code(const struct prof_elf *e, uint64_t addr, size_t len)
{
	const struct prof_range *r = range_of(e, addr);

	if (!r || len > r->end - addr)
		return NULL;
	return e->data + r->offset + (addr - r->start);
}

#define _POSIX_C_SOURCE 200809L
#include "desc.h"
#include "vtb/read_file.h"
#include "vtb/str.h"
#include "errmsg.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool mach_is_memory_size(const char *s)
{
	size_t n = strspn(s, "0123456789");
	if (n == 0 || s[0] == '0')
		return false;
	return s[n] == '\0' || (strchr("KMGT", s[n]) && s[n + 1] == '\0');
}

bool mach_is_hex_addr(const char *s)
{
	if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X') || s[2] == '\0')
		return false;
	return strspn(s + 2, "0123456789abcdefABCDEF") == strlen(s + 2);
}

/* Each key, where its value goes, and whether a file must set it. */
struct key {
	const char *name;
	size_t off;
	bool required;
};
#define STR_KEY(k, req) { #k, offsetof(struct mach_desc, k), req }
static const struct key str_keys[] = {
	STR_KEY(name, true), STR_KEY(qemu, true), STR_KEY(machine, true),
	STR_KEY(cpu, true), STR_KEY(memory, true), STR_KEY(kernel_addr, true),
	STR_KEY(initrd_addr, true), STR_KEY(icount, true), STR_KEY(rtc, false),
	STR_KEY(seed, false), STR_KEY(xen_args, false),
};
#define N_STR_KEYS (sizeof str_keys / sizeof str_keys[0])

static int set_key(struct mach_desc *d, const char *k, const char *v, bool *seen,
		   const char *where, char *err, size_t errlen)
{
	if (strcmp(k, "gic") == 0) {
		if (strcmp(v, "2") != 0 && strcmp(v, "3") != 0)
			return mach_errf(err, errlen, "%s: gic must be 2 or 3, not '%s'", where, v);
		d->gic = v[0] - '0';
		return 0;
	}
	if (strcmp(k, "el2") == 0) {
		if (strcmp(v, "on") != 0 && strcmp(v, "off") != 0)
			return mach_errf(err, errlen, "%s: el2 must be on or off, not '%s'", where, v);
		d->el2 = strcmp(v, "on") == 0;
		return 0;
	}
	for (size_t i = 0; i < N_STR_KEYS; i++) {
		if (strcmp(k, str_keys[i].name) != 0)
			continue;
		if (strlen(v) >= MACH_FIELD)
			return mach_errf(err, errlen, "%s: value of %s is too long", where, k);
		strcpy((char *)d + str_keys[i].off, v);
		seen[i] = true;
		return 0;
	}
	return mach_errf(err, errlen, "%s: unknown key '%s'", where, k);
}

int mach_desc_parse(struct mach_desc *d, const char *text, const char *origin,
		    char *err, size_t errlen)
{
	memset(d, 0, sizeof *d);
	d->gic = -1;
	int el2_set = 0;
	bool seen[N_STR_KEYS] = { false };
	char *copy = strdup(text);
	if (!copy)
		return mach_errf(err, errlen, "%s: out of memory", origin);
	int rc = 0, lineno = 0;
	for (char *line = copy, *next; line && rc == 0; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		char *s = vtb_trim(line);
		if (*s == '\0' || *s == '#')
			continue;
		char where[MACH_FIELD + 32];
		snprintf(where, sizeof where, "%s:%d", origin, lineno);
		char *eq = strchr(s, '=');
		if (!eq) {
			rc = mach_errf(err, errlen, "%s: expected 'key = value'", where);
			break;
		}
		*eq = '\0';
		char *k = vtb_trim(s), *v = vtb_trim(eq + 1);
		if (strcmp(k, "el2") == 0)
			el2_set = 1;
		rc = set_key(d, k, v, seen, where, err, errlen);
	}
	free(copy);
	if (rc != 0)
		return rc;
	for (size_t i = 0; i < N_STR_KEYS; i++)
		if (str_keys[i].required && !seen[i])
			return mach_errf(err, errlen, "%s: missing key '%s'", origin, str_keys[i].name);
	if (d->gic < 0)
		return mach_errf(err, errlen, "%s: missing key 'gic'", origin);
	if (!el2_set)
		return mach_errf(err, errlen, "%s: missing key 'el2'", origin);
	if (!mach_is_memory_size(d->memory))
		return mach_errf(err, errlen, "%s: memory must be a size like 1G, not '%s'", origin, d->memory);
	if (!mach_is_hex_addr(d->kernel_addr) || !mach_is_hex_addr(d->initrd_addr))
		return mach_errf(err, errlen, "%s: kernel_addr and initrd_addr must be hex addresses", origin);
	return 0;
}

int mach_desc_load(struct mach_desc *d, const char *path, char *err, size_t errlen)
{
	char *buf;
	size_t n;
	if (vtb_read_file(path, &buf, &n) != 0)
		return mach_errf(err, errlen, "%s: %s", path, strerror(errno));
	/* The parser copies every value into the fixed fields. */
	int rc = mach_desc_parse(d, buf, path, err, errlen);
	free(buf);
	return rc;
}

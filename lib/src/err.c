#include "vtb/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static const char *prog = "vtb";

void vtb_set_prog(const char *name) { prog = name; }
const char *vtb_prog(void) { return prog; }

static void vline(const char *fmt, va_list ap, const char *tail)
{
	/* One fprintf per piece, but stderr is unbuffered and the line is
	 * short; a single write would only matter for interleaved tools. */
	fprintf(stderr, "%s: ", prog);
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "%s\n", tail);
}

void vtb_err(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vline(fmt, ap, "");
	va_end(ap);
}

void vtb_die(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vline(fmt, ap, "");
	va_end(ap);
	exit(code);
}

int vtb_usage_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vline(fmt, ap, " (try --help)");
	va_end(ap);
	return VTB_EXIT_USAGE;
}

/* The one-line error of vtb-machine's modules: formatted into the caller's
 * buffer (main prints it with the tool's name), so each module returns -1
 * and says why in one place. */
#ifndef MACH_ERRMSG_H
#define MACH_ERRMSG_H

#include <stddef.h>

/* Formats into err; returns -1, the modules' failure value. */
int mach_errf(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif

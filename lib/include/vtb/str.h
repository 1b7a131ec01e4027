/* Small string helpers more than one tool needs. */
#ifndef VTB_STR_H
#define VTB_STR_H
#include <stdarg.h>

/* printf into a malloc'd string of the right size; NULL when out of memory
 * or on a formatting error. The caller frees it. */
char *vtb_strf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *vtb_vstrf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* s without leading and trailing white space: cuts the trailing part in
 * place and returns a pointer into s. */
char *vtb_trim(char *s);

#endif

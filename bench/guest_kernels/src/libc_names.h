/* The guest exports the real names; the host unit tests build the same file
 * with a prefix so they do not replace the host C library. */
#ifndef VTB_LIBC_NAMES_H
#define VTB_LIBC_NAMES_H
#ifdef VTB_HOST_TEST
#define VTB_FN(name) guest_##name
#else
#define VTB_FN(name) name
#endif
#endif

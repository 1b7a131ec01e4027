/* vtb-analyze's test suites: libvtb's TAP harness (vtb/test.h), one suite
 * function per test file. */
#ifndef VTB_UNIT_H
#define VTB_UNIT_H

#include "vtb/test.h"

void protocol_tests(void);
void stats_tests(void);
void writer_tests(void);
void cli_tests(const char *vtb_analyze);

#endif

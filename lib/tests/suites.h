#ifndef VTB_LIB_SUITES_H
#define VTB_LIB_SUITES_H
void test_harness_suite(void);
#endif

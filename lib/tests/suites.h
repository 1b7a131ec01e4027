#ifndef VTB_LIB_SUITES_H
#define VTB_LIB_SUITES_H
void test_harness_suite(void);
void test_sortkey_suite(void);
void test_parse_suite(void);
void test_trace_vocab_suite(void);
void test_err_suite(void);
void test_read_file_suite(void);
void test_stationarity_suite(void);
void test_str_suite(void);
#endif

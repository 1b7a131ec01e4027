/* Recorded guest reports (tests/fixtures/) checked by the project's one
 * protocol reader, analysis/bin/vtb-analyze. */
#ifndef GUEST_TEST_FIXTURES_H
#define GUEST_TEST_FIXTURES_H
/* RUNs every fixture test (vtb/test.h). */
void guest_fixture_tests(void);
#endif

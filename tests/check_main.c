/*
 * Runs every Check suite. The Makefile generates suites.h with one
 * AMEM_SUITE(name) line per tests/check_<name>.c; each such file defines
 * Suite *amem_suite_<name>(void). Set CK_RUN_SUITE=<name> to run one suite.
 */
#include <check.h>
#include <stdlib.h>

#define AMEM_SUITE(name) Suite *amem_suite_##name(void);
#include "suites.h"
#undef AMEM_SUITE

int main(void)
{
    SRunner *runner = srunner_create(NULL);
#define AMEM_SUITE(name) srunner_add_suite(runner, amem_suite_##name());
#include "suites.h"
#undef AMEM_SUITE
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

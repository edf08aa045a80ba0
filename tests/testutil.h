/* Shared helpers for the Check suites. */
#ifndef AMEM_TESTUTIL_H
#define AMEM_TESTUTIL_H

#include <check.h>
#include <stddef.h>

/* A fresh path under the system temp directory, unique per process+counter. */
void amem_test_tmp_path(char *buf, size_t size, const char *stem);

/*
 * Problem size for a slow runner: `light` when the environment variable
 * AMEM_TEST_LIGHT is set to anything but "0" (make check-valgrind sets
 * it), else `full`. Only sizes whose full value adds run time and no code
 * path may be shrunk this way.
 */
size_t amem_test_size(size_t full, size_t light);

/* Assert a call returned the given status; prints amem_last_error on failure. */
#define AMEM_ASSERT_STATUS(call, want)                                        \
    do {                                                                      \
        int amem_rc_ = (call);                                                \
        ck_assert_msg(amem_rc_ == (want), "%s returned %d (%s), want %d: %s", \
                      #call, amem_rc_, amem_strerror(amem_rc_), (want),       \
                      amem_last_error());                                     \
    } while (0)

#define AMEM_ASSERT_OK(call) AMEM_ASSERT_STATUS(call, AMEM_OK)

#endif

/* The serial-BLAS window and the job runner shared by the pieces. */
#include <check.h>

#include "assocmem/common.h"
#include "core/jobs.h"
#include "testutil.h"

/* Windows opened by different pieces overlap in any order and the last
 * one to close restores the library's count. */
START_TEST(overlapping_windows_restore_the_count)
{
    int saved = amem_get_num_threads();
    AMEM_ASSERT_OK(amem_set_num_threads(2));
    int a = amem__blas_window_begin(AMEM__MAX_JOBS);
    ck_assert_int_eq(a, 2);
    ck_assert_int_eq(amem_get_num_threads(), 1);
    int b = amem__blas_window_begin(16); /* sees the count before the window */
    ck_assert_int_eq(b, 2);
    amem__blas_window_end(a);            /* first opened, first closed */
    ck_assert_int_eq(amem_get_num_threads(), 1);
    amem__blas_window_end(b);
    ck_assert_int_eq(amem_get_num_threads(), 2);

    /* a cap of 1 (or less) gives one thread and leaves BLAS alone */
    ck_assert_int_eq(amem__blas_window_begin(1), 1);
    ck_assert_int_eq(amem__blas_window_begin(0), 1);
    ck_assert_int_eq(amem_get_num_threads(), 2);
    amem__blas_window_end(1);
    ck_assert_int_eq(amem_get_num_threads(), 2);

    /* a count the caller sets inside the window is kept */
    int c = amem__blas_window_begin(AMEM__MAX_JOBS);
    AMEM_ASSERT_OK(amem_set_num_threads(3));
    amem__blas_window_end(c);
    ck_assert_int_eq(amem_get_num_threads(), 3);
    AMEM_ASSERT_OK(amem_set_num_threads(saved));
}
END_TEST

static void count_job(void *ctx, int k)
{
    int *runs = ctx;
    runs[k]++;
}

START_TEST(every_job_runs_once)
{
    int runs[AMEM__MAX_JOBS + 1] = {0};
    amem__run_jobs(5, count_job, runs);
    for (int k = 0; k < 5; k++)
        ck_assert_int_eq(runs[k], 1);
    ck_assert_int_eq(runs[5], 0);
    int many[AMEM__MAX_JOBS + 1] = {0};
    amem__run_jobs(AMEM__MAX_JOBS + 1, count_job, many); /* capped */
    for (int k = 0; k < AMEM__MAX_JOBS; k++)
        ck_assert_int_eq(many[k], 1);
    ck_assert_int_eq(many[AMEM__MAX_JOBS], 0);
}
END_TEST

Suite *amem_suite_jobs(void)
{
    Suite *s = suite_create("jobs");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, overlapping_windows_restore_the_count);
    tcase_add_test(tc, every_job_runs_once);
    suite_add_tcase(s, tc);
    return s;
}

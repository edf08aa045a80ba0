/* Check suite `capacity`: capacity search and bootstrap intervals. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "assocmem/capacity.h"
#include "testutil.h"

#define MAX_N 2000

/* A synthetic error curve that records which counts were evaluated. */
typedef struct curve {
    long boundary;    /* error(n) <= threshold exactly for n <= boundary */
    int smooth;       /* 1: error = n / 1000; 0: step 0 -> 1 */
    int seen[MAX_N + 1];
    long calls;
    double fail_value; /* returned at n == fail_at */
    long fail_at;
} curve;

static double curve_error(void *user, long n)
{
    curve *c = user;
    ck_assert(n >= 1 && n <= MAX_N);
    ck_assert_msg(!c->seen[n], "count %ld evaluated twice", n);
    c->seen[n] = 1;
    c->calls++;
    if (n == c->fail_at)
        return c->fail_value;
    if (c->smooth)
        return (double)n / 1000.0;
    return n <= c->boundary ? 0.0 : 1.0;
}

static long search(curve *c, long lo, long hi, int method, long *calls)
{
    long cap = -99;
    AMEM_ASSERT_OK(amem_capacity_search(curve_error, c, lo, hi, 0.03, method,
                                        &cap, calls, NULL, NULL));
    return cap;
}

START_TEST(test_exact_boundary_every_method)
{
    const long boundaries[5] = {1, 2, 37, 500, 1023};
    for (int method = 0; method < 3; method++)
        for (int k = 0; k < 5; k++) {
            curve *c = calloc(1, sizeof *c);
            c->boundary = boundaries[k];
            long hi = method == AMEM_CAPACITY_SCAN_DOWN
                          ? boundaries[k] + 4 : MAX_N;
            long calls = 0, cap = search(c, 1, hi, method, &calls);
            ck_assert_msg(cap == boundaries[k], "method %d: %ld, want %ld",
                          method, cap, boundaries[k]);
            ck_assert_int_eq(calls, c->calls);
            if (method == AMEM_CAPACITY_BISECT)
                ck_assert_msg(calls <= 2 * 12 + 2, "bisect used %ld calls",
                              calls);
            if (method == AMEM_CAPACITY_SCAN_DOWN)
                ck_assert_int_eq(calls, 5);
            free(c);
        }
}
END_TEST

START_TEST(test_smooth_threshold_inclusive)
{
    /* error = n / 1000 <= 0.03 exactly up to n = 30 (30/1000.0 == 0.03). */
    for (int method = 0; method < 3; method++) {
        curve *c = calloc(1, sizeof *c);
        c->smooth = 1;
        long cap = search(c, 1, method == 2 ? 40 : 1000, method, NULL);
        ck_assert_int_eq(cap, 30);
        free(c);
    }
}
END_TEST

START_TEST(test_edges)
{
    for (int method = 0; method < 3; method++) {
        curve *c = calloc(1, sizeof *c);
        c->boundary = 1000; /* every count in [5, 60] passes */
        ck_assert_int_eq(search(c, 5, 60, method, NULL), 60);
        memset(c, 0, sizeof *c);
        c->boundary = 3; /* n_min = 5 already fails */
        ck_assert_int_eq(search(c, 5, 60, method, NULL), 4);
        memset(c, 0, sizeof *c);
        c->boundary = 7; /* n_min == n_max */
        ck_assert_int_eq(search(c, 7, 7, method, NULL), 7);
        free(c);
    }
}
END_TEST

static int cancel_second(void *user, const char *stage, long done, long total,
                         double metric)
{
    (void)metric;
    ck_assert_str_eq(stage, "capacity");
    ck_assert_int_eq(total, 0);
    *(long *)user = done;
    return done == 2;
}

START_TEST(test_cancel_and_bad_arguments)
{
    curve *c = calloc(1, sizeof *c);
    c->boundary = 100;
    long cap = -5, calls = 0, done = 0;
    AMEM_ASSERT_STATUS(amem_capacity_search(curve_error, c, 1, 500, 0.03,
                                            AMEM_CAPACITY_SCAN_UP, &cap,
                                            &calls, cancel_second, &done),
                       AMEM_E_CANCELLED);
    ck_assert_int_eq(cap, -5);
    ck_assert_int_eq(calls, 2);
    ck_assert_int_eq(done, 2);
    memset(c, 0, sizeof *c);
    c->boundary = 100;
    c->fail_at = 4;
    c->fail_value = NAN;
    AMEM_ASSERT_STATUS(amem_capacity_search(curve_error, c, 1, 500, 0.03,
                                            AMEM_CAPACITY_BISECT, &cap, NULL,
                                            NULL, NULL),
                       AMEM_E_CANCELLED);
    AMEM_ASSERT_STATUS(amem_capacity_search(NULL, c, 1, 5, 0.03, 0, &cap,
                                            NULL, NULL, NULL),
                       AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_capacity_search(curve_error, c, 1, 5, 0.03, 0,
                                            NULL, NULL, NULL, NULL),
                       AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_capacity_search(curve_error, c, 0, 5, 0.03, 0,
                                            &cap, NULL, NULL, NULL),
                       AMEM_E_RANGE);
    AMEM_ASSERT_STATUS(amem_capacity_search(curve_error, c, 6, 5, 0.03, 0,
                                            &cap, NULL, NULL, NULL),
                       AMEM_E_RANGE);
    AMEM_ASSERT_STATUS(amem_capacity_search(curve_error, c, 1, 5, NAN, 0,
                                            &cap, NULL, NULL, NULL),
                       AMEM_E_NONFINITE);
    AMEM_ASSERT_STATUS(amem_capacity_search(curve_error, c, 1, 5, 0.03, 3,
                                            &cap, NULL, NULL, NULL),
                       AMEM_E_ARG);
    free(c);
}
END_TEST

START_TEST(test_bootstrap_mean)
{
    double same[5] = {2, 2, 2, 2, 2}, mean, lo, hi;
    AMEM_ASSERT_OK(amem_bootstrap_mean(same, 5, 200, 0.95, 1, &mean, &lo, &hi));
    ck_assert_double_eq(mean, 2);
    ck_assert_double_eq(lo, 2);
    ck_assert_double_eq(hi, 2);
    double v[200];
    for (int i = 0; i < 200; i++)
        v[i] = (double)(i % 10); /* mean 4.5, sd 2.87, se 0.20 */
    double lo2, hi2;
    AMEM_ASSERT_OK(amem_bootstrap_mean(v, 200, 2000, 0.95, 3, &mean, &lo, &hi));
    ck_assert_double_eq_tol(mean, 4.5, 1e-12);
    ck_assert(lo < 4.5 && hi > 4.5);
    ck_assert_double_eq_tol(hi - lo, 2 * 1.96 * 2.872 / sqrt(200.0), 0.12);
    AMEM_ASSERT_OK(amem_bootstrap_mean(v, 200, 2000, 0.95, 3, NULL, &lo2, &hi2));
    ck_assert_double_eq(lo, lo2);
    ck_assert_double_eq(hi, hi2);
    AMEM_ASSERT_STATUS(amem_bootstrap_mean(NULL, 5, 10, 0.9, 1, NULL, NULL,
                                           NULL),
                       AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_bootstrap_mean(v, 0, 10, 0.9, 1, NULL, NULL, NULL),
                       AMEM_E_DIM);
    AMEM_ASSERT_STATUS(amem_bootstrap_mean(v, 5, 0, 0.9, 1, NULL, NULL, NULL),
                       AMEM_E_RANGE);
    AMEM_ASSERT_STATUS(amem_bootstrap_mean(v, 5, 10, 1.0, 1, NULL, NULL, NULL),
                       AMEM_E_RANGE);
    v[1] = INFINITY;
    AMEM_ASSERT_STATUS(amem_bootstrap_mean(v, 5, 10, 0.9, 1, NULL, NULL, NULL),
                       AMEM_E_NONFINITE);
}
END_TEST

START_TEST(test_capacity_bootstrap)
{
    /* Deterministic grid: mean error passes for counts 2, 4, 6; fails at 8
     * and 10 -> capacity 6, and every replicate agrees. */
    const long counts[5] = {2, 4, 6, 8, 10};
    double err[5 * 4];
    for (int i = 0; i < 5; i++)
        for (int k = 0; k < 4; k++)
            err[i * 4 + k] = i < 3 ? 0.01 : 0.2;
    double cap, lo, hi;
    AMEM_ASSERT_OK(amem_capacity_bootstrap(counts, 5, err, 4, 0.03, 500, 0.95,
                                           7, &cap, &lo, &hi));
    ck_assert_double_eq(cap, 6);
    ck_assert_double_eq(lo, 6);
    ck_assert_double_eq(hi, 6);
    /* Count 8 passes on average (3 x 0 and one 0.1: mean 0.025) but some
     * resamples pick the 0.1 twice or more -> interval [6, 8]. */
    err[3 * 4 + 0] = 0.0;
    err[3 * 4 + 1] = 0.0;
    err[3 * 4 + 2] = 0.0;
    err[3 * 4 + 3] = 0.1;
    AMEM_ASSERT_OK(amem_capacity_bootstrap(counts, 5, err, 4, 0.03, 2000, 0.95,
                                           7, &cap, &lo, &hi));
    ck_assert_double_eq(cap, 8);
    ck_assert_double_eq(lo, 6);
    ck_assert_double_eq(hi, 8);
    /* Nothing passes -> counts[0] - 1. */
    for (int i = 0; i < 20; i++)
        err[i] = 1.0;
    AMEM_ASSERT_OK(amem_capacity_bootstrap(counts, 5, err, 4, 0.03, 10, 0.95,
                                           7, &cap, NULL, NULL));
    ck_assert_double_eq(cap, 1);
    const long bad_counts[3] = {2, 2, 3};
    AMEM_ASSERT_STATUS(amem_capacity_bootstrap(bad_counts, 3, err, 4, 0.03, 10,
                                               0.95, 7, &cap, NULL, NULL),
                       AMEM_E_ARG);
    AMEM_ASSERT_STATUS(amem_capacity_bootstrap(counts, 0, err, 4, 0.03, 10,
                                               0.95, 7, &cap, NULL, NULL),
                       AMEM_E_DIM);
    AMEM_ASSERT_STATUS(amem_capacity_bootstrap(counts, 5, NULL, 4, 0.03, 10,
                                               0.95, 7, &cap, NULL, NULL),
                       AMEM_E_NULL);
    AMEM_ASSERT_STATUS(amem_capacity_bootstrap(counts, 5, err, 4, 0.03, 10,
                                               0.0, 7, &cap, NULL, NULL),
                       AMEM_E_RANGE);
    err[0] = NAN;
    AMEM_ASSERT_STATUS(amem_capacity_bootstrap(counts, 5, err, 4, 0.03, 10,
                                               0.95, 7, &cap, NULL, NULL),
                       AMEM_E_NONFINITE);
}
END_TEST

Suite *amem_suite_capacity(void)
{
    Suite *s = suite_create("capacity");
    TCase *tc = tcase_create("search");
    tcase_add_test(tc, test_exact_boundary_every_method);
    tcase_add_test(tc, test_smooth_threshold_inclusive);
    tcase_add_test(tc, test_edges);
    tcase_add_test(tc, test_cancel_and_bad_arguments);
    tcase_add_test(tc, test_bootstrap_mean);
    tcase_add_test(tc, test_capacity_bootstrap);
    suite_add_tcase(s, tc);
    return s;
}

/* The thread count, the serial-BLAS window and the worker pool. */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assocmem/common.h"
#include "assocmem/hopfield.h"
#include "core/jobs.h"
#include "core/rng.h"
#include "testutil.h"

/* Windows opened by different pieces overlap in any order; inside them
 * BLAS runs on one thread while the library's count reads unchanged, and
 * the last one to close puts BLAS back to the library's count. */
START_TEST(overlapping_windows_keep_the_library_count)
{
    int saved = amem_get_num_threads();
    AMEM_ASSERT_OK(amem_set_num_threads(2));
    ck_assert_int_eq(amem__blas_get_threads(), 2);
    ck_assert_int_eq(amem__blas_window_begin(AMEM__MAX_JOBS), 2);
    ck_assert_int_eq(amem_get_num_threads(), 2);
    ck_assert_int_eq(amem__blas_get_threads(), 1);
    ck_assert_int_eq(amem__blas_window_begin(16), 2);
    amem__blas_window_end(); /* first opened, first closed */
    ck_assert_int_eq(amem__blas_get_threads(), 1);
    amem__blas_window_end();
    ck_assert_int_eq(amem__blas_get_threads(), 2);

    /* a cap of 1 (or less) gives one thread, BLAS still serial */
    ck_assert_int_eq(amem__blas_window_begin(1), 1);
    ck_assert_int_eq(amem__blas_window_begin(0), 1);
    ck_assert_int_eq(amem__blas_get_threads(), 1);
    amem__blas_window_end();
    amem__blas_window_end();
    ck_assert_int_eq(amem__blas_get_threads(), 2);
    AMEM_ASSERT_OK(amem_set_num_threads(saved));
}
END_TEST

/* A count set inside a window is what amem_get_num_threads returns at once
 * and what BLAS runs on after the window, 1 included. */
START_TEST(count_set_inside_a_window_is_kept)
{
    int saved = amem_get_num_threads();
    for (int want = 1; want <= 3; want++) {
        AMEM_ASSERT_OK(amem_set_num_threads(2));
        amem__blas_window_begin(AMEM__MAX_JOBS);
        AMEM_ASSERT_OK(amem_set_num_threads(want));
        ck_assert_int_eq(amem_get_num_threads(), want);
        ck_assert_int_eq(amem__blas_get_threads(), 1);
        ck_assert_int_eq(amem__blas_window_begin(AMEM__MAX_JOBS), want);
        amem__blas_window_end();
        amem__blas_window_end();
        ck_assert_int_eq(amem_get_num_threads(), want);
        ck_assert_int_eq(amem__blas_get_threads(), want);
    }
    /* from 1, raised inside a window */
    AMEM_ASSERT_OK(amem_set_num_threads(1));
    amem__blas_window_begin(AMEM__MAX_JOBS);
    AMEM_ASSERT_OK(amem_set_num_threads(2));
    amem__blas_window_end();
    ck_assert_int_eq(amem__blas_get_threads(), 2);
    AMEM_ASSERT_STATUS(amem_set_num_threads(0), AMEM_E_RANGE);
    ck_assert_int_eq(amem_get_num_threads(), 2);
    AMEM_ASSERT_OK(amem_set_num_threads(saved));
}
END_TEST

/* Only small work opens a serial window. */
START_TEST(serial_window_below_the_threshold)
{
    int saved = amem_get_num_threads();
    AMEM_ASSERT_OK(amem_set_num_threads(2));
    int opened = amem__serial_begin(AMEM__SERIAL_WORK - 1.0);
    ck_assert_int_eq(opened, 1);
    ck_assert_int_eq(amem__blas_get_threads(), 1);
    ck_assert_int_eq(amem_get_num_threads(), 2);
    amem__serial_end(opened);
    ck_assert_int_eq(amem__blas_get_threads(), 2);
    opened = amem__serial_begin(AMEM__SERIAL_WORK);
    ck_assert_int_eq(opened, 0);
    ck_assert_int_eq(amem__blas_get_threads(), 2);
    amem__serial_end(opened);
    AMEM_ASSERT_OK(amem_set_num_threads(saved));
}
END_TEST

/* ---- a recall thread against a thread that changes the count ---------- */

typedef struct recaller {
    amem_hopfield *h;
    float *cues, *out;
    size_t n, d;
    int rounds, failures;
} recaller;

static void *recall_loop(void *arg)
{
    recaller *r = arg;
    for (int i = 0; i < r->rounds; i++)
        if (amem_hopfield_recall(r->h, r->cues, r->n, NULL, r->out, NULL, NULL) !=
            AMEM_OK)
            r->failures++;
    return NULL;
}

static recaller make_recaller(size_t d, size_t N, size_t n, int rounds)
{
    recaller r = {NULL, NULL, NULL, n, d, rounds, 0};
    amem__rng rng;
    amem__rng_seed(&rng, 5);
    float *y = malloc(N * d * sizeof(float));
    r.cues = malloc(n * d * sizeof(float));
    r.out = malloc(n * d * sizeof(float));
    amem__rng_signs(&rng, y, N * d);
    amem__rng_signs(&rng, r.cues, n * d);
    AMEM_ASSERT_OK(amem_hopfield_create(AMEM_HOPFIELD_MODERN, d, 0, &r.h));
    AMEM_ASSERT_OK(amem_hopfield_store(r.h, y, N));
    AMEM_ASSERT_OK(amem_hopfield_set(r.h, AMEM_HOPFIELD_MAX_STEPS, 1));
    free(y);
    return r;
}

static void free_recaller(recaller *r)
{
    amem_hopfield_free(r->h);
    free(r->cues);
    free(r->out);
}

/* While another thread runs parallel recalls (each opening a window), the
 * count this thread sets is what amem_get_num_threads returns, and it is
 * what BLAS runs on once the recalls are over. */
START_TEST(count_set_during_a_concurrent_recall_is_kept)
{
    int saved = amem_get_num_threads();
    AMEM_ASSERT_OK(amem_set_num_threads(2));
    /* 600 x 2,000 x 64 multiply-adds per step: split over two jobs */
    recaller r = make_recaller(64, 2000, 600, (int)amem_test_size(40, 4));
    pthread_t tid;
    ck_assert_int_eq(pthread_create(&tid, NULL, recall_loop, &r), 0);
    int mismatches = 0;
    int sets = (int)amem_test_size(4000, 400);
    for (int i = 0; i < sets; i++) {
        int want = 1 + i % 3;
        AMEM_ASSERT_OK(amem_set_num_threads(want));
        mismatches += amem_get_num_threads() != want;
    }
    AMEM_ASSERT_OK(amem_set_num_threads(1));
    for (int i = 0; i < 200; i++)
        mismatches += amem_get_num_threads() != 1;
    pthread_join(tid, NULL);
    ck_assert_int_eq(r.failures, 0);
    ck_assert_int_eq(mismatches, 0);
    ck_assert_int_eq(amem_get_num_threads(), 1);
    ck_assert_int_eq(amem__blas_get_threads(), 1);
    free_recaller(&r);
    AMEM_ASSERT_OK(amem_set_num_threads(saved));
}
END_TEST

/* ---- the pool -------------------------------------------------------- */

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
    int none[2] = {0};
    amem__run_jobs(0, count_job, none);
    amem__run_jobs(1, count_job, none);
    ck_assert_int_eq(none[0], 1);
    ck_assert_int_eq(none[1], 0);
}
END_TEST

/* A job that runs jobs of its own, and several threads posting at once:
 * each call sees each of its jobs run exactly once. */
typedef struct nest {
    int runs[4][3];
} nest;

static void inner_job(void *ctx, int k)
{
    int *runs = ctx;
    __atomic_add_fetch(&runs[k], 1, __ATOMIC_RELAXED);
}

static void outer_job(void *ctx, int k)
{
    nest *n = ctx;
    amem__run_jobs(3, inner_job, n->runs[k]);
}

static void *nest_loop(void *arg)
{
    int *bad = arg;
    int rounds = (int)amem_test_size(300, 20); /* light: fewer repeats */
    for (int i = 0; i < rounds; i++) {
        nest n;
        memset(&n, 0, sizeof n);
        amem__run_jobs(4, outer_job, &n);
        for (int a = 0; a < 4; a++)
            for (int b = 0; b < 3; b++)
                *bad += n.runs[a][b] != 1;
    }
    return NULL;
}

START_TEST(concurrent_and_nested_calls)
{
    enum { CALLERS = 4 };
    pthread_t tid[CALLERS];
    int bad[CALLERS] = {0};
    for (int t = 0; t < CALLERS; t++)
        ck_assert_int_eq(pthread_create(&tid[t], NULL, nest_loop, &bad[t]),
                         0);
    for (int t = 0; t < CALLERS; t++) {
        pthread_join(tid[t], NULL);
        ck_assert_int_eq(bad[t], 0);
    }
}
END_TEST

/* Threads of this process, from /proc (-1 where there is none). */
static int thread_count(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    int n = -1;
    while (f != NULL && fgets(line, sizeof line, f) != NULL)
        if (sscanf(line, "Threads: %d", &n) == 1)
            break;
    if (f != NULL)
        fclose(f);
    return n;
}

/* Once warmed up, calls reuse the pool's threads: the process's thread
 * count does not grow with the number of calls. */
START_TEST(steady_state_creates_no_thread)
{
    int runs[4] = {0};
    amem__run_jobs(4, count_job, runs);
    int before = thread_count();
    if (before < 0)
        return; /* no /proc */
    for (int i = 0; i < 500; i++)
        amem__run_jobs(4, count_job, runs);
    ck_assert_int_eq(thread_count(), before);
    for (int k = 0; k < 4; k++)
        ck_assert_int_eq(runs[k], 501);
}
END_TEST

Suite *amem_suite_jobs(void)
{
    Suite *s = suite_create("jobs");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, overlapping_windows_keep_the_library_count);
    tcase_add_test(tc, count_set_inside_a_window_is_kept);
    tcase_add_test(tc, serial_window_below_the_threshold);
    tcase_add_test(tc, count_set_during_a_concurrent_recall_is_kept);
    tcase_add_test(tc, every_job_runs_once);
    tcase_add_test(tc, concurrent_and_nested_calls);
    tcase_add_test(tc, steady_state_creates_no_thread);
    suite_add_tcase(s, tc);
    return s;
}

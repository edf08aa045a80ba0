/*
 * Where a second thread starts to pay, on a quiet machine and on one whose
 * other core is kept busy by another process (a spinning child).
 *
 * For each size it times, call by call, interleaved:
 *   gemv  y = A x, A N x 512 (a key-value write's or read's score pass),
 *         BLAS at 1 and at 2 threads;
 *   gemm  C = A B, all n x n, BLAS at 1 and at 2 threads;
 *   pool  the same gemm cut into two row halves run as two jobs on the
 *         library's pool, each with single-threaded BLAS, against one job;
 * and the hand-off cost of the pool (two empty jobs) beside that of
 * starting and joining a thread per call. Figures are medians (and 90th
 * percentiles) of the per-call times; "2/1" is the two-thread median over
 * the one-thread median (below 1: the second thread pays).
 *
 * usage: build/bench/bench_threads [--quick] [--quiet-only|--loaded-only]
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "assocmem/common.h"
#include "core/blas.h"
#include "core/jobs.h"
#include "load.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

typedef struct op {
    int kind; /* 0 gemv, 1 gemm, 2 gemm split over the pool */
    int n;    /* rows of A (gemv) or the side (gemm) */
    const float *A, *B;
    float *C;
} op;

enum { GEMV_COLS = 512 };

static void gemm_rows(const op *o, int r0, int rows)
{
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, o->n, o->n,
                1.0f, o->A + (size_t)r0 * o->n, o->n, o->B, o->n, 0.0f,
                o->C + (size_t)r0 * o->n, o->n);
}

static void half_job(void *ctx, int k)
{
    const op *o = ctx;
    int r0 = k == 0 ? 0 : o->n / 2;
    gemm_rows(o, r0, k == 0 ? o->n / 2 : o->n - o->n / 2);
}

static void run_op(const op *o, int threads)
{
    if (o->kind == 0)
        cblas_sgemv(CblasRowMajor, CblasNoTrans, o->n, GEMV_COLS, 1.0f, o->A,
                    GEMV_COLS, o->B, 1, 0.0f, o->C, 1);
    else if (o->kind == 1 || threads == 1)
        gemm_rows(o, 0, o->n);
    else
        amem__run_jobs(2, half_job, (void *)o);
}

/* Per-call seconds at 1 and 2 threads, interleaved; medians and p90. */
static void time_op(const op *o, int calls, double fig[4])
{
    double *t[2] = {malloc(calls * sizeof(double)),
                    malloc(calls * sizeof(double))};
    for (int i = 0; i < calls; i++)
        for (int threads = 1; threads <= 2; threads++) {
            /* BLAS threads for gemv/gemm; the pool's BLAS stays at 1 */
            amem__blas_set_threads(o->kind == 2 ? 1 : threads);
            double t0 = now();
            run_op(o, threads);
            t[threads - 1][i] = now() - t0;
        }
    for (int k = 0; k < 2; k++) {
        qsort(t[k], calls, sizeof(double), cmp_double);
        fig[2 * k] = t[k][calls / 2];
        fig[2 * k + 1] = t[k][calls * 9 / 10];
        free(t[k]);
    }
}

static void nothing(void *ctx, int k)
{
    (void)ctx;
    (void)k;
}

static void *nothing_main(void *arg) { return arg; }

/* Median seconds of a pool hand-off and of a thread start + join. */
static void time_handoff(int calls, double *pool_s, double *create_s)
{
    double *t = malloc(calls * sizeof(double));
    for (int i = 0; i < calls; i++) {
        double t0 = now();
        amem__run_jobs(2, nothing, NULL);
        t[i] = now() - t0;
    }
    qsort(t, calls, sizeof(double), cmp_double);
    *pool_s = t[calls / 2];
    for (int i = 0; i < calls; i++) {
        double t0 = now();
        pthread_t tid;
        if (pthread_create(&tid, NULL, nothing_main, NULL) == 0)
            pthread_join(tid, NULL);
        t[i] = now() - t0;
    }
    qsort(t, calls, sizeof(double), cmp_double);
    *create_s = t[calls / 2];
    free(t);
}

static const char *kind_name[] = {"gemv", "gemm", "pool"};

static void sweep(const char *load, int quick, float *A, float *B, float *C)
{
    static const int gemv_n[] = {64, 256, 1000, 2000, 4000, 8000, 16000};
    static const int gemm_n[] = {32, 64, 96, 128, 160, 192, 256, 384, 512};
    for (int kind = 0; kind < 3; kind++) {
        const int *sizes = kind == 0 ? gemv_n : gemm_n;
        int count = kind == 0 ? 7 : 9;
        for (int s = 0; s < count; s++) {
            op o = {kind, sizes[s], A, B, C};
            double work = kind == 0 ? (double)o.n * GEMV_COLS
                                    : (double)o.n * o.n * o.n;
            /* about 0.2 s (quick: 0.05 s) per size at one thread */
            int calls = (int)((quick ? 1e9 : 4e9) / (work + 1e5));
            calls = calls < 15 ? 15 : (calls > 4000 ? 4000 : calls);
            double f[4];
            time_op(&o, calls, f);
            printf("%s %s n=%d work=%.3g MAC: 1 thr %.1f us (p90 %.1f), "
                   "2 thr %.1f us (p90 %.1f), 2/1 %.2f\n",
                   load, kind_name[kind], o.n, work, f[0] * 1e6, f[1] * 1e6,
                   f[2] * 1e6, f[3] * 1e6, f[2] / f[0]);
            fflush(stdout);
        }
    }
    double pool_s, create_s;
    time_handoff(quick ? 200 : 2000, &pool_s, &create_s);
    printf("%s hand-off: pool 2 empty jobs %.1f us, thread create+join "
           "%.1f us\n",
           load, pool_s * 1e6, create_s * 1e6);
    fflush(stdout);
}

int main(int argc, char **argv)
{
    int quick = 0, quiet = 1, loaded = 1;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0)
            quick = 1;
        else if (strcmp(argv[i], "--quiet-only") == 0)
            loaded = 0;
        else if (strcmp(argv[i], "--loaded-only") == 0)
            quiet = 0;
    }
    size_t most = 16000 * GEMV_COLS;
    float *A = malloc(most * sizeof(float)), *B = malloc(most * sizeof(float));
    float *C = malloc(most * sizeof(float));
    for (size_t i = 0; i < most; i++)
        A[i] = B[i] = C[i] = (float)(i % 7) * 0.25f - 0.75f;
    printf("# libassocmem %s, BLAS threads at start %d\n",
           amem_version_string(), amem__blas_get_threads());
    if (quiet)
        sweep("quiet", quick, A, B, C);
    if (loaded) {
        pid_t spinner = load_start();
        sweep("loaded", quick, A, B, C);
        load_stop(spinner);
    }
    amem__blas_set_threads(amem_get_num_threads());
    free(A);
    free(B);
    free(C);
    return 0;
}

/*
 * Inference rows split over worker threads, and the serial-BLAS window
 * they run in.
 *
 * An inference call over n rows gives each of T = amem_get_num_threads()
 * workers a contiguous share of the rows; a worker walks its share in
 * chunks of AMEM__VAE_CHUNK rows through its own graph (only its arena is
 * used: the no-tape path records nothing). Splitting the batch keeps every
 * step of a layer (im2col, sgemm, batch norm, activation) on both cores,
 * where multi-threaded sgemm alone leaves the rest serial and splits small
 * products badly.
 *
 * OpenBLAS (pthreads) has no per-call thread count, and two callers whose
 * sgemm are multi-threaded take turns on one process-wide lock; so while
 * workers run, BLAS is set to one thread and the library's count is carried
 * by the workers: the serial-BLAS window of core/jobs.h, shared with every
 * piece that runs on its own threads. Results do not depend on the split: every row is
 * computed by the same kernels whichever worker takes it.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>

#include "assocmem/common.h"
#include "core/error.h"
#include "core/jobs.h"
#include "vae_fast.h"

/* Fewest rows per worker worth a thread. */
#define MIN_ROWS_PER_WORKER 8
#define MAX_WORKERS 16

/* Threads for this call (>= 1); above 1, BLAS is serial until
 * amem__blas_window_end. */
static int window_begin(size_t rows)
{
    size_t most = rows / MIN_ROWS_PER_WORKER;
    return amem__blas_window_begin(most > MAX_WORKERS ? MAX_WORKERS
                                                      : (int)most);
}

typedef struct worker {
    pthread_t tid;
    int started;
    amem_vae *v;
    amem__graph *g;
    amem__vae_rows_fn fn;
    void *ctx;
    size_t first, count; /* this worker's rows */
} worker;

/* Run fn over the worker's rows, chunk by chunk; the status is on w->g. */
static void *worker_main(void *arg)
{
    worker *w = arg;
    amem__graph_reset(w->g);
    w->g->training = 0;
    for (size_t s = 0; s < w->count && w->g->status == AMEM_OK;
         s += AMEM__VAE_CHUNK) {
        size_t m = w->count - s;
        if (m > AMEM__VAE_CHUNK)
            m = AMEM__VAE_CHUNK;
        amem__graph_reset(w->g);
        w->fn(w->ctx, w->v, w->g, w->first + s, m);
    }
    return NULL;
}

/* Graphs for workers 1 .. threads-1; 0 when one cannot be made. */
static int make_graphs(worker *w, int threads)
{
    for (int k = 1; k < threads; k++) {
        w[k].g = amem__graph_create((size_t)1 << 20);
        if (w[k].g == NULL)
            return 0;
    }
    return 1;
}

static int run_workers(const char *fn, amem_vae *v, size_t n, int threads,
                       amem__vae_rows_fn f, void *ctx)
{
    worker w[MAX_WORKERS] = {{0}};
    int ok = make_graphs(w, threads);
    w[0].g = v->graph;
    for (int k = 0; k < threads && ok; k++) {
        w[k].v = v;
        w[k].fn = f;
        w[k].ctx = ctx;
        w[k].first = n * (size_t)k / (size_t)threads;
        w[k].count = n * (size_t)(k + 1) / (size_t)threads - w[k].first;
        if (k > 0)
            w[k].started =
                pthread_create(&w[k].tid, NULL, worker_main, &w[k]) == 0;
    }
    if (ok)
        worker_main(&w[0]);
    for (int k = 1; k < threads && ok; k++) {
        if (w[k].started)
            pthread_join(w[k].tid, NULL);
        else
            worker_main(&w[k]); /* no thread: run its rows here */
    }
    int rc = ok ? AMEM_OK
                : amem__fail(AMEM_E_NOMEM, fn, "cannot allocate worker graphs");
    for (int k = 0; k < threads && rc == AMEM_OK; k++)
        if (w[k].g->status != AMEM_OK)
            rc = amem__fail(w[k].g->status, fn, "%s", w[k].g->error);
    for (int k = 1; k < threads; k++)
        amem__graph_free(w[k].g);
    return rc;
}

int amem__vae_run_rows(const char *fn, amem_vae *v, size_t n,
                       amem__vae_rows_fn f, void *ctx)
{
    int threads = window_begin(n);
    int rc;
    if (threads > 1) {
        rc = run_workers(fn, v, n, threads, f, ctx);
    } else {
        worker one = {.v = v, .g = v->graph, .fn = f, .ctx = ctx, .count = n};
        worker_main(&one);
        rc = one.g->status == AMEM_OK
                 ? AMEM_OK
                 : amem__fail(one.g->status, fn, "%s", one.g->error);
    }
    amem__blas_window_end(threads);
    return rc;
}

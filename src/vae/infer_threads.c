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
 * by the workers (the same rule as src/hopfield/parallel.c). The count, the
 * number of calls inside the window and the lock are the only process-wide
 * state. The last call to leave puts the count back, unless the user
 * changed it meanwhile. Results do not depend on the split: every row is
 * computed by the same kernels whichever worker takes it.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>

#include "assocmem/common.h"
#include "core/error.h"
#include "vae_fast.h"

/* Fewest rows per worker worth a thread. */
#define MIN_ROWS_PER_WORKER 8
#define MAX_WORKERS 16

static pthread_mutex_t window_lock = PTHREAD_MUTEX_INITIALIZER;
static int window_users;
static int window_saved;

/* Threads for this call (>= 1); above 1, BLAS is serial until window_end. */
static int window_begin(size_t rows)
{
    pthread_mutex_lock(&window_lock);
    int threads = window_users > 0 ? window_saved : amem_get_num_threads();
    size_t most = rows / MIN_ROWS_PER_WORKER;
    if ((size_t)threads > most)
        threads = most < 1 ? 1 : (int)most;
    if (threads > MAX_WORKERS)
        threads = MAX_WORKERS;
    if (threads > 1) {
        if (window_users == 0) {
            window_saved = amem_get_num_threads();
            amem_set_num_threads(1);
        }
        window_users++;
    }
    pthread_mutex_unlock(&window_lock);
    return threads;
}

static void window_end(int threads)
{
    if (threads <= 1)
        return;
    pthread_mutex_lock(&window_lock);
    if (--window_users == 0 && amem_get_num_threads() == 1)
        amem_set_num_threads(window_saved);
    pthread_mutex_unlock(&window_lock);
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
    window_end(threads);
    return rc;
}

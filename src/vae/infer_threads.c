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
 * The shares run as jobs on the library's worker pool (core/jobs.h), inside
 * the serial-BLAS window: OpenBLAS (pthreads) has no per-call thread
 * count, and two callers whose sgemm are multi-threaded take turns on one
 * process-wide lock, so BLAS runs on one thread and the library's count is
 * carried by the jobs. Results do not depend on the split: every row is
 * computed by the same kernels whichever job takes it.
 */
#include "assocmem/common.h"
#include "core/error.h"
#include "core/jobs.h"
#include "vae_fast.h"

/* Fewest rows per worker worth a thread. */
#define MIN_ROWS_PER_WORKER 8
#define MAX_WORKERS 16

/* One job's share of the rows and the graph it runs them through. */
typedef struct share {
    amem__graph *g;
    size_t first, count;
} share;

typedef struct rows_call {
    amem_vae *v;
    amem__vae_rows_fn fn;
    void *ctx;
    share part[MAX_WORKERS];
} rows_call;

/* Run fn over share k's rows, chunk by chunk; the status is on its graph. */
static void run_share(void *arg, int k)
{
    rows_call *c = arg;
    share *w = &c->part[k];
    amem__graph_reset(w->g);
    w->g->training = 0;
    for (size_t s = 0; s < w->count && w->g->status == AMEM_OK;
         s += AMEM__VAE_CHUNK) {
        size_t m = w->count - s;
        if (m > AMEM__VAE_CHUNK)
            m = AMEM__VAE_CHUNK;
        amem__graph_reset(w->g);
        c->fn(c->ctx, c->v, w->g, w->first + s, m);
    }
}

/* Graphs for shares 1 .. threads-1; 0 when one cannot be made. */
static int make_graphs(rows_call *c, int threads)
{
    for (int k = 1; k < threads; k++) {
        c->part[k].g = amem__graph_create((size_t)1 << 20);
        if (c->part[k].g == NULL)
            return 0;
    }
    return 1;
}

static int run_shares(const char *fn, rows_call *c, size_t n, int threads)
{
    int ok = make_graphs(c, threads);
    c->part[0].g = c->v->graph;
    for (int k = 0; k < threads; k++) {
        size_t hi;
        amem__job_share(n, threads, k, &c->part[k].first, &hi);
        c->part[k].count = hi - c->part[k].first;
    }
    if (ok)
        amem__run_jobs(threads, run_share, c);
    int rc = ok ? AMEM_OK
                : amem__fail(AMEM_E_NOMEM, fn, "cannot allocate worker graphs");
    for (int k = 0; k < threads && rc == AMEM_OK; k++)
        if (c->part[k].g->status != AMEM_OK)
            rc = amem__fail(c->part[k].g->status, fn, "%s",
                            c->part[k].g->error);
    for (int k = 1; k < threads; k++)
        amem__graph_free(c->part[k].g);
    return rc;
}

/* Below 2 * MIN_ROWS_PER_WORKER rows the call runs as before the pool:
 * one share, BLAS threads as set. */
int amem__vae_run_rows(const char *fn, amem_vae *v, size_t n,
                       amem__vae_rows_fn f, void *ctx)
{
    rows_call c = {.v = v, .fn = f, .ctx = ctx};
    size_t most = n / MIN_ROWS_PER_WORKER;
    if (most < 2 || amem_get_num_threads() < 2)
        return run_shares(fn, &c, n, 1);
    int threads = amem__blas_window_begin(most > MAX_WORKERS ? MAX_WORKERS
                                                             : (int)most);
    int rc = run_shares(fn, &c, n, threads);
    amem__blas_window_end();
    return rc;
}

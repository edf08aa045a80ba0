/*
 * Worker threads of the learned-score inference, and the serial-BLAS
 * window they run in.
 *
 * Each job runs the network on its own block of query rows with
 * single-threaded sgemm, so the bias/ReLU passes and the narrow first and
 * last layers run on every core as well. OpenBLAS (0.3.21, pthreads) has no
 * per-call thread count and takes a process-wide lock around every
 * multi-threaded sgemm, so while a parallel inference runs BLAS is set to
 * one thread and the library's thread count is carried by the jobs; the
 * last inference to finish puts the count back (a call to
 * amem_set_num_threads meanwhile is kept: the count is only restored if it
 * still reads 1). This is the same protocol as the modern Hopfield recall.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>

#include "diffusion_impl.h"

static pthread_mutex_t serial_lock = PTHREAD_MUTEX_INITIALIZER;
static int serial_users; /* inferences inside the window */
static int serial_saved; /* library thread count when the window opened */

int amem__djobs_begin(void)
{
    pthread_mutex_lock(&serial_lock);
    if (serial_users == 0)
        serial_saved = amem_get_num_threads();
    int threads = serial_saved;
    if (threads > 1) {
        if (serial_users == 0)
            amem_set_num_threads(1);
        serial_users++;
    }
    pthread_mutex_unlock(&serial_lock);
    return threads;
}

void amem__djobs_end(int threads)
{
    if (threads <= 1)
        return;
    pthread_mutex_lock(&serial_lock);
    if (--serial_users == 0 && amem_get_num_threads() == 1)
        amem_set_num_threads(serial_saved);
    pthread_mutex_unlock(&serial_lock);
}

typedef struct worker {
    pthread_t tid;
    void (*fn)(void *ctx, int k);
    void *ctx;
    int k;
    int started;
} worker;

static void *worker_main(void *arg)
{
    worker *w = arg;
    w->fn(w->ctx, w->k);
    return NULL;
}

/* fn(ctx, k) for k = 0 .. jobs-1: job 0 on the calling thread, the others
 * on new threads, or inline when a thread cannot be created (the result
 * does not depend on which thread runs a job). */
void amem__djobs_run(int jobs, void (*fn)(void *ctx, int k), void *ctx)
{
    worker extra[AMEM__DJOBS_MAX];
    if (jobs > AMEM__DJOBS_MAX)
        jobs = AMEM__DJOBS_MAX;
    for (int k = 1; k < jobs; k++) {
        worker *w = &extra[k - 1];
        *w = (worker){.fn = fn, .ctx = ctx, .k = k};
        w->started = pthread_create(&w->tid, NULL, worker_main, w) == 0;
    }
    fn(ctx, 0);
    for (int k = 1; k < jobs; k++) {
        worker *w = &extra[k - 1];
        if (w->started)
            pthread_join(w->tid, NULL);
        else
            fn(ctx, k);
    }
}

/*
 * Worker threads of the fused modern-Hopfield step, and the serial-BLAS
 * window they run in.
 *
 * Each worker calls cblas_sgemm on its own slice of the work. OpenBLAS
 * (0.3.21, pthreads) takes one process-wide lock around every multi-threaded
 * sgemm, so two workers whose sgemms are multi-threaded would take turns
 * instead of running side by side; and it has no per-call or per-thread
 * thread count. So while any parallel recall runs, BLAS is set to one
 * thread and the library's thread count is carried by the workers instead;
 * the last recall to finish puts the count back. The count, the number of
 * recalls inside the window and the lock are the only process-wide state
 * here. A call to amem_set_num_threads while a recall runs is kept (the
 * count is only put back if it still reads 1).
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>

#include "hopfield_impl.h"

static pthread_mutex_t serial_lock = PTHREAD_MUTEX_INITIALIZER;
static int serial_users; /* recalls inside the window */
static int serial_saved; /* library thread count when the window opened */

int amem__hopfield_threads_begin(void)
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

void amem__hopfield_threads_end(int threads)
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

/*
 * Run fn(ctx, k) for k = 0 .. jobs-1: job 0 on the calling thread, the
 * others on new threads (run inline when a thread cannot be created; the
 * result does not depend on which thread runs a job).
 */
void amem__hopfield_run_jobs(int jobs, void (*fn)(void *ctx, int k),
                             void *ctx)
{
    worker extra[AMEM__HOPFIELD_MAX_JOBS];
    if (jobs > AMEM__HOPFIELD_MAX_JOBS)
        jobs = AMEM__HOPFIELD_MAX_JOBS;
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

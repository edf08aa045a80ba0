/* The serial-BLAS window and the job runner (see jobs.h). */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>

#include "assocmem/common.h"
#include "jobs.h"

static pthread_mutex_t window_lock = PTHREAD_MUTEX_INITIALIZER;
static int window_users; /* calls inside the window */
static int window_saved; /* library thread count when the window opened */

int amem__blas_window_begin(int most)
{
    pthread_mutex_lock(&window_lock);
    int threads = window_users > 0 ? window_saved : amem_get_num_threads();
    if (threads > most)
        threads = most;
    if (threads < 1)
        threads = 1;
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

void amem__blas_window_end(int threads)
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

void amem__run_jobs(int jobs, void (*fn)(void *ctx, int k), void *ctx)
{
    worker extra[AMEM__MAX_JOBS];
    if (jobs > AMEM__MAX_JOBS)
        jobs = AMEM__MAX_JOBS;
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

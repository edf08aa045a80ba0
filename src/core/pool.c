/*
 * The persistent worker pool behind amem__run_jobs (see jobs.h).
 *
 * A call posts its jobs 1 .. jobs-1 as a batch on one queue, runs job 0,
 * then takes its own batch's remaining jobs one by one until none is left,
 * and waits only for jobs a worker has already taken. Workers take the
 * next job of the oldest batch. So a call never waits for a worker to
 * become free: on a machine whose other core is busy, the caller runs
 * every job a sleeping worker did not get to. Workers are started lazily,
 * when a batch has more jobs than workers are waiting, up to
 * AMEM__MAX_JOBS - 1 in all, kept for the life of the process and joined
 * when the library is unloaded. One lock guards the queue (a job is tens
 * of microseconds or more; taking it costs well under one). A child
 * process after fork starts with no workers.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stddef.h>

#include "jobs.h"

#define MAX_WORKERS (AMEM__MAX_JOBS - 1)

typedef struct batch {
    void (*fn)(void *ctx, int k);
    void *ctx;
    int jobs;
    int next;    /* first job nobody has taken */
    int running; /* jobs taken by workers and not finished */
    struct batch *later;
} batch;

static struct {
    pthread_mutex_t lock;
    pthread_cond_t work; /* a batch was posted, or the pool stops */
    pthread_cond_t done; /* a worker finished a batch's last job */
    batch *first, *last; /* batches with jobs nobody has taken */
    int queued;          /* jobs nobody has taken, over all batches */
    int workers;         /* started */
    int idle, starting;  /* waiting for work; started, not yet waiting */
    int stopping;
    int fork_handled;
    pthread_t tid[MAX_WORKERS];
} pool = {.lock = PTHREAD_MUTEX_INITIALIZER,
          .work = PTHREAD_COND_INITIALIZER,
          .done = PTHREAD_COND_INITIALIZER};

/* Under the lock: remove b from the queue (its last job was taken). */
static void unlink_batch(batch *b)
{
    batch **p = &pool.first, *prev = NULL;
    while (*p != b) {
        prev = *p;
        p = &(*p)->later;
    }
    *p = b->later;
    if (pool.last == b)
        pool.last = prev;
}

/* Under the lock: the next job of b; its index. */
static int take_job(batch *b)
{
    int k = b->next++;
    pool.queued--;
    if (b->next == b->jobs)
        unlink_batch(b);
    return k;
}

static void *worker_main(void *unused)
{
    (void)unused;
    pthread_mutex_lock(&pool.lock);
    pool.starting--;
    for (;;) {
        while (!pool.stopping && pool.first == NULL) {
            pool.idle++;
            pthread_cond_wait(&pool.work, &pool.lock);
            pool.idle--;
        }
        if (pool.stopping)
            break;
        batch *b = pool.first;
        int k = take_job(b);
        b->running++;
        pthread_mutex_unlock(&pool.lock);
        b->fn(b->ctx, k);
        pthread_mutex_lock(&pool.lock);
        if (--b->running == 0 && b->next == b->jobs)
            pthread_cond_broadcast(&pool.done);
    }
    pthread_mutex_unlock(&pool.lock);
    return NULL;
}

/* In a child after fork: none of the workers exist there; start afresh. */
static void forget_workers(void)
{
    pthread_mutex_init(&pool.lock, NULL);
    pthread_cond_init(&pool.work, NULL);
    pthread_cond_init(&pool.done, NULL);
    pool.first = pool.last = NULL;
    pool.queued = pool.workers = pool.idle = pool.starting = 0;
}

/* Under the lock: start workers while queued jobs outnumber the workers
 * that are waiting or about to. */
static void grow(void)
{
    if (!pool.fork_handled)
        pool.fork_handled = pthread_atfork(NULL, NULL, forget_workers) == 0;
    while (!pool.stopping && pool.workers < MAX_WORKERS &&
           pool.idle + pool.starting < pool.queued) {
        if (pthread_create(&pool.tid[pool.workers], NULL, worker_main,
                           NULL) != 0)
            return; /* the callers run the jobs */
        pool.workers++;
        pool.starting++;
    }
}

/* Under the lock: post b's jobs 1 .. jobs-1 and wake a worker for each. */
static void post(batch *b)
{
    if (pool.last != NULL)
        pool.last->later = b;
    else
        pool.first = b;
    pool.last = b;
    pool.queued += b->jobs - 1;
    grow();
    for (int k = 1; k < b->jobs; k++)
        pthread_cond_signal(&pool.work);
}

void amem__run_jobs(int jobs, void (*fn)(void *ctx, int k), void *ctx)
{
    if (jobs > AMEM__MAX_JOBS)
        jobs = AMEM__MAX_JOBS;
    if (jobs <= 1) {
        if (jobs == 1)
            fn(ctx, 0);
        return;
    }
    batch b = {fn, ctx, jobs, 1, 0, NULL};
    pthread_mutex_lock(&pool.lock);
    post(&b);
    pthread_mutex_unlock(&pool.lock);
    fn(ctx, 0);
    pthread_mutex_lock(&pool.lock);
    while (b.next < b.jobs) {
        int k = take_job(&b);
        pthread_mutex_unlock(&pool.lock);
        fn(ctx, k);
        pthread_mutex_lock(&pool.lock);
    }
    while (b.running > 0)
        pthread_cond_wait(&pool.done, &pool.lock);
    pthread_mutex_unlock(&pool.lock);
}

/* Library unload (and process exit): stop and join the workers. */
__attribute__((destructor)) static void pool_stop(void)
{
    pthread_mutex_lock(&pool.lock);
    pool.stopping = 1;
    pthread_cond_broadcast(&pool.work);
    int workers = pool.workers;
    pthread_mutex_unlock(&pool.lock);
    for (int k = 0; k < workers; k++)
        pthread_join(pool.tid[k], NULL);
}

/* A minimal pthread pool: workers take the next job index until done. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>

#include "pool.h"

#define MAX_WORKERS 16

static pthread_mutex_t shared_lock = PTHREAD_MUTEX_INITIALIZER;

void ty_pool_lock(void) { pthread_mutex_lock(&shared_lock); }
void ty_pool_unlock(void) { pthread_mutex_unlock(&shared_lock); }

typedef struct pool {
    pthread_mutex_t lock;
    size_t next, n;
    int failed;
    ty_job_fn job;
    void *user;
} pool;

/* Next job index, or n when done or after a failure. */
static size_t take(pool *p)
{
    pthread_mutex_lock(&p->lock);
    size_t i = p->failed ? p->n : p->next;
    if (i < p->n)
        p->next++;
    pthread_mutex_unlock(&p->lock);
    return i;
}

static void *worker(void *arg)
{
    pool *p = arg;
    for (size_t i = take(p); i < p->n; i = take(p))
        if (p->job(i, p->user) != 0) {
            pthread_mutex_lock(&p->lock);
            p->failed = 1;
            pthread_mutex_unlock(&p->lock);
        }
    return NULL;
}

int ty_pool_run(size_t n, int workers, ty_job_fn job, void *user)
{
    pool p = {PTHREAD_MUTEX_INITIALIZER, 0, n, 0, job, user};
    pthread_t tid[MAX_WORKERS];
    int started = 0;
    workers = workers < 1 ? 1 : workers > MAX_WORKERS ? MAX_WORKERS : workers;
    for (int w = 1; w < workers; w++, started++)
        if (pthread_create(&tid[started], NULL, worker, &p) != 0)
            break;
    worker(&p);
    for (int w = 0; w < started; w++)
        pthread_join(tid[w], NULL);
    return p.failed ? -1 : 0;
}

/*
 * Independent training runs on a few worker threads. Each run owns its
 * network handle (the library allows different handles on different
 * threads); BLAS is set to one thread per run by the caller.
 */
#ifndef TY_POOL_H
#define TY_POOL_H

#include <stddef.h>

/* Job i of a pool; returns 0, or nonzero to stop handing out new jobs. */
typedef int (*ty_job_fn)(size_t i, void *user);

/*
 * ty_pool_run: call job(i, user) for i = 0..n-1, in order of i, on
 * `workers` threads (1 = the calling thread only). Returns 0 when every job
 * returned 0, else -1 (jobs not yet started are skipped).
 */
int ty_pool_run(size_t n, int workers, ty_job_fn job, void *user);

/* A lock shared by all jobs, for logging and shared results. */
void ty_pool_lock(void);
void ty_pool_unlock(void);

#endif

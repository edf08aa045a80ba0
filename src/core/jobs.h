/*
 * The library's thread count, the serial-BLAS window, and the one
 * persistent worker pool every parallel path runs its jobs on.
 *
 * Two counts are kept apart. The library's count is what
 * amem_set_num_threads sets and amem_get_num_threads returns; it starts at
 * the BLAS count when first needed. The BLAS count follows it, except
 * while a window is open.
 *
 * OpenBLAS (0.3.21, pthreads) has no per-call or per-thread thread count
 * and takes one process-wide lock around every multi-threaded sgemm, so two
 * threads whose sgemm are multi-threaded take turns instead of running side
 * by side, and on a machine whose other core is busy a small
 * multi-threaded sgemm waits for that core. A call that splits its work
 * over the pool, or whose work is too small to gain from BLAS threads,
 * therefore opens the window: BLAS runs on one thread until the last
 * window closes, and the library's count is carried by the jobs (each
 * calling single-threaded BLAS). amem_set_num_threads during a window
 * changes the library's count at once and the BLAS count when the last
 * window closes. The counts, the number of open windows, the pool and two
 * locks are the only process-wide state, shared by every piece.
 */
#ifndef AMEM_CORE_JOBS_H
#define AMEM_CORE_JOBS_H

#include <stddef.h>

#define AMEM__MAX_JOBS 64

/* Job k's share [*lo, *hi) of n items split over `jobs` jobs: in order,
 * covering 0 .. n, sizes differing by at most one. */
static inline void amem__job_share(size_t n, int jobs, int k, size_t *lo,
                                   size_t *hi)
{
    *lo = n * (size_t)k / (size_t)jobs;
    *hi = n * (size_t)(k + 1) / (size_t)jobs;
}

/*
 * Work (multiply-adds) below which a BLAS call gains nothing from a
 * second thread on this machine, and loses when another process keeps a
 * core busy (a 1,000 x 512 sgemv: 1.5x slower at the median, 90x at the
 * 90th percentile; bench/bench_threads, docs/performance.md "Threads"):
 * such calls run inside a window.
 */
#define AMEM__SERIAL_WORK (1u << 21)

/* The library's thread count (>= 1), and setting it (n >= 1). */
int amem__threads_get(void);
void amem__threads_set(int n);

/*
 * Opens the window (BLAS on one thread until the matching
 * amem__blas_window_end) and returns the threads for this call: the
 * library's count, at most `most` and at least 1. Windows nest and overlap
 * across threads.
 */
int amem__blas_window_begin(int most);
void amem__blas_window_end(void);

/* A window when `work` multiply-adds are below AMEM__SERIAL_WORK: returns
 * 1 if it opened one (close it with amem__serial_end(opened)). */
int amem__serial_begin(double work);
void amem__serial_end(int opened);

/*
 * fn(ctx, k) for k = 0 .. jobs-1 (at most AMEM__MAX_JOBS), each exactly
 * once, returning when all have finished. The calling thread runs job 0
 * and then every job no pool worker has taken, so the call completes even
 * when every worker is busy or none can be started; the result must not
 * depend on which thread runs a job. Safe from several threads at once,
 * and from inside a job.
 */
void amem__run_jobs(int jobs, void (*fn)(void *ctx, int k), void *ctx);

/* BLAS thread control (core/version.c), used by the window only. */
void amem__blas_set_threads(int n);
int amem__blas_get_threads(void);

#endif

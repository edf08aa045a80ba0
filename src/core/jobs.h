/*
 * Work split over the library's own threads, and the serial-BLAS window it
 * runs in.
 *
 * OpenBLAS (0.3.21, pthreads) has no per-call or per-thread thread count
 * and takes one process-wide lock around every multi-threaded sgemm, so two
 * threads whose sgemm are multi-threaded take turns instead of running side
 * by side. A piece that splits a call over its own threads therefore opens
 * the window: BLAS is set to one thread and the library's thread count is
 * carried by the jobs (each calling single-threaded sgemm); the last call
 * to leave the window puts the count back. The count, the number of calls
 * inside the window and a lock are the only process-wide state, shared by
 * every piece. A call to amem_set_num_threads while the window is open is
 * kept (the count is only put back if it still reads 1).
 */
#ifndef AMEM_CORE_JOBS_H
#define AMEM_CORE_JOBS_H

#define AMEM__MAX_JOBS 64

/*
 * Threads for this call: the library's thread count (as it was before the
 * window opened, if it is open), at most `most` and at least 1. When the
 * result is above 1 the window is open until the matching
 * amem__blas_window_end(result); windows nest and overlap across threads.
 */
int amem__blas_window_begin(int most);
void amem__blas_window_end(int threads);

/*
 * fn(ctx, k) for k = 0 .. jobs-1 (at most AMEM__MAX_JOBS): job 0 on the
 * calling thread, the others on new threads, run inline when a thread
 * cannot be created (the result must not depend on which thread runs a
 * job).
 */
void amem__run_jobs(int jobs, void (*fn)(void *ctx, int k), void *ctx);

#endif

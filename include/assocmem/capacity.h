/*
 * libassocmem — capacity search and bootstrap intervals.
 *
 * The capacity of a memory at a given size is the largest number of stored
 * patterns n whose recall error stays at or below a threshold (Ambrogioni
 * 2024 uses the average Hamming error <= 3%). These functions know nothing
 * about any model: the caller supplies the error of n patterns through a
 * callback of plain scalars (ctypes CFUNCTYPE / Julia @cfunction work).
 */
#ifndef ASSOCMEM_CAPACITY_H
#define ASSOCMEM_CAPACITY_H

#include "assocmem/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Error callback: the recall error of a memory holding n_patterns patterns
 * (any scale, compared with the threshold). A NaN or negative return stops
 * the search with AMEM_E_CANCELLED (a way for a binding to report that its
 * callback failed).
 */
typedef double (*amem_error_fn)(void *user, long n_patterns);

/* Search strategies. Values are pinned. */
enum amem_capacity_method {
    /*
     * SCAN_UP: evaluate n = n_min, n_min + 1, ... and stop at the first n
     * whose error exceeds the threshold; the capacity is that n - 1 (n_max
     * when every n passes). One evaluation per count up to the boundary.
     */
    AMEM_CAPACITY_SCAN_UP = 0,
    /*
     * BISECT: for an error that does not decrease with n. Evaluate n_min;
     * then probe n_min + 1, n_min + 2, n_min + 4, ... (capped at n_max)
     * until one fails, then bisect between the last pass and the first
     * failure. Returns the largest passing n exactly when the error is
     * monotone; O(log(capacity)) evaluations.
     */
    AMEM_CAPACITY_BISECT = 1,
    /*
     * SCAN_DOWN: evaluate n = n_max, n_max - 1, ... and return the first n
     * whose error passes (the paper's procedure for trained models: start
     * above the expected capacity and retrain with one fewer pattern until
     * the error is below threshold).
     */
    AMEM_CAPACITY_SCAN_DOWN = 2
};

/*
 * amem_capacity_search: the largest number of patterns n in [n_min, n_max]
 * with error_of(user, n) <= threshold, by the chosen method.
 *   error_of   the error callback (required)
 *   user       passed to error_of untouched
 *   n_min      smallest count tried, >= 1
 *   n_max      largest count tried, >= n_min
 *   threshold  finite
 *   method     enum amem_capacity_method
 *   capacity   receives the result; n_min - 1 when n_min already fails
 *              (SCAN_UP, BISECT) or when no count passes (SCAN_DOWN)
 *   evaluations  optional (NULL = none): number of callback calls made
 *   progress   optional: called after each evaluation with stage
 *              "capacity", done = evaluations so far, total = 0 (unknown),
 *              metric = the error just measured; nonzero cancels
 *   progress_user  passed to progress untouched
 * Every count is evaluated at most once. Returns AMEM_OK, AMEM_E_NULL,
 * AMEM_E_RANGE (n_min < 1, n_max < n_min), AMEM_E_NONFINITE (threshold),
 * AMEM_E_ARG (unknown method), AMEM_E_CANCELLED (progress asked, or the
 * callback returned NaN or a negative value); *capacity is written only on
 * success.
 */
AMEM_API int amem_capacity_search(amem_error_fn error_of, void *user,
                                  long n_min, long n_max, double threshold,
                                  int method, long *capacity,
                                  long *evaluations, amem_progress_fn progress,
                                  void *progress_user);

/*
 * amem_bootstrap_mean: the mean of n values and a percentile bootstrap
 * interval for it (resamples draws of n values with replacement).
 *   values     n finite doubles, n >= 1
 *   resamples  1 .. AMEM_MAX_STEPS_PER_CALL (1,000-10,000 is typical)
 *   level      central coverage in (0, 1), e.g. 0.95
 *   seed       seed of the xoshiro256** generator used for resampling
 *   mean, lo, hi  outputs (any may be NULL): the sample mean and the
 *              (1-level)/2 and (1+level)/2 quantiles of the resampled means
 *              (linear interpolation between order statistics)
 * Returns AMEM_OK, AMEM_E_NULL (values), AMEM_E_DIM (n = 0, or n doubles
 * larger than the largest array, see common.h), AMEM_E_RANGE (resamples,
 * level), AMEM_E_NONFINITE, AMEM_E_NOMEM.
 */
AMEM_API int amem_bootstrap_mean(const double *values, size_t n,
                                 size_t resamples, double level, uint64_t seed,
                                 double *mean, double *lo, double *hi);

/*
 * amem_capacity_bootstrap: capacity from a grid of measured errors, with a
 * bootstrap interval over repetitions (the paper's Fig. 3b).
 *   counts     n_counts pattern counts, strictly increasing, >= 1
 *   errors     n_counts x reps errors: row i holds the reps repeated error
 *              measurements at counts[i] (for example one per test pattern)
 *   threshold  finite
 *   capacity   the largest counts[i] whose mean error over the reps is
 *              <= threshold (counts[0] - 1 when none passes)
 *   lo, hi     (1-level)/2 and (1+level)/2 quantiles of the capacity over
 *              `resamples` bootstrap replicates; each replicate draws reps
 *              repetition indices with replacement and uses the same
 *              indices for every count (repetitions are resampled jointly)
 *   Any of capacity, lo, hi may be NULL.
 *   resamples  1 .. AMEM_MAX_STEPS_PER_CALL
 * Returns AMEM_OK, AMEM_E_NULL, AMEM_E_DIM (n_counts or reps = 0, or the
 * grid larger than the largest array, see common.h), AMEM_E_ARG (counts
 * not strictly increasing or < 1), AMEM_E_RANGE (resamples, level),
 * AMEM_E_NONFINITE, AMEM_E_NOMEM.
 */
AMEM_API int amem_capacity_bootstrap(const long *counts, size_t n_counts,
                                     const double *errors, size_t reps,
                                     double threshold, size_t resamples,
                                     double level, uint64_t seed,
                                     double *capacity, double *lo, double *hi);

#ifdef __cplusplus
}
#endif
#endif /* ASSOCMEM_CAPACITY_H */

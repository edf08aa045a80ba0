/*
 * Bootstrap intervals (percentile method) for a mean and for a capacity
 * read off a grid of repeated error measurements (Ambrogioni 2024,
 * Appendix A: "error intervals were obtained by bootstrap re-sampling").
 * Quantiles interpolate linearly between order statistics:
 * q(p) = x[k] + (x[k+1] - x[k]) f with k + f = p (R - 1).
 */
#include <math.h>
#include <stdlib.h>

#include "assocmem/capacity.h"
#include "core/check.h"
#include "core/error.h"
#include "core/rng.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double quantile_sorted(const double *x, size_t n, double p)
{
    double pos = p * (double)(n - 1);
    size_t k = (size_t)floor(pos);
    if (k + 1 >= n)
        return x[n - 1];
    return x[k] + (x[k + 1] - x[k]) * (pos - (double)k);
}

static int check_boot(const char *fn, size_t resamples, double level)
{
    if (resamples < 1 || resamples > (size_t)AMEM_MAX_STEPS_PER_CALL)
        return amem__fail(AMEM_E_RANGE, fn,
                          "resamples %zu outside [1, %ld]",
                          resamples, AMEM_MAX_STEPS_PER_CALL);
    if (!(level > 0 && level < 1))
        return amem__fail(AMEM_E_RANGE, fn, "level %g outside (0, 1)", level);
    return AMEM_OK;
}

static int all_finite_d(const double *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i]))
            return 0;
    return 1;
}

/* Sort the replicates and write the two tail quantiles. */
static void interval(double *rep, size_t r, double level, double *lo,
                     double *hi)
{
    qsort(rep, r, sizeof *rep, cmp_double);
    if (lo)
        *lo = quantile_sorted(rep, r, 0.5 * (1.0 - level));
    if (hi)
        *hi = quantile_sorted(rep, r, 0.5 * (1.0 + level));
}

int amem_bootstrap_mean(const double *values, size_t n, size_t resamples,
                        double level, uint64_t seed, double *mean, double *lo,
                        double *hi)
{
    static const char fn[] = "amem_bootstrap_mean";
    int rc = amem__check_size(fn, "values", values, n, 1, sizeof *values);
    if (rc != AMEM_OK)
        return rc;
    if (n == 0)
        return amem__fail(AMEM_E_DIM, fn, "no values (n = 0)");
    rc = check_boot(fn, resamples, level);
    if (rc != AMEM_OK)
        return rc;
    if (!all_finite_d(values, n))
        return amem__fail(AMEM_E_NONFINITE, fn, "non-finite value");
    double *rep = amem__alloc(resamples, 1, sizeof *rep);
    if (rep == NULL)
        return amem__fail(AMEM_E_NOMEM, fn, "cannot allocate %zu replicates",
                          resamples);
    amem__rng rng;
    amem__rng_seed(&rng, seed);
    double sum = 0.0;
    for (size_t i = 0; i < n; i++)
        sum += values[i];
    for (size_t r = 0; r < resamples; r++) {
        double s = 0.0;
        for (size_t i = 0; i < n; i++)
            s += values[amem__rng_below(&rng, n)];
        rep[r] = s / (double)n;
    }
    if (mean)
        *mean = sum / (double)n;
    interval(rep, resamples, level, lo, hi);
    free(rep);
    return AMEM_OK;
}

/* Largest counts[i] whose mean over the chosen repetitions passes. */
static double capacity_of(const long *counts, size_t nc, const double *err,
                          size_t reps, const size_t *pick, double threshold)
{
    double cap = (double)counts[0] - 1.0;
    for (size_t i = 0; i < nc; i++) {
        double s = 0.0;
        for (size_t k = 0; k < reps; k++)
            s += err[i * reps + (pick ? pick[k] : k)];
        if (s / (double)reps <= threshold)
            cap = (double)counts[i];
    }
    return cap;
}

static int check_grid(const char *fn, const long *counts, size_t nc,
                      const double *errors, size_t reps, double threshold)
{
    if (nc == 0 || reps == 0)
        return amem__fail(AMEM_E_DIM, fn, "grid %zu x %zu is empty", nc, reps);
    int rc = amem__array_bytes(fn, "errors", nc, reps, sizeof *errors, NULL);
    if (rc == AMEM_OK)
        rc = amem__array_bytes(fn, "counts", nc, 1, sizeof *counts, NULL);
    if (rc != AMEM_OK)
        return rc;
    for (size_t i = 0; i < nc; i++)
        if (counts[i] < 1 || (i > 0 && counts[i] <= counts[i - 1]))
            return amem__fail(AMEM_E_ARG, fn,
                              "counts must be >= 1 and strictly increasing "
                              "(counts[%zu] = %ld)", i, counts[i]);
    if (!isfinite(threshold) || !all_finite_d(errors, nc * reps))
        return amem__fail(AMEM_E_NONFINITE, fn, "non-finite error or threshold");
    return AMEM_OK;
}

int amem_capacity_bootstrap(const long *counts, size_t n_counts,
                            const double *errors, size_t reps,
                            double threshold, size_t resamples, double level,
                            uint64_t seed, double *capacity, double *lo,
                            double *hi)
{
    static const char fn[] = "amem_capacity_bootstrap";
    AMEM__CHECK_NULL(counts, fn);
    AMEM__CHECK_NULL(errors, fn);
    int rc = check_grid(fn, counts, n_counts, errors, reps, threshold);
    if (rc == AMEM_OK)
        rc = check_boot(fn, resamples, level);
    if (rc != AMEM_OK)
        return rc;
    double *rep = amem__alloc(resamples, 1, sizeof *rep);
    size_t *pick = amem__alloc(reps, 1, sizeof *pick);
    if (rep == NULL || pick == NULL) {
        free(rep);
        free(pick);
        return amem__fail(AMEM_E_NOMEM, fn, "cannot allocate replicates");
    }
    amem__rng rng;
    amem__rng_seed(&rng, seed);
    for (size_t r = 0; r < resamples; r++) {
        for (size_t k = 0; k < reps; k++)
            pick[k] = (size_t)amem__rng_below(&rng, reps);
        rep[r] = capacity_of(counts, n_counts, errors, reps, pick, threshold);
    }
    if (capacity)
        *capacity = capacity_of(counts, n_counts, errors, reps, NULL, threshold);
    interval(rep, resamples, level, lo, hi);
    free(rep);
    free(pick);
    return AMEM_OK;
}

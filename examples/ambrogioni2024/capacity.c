/*
 * Figure 3b (curves): capacity against dimension for the exact diffusion
 * model, the modern Hopfield network and the classical Hopfield network
 * (with and without the diagonal of W), Appendix A's protocol:
 *   - the mean Hamming error of cap_queries (140) corrupted cues is
 *     measured on a grid of pattern counts for every dimension;
 *   - the capacity is the largest count whose mean error is <= 3%, with a
 *     95% percentile-bootstrap interval from resampling the cues
 *     (amem_capacity_bootstrap);
 *   - the capacity and both bounds are smoothed over the dimension grid by
 *     a Gaussian kernel of sigma = 1.5 grid steps.
 * The count grid of each dimension is centred on the boundary that
 * amem_capacity_search (bisection) finds first, so the expensive large
 * counts are only visited near the boundary.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <assocmem/capacity.h>

#include "common/provenance.h"
#include "common/progress.h"
#include "results.h"
#include "stats.h"
#include "trial.h"

#define GRID_MAX 32

static const amb_method cap_method[AMB_CAP_MODELS] = {
    AMB_EXACT_DM, AMB_MODERN, AMB_CLASSICAL, AMB_CLASSICAL_ZD};

typedef struct cap_job {
    const amb_config *cfg;
    amb_method method;
    size_t d;
    int failed;
} cap_job;

static uint64_t job_seed(const cap_job *job, long n)
{
    return amb_seed(job->cfg->seed, 100 + (uint64_t)job->method, job->d,
                    (uint64_t)n);
}

/* amem_error_fn: mean Hamming error of one trial with n patterns. */
static double trial_error(void *user, long n)
{
    cap_job *job = user;
    double mean;
    if (amb_trial_errors(job->method, job->cfg, (size_t)n, job->d,
                         (size_t)job->cfg->cap_queries, job_seed(job, n),
                         NULL, &mean) != 0) {
        job->failed = 1;
        return NAN;
    }
    return mean;
}

/* Counts around the boundary: all integers, or a geometric grid. */
static size_t count_grid(long boundary, long max_count, long *counts)
{
    long lo = boundary / 2 > 1 ? boundary / 2 : 1;
    long hi = 2 * boundary + 4 < max_count ? 2 * boundary + 4 : max_count;
    size_t m = 0;
    if (hi - lo + 1 <= GRID_MAX) {
        for (long n = lo; n <= hi; n++)
            counts[m++] = n;
        return m;
    }
    double ratio = pow((double)hi / (double)lo, 1.0 / (GRID_MAX - 1));
    for (int i = 0; i < GRID_MAX; i++) {
        long n = i == GRID_MAX - 1 ? hi : lround((double)lo * pow(ratio, i));
        if (m == 0 || n > counts[m - 1])
            counts[m++] = n;
    }
    return m;
}

/* Per-cue errors on the count grid, then the bootstrap capacity. */
static int grid_capacity(cap_job *job, const long *counts, size_t m,
                         double *cap, double *lo, double *hi)
{
    size_t q = (size_t)job->cfg->cap_queries;
    double *errors = malloc(m * q * sizeof *errors);
    float *per_query = malloc(q * sizeof *per_query);
    int rc = errors && per_query ? 0 : -1;
    for (size_t i = 0; i < m && rc == 0; i++) {
        double mean;
        rc = amb_trial_errors(job->method, job->cfg, (size_t)counts[i],
                              job->d, q, job_seed(job, counts[i]) + 1,
                              per_query, &mean);
        for (size_t j = 0; j < q && rc == 0; j++)
            errors[i * q + j] = per_query[j];
    }
    if (rc == 0) {
        int st = amem_capacity_bootstrap(
            counts, m, errors, q, job->cfg->cap_threshold,
            (size_t)job->cfg->cap_boot, 0.95,
            job_seed(job, 0) ^ 0xb007u, cap, lo, hi);
        rc = st == AMEM_OK ? 0 : amb_fail("capacity_bootstrap", st);
    }
    free(errors), free(per_query);
    return rc;
}

static int one_capacity(cap_job *job, double *cap, double *lo, double *hi)
{
    long boundary, counts[GRID_MAX];
    int st = amem_capacity_search(trial_error, job, 1,
                                  (long)job->cfg->cap_max_count,
                                  job->cfg->cap_threshold,
                                  AMEM_CAPACITY_BISECT, &boundary, NULL, NULL,
                                  NULL);
    if (st != AMEM_OK || job->failed)
        return amb_fail("capacity_search", st);
    size_t m = count_grid(boundary, (long)job->cfg->cap_max_count, counts);
    return grid_capacity(job, counts, m, cap, lo, hi);
}

int amb_exact_capacity(const amb_config *cfg, size_t d, long *capacity)
{
    cap_job job = {cfg, AMB_EXACT_DM, d, 0};
    int st = amem_capacity_search(trial_error, &job, 1,
                                  (long)cfg->cap_max_count,
                                  cfg->cap_threshold, AMEM_CAPACITY_BISECT,
                                  capacity, NULL, NULL, NULL);
    return st == AMEM_OK && !job.failed ? 0
                                        : amb_fail("capacity_search", st);
}

static int model_curve(const amb_config *cfg, int model,
                       amb_capacity_curve *cur, long *done, long total)
{
    for (size_t k = 0; k < cfg->n_cap_dims; k++) {
        cap_job job = {cfg, cap_method[model], cfg->cap_dims[k], 0};
        if (one_capacity(&job, &cur->raw[k], &cur->lower[k],
                         &cur->upper[k]) != 0)
            return -1;
        ex_progress(NULL, "capacity", ++*done, total, cur->raw[k]);
    }
    size_t n = cfg->n_cap_dims;
    double s = cfg->cap_smooth_sigma;
    amb_smooth_gaussian(cur->raw, n, s, cur->smooth);
    amb_smooth_gaussian(cur->lower, n, s, cur->smooth_lower);
    amb_smooth_gaussian(cur->upper, n, s, cur->smooth_upper);
    return 0;
}

static int write_csv(const amb_config *cfg, const char *out_dir,
                     const amb_results *res)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/fig3b_capacity.csv", out_dir);
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        return -1;
    }
    ex_provenance_csv(f);
    fprintf(f, "model,dim,capacity,lower,upper,smooth,smooth_lower,"
               "smooth_upper\n");
    for (int m = 0; m < AMB_CAP_MODELS; m++) {
        const amb_capacity_curve *c = &res->cap[m];
        for (size_t k = 0; k < cfg->n_cap_dims; k++)
            fprintf(f, "%s,%zu,%g,%g,%g,%.3f,%.3f,%.3f\n",
                    amb_method_name(cap_method[m]), cfg->cap_dims[k],
                    c->raw[k], c->lower[k], c->upper[k], c->smooth[k],
                    c->smooth_lower[k], c->smooth_upper[k]);
    }
    return ex_csv_finish(f);
}

int amb_capacity(const amb_config *cfg, const char *out_dir,
                 amb_results *res)
{
    long done = 0, total = (long)(AMB_CAP_MODELS * cfg->n_cap_dims);
    for (int m = 0; m < AMB_CAP_MODELS; m++)
        if (model_curve(cfg, m, &res->cap[m], &done, total) != 0)
            return -1;
    res->cap_done = write_csv(cfg, out_dir, res) == 0;
    return res->cap_done ? 0 : -1;
}

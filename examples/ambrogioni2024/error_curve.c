/*
 * Figure 3a: Hamming error of the exact diffusion model against the
 * dimension, one curve per pattern count. Each grid point runs err_reps
 * trials (fresh patterns, err_queries cues each); the figure shows the
 * median of the per-trial mean errors with the 25-75% band.
 */
#include <stdio.h>
#include <stdlib.h>

#include "common/provenance.h"
#include "results.h"
#include "stats.h"
#include "trial.h"

typedef struct err_point {
    double median, q25, q75, mean;
} err_point;

static int grid_point(const amb_config *cfg, size_t n, size_t d,
                      double *rep_err, err_point *pt)
{
    double sum = 0.0;
    for (int r = 0; r < cfg->err_reps; r++) {
        uint64_t seed = amb_seed(cfg->seed, 30 + d, n, (uint64_t)r);
        if (amb_trial_errors(AMB_EXACT_DM, cfg, n, d, (size_t)cfg->err_queries,
                             seed, NULL, &rep_err[r]) != 0)
            return -1;
        sum += rep_err[r];
    }
    size_t reps = (size_t)cfg->err_reps;
    pt->mean = sum / (double)reps;
    pt->q25 = amb_quantile(rep_err, reps, 0.25);
    pt->median = amb_quantile(rep_err, reps, 0.5);
    pt->q75 = amb_quantile(rep_err, reps, 0.75);
    return 0;
}

int amb_error_curve(const amb_config *cfg, const char *out_dir,
                    amb_results *res)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/fig3a_error.csv", out_dir);
    FILE *f = fopen(path, "w");
    double *rep_err = malloc((size_t)cfg->err_reps * sizeof *rep_err);
    int rc = f && rep_err ? 0 : -1;
    if (f) {
        ex_provenance_csv(f);
        fprintf(f, "patterns,dim,median,q25,q75,mean\n");
    }
    for (size_t c = 0; c < cfg->n_err_counts && rc == 0; c++) {
        for (size_t k = 0; k < cfg->n_err_dims && rc == 0; k++) {
            size_t n = cfg->err_counts[c], d = cfg->err_dims[k];
            err_point pt;
            rc = grid_point(cfg, n, d, rep_err, &pt);
            if (rc == 0) {
                res->err_at[c][k] = pt.median;
                fprintf(f, "%zu,%zu,%.5f,%.5f,%.5f,%.5f\n", n, d, pt.median,
                        pt.q25, pt.q75, pt.mean);
            }
        }
    }
    if (ex_csv_finish(f) != 0)
        rc = -1;
    if (!f)
        perror(path);
    free(rep_err);
    res->err_done = rc == 0;
    return rc;
}

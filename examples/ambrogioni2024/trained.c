/*
 * Figure 3b (black dots): capacity of trained diffusion models, Appendix
 * A's procedure. For each dimension d, start at n = (exact-score capacity
 * at d) + 4; train a fresh network on n fresh random patterns; measure the
 * mean Hamming error of tr_eval_batches batches of new corrupted cues of
 * all n patterns; if it exceeds 3%, retrain with n - 1, and so on
 * (amem_capacity_search with AMEM_CAPACITY_SCAN_DOWN). Repeated
 * tr_repeats times per dimension. Each finished repeat is also kept in its
 * own file, <out>/trained/d<d>-r<repeat>.csv, which --resume reads back
 * (examples/common/resume.h).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <assocmem/capacity.h>
#include <assocmem/data.h>

#include "common/provenance.h"
#include "common/resume.h"
#include "learned.h"
#include "results.h"
#include "trial.h"

typedef struct tr_job {
    const amb_config *cfg;
    size_t d;
    int repeat;
    int trainings;
    int failed;
} tr_job;

/* Mean Hamming error of the learned ODE on fresh cues of the patterns. */
static int learned_error(amem_diffusion *h, const float *targets,
                         const float *cues, size_t q, size_t d, double *err)
{
    float *out = malloc(q * d * sizeof *out);
    int st = out ? amem_diffusion_recall(h, cues, q, NULL, out, NULL)
                 : AMEM_E_NOMEM;
    if (st == AMEM_OK) {
        amb_binarise(out, q * d);
        st = amem_metric_hamming(out, targets, q, d, NULL, err);
    }
    free(out);
    return st == AMEM_OK ? 0 : amb_fail("learned recall", st);
}

static int train_and_test(tr_job *job, size_t n, double *err)
{
    const amb_config *cfg = job->cfg;
    size_t d = job->d, q = n * (size_t)cfg->tr_eval_batches;
    uint64_t seed = amb_seed(cfg->seed, 200 + d, (uint64_t)job->repeat, n);
    amb_learned_spec spec = {d, (size_t)cfg->tr_hidden_per_dim * d,
                             cfg->tr_iterations, 0, cfg->gamma, cfg->theta,
                             cfg->ode_steps, seed};
    float *patterns = malloc(n * d * sizeof *patterns);
    float *targets = malloc(q * d * sizeof *targets);
    float *cues = malloc(q * d * sizeof *cues);
    amem_diffusion *h = NULL;
    int rc = patterns && targets && cues ? 0 : -1;
    if (rc == 0)
        rc = amb_trial_data(cfg, n, d, q, seed, patterns, targets, cues);
    if (rc == 0 && !(h = amb_learned_train(&spec, patterns, n, NULL)))
        rc = -1;
    if (rc == 0)
        rc = learned_error(h, targets, cues, q, d, err);
    job->trainings++;
    amem_diffusion_free(h);
    free(patterns), free(targets), free(cues);
    return rc;
}

/* amem_error_fn: train on n patterns, return the test error. */
static double trained_error(void *user, long n)
{
    tr_job *job = user;
    double err;
    if (train_and_test(job, (size_t)n, &err) != 0) {
        job->failed = 1;
        return NAN;
    }
    fprintf(stderr, "  trained d=%zu repeat %d: %ld patterns -> error %.4f\n",
            job->d, job->repeat + 1, n, err);
    return err;
}

/* Starting count: the exact model's capacity at d (the smoothed Fig. 3b
 * curve when it was computed, else a bisection search now), plus 4. */
static int start_count(const amb_config *cfg, const amb_results *res,
                       size_t d, size_t *start)
{
    double exact = -1.0;
    for (size_t k = 0; k < cfg->n_cap_dims && res->cap_done; k++)
        if (cfg->cap_dims[k] == d)
            exact = res->cap[AMB_CAP_EXACT].smooth[k];
    if (exact < 0.0) {
        long cap;
        if (amb_exact_capacity(cfg, d, &cap) != 0)
            return -1;
        exact = (double)cap;
    }
    *start = (size_t)lround(exact) + (size_t)cfg->tr_start_extra;
    return 0;
}

#define REPEAT_HEADER "dim,repeat,capacity,start,trainings"

/* A repeat's own file: its directory, name and the settings that change
 * its result (the start count included). */
static void repeat_file(const amb_config *cfg, const char *out_dir, size_t d,
                        int r, size_t start, char (*dir)[1200],
                        char (*name)[64], char (*scale)[256])
{
    snprintf(*dir, sizeof *dir, "%s/trained", out_dir);
    snprintf(*name, sizeof *name, "d%zu-r%d.csv", d, r + 1);
    snprintf(*scale, sizeof *scale,
             "start=%zu iterations=%d hidden_per_dim=%d eval_batches=%d "
             "threshold=%g theta=%g gamma=%g ode_steps=%d seed=%llu",
             start, cfg->tr_iterations, cfg->tr_hidden_per_dim,
             cfg->tr_eval_batches, cfg->cap_threshold, cfg->theta,
             cfg->gamma, cfg->ode_steps, (unsigned long long)cfg->seed);
}

/* One repeat's capacity: read back (--resume) or searched now. */
static int one_repeat(const amb_config *cfg, const char *out_dir, size_t d,
                      int r, amb_trained_dim *td, size_t *cap)
{
    char dir[1200], name[64], scale[256], row[256], commit[128];
    repeat_file(cfg, out_dir, d, r, td->start, &dir, &name, &scale);
    int trainings;
    if (cfg->tr_resume &&
        ex_unit_read(dir, name, scale, row, sizeof row, commit,
                     sizeof commit) &&
        sscanf(row, "%*u,%*d,%zu,%*u,%d", cap, &trainings) == 2) {
        fprintf(stderr, "  trained d=%zu repeat %d: read back (%s)\n", d,
                r + 1, commit);
        td->trainings += trainings;
        return 0;
    }
    tr_job job = {cfg, d, r, 0, 0};
    long found;
    int st = amem_capacity_search(trained_error, &job, 1, (long)td->start,
                                  cfg->cap_threshold, AMEM_CAPACITY_SCAN_DOWN,
                                  &found, NULL, NULL, NULL);
    td->trainings += job.trainings;
    if (st != AMEM_OK || job.failed)
        return amb_fail("trained capacity search", st);
    *cap = (size_t)found;
    snprintf(row, sizeof row, "%zu,%d,%zu,%zu,%d", d, r + 1, *cap, td->start,
             job.trainings);
    return ex_unit_write(dir, name, scale, REPEAT_HEADER, row);
}

/* One dimension, all repeats; each repeat's row is written (and flushed)
 * as soon as it is known, so an interrupted run keeps what it measured. */
static int one_dimension(const amb_config *cfg, const char *out_dir,
                         size_t k, amb_results *res, FILE *f)
{
    amb_trained_dim *td = &res->trained[k];
    td->trainings = 0;
    if (start_count(cfg, res, cfg->tr_dims[k], &td->start) != 0)
        return -1;
    for (int r = 0; r < cfg->tr_repeats && r < AMB_MAX_REPEATS; r++) {
        if (one_repeat(cfg, out_dir, cfg->tr_dims[k], r, td,
                       &td->capacity[r]) != 0)
            return -1;
        fprintf(f, "%zu,%d,%zu,%zu\n", cfg->tr_dims[k], r + 1,
                td->capacity[r], td->start);
        fflush(f);
    }
    return 0;
}

int amb_trained_capacity(const amb_config *cfg, const char *out_dir,
                         amb_results *res)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/fig3b_trained.csv", out_dir);
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        return -1;
    }
    ex_provenance_csv(f);
    fprintf(f, "dim,repeat,capacity,start\n");
    int rc = 0;
    for (size_t k = 0; k < cfg->n_tr_dims && rc == 0; k++)
        rc = one_dimension(cfg, out_dir, k, res, f);
    if (ex_csv_finish(f) != 0)
        rc = -1;
    res->trained_done = rc == 0;
    return rc;
}

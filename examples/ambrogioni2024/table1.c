/*
 * Table 1: Pearson correlation between the modern Hopfield output and the
 * exact diffusion model, the classical Hopfield network and the true
 * patterns; d = 10, 10/20/30 patterns, 100 repetitions, denoising
 * (θ = 0.68 Gaussian mix) and completion (Bernoulli(0.5) zero masks).
 *
 * One repetition draws a fresh set of N random ±1 patterns and corrupts
 * every one of them once; the correlation is taken over all N·d entries of
 * the sign-binarised outputs, then averaged over repetitions. The modern
 * Hopfield network and the exact diffusion model also recall the same cues
 * in double (PRECISION = FLOAT64), for the float64 diffusion and
 * true-pattern columns.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <assocmem/data.h>

#include "common/provenance.h"
#include "paper.h"
#include "recall.h"
#include "results.h"

/* Outputs beyond the methods': the float64 runs of the modern Hopfield
 * network and the exact diffusion model, and the true patterns. */
enum { OUT_MODERN_F64 = AMB_METHOD_COUNT, OUT_EXACT_F64, OUT_PATTERNS,
       OUT_COUNT = OUT_PATTERNS };

/* The outputs of every method of one repetition, by amb_method, then the
 * float64 outputs. */
typedef struct t1_buffers {
    float *patterns, *cues, *mask, *out[OUT_COUNT];
} t1_buffers;

/* Table 1's columns as pairs of outputs. */
static const int column_pair[AMB_T1_COLUMNS][2] = {
    {AMB_MODERN, AMB_EXACT_DM},     {AMB_MODERN, AMB_CLASSICAL},
    {AMB_MODERN, OUT_PATTERNS},     {AMB_MODERN, AMB_CLASSICAL_ZD},
    {AMB_EXACT_DM, AMB_EXACT_VE},   {AMB_EXACT_VE, OUT_PATTERNS},
    {OUT_MODERN_F64, OUT_EXACT_F64}, {OUT_MODERN_F64, OUT_PATTERNS},
    {AMB_MODERN, OUT_EXACT_F64},    {OUT_MODERN_F64, AMB_EXACT_DM}};

/* Corrupted cues: θ-mix noise, or entries zeroed where a Bernoulli(p)
 * mask is 0 (the mask keeps an entry with probability p). */
static int make_cues(const amb_config *cfg, int completion, t1_buffers *b,
                     size_t n, size_t d, uint64_t seed)
{
    int st;
    if (!completion) {
        st = amem_corrupt_mix(b->patterns, b->cues, n, d, cfg->theta, seed);
        return st == AMEM_OK ? 0 : amb_fail("corrupt_mix", st);
    }
    st = amem_mask_bernoulli(b->mask, n, d, cfg->t1_mask_p, seed);
    if (st != AMEM_OK)
        return amb_fail("mask_bernoulli", st);
    for (size_t i = 0; i < n * d; i++)
        b->cues[i] = b->patterns[i] * b->mask[i];
    return 0;
}

static int overall_pearson(const float *a, const float *b, size_t n,
                           size_t d, double *r)
{
    int st = amem_metric_pearson(a, b, n, d, NULL, NULL, r);
    return st == AMEM_OK ? 0 : amb_fail("pearson", st);
}

/* One repetition: every method recalls the same cues once, then the
 * correlations of Table 1's column pairs. */
static int one_repetition(const amb_config *cfg, int completion, size_t n,
                          uint64_t seed, t1_buffers *b,
                          double corr[AMB_T1_COLUMNS])
{
    size_t d = cfg->t1_dim;
    if (amem_patterns_random(b->patterns, n, d, seed) != AMEM_OK ||
        make_cues(cfg, completion, b, n, d, seed + 1) != 0)
        return -1;
    amb_config c64 = *cfg;
    c64.f64 = 1;
    for (int m = 0; m < AMB_METHOD_COUNT; m++)
        if (amb_recall((amb_method)m, cfg, b->patterns, n, d, b->cues, n,
                       b->out[m]) != 0)
            return -1;
    if (amb_recall(AMB_MODERN, &c64, b->patterns, n, d, b->cues, n,
                   b->out[OUT_MODERN_F64]) != 0 ||
        amb_recall(AMB_EXACT_DM, &c64, b->patterns, n, d, b->cues, n,
                   b->out[OUT_EXACT_F64]) != 0)
        return -1;
    for (int c = 0; c < AMB_T1_COLUMNS; c++) {
        int x = column_pair[c][0], y = column_pair[c][1];
        const float *other = y == OUT_PATTERNS ? b->patterns : b->out[y];
        if (overall_pearson(b->out[x], other, n, d, &corr[c]) != 0)
            return -1;
    }
    return 0;
}

/* Mean and standard deviation over repetitions for one table row. */
static int table_row(const amb_config *cfg, amb_table1_row *row,
                     t1_buffers *b)
{
    double sum[AMB_T1_COLUMNS] = {0}, sq[AMB_T1_COLUMNS] = {0};
    for (int r = 0; r < cfg->t1_reps; r++) {
        double corr[AMB_T1_COLUMNS];
        uint64_t seed = amb_seed(cfg->seed, 1 + row->completion,
                                 row->patterns, (uint64_t)r);
        if (one_repetition(cfg, row->completion, row->patterns, seed, b,
                           corr) != 0)
            return -1;
        for (int c = 0; c < AMB_T1_COLUMNS; c++) {
            sum[c] += corr[c];
            sq[c] += corr[c] * corr[c];
        }
    }
    double reps = cfg->t1_reps;
    for (int c = 0; c < AMB_T1_COLUMNS; c++) {
        row->mean[c] = sum[c] / reps;
        double var = sq[c] / reps - row->mean[c] * row->mean[c];
        row->sd[c] = var > 0.0 ? sqrt(var * reps / (reps > 1 ? reps - 1 : 1))
                               : 0.0;
    }
    return 0;
}

static int write_csv(const char *out_dir, const amb_results *res)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/table1.csv", out_dir);
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        return -1;
    }
    ex_provenance_csv(f);
    fprintf(f, "task,patterns,diffusion,classical,truth,classical_zero_diag,"
               "vp_vs_ve,ve_truth,diffusion_f64,truth_f64,"
               "modern_f32_diffusion_f64,modern_f64_diffusion_f32,"
               "sd_diffusion,sd_classical,sd_truth,sd_classical_zero_diag,"
               "sd_vp_vs_ve,sd_ve_truth,sd_diffusion_f64,sd_truth_f64,"
               "sd_modern_f32_diffusion_f64,sd_modern_f64_diffusion_f32,"
               "paper_diffusion,paper_classical,paper_truth\n");
    for (int i = 0; i < 6; i++) {
        const amb_table1_row *r = &res->t1[i];
        fprintf(f, "%s,%zu", r->completion ? "completion" : "denoising",
                r->patterns);
        for (int c = 0; c < AMB_T1_COLUMNS; c++)
            fprintf(f, ",%.4f", r->mean[c]);
        for (int c = 0; c < AMB_T1_COLUMNS; c++)
            fprintf(f, ",%.4f", r->sd[c]);
        for (int c = 0; c < 3; c++)
            fprintf(f, ",%.3f", amb_paper_table1[i][c]);
        fprintf(f, "\n");
    }
    return ex_csv_finish(f);
}

static void free_buffers(t1_buffers *b)
{
    free(b->patterns), free(b->cues), free(b->mask);
    for (int m = 0; m < OUT_COUNT; m++)
        free(b->out[m]);
}

int amb_table1(const amb_config *cfg, const char *out_dir, amb_results *res)
{
    size_t max_n = cfg->t1_counts[2], bytes = max_n * cfg->t1_dim * 4;
    t1_buffers b = {malloc(bytes), malloc(bytes), malloc(bytes), {NULL}};
    int rc = b.patterns && b.cues && b.mask ? 0 : -1;
    for (int m = 0; m < OUT_COUNT; m++)
        if ((b.out[m] = malloc(bytes)) == NULL)
            rc = -1;
    for (int i = 0; i < 6 && rc == 0; i++) {
        res->t1[i].completion = i >= 3;
        res->t1[i].patterns = cfg->t1_counts[i % 3];
        rc = table_row(cfg, &res->t1[i], &b);
    }
    if (rc == 0)
        rc = write_csv(out_dir, res);
    res->t1_done = rc == 0;
    free_buffers(&b);
    return rc;
}

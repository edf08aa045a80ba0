/* Experiment settings: the paper's values (full) and a fast version (quick). */
#include <string.h>

#include "config.h"

/* Copy a zero-terminated list of sizes; returns its length. */
static size_t set_list(size_t *dst, const size_t *src)
{
    size_t n = 0;
    while (src[n] != 0 && n < AMB_MAX_LIST) {
        dst[n] = src[n];
        n++;
    }
    return n;
}

/* Appendix A: θ = 0.68, γ = 0.8, 300 Euler steps, β = 5 with 150 steps. */
static void shared_settings(amb_config *cfg)
{
    cfg->seed = 20240429;
    cfg->theta = 0.68;
    cfg->gamma = 0.8;
    cfg->ode_steps = 300;
    cfg->mh_beta = 5.0;
    cfg->mh_steps = 150;
    cfg->classical_sync = 1; /* Eq. (1): x <- sign(W x), all units at once */
    cfg->classical_steps = 100;
    cfg->t1_dim = 10;
    cfg->t1_counts[0] = 10;
    cfg->t1_counts[1] = 20;
    cfg->t1_counts[2] = 30;
    cfg->t1_mask_p = 0.5;
    cfg->cap_threshold = 0.03;
    cfg->cap_smooth_sigma = 1.5;
    cfg->tr_start_extra = 4;
    cfg->f2_dim = 5;
    cfg->f2_count = 4;
    cfg->f2_gamma = 1.0; /* Section 7: α = 0.5, θ_t = exp(−t/2) */
}

static void full_settings(amb_config *cfg)
{
    static const size_t err_dims[] = {4, 6, 8, 10, 12, 14, 16, 18, 20, 22,
                                      24, 26, 28, 30, 0};
    static const size_t err_counts[] = {2, 4, 8, 16, 32, 64, 128, 0};
    static const size_t cap_dims[] = {4, 6, 8, 10, 12, 14, 16, 18, 20, 22,
                                      24, 26, 28, 30, 32, 0};
    static const size_t tr_dims[] = {10, 12, 14, 16, 0};
    cfg->t1_reps = 100;
    cfg->n_err_dims = set_list(cfg->err_dims, err_dims);
    cfg->n_err_counts = set_list(cfg->err_counts, err_counts);
    cfg->err_reps = 20;
    cfg->err_queries = 140;
    cfg->n_cap_dims = set_list(cfg->cap_dims, cap_dims);
    cfg->cap_queries = 140;
    cfg->cap_boot = 1000;
    cfg->cap_max_count = 4096;
    cfg->n_tr_dims = set_list(cfg->tr_dims, tr_dims);
    cfg->tr_repeats = 8;
    cfg->tr_iterations = 5000;
    cfg->tr_hidden_per_dim = 80;
    cfg->tr_eval_batches = 30;
    cfg->f2_cues = 6;
    cfg->f2_steps = 2000;
    cfg->f2_hidden = 750;
    cfg->f2_iterations = 5000;
    cfg->f2_mh_steps = 4;
}

static void quick_settings(amb_config *cfg)
{
    static const size_t err_dims[] = {4, 8, 12, 0};
    static const size_t err_counts[] = {2, 8, 0};
    static const size_t cap_dims[] = {4, 6, 8, 10, 0};
    static const size_t tr_dims[] = {6, 0};
    cfg->t1_reps = 4;
    cfg->n_err_dims = set_list(cfg->err_dims, err_dims);
    cfg->n_err_counts = set_list(cfg->err_counts, err_counts);
    cfg->err_reps = 3;
    cfg->err_queries = 20;
    cfg->n_cap_dims = set_list(cfg->cap_dims, cap_dims);
    cfg->cap_queries = 20;
    cfg->cap_boot = 50;
    cfg->cap_max_count = 64;
    cfg->ode_steps = 50;
    cfg->n_tr_dims = set_list(cfg->tr_dims, tr_dims);
    cfg->tr_repeats = 1;
    cfg->tr_iterations = 60;
    cfg->tr_hidden_per_dim = 8;
    cfg->tr_eval_batches = 2;
    cfg->f2_cues = 2;
    cfg->f2_steps = 100;
    cfg->f2_hidden = 32;
    cfg->f2_iterations = 100;
    cfg->f2_mh_steps = 4;
}

void amb_config_init(amb_config *cfg, int quick)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->quick = quick;
    shared_settings(cfg);
    if (quick)
        quick_settings(cfg);
    else
        full_settings(cfg);
}

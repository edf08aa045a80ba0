/*
 * Ambrogioni 2024 example: the experiment settings of Section 7 and
 * Appendix A, in full (paper-scale) and quick (make check) versions.
 */
#ifndef AMB_CONFIG_H
#define AMB_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#define AMB_MAX_LIST 64

typedef struct amb_config {
    int quick;
    uint64_t seed;

    /* Shared recall settings (Appendix A). */
    double theta;      /* corruption level: cue = θ·y + √(1−θ²)·ε */
    double gamma;      /* variance-preserving SDE rate of the exact model */
    int ode_steps;     /* Euler steps of the probability-flow ODE */
    double mh_beta;    /* modern Hopfield inverse temperature */
    int mh_steps;      /* modern Hopfield iterations */
    int classical_sync;/* classical Hopfield: 1 synchronous, 0 asynchronous */
    int classical_steps;
    int f64;           /* modern Hopfield and exact diffusion recall in
                          double (PRECISION = FLOAT64); 0 = float32 */

    /* Table 1. */
    size_t t1_dim;
    size_t t1_counts[3];
    int t1_reps;
    double t1_mask_p;  /* Bernoulli probability that an entry is kept */

    /* Figure 3a: error of the exact model against dimension. */
    size_t err_dims[AMB_MAX_LIST], n_err_dims;
    size_t err_counts[AMB_MAX_LIST], n_err_counts;
    int err_reps;      /* pattern sets per grid point */
    int err_queries;   /* corrupted cues per pattern set */

    /* Figure 3b: capacity against dimension. */
    size_t cap_dims[AMB_MAX_LIST], n_cap_dims;
    int cap_queries;   /* cues per (dimension, count) grid point */
    double cap_threshold;   /* mean Hamming error allowed */
    int cap_boot;      /* bootstrap resamples */
    double cap_smooth_sigma;/* Gaussian smoothing over the dimension grid */
    size_t cap_max_count;

    /* Figure 3b: trained (learned-score) capacity. */
    size_t tr_dims[AMB_MAX_LIST], n_tr_dims;
    int tr_repeats;
    int tr_iterations; /* Adam iterations per training */
    int tr_hidden_per_dim; /* hidden units = this × d */
    int tr_eval_batches;   /* batches of fresh cues of all patterns */
    int tr_start_extra;    /* start at exact capacity + this */
    int tr_resume;         /* read finished repeats back (--resume) */

    /* Figure 2. */
    size_t f2_dim, f2_count, f2_cues;
    int f2_steps;      /* Euler steps of the plotted trajectories */
    int f2_hidden;     /* hidden units of the learned score network */
    int f2_iterations;
    int f2_mh_steps;
    double f2_gamma;   /* rate of the learned-model process (α = γ/2) */
} amb_config;

/* Fill cfg for the quick (seconds) or the full (paper-scale) run. */
void amb_config_init(amb_config *cfg, int quick);

#endif

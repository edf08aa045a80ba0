/*
 * Sizes of every experiment, for the full run and for --quick (seconds,
 * used by `make check`). The paper's settings are the full ones unless the
 * report says otherwise.
 */
#ifndef TF_CONFIG_H
#define TF_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#define TF_MAX_SIZES 8
#define TF_MAX_DELAYS 40

/* --only: the whole run, Fig. 3b alone (every size's rules trained from
 * the reference start for train_steps) or Fig. 5c alone. */
enum { TF_ONLY_ALL, TF_ONLY_FIG3B, TF_ONLY_FIG5C };

typedef struct tf_config {
    int quick;
    uint64_t seed;
    size_t n;          /* d = N = 40 throughout the paper's panels */
    double zeroed;     /* fraction of query entries set to 0 (0.6) */
    /* Fig. 2a, 4c, 5a: accuracy against the number of stored items */
    size_t curve_max_items, curve_step, curve_reps;
    /* Fig. 2b, 3b: capacity against network size */
    size_t sizes[TF_MAX_SIZES], n_sizes;
    size_t trained_sizes[TF_MAX_SIZES], n_trained_sizes;
    size_t capacity_reps;
    size_t rule_seeds, rule_segments; /* Fig. 3d spread: seeds, segments of
                                         train_steps each (<= 8, <= 4) */
    size_t probe_episodes; /* Fig. 3b: episodes averaged per probe in the
                              second capacity measure */
    /* meta-learning (Fig. 3) and TVT training */
    size_t train_steps, train_batch, tvt_steps;
    size_t train_full_max_n;  /* Fig. 3b: larger N are warm-started from
                                 the N = 40 rule and fine-tuned for */
    size_t train_large_steps; /*   this many steps */
    double train_lr;
    /* Fig. 4a-b: continual and flashbulb recall */
    size_t delays[TF_MAX_DELAYS], n_delays;
    size_t continual_min_len, stream_reps, flashbulb_len;
    /* Fig. 5b: sequence recall */
    size_t seq_max_len, seq_step, seq_reps;
    /* Fig. 5c: copy-paste */
    size_t copy_dim, copy_train_max, copy_test_max, copy_steps, copy_tests;
    double copy_lr;
    double copy_clip;     /* gradient norm clip (0: none; the reference's) */
    unsigned copy_models; /* bit k: train copy controller k (fig5_copy.c) */
    int only;             /* TF_ONLY_*: the whole run or one part alone */
} tf_config;

/* Fill *cfg for a quick or a full run. */
void tf_config_init(tf_config *cfg, int quick);

#endif

/* Numbers each figure hands to the report. NAN marks "not measured". */
#ifndef TF_RESULTS_H
#define TF_RESULTS_H

#include <stddef.h>

#include "curve.h"
#include "model.h"

#define TF_FIG2_MODELS 4 /* sequential, random p = 0.1, Hopfield, TVT */

typedef struct tf_fig2_result {
    const char *labels[TF_FIG2_MODELS];
    tf_curve_marks marks[TF_FIG2_MODELS];
    double slope[TF_FIG2_MODELS], offset[TF_FIG2_MODELS];
    double tvt_strength; /* mean learned TVT strength at N (last step) */
} tf_fig2_result;

#define TF_FIG3_RUNS 5  /* sequential, random p = 1/N, 2/N, 4/N, 8/N */
#define TF_FIG3B_MODELS 5 /* trained: sequential, p = 0.1, p = 4/N;
                             simple p = 4/N, p = 0.1 */

typedef struct tf_fig3_result {
    const char *labels[TF_FIG3_RUNS];
    tf_rule rules[TF_FIG3_RUNS];            /* learned at N = 40 */
    tf_curve_marks simple[TF_FIG3_RUNS], trained[TF_FIG3_RUNS];
    double final_loss[TF_FIG3_RUNS], final_acc[TF_FIG3_RUNS];
    const char *cap_labels[TF_FIG3B_MODELS];
    double slope[TF_FIG3B_MODELS], offset[TF_FIG3B_MODELS];
    double cap[TF_FIG3B_MODELS][TF_MAX_SIZES];  /* capacity by size */
    /* the same with each probe's accuracy averaged over probe_episodes */
    double cap_avg[TF_FIG3B_MODELS][TF_MAX_SIZES];
    double slope_avg[TF_FIG3B_MODELS], offset_avg[TF_FIG3B_MODELS];
    double load[TF_FIG3B_MODELS][TF_MAX_SIZES]; /* accuracy at T = N/4 */
    int have_rules; /* 1 once rules[] hold trained rules */
} tf_fig3_result;

#define TF_SEED_RUNS 2      /* Fig. 3d over seeds: sequential, p = 4/N */
#define TF_MAX_SEEDS 8
#define TF_MAX_SEGMENTS 4

typedef struct tf_fig3_seeds {
    const char *labels[TF_SEED_RUNS];
    size_t seeds, segments, steps; /* steps per segment */
    tf_rule rules[TF_SEED_RUNS][TF_MAX_SEEDS][TF_MAX_SEGMENTS];
    double acc_n[TF_SEED_RUNS][TF_MAX_SEEDS][TF_MAX_SEGMENTS]; /* T = N */
} tf_seed_result;

#define TF_FIG4A_MODELS 4 /* sequential, random p = 0.1, trained, Hopfield */
#define TF_FIG4B_MODELS 13 /* 9 key-value variants, Hopfield with 4
                              flashbulb write strengths */

typedef struct tf_fig4_result {
    size_t delays[TF_MAX_DELAYS], n_delays;
    const char *cont_labels[TF_FIG4A_MODELS];
    double cont[TF_FIG4A_MODELS][TF_MAX_DELAYS];
    const char *flash_labels[TF_FIG4B_MODELS];
    double regular[TF_FIG4B_MODELS][TF_MAX_DELAYS];
    double salient[TF_FIG4B_MODELS][TF_MAX_DELAYS];
    const char *corr_labels[TF_FIG4A_MODELS];
    tf_curve_marks corr[3][TF_FIG4A_MODELS]; /* c = 0.3, 0.6, 0.9 */
} tf_fig4_result;

#define TF_FIG5_MODELS 4 /* sequential, random p = 0.1, trained, BAM */
#define TF_FIG5B_MODELS 3 /* sequential, random p = 0.1, BAM */
#define TF_COPY_MODELS 4  /* controller with a sequential, random p = 4/N,
                             BAM or trained memory (enum tf_copy_kind) */
#define TF_COPY_CHECK_TOL 1e-2 /* largest relative error of the copy
                                  gradient against finite differences */
#define TF_COPY_MAX_LEN 32

typedef struct tf_fig5_result {
    const char *hetero_labels[TF_FIG5_MODELS];
    tf_curve_marks hetero[TF_FIG5_MODELS];
    tf_rule hetero_rule;
    const char *seq_labels[TF_FIG5B_MODELS];
    size_t seq_perfect[TF_FIG5B_MODELS]; /* longest length with acc >= 0.98
                                            on every length up to it */
    double seq_at_n[TF_FIG5B_MODELS], seq_at_2n[TF_FIG5B_MODELS];
    const char *copy_labels[TF_COPY_MODELS];
    double copy_acc[TF_COPY_MODELS][TF_COPY_MAX_LEN + 1]; /* by length */
    double copy_check[TF_COPY_MODELS]; /* gradient check: worst relative
                                          error (copy_check.c) */
    double copy_rule[TF_RULE_PARAMS]; /* the trained memory's learned rule */
    size_t copy_train_max, copy_test_max;
} tf_fig5_result;

/* Everything the report quotes. */
typedef struct tf_results {
    tf_fig2_result fig2;
    tf_fig3_result fig3;
    tf_seed_result fig3_seeds;
    tf_fig4_result fig4;
    tf_fig5_result fig5;
    double seconds[6]; /* wall time of figures 2-5, the whole run, and the
                          Fig. 3d seed runs (inside Figure 3's time) */
} tf_results;

/* Zero the structs (the figure functions fill what they measure). */
void tf_results_init(tf_results *res);

#endif

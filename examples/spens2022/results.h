/*
 * Spens & Burgess 2022 example: what each part measured, for the report.
 */
#ifndef SB_RESULTS_H
#define SB_RESULTS_H

#include <stddef.h>

#include "config.h"

/* Per-epoch curves of one VAE; index e = measured before epoch e + 1
 * (e = 0 before training, as the authors' DecodingHistory), so a run of
 * E epochs has E + 1 points; loss[e] is the mean loss of epoch e (e >= 1). */
typedef struct sb_curve {
    size_t points;
    double *accuracy;   /* SVC decoding accuracy on held-out items */
    double *recon;      /* mean |x - x_hat| per entry on held-out items */
    double *loss;       /* mean training loss of the epoch (NaN at 0) */
    double seconds;     /* training wall time */
} sb_curve;

typedef struct sb_result {
    int done;
    size_t c, h, w, items, test, replays;
    /* Figure 3: the teacher. */
    double replay_error;    /* mean |replay - nearest stored| per entry */
    double replay_hit;      /* fraction of replays within 0.02 of a memory */
    size_t replay_distinct; /* distinct memories among the replays */
    double teacher_seconds;
    /* Figure 4: recall from partial input (mean |. - original| per entry). */
    double err_partial, err_teacher, err_student, err_baseline;
    double err_student_full; /* the student on the intact items */
    /* The teacher's top-1 retrieval from the partial inputs: its largest
     * weight on the cue's own item, with the paper's dot product (hidden
     * entries -1, nothing clamped) and with masked Euclidean similarity. */
    double top1_dot, top1_euclid;
    /* Figure 5: curves and final probes. */
    sb_curve student, baseline;
    double acc_pixels;      /* the same SVC protocol on raw pixels */
    double chance;
    /* Figure 6 right (Shapes3D-like only). */
    size_t n_sizes;
    double curve_latent[SB_MAX_SIZES], curve_cnn[SB_MAX_SIZES];
    double curve_latent_sd[SB_MAX_SIZES], curve_cnn_sd[SB_MAX_SIZES];
    double curve_seconds;
    double seconds;
} sb_result;

typedef struct sb_results {
    sb_result set[SB_DATASETS];
    double seconds;
} sb_results;

void sb_curve_free(sb_curve *c);

#endif

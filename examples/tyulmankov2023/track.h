/*
 * The tracked runs behind Figures 1, A1 and A2: uniform training, ground
 * truth with loss reweighting, ground truth with importance sampling, and
 * negative entropy with loss reweighting. Each is evaluated (Eq. 2) every
 * few epochs (fig1_curves.csv); the two reweighted ones also log the
 * candidate signals of every item over training (figA1_signals.csv); all
 * four draw their final memories (weights_<run>.png).
 */
#ifndef TY_TRACK_H
#define TY_TRACK_H

#include "config.h"
#include "dataset.h"
#include "run.h"
#include "weights.h"

#define TY_TRACKED 4        /* runs */
#define TY_TRACKED_SIGNALS 2 /* runs that log signals (A1) */
#define TY_A1_SIGNALS 5     /* loss, -T, -H, max f, ||f|| */

typedef struct ty_track_result {
    const char *name[TY_TRACKED];
    ty_run_spec spec[TY_TRACKED];
    ty_eval start[TY_TRACKED], final[TY_TRACKED];
    ty_weight_summary weights[TY_TRACKED];
    /* A1 at the last epoch: group means and the separation
     * (exception mean - regular mean) / regular std of each signal */
    const char *a1_signal[TY_A1_SIGNALS];
    double a1_regular[TY_TRACKED_SIGNALS][TY_A1_SIGNALS];
    double a1_exception[TY_TRACKED_SIGNALS][TY_A1_SIGNALS];
    double a1_separation[TY_TRACKED_SIGNALS][TY_A1_SIGNALS];
    double epoch_seconds[TY_TRACKED]; /* wall time of one training epoch
                                       * (evaluations and records apart) */
    double seconds;
} ty_track_result;

/* ty_track_run: run all four and write their CSV rows and PNGs (on the
 * writing rank, ranks.h). 0 or -1. */
int ty_track_run(const ty_config *cfg, const ty_dataset *ds,
                 ty_track_result *res);

#endif

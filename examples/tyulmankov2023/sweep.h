/*
 * Figure 2: every exception signal (or those of --signals) x {loss
 * reweighting, importance sampling} x every gamma of the sweep x n seeds, trained for the sweep's
 * epochs and scored with Eq. 2. For each signal, method and seed the best
 * gamma (lowest evaluation loss, gamma = 0 included) is kept, as in the
 * paper. Writes fig2_runs.csv (every run), fig2_best.csv and
 * fig2_baseline.csv (gamma = 0); under MPI every rank takes part in every
 * run and rank 0 alone reads and writes the files (ranks.h).
 */
#ifndef TY_SWEEP_H
#define TY_SWEEP_H

#include <assocmem/dam.h>

#include "config.h"
#include "dataset.h"
#include "run.h"

#define TY_MAX_SEEDS 8
#define TY_METHODS 2 /* reweight, sample */

typedef struct ty_cell {
    ty_eval best[TY_MAX_SEEDS];        /* best-gamma run of each seed */
    double best_gamma[TY_MAX_SEEDS];
} ty_cell;

typedef struct ty_sweep_result {
    int n_seeds;
    int balance[TY_METHODS];
    ty_cell cell[TY_SIGNALS][TY_METHODS];
    ty_eval baseline[TY_METHODS][TY_MAX_SEEDS]; /* gamma = 0 */
    long runs;
    double seconds;
    long resumed;               /* runs read back by --resume */
    char resumed_commits[256];  /* the commits that trained those */
} ty_sweep_result;

/* ty_sweep_run: run the sweep. 0 or -1 (printed). */
int ty_sweep_run(const ty_config *cfg, const ty_dataset *ds,
                 ty_sweep_result *res);

/* Number of training runs the sweep makes with cfg. */
long ty_sweep_run_count(const ty_config *cfg);

#endif

/*
 * Scale of the reproduction: the paper's settings (full mode), the tiny
 * --quick settings used by `make check`, and the options that scale the
 * full run down (each one said in the report).
 *
 * Options of this example, on top of --quick / --out / --data:
 *   --regulars N      keep at most N zeros (0 = all; the paper has 6,000)
 *   --epochs N        epochs of the tracked runs (Figures 1, A1, A2)
 *   --sweep-epochs N  epochs of every run of the Figure 2 sweep
 *   --gammas LIST     comma-separated gamma values of the sweep
 *   --signals LIST    comma-separated signals of the sweep (default all)
 *   --seeds N         seeds per sweep cell (the paper: 3)
 *   --max-steps N     step cap of the dynamics (the paper: run to a fixed
 *                     point; the authors' code caps at 1000)
 *   --curve-every N   evaluate the tracked runs every N epochs
 *   --threads N       BLAS threads
 *   --workers N       training runs in parallel (default 2; the MPI
 *                     build runs one at a time over all ranks)
 *   --resume          read back sweep runs already finished at this scale
 *                     (the files in <out>/sweep) instead of training them again
 */
#ifndef TY_CONFIG_H
#define TY_CONFIG_H

#include <stddef.h>

#include "common/args.h"

#define TY_MAX_GAMMAS 16

typedef struct ty_config {
    ex_args args;
    size_t max_regular;   /* 0 = every zero in the data set */
    size_t n_exception;   /* E = 3 */
    size_t hidden;        /* M = 100 */
    double beta;          /* 5 */
    double tolerance;     /* fixed-point residual, 1e-6 */
    int max_steps;        /* step cap, 1000 */
    int track_epochs;     /* Figures 1, A1, A2 */
    int sweep_epochs;     /* Figure 2 */
    int curve_every;      /* evaluation interval of the tracked runs */
    int n_seeds;          /* 3 */
    int threads;          /* BLAS threads; 0 = 1 when workers > 1 */
    int workers;          /* training runs at once (threads) */
    int workers_given;    /* 1 when --workers was on the command line */
    int resume;           /* read finished sweep runs back (--resume) */
    double gammas[TY_MAX_GAMMAS];
    size_t n_gammas;
    unsigned signals;     /* bit k set: signal k is in the sweep */
    double track_gamma;   /* gamma of the tracked runs; < 0: ln(R/E) */
    unsigned long long eval_seed; /* masks of every evaluation */
    char command[1024];   /* the command line, for the report */
} ty_config;

/*
 * ty_config_parse: fill cfg from the command line (full scale unless
 * --quick). Returns 0 to run, 1 after --help, -1 on a bad command line.
 * Does not create the output folder: the writing rank does (main.c).
 */
int ty_config_parse(ty_config *cfg, int argc, char **argv);

/* 1 when every setting is the paper's (nothing scaled down). */
int ty_config_is_paper_scale(const ty_config *cfg);

/* 1 when the gamma sweep is the paper's {0, 1, 3, 5, 7.58, 10, 12, 15}. */
int ty_config_has_paper_gammas(const ty_config *cfg);

/* 1 when signal k is in the sweep; the number of signals in it. */
int ty_config_has_signal(const ty_config *cfg, int k);
int ty_config_signal_count(const ty_config *cfg);

#endif

/*
 * One training run: a fresh network trained on the data set with one
 * exception signal, one balancing method and one gamma (Eqs. 4-8).
 */
#ifndef TY_RUN_H
#define TY_RUN_H

#include <stdint.h>

#include <assocmem/dam.h>

#include "config.h"
#include "dataset.h"

/* Every exception signal (enum amem_dam_signal). */
#define TY_SIGNALS (AMEM_DAM_SIGNAL_NORM + 1)

typedef struct ty_run_spec {
    int signal;    /* AMEM_DAM_SIGNAL_* */
    int balance;   /* AMEM_DAM_BALANCE_* */
    double gamma;  /* Eq. 8 */
    int seed;      /* initial weights, masks, batches */
} ty_run_spec;

typedef struct ty_eval {
    double regular, exception, eval; /* Eq. 2 and its two halves */
} ty_eval;

/* Short names used in CSV files and the report. */
const char *ty_signal_name(int signal);
const char *ty_balance_name(int balance);

/*
 * ty_run_create: a network of cfg's size and settings, seeded with
 * spec->seed, holding the data set and the ground-truth labels (read only
 * by the ground-truth signal), trained over all ranks (ranks.h). NULL
 * after printing the reason.
 */
amem_dam *ty_run_create(const ty_config *cfg, const ty_dataset *ds,
                        const int32_t *labels, const ty_run_spec *spec);

/* Train for epochs, with a progress bar named stage. 0 or -1 (printed). */
int ty_run_train(amem_dam *net, int epochs, const char *stage);

/* Evaluation loss (Eq. 2) with cfg's fixed evaluation masks. 0 or -1. */
int ty_run_evaluate(amem_dam *net, const ty_config *cfg, const ty_dataset *ds,
                    const int32_t *labels, ty_eval *out);

/* Exception labels of ds as int32 0/1 (malloc'ed), NULL if out of memory. */
int32_t *ty_labels_create(const ty_dataset *ds);

/* Print a failed library call ("what: status (detail)"); returns -1. */
int ty_fail(const char *what, int status);

#endif

/*
 * Private: the one trainer loop every trained piece runs (docs/api.md
 * C14–C16). A piece keeps all its trainable parameters in one contiguous
 * float vector and fills a gradient vector of the same length for one
 * minibatch; this loop owns what is common: the optional gradient reduction
 * (data-parallel training sums the gradient of every worker's slice of the
 * global batch here, with one allreduce), the finite check, the optimizer
 * step, the progress callback and the cancellation rule.
 *
 * The cancellation and failure rule (C15): steps that finished are kept;
 * a step whose gradient is not finite is not applied and the call returns
 * AMEM_E_NONFINITE; a callback that returns nonzero stops the call with
 * AMEM_E_CANCELLED after the step it was told about. The handle is
 * consistent after every outcome.
 */
#ifndef AMEM_CORE_TRAINER_H
#define AMEM_CORE_TRAINER_H

#include <stddef.h>

#include "assocmem/common.h"
#include "core/optim.h"

/*
 * Data-parallel training (set by the MPI layer through a piece's
 * amem_<piece>_set_data_parallel): worker `rank` of `size` computes the
 * gradient of its slice of every global minibatch, already divided by the
 * global batch size, and `reduce` sums grad (n floats) and *loss over the
 * workers in place. With size = 1 and reduce = NULL training is local.
 */
struct amem_data_parallel; /* public, AMEM_EXPERIMENTAL_API (common.h) */

typedef struct amem__data_parallel {
    int (*reduce)(void *ctx, float *grad, size_t n, double *loss);
    void *ctx;
    int rank;
    int size;
} amem__data_parallel;

/* The part of a global minibatch [0, batch) that worker dp computes:
 * [*lo, *hi), contiguous, sizes differing by at most one. */
void amem__dp_slice(const amem__data_parallel *dp, size_t batch, size_t *lo,
                    size_t *hi);

/* Validates and stores a data-parallel description (NULL = local). */
int amem__dp_set(const char *fn, amem__data_parallel *dst,
                 const struct amem_data_parallel *src);

typedef struct amem__train_ops {
    /* Progress stage name ("train"). */
    const char *stage;
    /*
     * Fill grad (the trainer's nparam floats, zeroed by the loop) with the
     * gradient of the mean loss of the next minibatch at the current
     * parameters, and *loss with that mean loss; under data parallelism only
     * this worker's slice, divided by the global batch size. May draw from
     * the piece's generator and advance its data cursor. Returns AMEM_OK or
     * a status (the step is then not applied and the loop stops).
     */
    int (*gradient)(void *piece, float *grad, double *loss);
    /*
     * After a successful optimizer step (may be NULL): projections (clamp a
     * parameter to its range), counters, per-epoch bookkeeping. Returns
     * AMEM_OK, AMEM__TRAIN_STOP to end the call early with AMEM_OK (early
     * stopping), or a status.
     */
    int (*after_step)(void *piece, double loss);
} amem__train_ops;

/* after_step's "stop now, successfully" answer (not a public status). */
#define AMEM__TRAIN_STOP 1

typedef struct amem__trainer {
    void *piece;
    const amem__train_ops *ops;
    float *param;            /* nparam floats: the piece's parameters */
    float *grad;             /* nparam floats: workspace for the gradient */
    size_t nparam;
    amem__adam *opt;         /* over param, nparam long */
    const amem__data_parallel *dp; /* NULL = local */
} amem__trainer;

/*
 * Runs `steps` optimizer steps (1 .. AMEM_MAX_STEPS_PER_CALL, checked
 * here). progress (may be NULL) is called after every step with the stage,
 * done = steps finished in this call, total = steps and the step's loss.
 * *loss (may be NULL) receives the last finished step's loss, NaN if none
 * finished; *done (may be NULL) the number of finished steps.
 */
int amem__train_run(const char *fn, const amem__trainer *t, size_t steps,
                    amem_progress_fn progress, void *user, double *loss,
                    size_t *done);

/* The common argument check of amem_<piece>_train: steps in range. */
int amem__train_check_steps(const char *fn, size_t steps);

#endif

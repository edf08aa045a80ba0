/*
 * Private: the one trainer loop every trained piece runs (docs/api.md
 * C14–C16). A piece keeps all its trainable parameters in one contiguous
 * float vector and fills a gradient vector of the same length for one
 * minibatch; this loop owns what is common: the sum of two partial
 * gradients, the optional gradient reduction (data-parallel training sums
 * the gradient of every worker's slice of the global batch here, with one
 * allreduce), the finite check, the optimizer step, the progress callback
 * and the cancellation rule. The finite check reads the gradient once
 * before the optimizer touches anything: inside the partial sum when there
 * is one and nothing is reduced after it, else on its own.
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

/* Validates and stores a data-parallel description (NULL = local) in dst
 * (a handle's; NULL, for a NULL handle, is AMEM_E_NULL). */
int amem__dp_set(const char *fn, amem__data_parallel *dst,
                 const struct amem_data_parallel *src);

typedef struct amem__train_ops {
    /* Progress stage name ("train"). */
    const char *stage;
    /*
     * Fill grad (the trainer's nparam floats) with the gradient of the mean
     * loss of the next minibatch at the current parameters, and *loss with
     * that mean loss; under data parallelism only this worker's slice,
     * divided by the global batch size. With a second partial gradient
     * (amem__trainer.grad2) the gradient is the sum of what this writes
     * into grad and into grad2. May draw from the piece's generator and
     * advance its data cursor. Returns AMEM_OK or a status (the step is
     * then not applied and the loop stops).
     */
    int (*gradient)(void *piece, float *grad, double *loss);
    /*
     * After a successful optimizer step (may be NULL): projections (clamp a
     * parameter to its range), counters, per-epoch bookkeeping. Returns
     * AMEM_OK, AMEM__TRAIN_STOP to end the call early with AMEM_OK (early
     * stopping), or a status.
     */
    int (*after_step)(void *piece, double loss);
    /* Nonzero: gradient writes every float of grad (and of grad2), so the
     * loop does not zero them; 0: it adds into them and the loop zeroes
     * them before every step. */
    int fills;
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
    /* NULL, or nparam floats: a second partial gradient (two jobs' parts
     * of one minibatch), added into grad in the pass that checks the sum
     * for NaN and infinities, on the worker pool when long. */
    float *grad2;
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

/* amem_<piece>_steps_per_epoch: ceil(n / batch) into *out; AMEM_E_NULL
 * (out), AMEM_E_STATE (n = 0: no data attached). */
int amem__train_steps_per_epoch(const char *fn, size_t n, size_t batch,
                                size_t *out);

/* amem_<piece>_step_count: the optimizer's step count (0 when opt is NULL)
 * into *out; AMEM_E_NULL (out). */
int amem__train_step_count(const char *fn, const amem__adam *opt,
                           size_t *out);

#endif

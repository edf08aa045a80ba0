/*
 * libassocmem — dense associative memory with a trainer for imbalanced data
 * (Tyulmankov, Stachenfeld, Krotov & Abbott 2023, "Memorization and
 * consolidation in associative memory networks").
 *
 * Model (paper Eq. 3). Visible layer v (N units) with g(v) = v / ||v|| (a
 * zero vector stays zero), hidden layer (M units) with f(h) = softmax(beta h)
 * in the adiabatic limit (tau_h = 0, so h = W_hat g(v) at all times), and
 * weights W (M x N). The raw weights W are what is stored and trained; every
 * use goes through W_hat, W with each row scaled to unit length
 * (||xi_mu|| = 1). The visible dynamics tau_v dv/dt = -v + W_hat^T f(h),
 * tau_v = 1, discretised with step dt (eta = dt / tau_v):
 *
 *     f_{t-1} = softmax(beta W_hat g(v_{t-1}))
 *     v_t     = (1 - eta) v_{t-1} + eta W_hat^T f_{t-1}
 *     v_t[i]  = cue[i] where clamp[i] = 1
 *
 * starting from v_0 = cue. AMEM_DAM_DYNAMICS = AMEM_DAM_DYNAMICS_REFERENCE
 * selects the form of the authors' development code instead:
 * f = softmax(beta W_hat v) and v_t = (1 - eta) v_{t-1} + eta g(W_hat^T f).
 * Each item runs until its residual ||v_t - v_{t-1}|| / ||v_t|| is at most
 * AMEM_DAM_TOLERANCE (its convergence time is that t; its state is then
 * frozen) or until AMEM_DAM_MAX_STEPS steps (convergence time reported as
 * MAX_STEPS + 1: not converged). The fixed point v* is the network output
 * and f* = softmax(beta W_hat g(v*)) its final hidden activation.
 *
 * Energy (Krotov & Hopfield 2021 with L_v = ||v||, L_h = lse): for the
 * PAPER dynamics without clamping,
 *     E(v) = -(1/beta) log sum_mu exp(beta xi_hat_mu . g(v))
 * does not increase along the continuous-time flow.
 *
 * Training (paper Sections 3-4). Items x_i (N floats each, usually unit
 * norm) are stored in the handle with amem_dam_set_data. Every time an item
 * is used, a fresh perturbation sets a random fraction AMEM_DAM_MASK_FRACTION
 * (0.5) of its entries to zero; the rest are clamped. The loss of an item is
 * l_i = ||x_i - v*_i||^2 (sum of squares). Gradients go through the whole
 * unrolled dynamics (backpropagation through time) with a fused,
 * hand-derived backward, and Adam updates the raw weights. Batches:
 *   BALANCE_NONE     shuffled, without replacement, loss = mean_b l_b
 *   BALANCE_REWEIGHT shuffled, without replacement, loss (Eq. 5)
 *                    L = sum_b a_b l_b
 *   BALANCE_SAMPLE   importance sampling with replacement (Eq. 4):
 *                    P(item i) = a_i, loss = mean_b l_b; an epoch is
 *                    ceil(n / batch) batches
 * where a_i = softmax_i(gamma alpha_i) over the whole data set (Eq. 8) and
 * alpha_i is the exception signal s_i (Eq. 6, below) normalised by the
 * cumulative minimum and maximum of s over all of training (Eq. 7; alpha = 1
 * while max = min). For BALANCE_REWEIGHT the batch weights are
 * a_b * n / B (AMEM_DAM_WEIGHT_NORM = DATASET, Eq. 8 up to the constant
 * n / B), or softmax over the batch (= BATCH, the authors' code). With
 * gamma = 0 every weight is exactly 1 / B and every probability exactly
 * 1 / n, so REWEIGHT with gamma = 0 trains bit for bit as NONE.
 * Signals (Eq. 6), each signed so that exceptions score high:
 *   GROUND_TRUTH  the given label (1 = exception), the control condition
 *   LOSS          l_i
 *   NEG_TIME      minus the convergence time
 *   NEG_ENTROPY   minus the entropy -sum f* log f* (natural log)
 *   MAX           max_mu f*_mu
 *   NORM          ||f*||
 * Each item's signal is the one from its most recent use in training. When
 * a learned signal with gamma > 0 needs the signals of unseen items
 * (SAMPLE, or REWEIGHT with WEIGHT_NORM = DATASET), every amem_dam_train
 * call starts with one forward pass over the items not used yet (perturbed,
 * no update) to record them.
 *
 * Conventions (see common.h): every function returns AMEM_OK or a negative
 * AMEM_E_* status with a detail in amem_last_error(); a failed call leaves
 * the handle unchanged (training keeps the steps it finished, C15).
 * Arrays are row-major float32; the library copies what it keeps and writes
 * results into caller buffers. One handle is used by one thread at a time.
 */
#ifndef ASSOCMEM_DAM_H
#define ASSOCMEM_DAM_H

#include "assocmem/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Opaque handle. */
typedef struct amem_dam amem_dam;

/*
 * Settings, read and written as double through amem_dam_set/get. Values are
 * pinned. Integer and enum settings must be whole numbers.
 *
 *   param          meaning                         default  range
 *   BETA           softmax inverse temperature       5      [1e-6, 1e6]
 *   DT             Euler step eta = dt / tau_v       0.05   [1e-6, 1]
 *   TOLERANCE      residual for convergence          1e-6   [0, 1e6]
 *   MAX_STEPS      step cap per item                 1000   [1, 1e6] int
 *   DYNAMICS       AMEM_DAM_DYNAMICS_*               PAPER
 *   SEED           RNG seed (setting it reseeds)     0      [0, 2^53] int
 *   LEARNING_RATE  Adam learning rate                1e-3   [1e-12, 10]
 *   BATCH_SIZE     items per training batch          100    [1, 1e6] int
 *   MASK_FRACTION  fraction of entries zeroed        0.5    [0, 1]
 *   BALANCE        AMEM_DAM_BALANCE_*                NONE
 *   SIGNAL         AMEM_DAM_SIGNAL_* (Eq. 6)         GROUND_TRUTH
 *   GAMMA          inverse temperature of Eq. 8      0      [0, 1e3]
 *   WEIGHT_NORM    AMEM_DAM_WEIGHT_NORM_*            DATASET
 *   ADAM_BETA1     Adam beta1                        0.9    [0, 0.9999999]
 *   ADAM_BETA2     Adam beta2                        0.999  [0, 0.9999999]
 *   ADAM_EPS       Adam epsilon                      1e-8   [1e-30, 1]
 *
 * Changing a setting never changes the weights or the trainer state.
 */
enum amem_dam_param {
    AMEM_DAM_BETA = 0,
    AMEM_DAM_DT = 1,
    AMEM_DAM_TOLERANCE = 2,
    AMEM_DAM_MAX_STEPS = 3,
    AMEM_DAM_DYNAMICS = 4,
    AMEM_DAM_SEED = 5,
    AMEM_DAM_LEARNING_RATE = 6,
    AMEM_DAM_BATCH_SIZE = 7,
    AMEM_DAM_MASK_FRACTION = 8,
    AMEM_DAM_BALANCE = 9,
    AMEM_DAM_SIGNAL = 10,
    AMEM_DAM_GAMMA = 11,
    AMEM_DAM_WEIGHT_NORM = 12,
    AMEM_DAM_ADAM_BETA1 = 13,
    AMEM_DAM_ADAM_BETA2 = 14,
    AMEM_DAM_ADAM_EPS = 15
};

/* Values of AMEM_DAM_DYNAMICS. */
enum amem_dam_dynamics {
    AMEM_DAM_DYNAMICS_PAPER = 0,    /* h = W g(v), dv ~ -v + W^T f */
    AMEM_DAM_DYNAMICS_REFERENCE = 1 /* h = W v,    dv ~ -v + g(W^T f) */
};

/* Values of AMEM_DAM_BALANCE. */
enum amem_dam_balance {
    AMEM_DAM_BALANCE_NONE = 0,     /* uniform, without replacement */
    AMEM_DAM_BALANCE_REWEIGHT = 1, /* loss reweighting, Eq. 5 */
    AMEM_DAM_BALANCE_SAMPLE = 2    /* importance sampling, Eq. 4 */
};

/* Values of AMEM_DAM_SIGNAL (Eq. 6). */
enum amem_dam_signal {
    AMEM_DAM_SIGNAL_GROUND_TRUTH = 0,
    AMEM_DAM_SIGNAL_LOSS = 1,
    AMEM_DAM_SIGNAL_NEG_TIME = 2,
    AMEM_DAM_SIGNAL_NEG_ENTROPY = 3,
    AMEM_DAM_SIGNAL_MAX = 4,
    AMEM_DAM_SIGNAL_NORM = 5
};

/* Values of AMEM_DAM_WEIGHT_NORM (what the softmax of Eq. 8 runs over). */
enum amem_dam_weight_norm {
    AMEM_DAM_WEIGHT_NORM_DATASET = 0, /* whole data set (paper Eq. 8) */
    AMEM_DAM_WEIGHT_NORM_BATCH = 1    /* the batch (authors' code) */
};

/*
 * Per-item records of the training set (amem_dam_get_item_record), each from
 * the item's most recent use in training (NaN before its first use):
 *   LOSS     l_i = ||x_i - v*_i||^2
 *   TIME     convergence time in steps (MAX_STEPS + 1: not converged)
 *   ENTROPY  -sum_mu f*_mu log f*_mu (natural log)
 *   MAX      max_mu f*_mu
 *   NORM     ||f*||
 *   SIGNAL   s_i of the current AMEM_DAM_SIGNAL (Eq. 6, signed)
 *   ALPHA    alpha_i, s_i normalised with the cumulative min/max (Eq. 7)
 *   WEIGHT   a_i = softmax_i(gamma alpha_i) over the data set (Eq. 8):
 *            the sampling probability of BALANCE_SAMPLE
 *   USES     how many times the item was used in training
 * SIGNAL/ALPHA/WEIGHT of GROUND_TRUTH are defined for every item.
 */
enum amem_dam_record {
    AMEM_DAM_RECORD_LOSS = 0,
    AMEM_DAM_RECORD_TIME = 1,
    AMEM_DAM_RECORD_ENTROPY = 2,
    AMEM_DAM_RECORD_MAX = 3,
    AMEM_DAM_RECORD_NORM = 4,
    AMEM_DAM_RECORD_SIGNAL = 5,
    AMEM_DAM_RECORD_ALPHA = 6,
    AMEM_DAM_RECORD_WEIGHT = 7,
    AMEM_DAM_RECORD_USES = 8
};

/*
 * amem_dam_create: a new network with N = visible units and M = hidden
 * units, weights drawn i.i.d. uniform(-1/sqrt(N), 1/sqrt(N)) from the
 * handle's generator with seed 0 (amem_dam_reset redraws them after
 * AMEM_DAM_SEED is set). No training data.
 *   out  receives the handle (free with amem_dam_free); NULL on failure
 * Returns AMEM_OK, AMEM_E_NULL, AMEM_E_DIM (a size 0 or too large),
 * AMEM_E_NOMEM.
 */
AMEM_API int amem_dam_create(size_t visible, size_t hidden, amem_dam **out);

/* amem_dam_free: release a handle and all it owns. Accepts NULL. */
AMEM_API void amem_dam_free(amem_dam *h);

/* amem_dam_visible / _hidden: N and M. AMEM_OK or AMEM_E_NULL. */
AMEM_API int amem_dam_visible(const amem_dam *h, size_t *out);
AMEM_API int amem_dam_hidden(const amem_dam *h, size_t *out);

/*
 * amem_dam_set: change a setting (enum amem_dam_param). Returns AMEM_OK,
 * AMEM_E_NULL, AMEM_E_ARG (unknown param), AMEM_E_NONFINITE, AMEM_E_RANGE
 * (outside the bounds or not a whole number where one is required).
 */
AMEM_API int amem_dam_set(amem_dam *h, int param, double value);

/* amem_dam_get: read a setting into *value. AMEM_OK/E_NULL/E_ARG. */
AMEM_API int amem_dam_get(const amem_dam *h, int param, double *value);

/*
 * amem_dam_param_bounds: inclusive range [*min, *max] of a setting and
 * whether it is a whole number (*integer = 1). Outputs may be NULL.
 * Returns AMEM_OK or AMEM_E_ARG (unknown param).
 */
AMEM_API int amem_dam_param_bounds(int param, double *min, double *max,
                                   int *integer);

/*
 * amem_dam_reset: redraw the weights uniform(-1/sqrt(N), 1/sqrt(N)) from the
 * handle's generator and clear the trainer state (Adam moments and step
 * count, epoch position, cumulative signal min/max, per-item records). The training
 * set and the settings are kept. Returns AMEM_OK or AMEM_E_NULL.
 */
AMEM_API int amem_dam_reset(amem_dam *h);

/*
 * amem_dam_set_weights: replace the raw weights with w (M x N, finite, no
 * all-zero row). Clears the trainer state as amem_dam_reset does.
 * Returns AMEM_OK, AMEM_E_NULL, AMEM_E_NONFINITE, AMEM_E_ARG (zero row).
 */
AMEM_API int amem_dam_set_weights(amem_dam *h, const float *w);

/*
 * amem_dam_get_weights: copy the weights (M x N) into w; normalized = 1
 * gives W_hat (unit rows xi_mu, what the dynamics use), 0 the raw weights.
 * Returns AMEM_OK, AMEM_E_NULL, AMEM_E_ARG (normalized not 0/1).
 */
AMEM_API int amem_dam_get_weights(const amem_dam *h, float *w,
                                  int normalized);

/*
 * amem_dam_recall: run the dynamics from n cues at once (batched through
 * sgemm; each item stops at its own convergence).
 *   cues    n x N initial states (finite)
 *   clamp   optional n x N mask of 0/1 (NULL = nothing clamped); entries
 *           marked 1 keep their cue value
 *   n       number of items, >= 1
 *   out     n x N fixed points v*, caller-allocated; may not alias cues
 *   steps   optional n ints: convergence time of each item in steps
 *           (MAX_STEPS + 1 when it did not converge)
 *   hidden  optional n x M: final hidden activations f*
 * Recall changes nothing in the handle. Returns AMEM_OK, AMEM_E_NULL,
 * AMEM_E_DIM (n = 0 or too large), AMEM_E_NONFINITE, AMEM_E_ARG (mask
 * entry not 0/1), AMEM_E_NOMEM.
 */
AMEM_API int amem_dam_recall(amem_dam *h, const float *cues,
                             size_t n, const float *clamp, float *out,
                             int *steps, float *hidden);

/*
 * amem_dam_energy: E(v) = -(1/beta) log sum_mu exp(beta xi_hat_mu . g(v))
 * of n states (n x N) into energies[n]. Returns AMEM_OK, AMEM_E_NULL,
 * AMEM_E_DIM, AMEM_E_NONFINITE, AMEM_E_NOMEM.
 */
AMEM_API int amem_dam_energy(const amem_dam *h, const float *states,
                             size_t n, double *energies);

/*
 * amem_dam_perturb: the training perturbation of n items (n x N): draws a
 * fresh mask per item from the handle's generator that zeroes
 * round(MASK_FRACTION * N) entries chosen uniformly without replacement.
 *   cues   n x N: the items with the chosen entries set to 0
 *   clamp  optional n x N: 1 on the kept entries, 0 on the zeroed ones
 * Returns AMEM_OK, AMEM_E_NULL, AMEM_E_DIM, AMEM_E_NONFINITE.
 */
AMEM_API int amem_dam_perturb(amem_dam *h, const float *items, size_t n,
                              float *cues, float *clamp);

/*
 * amem_dam_evaluate: the evaluation loss of Eq. 2. Each item is perturbed
 * as in training with masks from a separate generator seeded by seed (the
 * handle's generator is not advanced), recalled with the kept entries
 * clamped, and scored with l_i = ||x_i - v*_i||^2.
 *   items       n x N (finite)
 *   exceptions  optional n int32 of 0/1 (1 = exception); NULL = all regular.
 *               Used for the split only, never for the dynamics.
 *   losses      optional n floats: l_i
 *   regular     optional: mean l over regular items (NaN if none)
 *   exception   optional: mean l over exceptions (NaN if none)
 *   eval        optional: (regular + exception) / 2, or the mean of the
 *               one group present
 * Returns AMEM_OK, AMEM_E_NULL, AMEM_E_DIM, AMEM_E_NONFINITE, AMEM_E_ARG
 * (label not 0/1), AMEM_E_NOMEM.
 */
AMEM_API int amem_dam_evaluate(amem_dam *h, const float *items,
                               const int32_t *exceptions, size_t n,
                               uint64_t seed, float *losses, double *regular,
                               double *exception, double *eval);

/*
 * amem_dam_set_data: copy the training set into the handle, replacing any
 * earlier one, clearing the per-item records and starting a new epoch at
 * the next step (weights, Adam state and the cumulative min/max are kept).
 *   items       n x N (finite), n >= 1
 *   exceptions  optional n int32 of 0/1: the ground-truth labels, read only
 *               by AMEM_DAM_SIGNAL_GROUND_TRUTH
 * Returns AMEM_OK, AMEM_E_NULL, AMEM_E_DIM, AMEM_E_NONFINITE, AMEM_E_ARG
 * (label not 0/1), AMEM_E_NOMEM.
 */
AMEM_API int amem_dam_set_data(amem_dam *h, const float *items,
                               const int32_t *exceptions, size_t n);

/* amem_dam_data_count: number of training items (0 if none). */
AMEM_API int amem_dam_data_count(const amem_dam *h, size_t *out);

/*
 * amem_dam_train: `steps` optimizer steps (1 .. AMEM_MAX_STEPS_PER_CALL) on
 * the stored training set (docs/api.md C14, C15). A step is one Adam update
 * on one minibatch of BATCH_SIZE items; an epoch is
 * amem_dam_steps_per_epoch steps: one pass over the items in a fresh
 * shuffled order (BALANCE_SAMPLE: ceil(n / BATCH_SIZE) sampled batches). A
 * call may end inside an epoch; the next call continues it.
 *   progress  optional; called after every step with stage "train",
 *             done = steps finished in this call, total = steps, metric =
 *             the step's loss (sum_b w_b l_b). The callback may call any
 *             get function of h (amem_dam_get_item_record included). A
 *             nonzero return stops after that step: AMEM_E_CANCELLED, the
 *             finished steps kept.
 *   loss      optional: the last finished step's loss (NaN if none)
 * Returns AMEM_OK, AMEM_E_NULL, AMEM_E_RANGE (steps out of range),
 * AMEM_E_STATE (no training set, or GROUND_TRUTH signal with gamma > 0 and
 * no labels), AMEM_E_CANCELLED, AMEM_E_NONFINITE (a step whose loss or
 * gradient is not finite: not applied, the steps before it kept),
 * AMEM_E_NOMEM, AMEM_E_UNSUPPORTED and AMEM_E_IO (data-parallel only, see
 * amem_dam_set_data_parallel). After any outcome the handle is consistent
 * and holds every finished step.
 */
AMEM_API int amem_dam_train(amem_dam *h, size_t steps,
                            amem_progress_fn progress, void *user,
                            double *loss);

/*
 * amem_dam_steps_per_epoch: ceil(n / BATCH_SIZE) for the stored training
 * set. Returns AMEM_OK, AMEM_E_NULL, AMEM_E_STATE (no training set).
 */
AMEM_API int amem_dam_steps_per_epoch(const amem_dam *h, size_t *out);

/*
 * amem_dam_step_count: optimizer steps since creation, amem_dam_reset or
 * amem_dam_set_weights (saved with the handle). AMEM_OK or AMEM_E_NULL.
 */
AMEM_API int amem_dam_step_count(const amem_dam *h, size_t *out);

#ifdef AMEM_EXPERIMENTAL_API
/*
 * amem_dam_set_data_parallel: train as worker dp->rank of dp->size (see
 * amem_data_parallel in common.h); NULL trains locally again. Every worker
 * holds the same training set, settings and state; each step every worker
 * draws the whole minibatch and its perturbations, runs the dynamics and
 * the backward on its slice of the batch only and the reduction sums the
 * slices' gradients. Every worker ends each step with the per-item records
 * of the whole batch, as one process: the vector reduced carries them after
 * the gradient (n = M*N + 6*BATCH_SIZE floats, each worker's positions of
 * the batch filled, zeros elsewhere), except with BALANCE_REWEIGHT and a
 * learned signal with gamma > 0, whose batch weights need the batch's
 * records before the backward: there every worker also runs the other
 * slices' dynamics (forward only, each slice as its worker runs it). One
 * reduce per step either way. Not saved. Returns
 * AMEM_OK, AMEM_E_NULL (h, or reduce with size > 1), AMEM_E_RANGE (rank or
 * size).
 */
AMEM_API int amem_dam_set_data_parallel(amem_dam *h,
                                        const amem_data_parallel *dp);
#endif

/*
 * amem_dam_get_item_record: one per-item record (enum amem_dam_record) of
 * every training item into out (n floats, n = amem_dam_data_count).
 * Returns AMEM_OK, AMEM_E_NULL, AMEM_E_ARG (unknown record), AMEM_E_STATE
 * (no training set).
 */
AMEM_API int amem_dam_get_item_record(const amem_dam *h, int which, float *out);

/*
 * amem_dam_save: write dimensions, settings, RNG state, weights, trainer
 * state (Adam moments, step count, epoch position, cumulative min/max) and
 * the training set
 * with its labels and records to path (atomically). Everything round-trips
 * bit for bit, so training resumes exactly. Returns AMEM_OK, AMEM_E_NULL,
 * AMEM_E_IO, AMEM_E_NOMEM.
 */
AMEM_API int amem_dam_save(const amem_dam *h, const char *path);

/* amem_dam_save_mem: the same image in a new buffer; release with amem_free. */
AMEM_API int amem_dam_save_mem(const amem_dam *h, void **data, size_t *len);

/*
 * amem_dam_load / _load_mem: a new handle from a file or a file image. Every
 * size is checked against the file length before allocation. *out is NULL
 * on failure. Returns AMEM_OK, AMEM_E_NULL, AMEM_E_IO, AMEM_E_FORMAT,
 * AMEM_E_NOMEM.
 */
AMEM_API int amem_dam_load(const char *path, amem_dam **out);
AMEM_API int amem_dam_load_mem(const void *data, size_t len, amem_dam **out);

#ifdef __cplusplus
}
#endif
#endif /* ASSOCMEM_DAM_H */

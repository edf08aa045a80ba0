/*
 * libassocmem — the Hopfield family.
 *
 * One opaque handle, amem_hopfield, covers five kinds of network that share
 * storage, recall, energy, replay and persistence calls:
 *
 *   AMEM_HOPFIELD_CLASSICAL     Hebbian weights W (d x d), sign dynamics.
 *       Storage, per stored item x (Tyulmankov, Fang et al. 2021 baseline):
 *           W <- lambda * W + q * x x^T / d
 *       with lambda = AMEM_HOPFIELD_DECAY, q = AMEM_HOPFIELD_WRITE_STRENGTH.
 *       Recall: x_i <- sign(sum_j W_ij x_j), synchronous (all units at once,
 *       one sgemm per step) or asynchronous (one unit at a time). The
 *       diagonal of W is kept in storage; AMEM_HOPFIELD_ZERO_DIAGONAL = 1
 *       leaves it out of recall and energy. Energy E(x) = -1/2 x^T W x.
 *       Synchronous dynamics can end in a 2-cycle, so every recall is
 *       bounded by AMEM_HOPFIELD_MAX_STEPS.
 *       With value_dim m > 0 this is the bidirectional associative memory
 *       (BAM, Kosko 1988): W is m x d, W <- lambda W + q y x^T / d per pair
 *       (x key, y value); recall alternates y <- sign(W x), x <- sign(W^T y)
 *       until neither layer changes; energy E(x, y) = -y^T W x.
 *   AMEM_HOPFIELD_DENSE_POLY    dense associative memory (Krotov & Hopfield
 *       2016) with F(z) = z^n, n = AMEM_HOPFIELD_DEGREE.
 *   AMEM_HOPFIELD_DENSE_RECT    the rectified form F(z) = max(z, 0)^n.
 *   AMEM_HOPFIELD_DENSE_EXP     exponential interaction F(z) = exp(z)
 *       (Demircigil et al. 2017).
 *       Dense kinds keep the patterns xi_mu (N x d). Energy
 *           E(x) = -sum_mu F(xi_mu . x);
 *       recall is asynchronous: each unit in turn takes the value in
 *       {-1, +1} of lower energy given the others (ties keep the current
 *       value), which never increases E. For DENSE_EXP the comparison is
 *       done on log-sum-exp (no overflow); the reported energy is computed
 *       in double and becomes -inf once xi.x exceeds about 709.
 *   AMEM_HOPFIELD_MODERN        modern continuous Hopfield network (Ramsauer
 *       et al. 2020). Keys Y (N x d) and, for value_dim m > 0, values
 *       V (N x m). One step (Ramsauer eq. 3):
 *           p = softmax(b * Y x),   x <- Y^T p   (autoassociative)
 *           output = V^T p                        (heteroassociative)
 *       with b = beta, or beta / sqrt(d) when AMEM_HOPFIELD_SCALE_SQRT_D = 1.
 *       Steps repeat until max_i |x_new - x_old| <= AMEM_HOPFIELD_TOLERANCE
 *       or AMEM_HOPFIELD_MAX_STEPS steps. Heteroassociative recall iterates
 *       x <- Y^T p in key space and outputs V^T p of the last step (so with
 *       one step, output = V^T softmax(b Y q) of the query q).
 *       Energy (Ramsauer eq. 2, including its constants, so E >= 0):
 *           E(x) = -(1/b) log sum_mu exp(b xi_mu . x) + 1/2 x^T x
 *                  + (1/b) log N + 1/2 M^2,    M = max_mu |xi_mu|.
 *       All softmax and log-sum-exp evaluations subtract the maximum.
 *       Batched recall is blocked over the stored patterns with the softmax
 *       fused into the accumulation (a streaming, max-shifted softmax), so the
 *       N x B score matrix is never formed.
 *
 * Conventions (see common.h): every function returns AMEM_OK or a negative
 * AMEM_E_* status with a detail in amem_last_error(); a failed call leaves
 * the handle unchanged. Arrays are row-major float32; the library copies what
 * it keeps and writes results into caller buffers. A handle is used by one
 * thread at a time; different handles may be used concurrently.
 *
 * State length. Recall queries, clamp masks and energy/weights states have
 * d entries (the key/pattern dimension), except amem_hopfield_energy on a
 * BAM, whose states are [x ; y] of d + m entries. Recall outputs have d
 * entries for autoassociative handles and m for heteroassociative ones.
 */
#ifndef ASSOCMEM_HOPFIELD_H
#define ASSOCMEM_HOPFIELD_H

#include "assocmem/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Opaque handle. */
typedef struct amem_hopfield amem_hopfield;

/* Kinds. Values are pinned (ABI and file format). */
enum amem_hopfield_kind {
    AMEM_HOPFIELD_CLASSICAL = 0,
    AMEM_HOPFIELD_DENSE_POLY = 1,
    AMEM_HOPFIELD_DENSE_RECT = 2,
    AMEM_HOPFIELD_DENSE_EXP = 3,
    AMEM_HOPFIELD_MODERN = 4
};

/*
 * Settings, read and written as double through amem_hopfield_set/get.
 * Values are pinned. Integer and flag settings must be given as whole
 * numbers. A setting a kind does not use is stored and ignored ("used by").
 *
 *   param                        default  range             used by
 *   BETA           inverse temp.   1      [1e-6, 1e6]       MODERN
 *   MAX_STEPS      step bound      100    [1, 1e6] integer  all (a step is a
 *                  (sweep over all units / one synchronous update / one
 *                  softmax update / one BAM round trip); MODERN default 10
 *   TOLERANCE      stop when max|dx| <= tol   1e-6  [0, 1e6]  MODERN
 *   SCALE_SQRT_D   0/1: scores xi.x / sqrt(d)  0               MODERN
 *   UPDATE         AMEM_HOPFIELD_UPDATE_*   ASYNC          CLASSICAL auto
 *                  (dense kinds are always asynchronous; BAM alternates
 *                  whole layers)
 *   ORDER          AMEM_HOPFIELD_ORDER_*    SEQUENTIAL     async updates
 *   ZERO_DIAGONAL  0/1             1                        CLASSICAL auto
 *   DECAY          lambda          1      [0, 1]            CLASSICAL, BAM
 *   WRITE_STRENGTH q               1      [1e-6, 1e6]       CLASSICAL, BAM
 *   DEGREE         n               3      [2, 30] integer   DENSE_POLY/RECT
 *   SEED           RNG seed        0      [0, 2^53] integer all (replay
 *                  noise, random update order); setting it reseeds the
 *                  handle's xoshiro256** generator
 *   NOISE          AMEM_HOPFIELD_NOISE_*    UNIFORM        replay
 *
 * Changing a setting never changes what is stored (DECAY and WRITE_STRENGTH
 * apply to later stores).
 */
enum amem_hopfield_param {
    AMEM_HOPFIELD_BETA = 0,
    AMEM_HOPFIELD_MAX_STEPS = 1,
    AMEM_HOPFIELD_TOLERANCE = 2,
    AMEM_HOPFIELD_SCALE_SQRT_D = 3,
    AMEM_HOPFIELD_UPDATE = 4,
    AMEM_HOPFIELD_ORDER = 5,
    AMEM_HOPFIELD_ZERO_DIAGONAL = 6,
    AMEM_HOPFIELD_DECAY = 7,
    AMEM_HOPFIELD_WRITE_STRENGTH = 8,
    AMEM_HOPFIELD_DEGREE = 9,
    AMEM_HOPFIELD_SEED = 10,
    AMEM_HOPFIELD_NOISE = 11,
    AMEM_HOPFIELD_PARAM_COUNT = 12 /* number of settings, not a setting */
};

/* Values of AMEM_HOPFIELD_UPDATE. */
enum amem_hopfield_update {
    AMEM_HOPFIELD_UPDATE_SYNC = 0,
    AMEM_HOPFIELD_UPDATE_ASYNC = 1
};

/* Values of AMEM_HOPFIELD_ORDER (order of units in an asynchronous sweep). */
enum amem_hopfield_order {
    AMEM_HOPFIELD_ORDER_SEQUENTIAL = 0, /* units 0, 1, ..., d-1 */
    AMEM_HOPFIELD_ORDER_RANDOM = 1      /* a fresh permutation per sweep */
};

/* Values of AMEM_HOPFIELD_NOISE (the replay cue distribution). */
enum amem_hopfield_noise {
    AMEM_HOPFIELD_NOISE_UNIFORM = 0, /* i.i.d. uniform(-1, 1) */
    AMEM_HOPFIELD_NOISE_SIGNS = 1    /* i.i.d. -1 or +1, probability 1/2 */
};

/*
 * amem_hopfield_create: a new, empty network.
 *   kind       one of enum amem_hopfield_kind
 *   dim        d >= 1, the pattern (key) dimension
 *   value_dim  m: 0 for autoassociative; m >= 1 for heteroassociative,
 *              allowed for CLASSICAL (BAM) and MODERN only
 *   out        receives the handle, freed with amem_hopfield_free; set to
 *              NULL on failure
 * Returns AMEM_OK, AMEM_E_NULL (out), AMEM_E_ARG (unknown kind),
 * AMEM_E_DIM (dim 0, or a size too large), AMEM_E_UNSUPPORTED (value_dim > 0
 * for a dense kind), AMEM_E_NOMEM.
 */
AMEM_API int amem_hopfield_create(int kind, size_t dim, size_t value_dim,
                                  amem_hopfield **out);

/* amem_hopfield_free: release a handle and all it owns. Accepts NULL. */
AMEM_API void amem_hopfield_free(amem_hopfield *h);

/*
 * amem_hopfield_kind / _dim / _value_dim: the creation arguments.
 * Each writes into *out. Returns AMEM_OK or AMEM_E_NULL.
 */
AMEM_API int amem_hopfield_kind(const amem_hopfield *h, int *out);
AMEM_API int amem_hopfield_dim(const amem_hopfield *h, size_t *out);
AMEM_API int amem_hopfield_value_dim(const amem_hopfield *h, size_t *out);

/*
 * amem_hopfield_set: change a setting (see enum amem_hopfield_param).
 * Returns AMEM_OK, AMEM_E_NULL, AMEM_E_ARG (unknown param), AMEM_E_NONFINITE,
 * AMEM_E_RANGE (outside the bounds, or not a whole number where one is
 * required).
 */
AMEM_API int amem_hopfield_set(amem_hopfield *h, int param, double value);

/* amem_hopfield_get: read a setting into *value. AMEM_OK/E_NULL/E_ARG. */
AMEM_API int amem_hopfield_get(const amem_hopfield *h, int param,
                               double *value);

/*
 * amem_hopfield_param_bounds: the inclusive range [*min, *max] of a setting
 * and whether it must be a whole number (*integer = 1). Any of min, max,
 * integer may be NULL. Returns AMEM_OK or AMEM_E_ARG (unknown param).
 */
AMEM_API int amem_hopfield_param_bounds(int param, double *min, double *max,
                                        int *integer);

/*
 * amem_hopfield_store: store n patterns (n x d, finite) one-shot; appends to
 * what is stored. CLASSICAL applies the Hebbian rule per pattern in order;
 * dense and MODERN kinds copy the patterns. Autoassociative handles only.
 * Returns AMEM_OK, AMEM_E_NULL, AMEM_E_DIM (n = 0 or too large),
 * AMEM_E_NONFINITE, AMEM_E_UNSUPPORTED (heteroassociative handle: use
 * amem_hopfield_store_pairs), AMEM_E_NOMEM.
 */
AMEM_API int amem_hopfield_store(amem_hopfield *h, const float *patterns,
                                 size_t n);

/*
 * amem_hopfield_store_pairs: store n key/value pairs (keys n x d, values
 * n x m, finite) in a heteroassociative handle (MODERN or BAM). Same
 * returns as amem_hopfield_store; AMEM_E_UNSUPPORTED for an
 * autoassociative handle.
 */
AMEM_API int amem_hopfield_store_pairs(amem_hopfield *h, const float *keys,
                                       const float *values, size_t n);

/* amem_hopfield_clear: forget everything stored (settings are kept). */
AMEM_API int amem_hopfield_clear(amem_hopfield *h);

/*
 * amem_hopfield_count: number of items stored since creation or the last
 * clear (for CLASSICAL, the number of Hebbian writes). AMEM_OK/E_NULL.
 */
AMEM_API int amem_hopfield_count(const amem_hopfield *h, size_t *out);

/*
 * amem_hopfield_recall: run the dynamics from n query states at once.
 *   queries    n x d cues (finite). For sign kinds a cue entry may be any
 *              finite value (0 = unknown); updated units become -1 or +1.
 *   n          number of queries, >= 1
 *   clamp      optional n x d mask (NULL = none) of 0 and 1: entries marked
 *              1 keep their cue value throughout (pattern completion). For
 *              BAM and heteroassociative MODERN it applies to the key layer.
 *   out        n x d (autoassociative) or n x m (heteroassociative) final
 *              states, caller-allocated; may not alias queries
 *   steps      optional n ints (NULL = none): steps each query took; a query
 *              that reached MAX_STEPS without settling reports MAX_STEPS
 *   weights    optional n x N floats (NULL = none; MODERN only): the softmax
 *              weights p of each query's last step (N = stored count)
 * An empty network is an error for dense and MODERN kinds (nothing to
 * recall); an empty CLASSICAL network has W = 0 and keeps every state.
 * Returns AMEM_OK, AMEM_E_NULL, AMEM_E_DIM (n = 0), AMEM_E_NONFINITE,
 * AMEM_E_ARG (mask entry not 0/1), AMEM_E_STATE (nothing stored),
 * AMEM_E_UNSUPPORTED (weights for a non-MODERN kind), AMEM_E_NOMEM.
 * Recall changes no stored data; with ORDER_RANDOM it advances the RNG.
 * MODERN recall runs as amem_get_num_threads() jobs on the library's worker
 * pool (one job below about 4e6 multiply-adds per step); BLAS is held at
 * one thread meanwhile and restored afterwards. The same inputs and
 * thread count give the same result on every run. With 256 or more queries
 * per thread the result does not depend on the thread count in practice;
 * with fewer, the stored patterns are split across threads and results
 * differ from the one-thread ones by float rounding (about 1e-6).
 */
AMEM_API int amem_hopfield_recall(amem_hopfield *h, const float *queries,
                                  size_t n, const float *clamp, float *out,
                                  int *steps, float *weights);

/*
 * amem_hopfield_replay: recall from n random cues drawn from the handle's
 * RNG (AMEM_HOPFIELD_NOISE picks uniform(-1,1) or +-1). Same seed and same
 * call sequence give the same output.
 *   out    n x d or n x m recalled states
 *   cues   optional n x d (NULL = none): the noise cues that were used
 *   steps  optional n ints, as in recall
 * Returns as amem_hopfield_recall.
 */
AMEM_API int amem_hopfield_replay(amem_hopfield *h, size_t n, float *out,
                                  float *cues, int *steps);

/*
 * amem_hopfield_energy: the energy of n given states (see the kind's
 * formula above) into energies[n] (double).
 *   states  n x d, or n x (d + m) [key ; value] for BAM
 * Returns AMEM_OK, AMEM_E_NULL, AMEM_E_DIM, AMEM_E_NONFINITE, AMEM_E_STATE
 * (MODERN or dense with nothing stored), AMEM_E_NOMEM.
 */
AMEM_API int amem_hopfield_energy(amem_hopfield *h, const float *states,
                                  size_t n, double *energies);

/*
 * amem_hopfield_weights: the softmax weights p = softmax(b Y x) for n given
 * states x (n x d) into weights (n x N, N = stored count). MODERN only.
 * Returns AMEM_OK, AMEM_E_NULL, AMEM_E_DIM, AMEM_E_NONFINITE, AMEM_E_STATE,
 * AMEM_E_UNSUPPORTED (other kinds), AMEM_E_NOMEM.
 */
AMEM_API int amem_hopfield_weights(amem_hopfield *h, const float *states,
                                   size_t n, float *weights);

/*
 * amem_hopfield_save: write kind, dimensions, settings, RNG state and the
 * stored data to path (atomically: temporary file + rename). Everything
 * round-trips bit for bit. Returns AMEM_OK, AMEM_E_NULL, AMEM_E_IO,
 * AMEM_E_NOMEM.
 */
AMEM_API int amem_hopfield_save(const amem_hopfield *h, const char *path);

/*
 * amem_hopfield_save_mem: the same file image in a new buffer (*data, *len);
 * release it with amem_free. Returns AMEM_OK, AMEM_E_NULL, AMEM_E_NOMEM.
 */
AMEM_API int amem_hopfield_save_mem(const amem_hopfield *h, void **data,
                                    size_t *len);

/*
 * amem_hopfield_load / _load_mem: a new handle from a file or a file image.
 * Every size is checked against the file length before anything is
 * allocated. *out is NULL on failure. Returns AMEM_OK, AMEM_E_NULL,
 * AMEM_E_IO (cannot read path), AMEM_E_FORMAT (truncated, corrupted,
 * wrong piece kind, invalid kind/sizes/settings), AMEM_E_NOMEM.
 */
AMEM_API int amem_hopfield_load(const char *path, amem_hopfield **out);
AMEM_API int amem_hopfield_load_mem(const void *data, size_t len,
                                    amem_hopfield **out);

#ifdef __cplusplus
}
#endif
#endif /* ASSOCMEM_HOPFIELD_H */

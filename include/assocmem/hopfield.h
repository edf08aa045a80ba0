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
 *       amem_hopfield_recall_bam runs it from either side (key -> value or
 *       value -> key) and returns both settled layers.
 *       Tie rule (CLASSICAL and BAM): a unit whose field is exactly 0
 *       becomes -1 if its current value is negative and +1 otherwise (a
 *       BAM layer not yet computed starts at 0, so its ties give +1).
 *       Recall and replay from an empty BAM return AMEM_E_STATE (an empty
 *       autoassociative CLASSICAL network still recalls, with W = 0).
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
 *       Batched recall is blocked over the stored patterns with the
 *       separation fused into the accumulation (for softmax a streaming,
 *       max-shifted softmax), so the N x B score matrix is never formed.
 *
 *       The softmax step is one point of the single-shot framework of
 *       Millidge, Salvatori, Song, Lukasiewicz & Bogacz (2022, "Universal
 *       Hopfield Networks", ICML, PMLR 162:15561-15583):
 *           recall = P . sep(sim(Y, x)),
 *       P = Y^T (auto) or V^T (hetero). AMEM_HOPFIELD_SIMILARITY picks sim,
 *       AMEM_HOPFIELD_SEPARATION picks sep (enums below):
 *           DOT        s_mu = xi_mu . x                      (default)
 *           COSINE     s_mu = xi_mu . x / (|xi_mu| |x|), 0 when a norm is 0
 *           EUCLIDEAN  s_mu = -|x - xi_mu|^2
 *           MANHATTAN  s_mu = -|x - xi_mu|_1
 *           SOFTMAX    p = softmax(b s)                      (default)
 *           ARGMAX     p = one-hot at the largest s (ties: lowest index)
 *           POLY       p_mu = max(s_mu, 0)^n / sum_nu max(s_nu, 0)^n,
 *                      n = AMEM_HOPFIELD_DEGREE. When no s_mu is > 0 the
 *                      weights are those of ARGMAX (the limit of the
 *                      normalised polynomial as the largest s_mu falls to 0
 *                      with all others <= 0), so no 0/0 ever occurs.
 *           IDENTITY   p = s (no normalisation)
 *       b (BETA, SCALE_SQRT_D) scales the softmax's argument only.
 *       Masked similarity: with a clamp mask m (1 = known entry) every
 *       similarity is taken over the known entries only (x and xi_mu
 *       restricted to them; a hidden entry counts neither as 0 nor as a
 *       guess), e.g. EUCLIDEAN s_mu = -|m o (x - xi_mu)|^2 and COSINE uses
 *       the norms of m o x and m o xi_mu. The known entries stay clamped, so
 *       every later step would repeat the same weights: masked recall is
 *       one step (steps = 1) and its output is the fixed point. A mask row
 *       with no known entry is refused (AMEM_E_ARG): there is nothing to
 *       compare. Without a mask the whole state is compared and steps repeat
 *       as above.
 *       Energy exists for these pairs (b as above), each non-increasing
 *       along unmasked recall (each step is a concave-convex procedure step
 *       on it, or its b -> inf limit):
 *           DOT, SOFTMAX        Ramsauer eq. 2 above
 *           EUCLIDEAN, SOFTMAX  E = -(1/(2b)) log((1/N) sum_mu
 *                                     exp(-b |x - xi_mu|^2))  (>= 0)
 *           DOT, ARGMAX         E = -max_mu xi_mu . x + 1/2 x^T x + 1/2 M^2
 *           EUCLIDEAN, ARGMAX   E = 1/2 min_mu |x - xi_mu|^2
 *           DOT, IDENTITY       E = 1/2 x^T x - 1/2 sum_mu (xi_mu . x)^2
 *       Other pairs have no energy whose descent the step is;
 *       amem_hopfield_energy returns AMEM_E_UNSUPPORTED for them.
 *       The other kinds are points of the same space: CLASSICAL is
 *       identity separation over dot similarity followed by sign, the dense
 *       kinds polynomial (POLY, RECT) and exponential (EXP) separation.
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
 *   DEGREE         n               3      [1, 30] integer   DENSE_POLY/RECT,
 *                                                           MODERN with POLY
 *   SEED           RNG seed        0      [0, 2^53] integer all (replay
 *                  noise, random update order); setting it reseeds the
 *                  handle's xoshiro256** generator
 *   NOISE          AMEM_HOPFIELD_NOISE_*    UNIFORM        replay
 *   SIMILARITY     AMEM_HOPFIELD_SIM_*      DOT            MODERN
 *   SEPARATION     AMEM_HOPFIELD_SEP_*      SOFTMAX        MODERN
 *   DTYPE          AMEM_HOPFIELD_DTYPE_*    F32            MODERN
 *                  (how the keys are kept; fixed while anything is
 *                  stored: setting another value then returns AMEM_E_STATE,
 *                  after amem_hopfield_clear it may change again)
 *
 * DTYPE (MODERN keys only; values of a heteroassociative store and the
 * query arithmetic stay float32):
 *   F32   4 bytes per entry, exact.
 *   BF16  2 bytes: the float32 rounded to nearest-even in its top 16 bits
 *         (relative error <= 2^-9); a value beyond the largest bfloat16
 *         (about 3.39e38) is refused with AMEM_E_RANGE.
 *   INT8  1 byte plus one float32 scale s per row: q = round(x / s),
 *         s = max|x| / 127, so |x - s q| <= s / 2. A row whose scale is
 *         not a normal float (max|x| below 127 * FLT_MIN, but not 0) is
 *         refused with AMEM_E_RANGE; an all-zero row has s = 0.
 * Recall reads the compressed rows and dequantises them block by block
 * (AVX2 when the CPU has it, a scalar loop otherwise, equal to within
 * float rounding); scores, softmax and outputs are computed in float32.
 *   NPROBE         lists searched  8      [1, 2^31] integer MODERN (pruned
 *                  recall; more than the index has: AMEM_E_RANGE there)
 *   KMEANS_STEPS   Lloyd steps     10     [0, 1000] integer MODERN
 *   KMEANS_SAMPLE  k-means sample  256    [0, 2^31] integer MODERN (index:
 *                  patterns per list drawn with SEED; 0 = every pattern)
 *   PRECISION      AMEM_HOPFIELD_PRECISION_* FLOAT32       MODERN
 *                  (arithmetic of amem_hopfield_recall and _replay:
 *                  FLOAT64 computes the scores, the max-shifted softmax,
 *                  the products (dgemm) and the iterate in double, over a
 *                  double copy of the keys (any DTYPE, dequantised) and
 *                  values made per call (8 bytes per entry while the call
 *                  runs); queries, outputs and weights stay float32, and
 *                  the tolerance test is done in double. FLOAT64 recalls
 *                  with SIMILARITY DOT or EUCLIDEAN and SEPARATION SOFTMAX;
 *                  other pairs return AMEM_E_UNSUPPORTED from recall.
 *                  It runs on one thread of the library (BLAS threads as
 *                  set). Top-k, pruned and partial recall, weights and
 *                  energy are unaffected. In float32 a softmax weight
 *                  whose scaled score is more than about 87 below the
 *                  row's maximum is exactly 0; in double, about 745.)
 *
 * Changing a setting never changes what is stored (DECAY and WRITE_STRENGTH
 * apply to later stores). SIMILARITY and SEPARATION exist for the MODERN
 * kind only: on another kind, setting either to a value other than its
 * default returns AMEM_E_UNSUPPORTED (naming the kind) and changes nothing.
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
    AMEM_HOPFIELD_SIMILARITY = 12,
    AMEM_HOPFIELD_SEPARATION = 13,
    AMEM_HOPFIELD_DTYPE = 14,
    /* 15 .. 19 are kept for the store's settings. */
    AMEM_HOPFIELD_NPROBE = 20,
    AMEM_HOPFIELD_KMEANS_STEPS = 21,
    AMEM_HOPFIELD_KMEANS_SAMPLE = 22,
    AMEM_HOPFIELD_PRECISION = 23
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

/* Values of AMEM_HOPFIELD_SIMILARITY (MODERN; see the kind's comment). */
enum amem_hopfield_similarity {
    AMEM_HOPFIELD_SIM_DOT = 0,       /* xi . x (Ramsauer et al. 2020) */
    AMEM_HOPFIELD_SIM_COSINE = 1,    /* xi . x / (|xi| |x|) */
    AMEM_HOPFIELD_SIM_EUCLIDEAN = 2, /* -|x - xi|^2 */
    AMEM_HOPFIELD_SIM_MANHATTAN = 3  /* -|x - xi|_1 */
};

/* Values of AMEM_HOPFIELD_SEPARATION (MODERN; see the kind's comment). */
enum amem_hopfield_separation {
    AMEM_HOPFIELD_SEP_SOFTMAX = 0,  /* softmax(b s) */
    AMEM_HOPFIELD_SEP_ARGMAX = 1,   /* nearest memory, ties: lowest index */
    AMEM_HOPFIELD_SEP_POLY = 2,     /* max(s, 0)^n normalised to sum 1 */
    AMEM_HOPFIELD_SEP_IDENTITY = 3  /* s itself, not normalised */
};

/* Values of AMEM_HOPFIELD_PRECISION (MODERN; see above). */
enum amem_hopfield_precision {
    AMEM_HOPFIELD_PRECISION_FLOAT32 = 0, /* float32 arithmetic (default) */
    AMEM_HOPFIELD_PRECISION_FLOAT64 = 1  /* double arithmetic */
};

/* Values of AMEM_HOPFIELD_DTYPE (MODERN; see above). */
enum amem_hopfield_dtype {
    AMEM_HOPFIELD_DTYPE_F32 = 0,  /* float32 keys (the default) */
    AMEM_HOPFIELD_DTYPE_BF16 = 1, /* bfloat16 keys */
    AMEM_HOPFIELD_DTYPE_INT8 = 2  /* int8 keys with a float32 scale per row */
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
 * required), AMEM_E_UNSUPPORTED (SIMILARITY or SEPARATION other than the
 * default on a kind other than MODERN; also NPROBE, KMEANS_STEPS,
 * KMEANS_SAMPLE and PRECISION other than the default). Setting NPROBE, KMEANS_* or any
 * other setting keeps a built index.
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
 * dense and MODERN kinds copy the patterns (in the DTYPE encoding) and
 * assign them ids (see "Stable ids" below). Autoassociative handles only.
 * Returns AMEM_OK, AMEM_E_NULL, AMEM_E_DIM (n = 0 or too large),
 * AMEM_E_NONFINITE, AMEM_E_RANGE (a key the DTYPE cannot hold),
 * AMEM_E_STATE (read-only mapped store), AMEM_E_UNSUPPORTED
 * (heteroassociative handle: use amem_hopfield_store_pairs), AMEM_E_NOMEM.
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

/* amem_hopfield_clear: forget everything stored (settings are kept; ids
 * are assigned from 0 again). AMEM_OK, AMEM_E_NULL, AMEM_E_STATE (a
 * read-only mapped store). */
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
 *              MODERN: similarities use the known (1) entries only and
 *              recall is one step; every row needs a known entry.
 *   out        n x d (autoassociative) or n x m (heteroassociative) final
 *              states, caller-allocated; may not alias queries
 *   steps      optional n ints (NULL = none): steps each query took; a query
 *              that reached MAX_STEPS without settling reports MAX_STEPS
 *   weights    optional n x N floats (NULL = none; MODERN only): the
 *              separation weights p of each query's last step (N = stored
 *              count; for a masked query, of its masked similarities)
 * An empty network is an error for dense, MODERN and BAM handles (nothing
 * to recall); an empty autoassociative CLASSICAL network has W = 0, keeps
 * every +-1 state and sends other unclamped entries to +1 (tie rule).
 * Returns AMEM_OK, AMEM_E_NULL, AMEM_E_DIM (n = 0), AMEM_E_NONFINITE,
 * AMEM_E_ARG (mask entry not 0/1; MODERN: a mask row with no 1),
 * AMEM_E_STATE (nothing stored),
 * AMEM_E_UNSUPPORTED (weights for a non-MODERN kind; PRECISION FLOAT64
 * with a similarity/separation pair it does not cover), AMEM_E_NOMEM.
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
 * amem_hopfield_recall_partial: the parts of one softmax recall step that
 * merge across stores split into pieces (the shards of libassocmem-mpi).
 * MODERN kind with SEPARATION = SOFTMAX only. For each query x (row q) and
 * the N stored patterns, with s_mu = b sim(xi_mu, x) (b, similarity and
 * mask as in amem_hopfield_recall):
 *   queries          n x d states (finite)
 *   n                number of queries, >= 1
 *   clamp            optional n x d 0/1 mask (NULL = none): similarities
 *                    over the known (1) entries only, every row needs one
 *   row_max          n floats: M = max_mu s_mu
 *   row_sum          n floats: L = sum_mu e^(s_mu - M)
 *   weighted_keys    optional n x d (NULL = none): sum_mu e^(s_mu - M) xi_mu
 *   weighted_values  optional n x m (NULL = none; heteroassociative
 *                    handles only): sum_mu e^(s_mu - M) v_mu
 * All outputs are caller-allocated and may not alias queries. With nothing
 * stored every row is the empty part: M = -INFINITY, L = 0, weighted rows
 * 0. Parts A and B of one store merge exactly by log-sum-exp:
 *   M = max(M_A, M_B), w_X = e^(M_X - M) (0 for an empty part),
 *   L = w_A L_A + w_B L_B, weighted = w_A weighted_A + w_B weighted_B,
 * and weighted / L is one step of amem_hopfield_recall (its output for
 * MAX_STEPS = 1), to float rounding.
 * Returns AMEM_OK, AMEM_E_NULL (h, queries, row_max, row_sum), AMEM_E_DIM
 * (n = 0 or too large), AMEM_E_NONFINITE, AMEM_E_ARG (mask entry not 0/1,
 * a mask row with no 1), AMEM_E_UNSUPPORTED (not MODERN, separation not
 * SOFTMAX, weighted_values on an autoassociative handle), AMEM_E_NOMEM.
 * Changes nothing in the handle; threads as amem_hopfield_recall.
 */
AMEM_API int amem_hopfield_recall_partial(const amem_hopfield *h,
                                          const float *queries, size_t n,
                                          const float *clamp, float *row_max,
                                          float *row_sum,
                                          float *weighted_keys,
                                          float *weighted_values);

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

/* Directions of amem_hopfield_recall_bam (the side the cues are on). */
enum amem_hopfield_direction {
    AMEM_HOPFIELD_KEY_TO_VALUE = 0, /* cues are keys (n x d) */
    AMEM_HOPFIELD_VALUE_TO_KEY = 1  /* cues are values (n x m) */
};

/*
 * amem_hopfield_recall_bam: bidirectional recall on a BAM (CLASSICAL with
 * value_dim m >= 1) from n cues on either layer.
 *   cues        n x d keys (KEY_TO_VALUE) or n x m values (VALUE_TO_KEY),
 *               finite; 0 marks an unknown entry
 *   n           number of cues, >= 1
 *   direction   enum amem_hopfield_direction
 *   clamp       optional 0/1 mask shaped like cues (NULL = none): entries
 *               marked 1 keep their cue value throughout
 *   keys_out    n x d settled key layers, caller-allocated
 *   values_out  n x m settled value layers, caller-allocated
 *   steps       optional n ints (NULL = none): round trips each cue took,
 *               MAX_STEPS for one that did not settle
 * From keys a round trip is y <- sign(W x), x <- sign(W^T y); from values
 * x <- sign(W^T y), y <- sign(W x); it repeats until the cue layer no
 * longer changes or MAX_STEPS round trips. Every output entry is -1 or +1
 * (ties: see the tie rule above) except clamped cue entries, which keep
 * their cue value. KEY_TO_VALUE gives the same values_out as
 * amem_hopfield_recall. The outputs may not alias cues or each other.
 * Returns AMEM_OK, AMEM_E_NULL (h, cues, keys_out or values_out),
 * AMEM_E_UNSUPPORTED (not a BAM handle), AMEM_E_STATE (nothing stored),
 * AMEM_E_ARG (unknown direction, clamp entry not 0/1), AMEM_E_DIM (n = 0
 * or too large), AMEM_E_NONFINITE, AMEM_E_NOMEM. Changes no stored data.
 */
AMEM_API int amem_hopfield_recall_bam(amem_hopfield *h, const float *cues,
                                      size_t n, int direction,
                                      const float *clamp, float *keys_out,
                                      float *values_out, int *steps);

/*
 * amem_hopfield_energy: the energy of n given states (see the kind's
 * formula above) into energies[n] (double).
 *   states  n x d, or n x (d + m) [key ; value] for BAM
 * Returns AMEM_OK, AMEM_E_NULL, AMEM_E_DIM, AMEM_E_NONFINITE, AMEM_E_STATE
 * (MODERN or dense with nothing stored), AMEM_E_UNSUPPORTED (MODERN with a
 * similarity/separation pair that has no energy, see above), AMEM_E_NOMEM.
 */
AMEM_API int amem_hopfield_energy(amem_hopfield *h, const float *states,
                                  size_t n, double *energies);

/*
 * amem_hopfield_weights: the separation weights p = sep(sim(Y, x)) of one
 * step (for the default settings softmax(b Y x)) for n given states x
 * (n x d, all entries compared) into weights (n x N, N = stored count).
 * MODERN only.
 * Returns AMEM_OK, AMEM_E_NULL, AMEM_E_DIM, AMEM_E_NONFINITE, AMEM_E_STATE,
 * AMEM_E_UNSUPPORTED (other kinds), AMEM_E_NOMEM.
 */
AMEM_API int amem_hopfield_weights(amem_hopfield *h, const float *states,
                                   size_t n, float *weights);

/*
 * amem_hopfield_save: write kind, dimensions, settings, RNG state and the
 * stored data to path (atomically: temporary file + rename). Everything
 * round-trips bit for bit; files written before SIMILARITY and SEPARATION
 * existed load with both at their defaults. Returns AMEM_OK, AMEM_E_NULL,
 * AMEM_E_IO,
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

/*
 * Stable ids. Every pattern (row) a dense or MODERN store keeps has a
 * 64-bit id, unique within the store: given by the caller
 * (amem_hopfield_append) or assigned (amem_hopfield_store,
 * amem_hopfield_store_pairs, append without ids). Assigned ids count up
 * from one more than the largest id the store has ever held (0 for a new
 * store), so a removed id is not handed out again until a clear. Ids are
 * saved and loaded with the store; files written before ids existed load
 * with ids 0 .. N-1. Row order is storage order: removing a row moves the
 * last row into its place. CLASSICAL networks keep no patterns and no
 * ids: the calls below return AMEM_E_UNSUPPORTED for them.
 */

/*
 * amem_hopfield_append: add n patterns (autoassociative: keys only;
 * heteroassociative: keys and values) with optional ids.
 *   keys    n x d, finite
 *   values  n x m, finite, for a heteroassociative store; NULL for an
 *           autoassociative one
 *   ids     optional n ids (NULL = none: assign them); each must differ
 *           from every stored id and from the others
 *   n       >= 1
 *   ids_out optional n entries (NULL = none): the ids of the new rows
 * Amortised O(d + m) per pattern. Returns AMEM_OK, AMEM_E_NULL,
 * AMEM_E_DIM (n = 0 or too large), AMEM_E_NONFINITE, AMEM_E_RANGE (a key
 * BF16 or INT8 cannot hold, see DTYPE), AMEM_E_ARG (values given to an
 * autoassociative store or missing for a heteroassociative one; an id
 * already stored or repeated in ids), AMEM_E_STATE (read-only mapped
 * store), AMEM_E_UNSUPPORTED (CLASSICAL), AMEM_E_NOMEM. On failure
 * nothing is added.
 */
AMEM_API int amem_hopfield_append(amem_hopfield *h, const float *keys,
                                  const float *values, const uint64_t *ids,
                                  size_t n, uint64_t *ids_out);

/*
 * amem_hopfield_remove: delete the n patterns with the given ids, each in
 * O(d + m): the last row moves into the freed row.
 *   ids  n ids, each stored and none repeated
 * Returns AMEM_OK, AMEM_E_NULL, AMEM_E_DIM (n = 0 or too large), AMEM_E_ARG
 * (an id not stored, or repeated; nothing is removed), AMEM_E_STATE (read-only mapped
 * store), AMEM_E_UNSUPPORTED (CLASSICAL).
 */
AMEM_API int amem_hopfield_remove(amem_hopfield *h, const uint64_t *ids,
                                  size_t n);

/*
 * amem_hopfield_get_patterns: copy the patterns with the given ids out, as
 * stored (BF16 and INT8 keys dequantised to float32).
 *   ids         n ids, each stored
 *   keys_out    n x d
 *   values_out  n x m for a heteroassociative store (NULL = none)
 * Returns AMEM_OK, AMEM_E_NULL, AMEM_E_DIM (n = 0 or too large), AMEM_E_ARG
 * (an id not stored), AMEM_E_UNSUPPORTED (CLASSICAL), AMEM_E_NOMEM (the id index of a
 * mapped store is built on its first use).
 */
AMEM_API int amem_hopfield_get_patterns(const amem_hopfield *h,
                                        const uint64_t *ids, size_t n,
                                        float *keys_out, float *values_out);

/*
 * amem_hopfield_get_ids: the ids of rows first .. first+count-1 (storage
 * order) into out[count]. Lets a caller that holds rows elsewhere (a shard,
 * a file) map row numbers to ids.
 * Returns AMEM_OK, AMEM_E_NULL, AMEM_E_DIM (count = 0, or first + count
 * above the number stored), AMEM_E_UNSUPPORTED (CLASSICAL).
 */
AMEM_API int amem_hopfield_get_ids(const amem_hopfield *h, size_t first,
                                   size_t count, uint64_t *out);

/*
 * amem_hopfield_recall_topk: one step of MODERN recall from n queries,
 * reporting the k stored patterns of largest separation weight:
 * p = sep(sim(Y, x)) as in amem_hopfield_weights, never formed whole (the
 * scores are streamed; a mapped store is read in place).
 *   queries     n x d, finite (all entries compared)
 *   k           1 .. count
 *   ids_out     n x k ids, largest weight first (ties: lower row first)
 *   weights_out n x k weights p of those patterns (NULL = none)
 * Returns AMEM_OK, AMEM_E_NULL, AMEM_E_DIM (n = 0 or too large, k = 0 or
 * above the count), AMEM_E_NONFINITE, AMEM_E_STATE (nothing stored),
 * AMEM_E_UNSUPPORTED (not MODERN), AMEM_E_NOMEM.
 * Works in memory proportional to n k and the block size, not to N.
 */
AMEM_API int amem_hopfield_recall_topk(amem_hopfield *h,
                                       const float *queries, size_t n,
                                       size_t k, uint64_t *ids_out,
                                       float *weights_out);

/*
 * amem_hopfield_load_mapped: open a MODERN store saved by
 * amem_hopfield_save with its pattern block mapped read-only from the file
 * instead of read into memory (POSIX mmap; the file must not change while
 * the handle lives). Before mapping, the header's sizes are checked
 * against the file length; on open the whole file's CRC-32 and every size
 * are verified (the open reads the file once, sequentially) and the
 * per-row norms are computed (4 bytes per row on the heap). Recall,
 * top-k recall, get and settings work as on a loaded store; recall
 * allocates nothing proportional to the count. append, remove, store,
 * store_pairs and clear return AMEM_E_STATE (read-only); save writes a
 * normal file. Non-finite keys are refused on open, as by amem_hopfield_load.
 *   path  the file
 *   out   receives the handle, set to NULL when the call fails;
 *         amem_hopfield_free unmaps the file
 * Returns AMEM_OK, AMEM_E_NULL, AMEM_E_IO (cannot open or map path),
 * AMEM_E_FORMAT (truncated, corrupted, sizes not matching the length),
 * AMEM_E_UNSUPPORTED (not a MODERN store, or no mmap on this platform),
 * AMEM_E_NOMEM.
 */
AMEM_API int amem_hopfield_load_mapped(const char *path, amem_hopfield **out);

/*
 * amem_hopfield_is_mapped: *out = 1 for a handle from
 * amem_hopfield_load_mapped (read-only), else 0. AMEM_OK or AMEM_E_NULL.
 */
AMEM_API int amem_hopfield_is_mapped(const amem_hopfield *h, int *out);

/*
 * Pruned recall: an inverted-file index (IVF-Flat) on a MODERN store.
 *
 * amem_hopfield_build_index clusters the stored keys with k-means (Lloyd's
 * algorithm on squared Euclidean distance, every distance block one sgemm)
 * into nlist coarse centroids c_l: the initial centroids are nlist distinct
 * patterns drawn from a sample of KMEANS_SAMPLE x nlist patterns (all when
 * 0 or when N is smaller) with a generator seeded by SEED (the handle's own
 * generator is not advanced), then KMEANS_STEPS Lloyd iterations on that
 * sample (a list left empty is re-seeded with a random sample pattern).
 * Every stored pattern is then listed under its nearest centroid (for
 * SIMILARITY = DOT at build time: the centroid of largest xi.c, the order
 * in which recall ranks the lists) and the lists are copied contiguously
 * (keys, values), with each list's radii
 * r_l = max |xi - c_l| (Euclidean) and max |xi - c_l|_1 (Manhattan).
 *
 * amem_hopfield_recall_pruned runs the MODERN dynamics of
 * amem_hopfield_recall (no clamp), but each step scores a query x only
 * against the patterns of the NPROBE lists whose centroids score best under
 * the current SIMILARITY (sim(x, c_l)), with the same streaming separation
 * over them. For every unsearched list it takes the best score any pattern
 * of the list can have:
 *   DOT        x.c_l + |x| r_l                        (Cauchy-Schwarz)
 *   EUCLIDEAN  -max(0, |x - c_l| - r_l)^2             (triangle inequality)
 *   MANHATTAN  -max(0, |x - c_l|_1 - r1_l)            (triangle inequality)
 *   COSINE     cos(max(0, angle(x, c_l) - asin(r_l / |c_l|))), or 1 when
 *              r_l >= |c_l| (every x' in the ball around c_l lies within
 *              that angle of c_l)
 * (each widened by a relative 1e-5 for float rounding), and from these
 * U_l, with n_l patterns per list, an upper bound on the weight the step's
 * separation gives the unscored patterns (Z = what the scored patterns sum
 * to, M their largest score, b the softmax scale):
 *   SOFTMAX    R / (Z + R), R = sum_l n_l exp(b U_l)  (the true left-out
 *              mass is Z_out / (Z + Z_out) with Z_out <= R)
 *   POLY       the same with max(U_l, 0)^n; when no scored s is > 0 the
 *              output is the arg-max one: bound 1 if some U_l >= M else 0
 *   ARGMAX     1 if some U_l >= M (the arg-max may be unscored), else 0
 *   IDENTITY   NaN: the weights are not normalised and no bound holds;
 *              use amem_hopfield_recall, the exact fallback
 * With NPROBE equal to the number of lists every pattern is scored, the
 * bound is 0 and the result is amem_hopfield_recall's up to float rounding
 * (the patterns are summed in list order). When a bound is not small
 * enough, amem_hopfield_recall gives the exact result.
 *
 * The index is dropped by every later store, store_pairs or clear (and by
 * amem_hopfield_drop_index); pruned recall then returns AMEM_E_STATE until
 * it is built again. Changing settings (SIMILARITY included) keeps it: the
 * lists serve every similarity. The index is not saved with the handle
 * (amem_hopfield_save/load): build it again after loading.
 */

/*
 * amem_hopfield_build_index: build (or rebuild) the IVF index of a MODERN
 * handle's stored keys into nlist lists (see above).
 *   nlist     number of lists, 1 <= nlist <= stored count
 *   progress  optional callback (NULL = none), called after each Lloyd
 *             iteration with stage "kmeans", done = iterations so far,
 *             total = KMEANS_STEPS and metric = the k-means objective
 *             (mean squared distance of the sample to its nearest centroid
 *             before that iteration's update), and once with stage
 *             "assign" (done = total = 1, metric = the objective over every
 *             pattern) when the lists are filled
 *   user      passed back to progress untouched (NULL = none)
 * On failure or cancellation the previous index, if any, is kept.
 * Returns AMEM_OK, AMEM_E_NULL (h), AMEM_E_UNSUPPORTED (not MODERN, or keys
 * not held as float32), AMEM_E_STATE (nothing stored), AMEM_E_DIM (nlist 0,
 * or more lists than stored patterns), AMEM_E_CANCELLED (progress returned
 * nonzero), AMEM_E_NOMEM.
 */
AMEM_API int amem_hopfield_build_index(amem_hopfield *h, size_t nlist,
                                       amem_progress_fn progress, void *user);

/* amem_hopfield_drop_index: free the index (none: no-op). AMEM_OK/E_NULL. */
AMEM_API int amem_hopfield_drop_index(amem_hopfield *h);

/*
 * amem_hopfield_index_lists: the number of lists of the current index into
 * *out, 0 when there is none (never built, dropped, or a store or clear
 * since). Returns AMEM_OK or AMEM_E_NULL.
 */
AMEM_API int amem_hopfield_index_lists(const amem_hopfield *h, size_t *out);

/*
 * amem_hopfield_recall_pruned: recall through the index (see above).
 *   queries  n x d cues (finite)
 *   n        number of queries, >= 1
 *   out      n x d (autoassociative) or n x m (heteroassociative) results,
 *            caller-allocated; may not alias queries
 *   steps    optional n ints (NULL = none), as in amem_hopfield_recall
 *   top      optional n entries (NULL = none): the stored position (0 ..
 *            N-1, order of storing) of the scored pattern with the largest
 *            score in each query's last step (ties: the first in list order)
 *   scored   optional n entries (NULL = none): patterns scored in each
 *            query's last step (the centroids not counted)
 *   bound    optional n doubles (NULL = none): the bound on the weight left
 *            out in each query's last step (0 .. 1, NaN for IDENTITY)
 * Runs as amem_get_num_threads() jobs over the queries; the result does not
 * depend on the thread count. Changes nothing stored.
 * Returns AMEM_OK, AMEM_E_NULL (h, queries, out), AMEM_E_DIM (n = 0 or too
 * large), AMEM_E_NONFINITE, AMEM_E_UNSUPPORTED (not MODERN),
 * AMEM_E_STATE (no index: never built, or a store or clear since),
 * AMEM_E_RANGE (NPROBE above the index's list count), AMEM_E_NOMEM.
 */
AMEM_API int amem_hopfield_recall_pruned(amem_hopfield *h,
                                         const float *queries, size_t n,
                                         float *out, int *steps, size_t *top,
                                         size_t *scored, double *bound);

#ifdef __cplusplus
}
#endif
#endif /* ASSOCMEM_HOPFIELD_H */

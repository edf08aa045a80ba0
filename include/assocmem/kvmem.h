/*
 * libassocmem — key-value slot memory with three-factor plasticity
 * (Tyulmankov, Fang, Vadaparty & Yang, NeurIPS 2021).
 *
 * A handle holds a key matrix K (N slots x d, row i = key of slot i) and a
 * value matrix V (row i = value of slot i, m entries; the paper's V is the
 * m x N transpose, column i = value of slot i).
 *
 * Read (Eq. 4-5), for a query x~:
 *     h = softmax(beta * K x~),   y~ = V^T h  (= sum_i h_i value_i)
 * with beta = AMEM_KVMEM_BETA (1 in the paper); y~ is replaced by sign(y~)
 * when AMEM_KVMEM_SIGN_OUTPUT = 1 (binary values).
 *
 * Write of one item (x_t, y_t) with global third factor q_t >= 0:
 *   local third factor gamma_t (N entries in {0, 1}):
 *     SEQUENTIAL  gamma_i = 1 for the least-recently-used slot only, i.e. a
 *                 pointer cycling 0, 1, ..., N-1, 0, ... (Eq. 6);
 *     RANDOM      gamma_i ~ Bernoulli(p) independently per slot (Eq. 7),
 *                 drawn from the handle's RNG.
 *   key rule (Eq. 8, 12, 15, 17), per synapse (i, j):
 *     eta_k[i]  = q_t * gamma_i * etak~ * (1 - Sk[i])
 *     K[i][j]  <- (1 - clamp(eta_k[i], 0, 1)) K[i][j]
 *                 + eta_k[i] * g_k(h_t)[i] * f_k(x_t)[j]
 *     with h_t = softmax(beta K_t x_t) (needed only when the post slope
 *     a^{g_k} is not 0), f_k(x) = a^{f_k} x + b^{f_k}, g_k(h) = a^{g_k} h +
 *     b^{g_k}. Defaults (f_k = x, g_k = 1, etak~ = 1) give the paper's
 *     pre-only rule with rapid decay, K_{t+1} = (1-eta) K_t + eta 1 x_t^T
 *     (Eq. 9). The clamp makes the decay factor stay in [0, 1] when
 *     eta > 1 (flashbulb items: the row becomes eta * x_t with the default
 *     LINEAR write, x_t with WRITE_MODE = SATURATING, which also clamps
 *     the eta_k[i] and eta_v[i] that multiply the new terms below).
 *   intermediate hidden state (Eq. 10): h'_t = softmax(beta K_{t+1} x_t).
 *   value rule, AMEM_KVMEM_VALUE_DECAY selects:
 *     RAPID    (Eq. 11 with the rates of Eq. 12; the simplified rule):
 *              eta_v[i] = q_t * gamma_i * etav~ * (1 - Sv[i])
 *              V[i][k] <- (1 - clamp(eta_v[i], 0, 1)) V[i][k]
 *                         + eta_v[i] * g_v(y_t)[k] * f_v(h'_t)[i]
 *     PASSIVE  (Eq. 13, 16; no local factor on the hidden-to-output axons):
 *              lambda_t = (1 - q_t) + q_t * lambda~
 *              V[i][k] <- lambda_t V[i][k] + q_t etav~ g_v(y_t)[k] f_v(h'_t)[i]
 *              (frozen synapses, Sv[i] = 1, neither decay nor change)
 *     with f_v(h') = a^{f_v} h' + b^{f_v}, g_v(y) = a^{g_v} y + b^{g_v};
 *     defaults f_v = h', g_v = y (Hebbian).
 *   meta-plasticity (Eq. 17, AMEM_KVMEM_META_PLASTICITY = 1): a synapse
 *     whose rate exceeds AMEM_KVMEM_STABILITY_THRESHOLD (strictly) is
 *     updated by that event and frozen for good afterwards (no update, no
 *     decay). With scalar rates every synapse of a slot shares its rate, so
 *     the per-synapse stability S of Eq. 17 is exactly one flag per slot for
 *     K and one per slot for V; that is how it is stored and reported.
 *
 * Cost of one write. Only the gated rows of K change, so the key write is
 * O(d) per written slot (the pointer slot for SEQUENTIAL; Bernoulli draws
 * use geometric skips, O(pN + 1) draws). h_t costs one O(N d) pass and is
 * computed only when a^{g_k} != 0. In RAPID mode the value write changes the
 * gated columns only, O(m) each, but needs h'_t[i] = exp(s_i) / sum_j
 * exp(s_j): its normaliser is one read-only O(N d) pass over K (one sgemv
 * into a scratch vector held by the handle, then a max-shifted sum) — the
 * one O(N d) term the paper's rule requires; it is skipped when no gated
 * slot is plastic or a^{f_v} = 0. PASSIVE mode updates every value
 * synapse, O(N (d + m)).
 *
 * Meta-learning (Section 3.2): the rule parameters AMEM_KVMEM_ETA_K ...
 * AMEM_KVMEM_VALUE_POST_OFFSET (and p for RANDOM, with
 * AMEM_KVMEM_TRAIN_P = 1) are trained by backpropagation through whole
 * write-then-read episodes with Adam: each episode stores T random +-1 keys
 * (T uniform in [TRAIN_MIN_LEN, TRAIN_MAX_LEN], default N/2 .. 2N) with
 * q = 1, values = keys when d = m and independent +-1 vectors otherwise,
 * starting from an empty memory, then reads every stored key once with a
 * fraction TRAIN_ZERO_FRACTION (default 0.6) of its entries set to 0.
 * Loss = sum over value entries of (y~ - y)^2, averaged over the queries;
 * accuracy = fraction of entries with sign(y~) = y. The gradient is a fused
 * hand-derived backward pass (finite-difference checked in the tests);
 * meta-plasticity flags are constants in it, and p's gradient uses the
 * straight-through estimate d gamma_i / d p = 1.
 *
 * Conventions (see common.h): every function returns AMEM_OK or a negative
 * AMEM_E_* status with a detail in amem_last_error(); a failed call leaves
 * the handle unchanged. Arrays are row-major float32; the library copies
 * what it keeps and writes results into caller buffers. A handle is used by
 * one thread at a time; different handles may be used concurrently.
 */
#ifndef ASSOCMEM_KVMEM_H
#define ASSOCMEM_KVMEM_H

#include "assocmem/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Opaque handle. */
typedef struct amem_kvmem amem_kvmem;

/*
 * Settings, read and written as double through amem_kvmem_set/get. Values
 * are pinned (ABI and file format). Integer and flag settings must be whole
 * numbers.
 *
 *   param              default  range              meaning
 *   LOCAL_FACTOR       SEQUENTIAL  AMEM_KVMEM_LOCAL_*  gamma_t (Eq. 6 / 7)
 *   P                  0.1      [0, 1]             Bernoulli p (RANDOM)
 *   VALUE_DECAY        RAPID    AMEM_KVMEM_DECAY_*  value rule (see above)
 *   ETA_K              1        [-1e6, 1e6]        etak~ (Eq. 12)
 *   ETA_V              1        [-1e6, 1e6]        etav~ (Eq. 12)
 *   LAMBDA             0.95     [0, 1]             lambda~ (Eq. 13, PASSIVE)
 *   KEY_PRE_SLOPE      1        [-1e6, 1e6]        a^{f_k} (Eq. 14)
 *   KEY_PRE_OFFSET     0        [-1e6, 1e6]        b^{f_k}
 *   KEY_POST_SLOPE     0        [-1e6, 1e6]        a^{g_k}
 *   KEY_POST_OFFSET    1        [-1e6, 1e6]        b^{g_k}
 *   VALUE_PRE_SLOPE    1        [-1e6, 1e6]        a^{f_v} (acts on h')
 *   VALUE_PRE_OFFSET   0        [-1e6, 1e6]        b^{f_v}
 *   VALUE_POST_SLOPE   1        [-1e6, 1e6]        a^{g_v} (acts on y)
 *   VALUE_POST_OFFSET  0        [-1e6, 1e6]        b^{g_v}
 *   BETA               1        [1e-6, 1e6]        softmax inverse temp.
 *   META_PLASTICITY    0        0/1                Eq. 17 stability
 *   STABILITY_THRESHOLD 1       [0, 1e12]          freeze when rate > this
 *   SIGN_OUTPUT        0        0/1                read returns sign(y~)
 *   ADVANCE            EVERY_WRITE AMEM_KVMEM_ADVANCE_*  SEQUENTIAL pointer
 *   SEED               0        [0, 2^53] integer  reseeds the RNG
 *   LEARNING_RATE      1e-3     [1e-8, 10]         Adam step size
 *   BATCH_SIZE         1        [1, 1e6] integer   episodes per step
 *   TRAIN_MIN_LEN      0        [0, 1e9] integer   shortest T (0 = N/2)
 *   TRAIN_MAX_LEN      0        [0, 1e9] integer   longest T (0 = 2N)
 *   TRAIN_ZERO_FRACTION 0.6     [0, 1]             query entries zeroed
 *   TRAIN_P            0        0/1                also train p (RANDOM)
 *   TRAIN_MASK         2047     [0, 2047] integer  bit k set: train rule
 *                      parameter AMEM_KVMEM_ETA_K + k (11 bits)
 *   ADAM_BETA1         0.9      [0, 0.9999999]     Adam beta1
 *   ADAM_BETA2         0.999    [0, 0.9999999]     Adam beta2
 *   ADAM_EPS           1e-8     [1e-30, 1]         Adam epsilon
 *   WRITE_MODE         LINEAR   AMEM_KVMEM_WRITE_*  write at rates above 1
 *
 * Changing a setting never changes what is stored; rule settings apply to
 * later writes. Setting META_PLASTICITY to 0 keeps the stability flags
 * (they take effect again when it is set back to 1); amem_kvmem_clear
 * resets them. The rule parameters are what meta-learning trains; a
 * trained rule is read back with amem_kvmem_get and saved with the handle.
 */
enum amem_kvmem_param {
    AMEM_KVMEM_LOCAL_FACTOR = 0,
    AMEM_KVMEM_P = 1,
    AMEM_KVMEM_VALUE_DECAY = 2,
    AMEM_KVMEM_ETA_K = 3,
    AMEM_KVMEM_ETA_V = 4,
    AMEM_KVMEM_LAMBDA = 5,
    AMEM_KVMEM_KEY_PRE_SLOPE = 6,
    AMEM_KVMEM_KEY_PRE_OFFSET = 7,
    AMEM_KVMEM_KEY_POST_SLOPE = 8,
    AMEM_KVMEM_KEY_POST_OFFSET = 9,
    AMEM_KVMEM_VALUE_PRE_SLOPE = 10,
    AMEM_KVMEM_VALUE_PRE_OFFSET = 11,
    AMEM_KVMEM_VALUE_POST_SLOPE = 12,
    AMEM_KVMEM_VALUE_POST_OFFSET = 13,
    AMEM_KVMEM_BETA = 14,
    AMEM_KVMEM_META_PLASTICITY = 15,
    AMEM_KVMEM_STABILITY_THRESHOLD = 16,
    AMEM_KVMEM_SIGN_OUTPUT = 17,
    AMEM_KVMEM_ADVANCE = 18,
    AMEM_KVMEM_SEED = 19,
    AMEM_KVMEM_LEARNING_RATE = 20,
    AMEM_KVMEM_BATCH_SIZE = 21,
    AMEM_KVMEM_TRAIN_MIN_LEN = 22,
    AMEM_KVMEM_TRAIN_MAX_LEN = 23,
    AMEM_KVMEM_TRAIN_ZERO_FRACTION = 24,
    AMEM_KVMEM_TRAIN_P = 25,
    AMEM_KVMEM_TRAIN_MASK = 26,
    AMEM_KVMEM_ADAM_BETA1 = 27,
    AMEM_KVMEM_ADAM_BETA2 = 28,
    AMEM_KVMEM_ADAM_EPS = 29,
    AMEM_KVMEM_WRITE_MODE = 30
};

/* The trainable rule parameters are the settings RULE_FIRST .. +RULE_COUNT-1
 * (ETA_K, ETA_V, LAMBDA, then the eight slopes and offsets in enum order). */
#define AMEM_KVMEM_RULE_FIRST 3
#define AMEM_KVMEM_RULE_COUNT 11

/* Values of AMEM_KVMEM_LOCAL_FACTOR. */
enum amem_kvmem_local {
    AMEM_KVMEM_LOCAL_SEQUENTIAL = 0, /* least-recently-used slot (Eq. 6) */
    AMEM_KVMEM_LOCAL_RANDOM = 1      /* Bernoulli(p) per slot (Eq. 7) */
};

/* Values of AMEM_KVMEM_VALUE_DECAY. */
enum amem_kvmem_decay {
    AMEM_KVMEM_DECAY_RAPID = 0,  /* gated by gamma, Eq. 11 */
    AMEM_KVMEM_DECAY_PASSIVE = 1 /* lambda~ per stored item, Eq. 13/16 */
};

/*
 * Values of AMEM_KVMEM_WRITE_MODE: how a write scales with its rate e (the
 * eta_k[i] or eta_v[i] above; q * etav~ for PASSIVE values).
 *   LINEAR      the new term is e * g * f, so a rate e > 1 writes the
 *               row as e times the rule's target (the decay factor is
 *               clamped, the write is not);
 *   SATURATING  the new term is clamp(e, 0, 1) * g * f: a rate >= 1
 *               overwrites the synapse with the rule's target at unit
 *               strength (the paper's flashbulb write, Section 3.3, and the
 *               reference code's write when stability is on). With
 *               META_PLASTICITY = 1 and a rate above STABILITY_THRESHOLD the
 *               synapse is then frozen.
 * The two agree whenever every rate is in [0, 1]. Episodes, tapes and
 * meta-learning follow the setting, with d clamp / d e = 0 outside (0, 1).
 */
enum amem_kvmem_write {
    AMEM_KVMEM_WRITE_LINEAR = 0,
    AMEM_KVMEM_WRITE_SATURATING = 1
};

/* Values of AMEM_KVMEM_ADVANCE: when the SEQUENTIAL pointer moves on. */
enum amem_kvmem_advance {
    AMEM_KVMEM_ADVANCE_EVERY_WRITE = 0, /* every write call is a time step
                                           (Eq. 6), also with q = 0 */
    AMEM_KVMEM_ADVANCE_WHEN_STORED = 1  /* only writes with q > 0 */
};

/*
 * Columns of the record of one meta-learning step
 * (amem_kvmem_get_last_step; a history is one record per step): the step
 * count after it (amem_kvmem_step_count), mean episode loss and accuracy
 * of the step's batch (before its update), then the rule parameters after
 * the update in setting order (ETA_K ... VALUE_POST_OFFSET), then p.
 */
#define AMEM_KVMEM_HISTORY_COLS 15

/*
 * amem_kvmem_create: a new memory with all weights and flags zero.
 *   key_dim    d >= 1
 *   slots      N >= 1 hidden units (memory slots)
 *   value_dim  m >= 1 (m = d for autoassociative use)
 *   out        receives the handle (free with amem_kvmem_free); NULL on
 *              failure
 * Returns AMEM_OK, AMEM_E_NULL, AMEM_E_DIM (a zero or too large size),
 * AMEM_E_NOMEM.
 */
AMEM_API int amem_kvmem_create(size_t key_dim, size_t slots, size_t value_dim,
                               amem_kvmem **out);

/* amem_kvmem_free: release a handle and all it owns. Accepts NULL. */
AMEM_API void amem_kvmem_free(amem_kvmem *h);

/* The creation sizes d, N and m into *out. AMEM_OK or AMEM_E_NULL. */
AMEM_API int amem_kvmem_key_dim(const amem_kvmem *h, size_t *out);
AMEM_API int amem_kvmem_slots(const amem_kvmem *h, size_t *out);
AMEM_API int amem_kvmem_value_dim(const amem_kvmem *h, size_t *out);

/*
 * amem_kvmem_set: change a setting (enum amem_kvmem_param).
 * Returns AMEM_OK, AMEM_E_NULL, AMEM_E_ARG (unknown param),
 * AMEM_E_NONFINITE, AMEM_E_RANGE (out of bounds or not a whole number).
 */
AMEM_API int amem_kvmem_set(amem_kvmem *h, int param, double value);

/* amem_kvmem_get: read a setting into *value. AMEM_OK/E_NULL/E_ARG. */
AMEM_API int amem_kvmem_get(const amem_kvmem *h, int param, double *value);

/*
 * amem_kvmem_param_bounds: inclusive range [*min, *max] of a setting and
 * whether it is a whole number (*integer = 1); any pointer may be NULL.
 * Returns AMEM_OK or AMEM_E_ARG.
 */
AMEM_API int amem_kvmem_param_bounds(int param, double *min, double *max,
                                     int *integer);

/*
 * amem_kvmem_write: store one item (one time step t).
 *   key    d floats (finite)
 *   value  m floats (finite), or NULL to store the key as its own value
 *          (autoassociative; requires m = d)
 *   q      global third factor, finite and >= 0 (0 = do not store; the
 *          SEQUENTIAL pointer still advances under ADVANCE_EVERY_WRITE)
 * Returns AMEM_OK, AMEM_E_NULL (h or key), AMEM_E_DIM (value NULL with
 * m != d), AMEM_E_NONFINITE, AMEM_E_RANGE (q < 0).
 */
AMEM_API int amem_kvmem_write(amem_kvmem *h, const float *key,
                              const float *value, double q);

/*
 * amem_kvmem_write_many: n writes in order, keys n x d, values n x m or NULL
 * (autoassociative), q n floats or NULL (all 1). Everything is validated
 * before the first write, so a failure writes nothing.
 * Returns as amem_kvmem_write, plus AMEM_E_DIM for n = 0.
 */
AMEM_API int amem_kvmem_write_many(amem_kvmem *h, const float *keys,
                                   const float *values, const float *q,
                                   size_t n);

/*
 * amem_kvmem_read: n queries at once (Eq. 4-5, batched through sgemm).
 *   queries  n x d (finite)
 *   out      n x m outputs (sign(y~) when SIGN_OUTPUT = 1), caller-allocated
 *   hidden   optional n x N (NULL = none): h = softmax(beta K x~) per query
 * Reading changes nothing. An empty memory reads h uniform and y~ = 0.
 * Returns AMEM_OK, AMEM_E_NULL, AMEM_E_DIM (n = 0), AMEM_E_NONFINITE,
 * AMEM_E_NOMEM.
 */
AMEM_API int amem_kvmem_read(amem_kvmem *h, const float *queries, size_t n,
                             float *out, float *hidden);

/*
 * amem_kvmem_clear: zero K, V and the stability flags, reset the pointer to
 * slot 0 and the write count. Settings, RNG and training state are kept.
 */
AMEM_API int amem_kvmem_clear(amem_kvmem *h);

/* amem_kvmem_count: write calls with q > 0 since creation / last clear. */
AMEM_API int amem_kvmem_count(const amem_kvmem *h, size_t *out);

/* amem_kvmem_next_slot: the slot the next SEQUENTIAL write will use. */
AMEM_API int amem_kvmem_next_slot(const amem_kvmem *h, size_t *out);

/*
 * amem_kvmem_get_last_gamma: the local third factor gamma of the last write
 * (N floats, each 0 or 1; all 0 before the first write or after a clear).
 */
AMEM_API int amem_kvmem_get_last_gamma(const amem_kvmem *h, float *gamma);

/*
 * amem_kvmem_get_keys / amem_kvmem_get_values: copies of K (N x d) and of the slot
 * values (N x m, row i = value of slot i = column i of the paper's V).
 */
AMEM_API int amem_kvmem_get_keys(const amem_kvmem *h, float *keys);
AMEM_API int amem_kvmem_get_values(const amem_kvmem *h, float *values);

/*
 * amem_kvmem_stability: the meta-plasticity flags (N ints each, 1 = frozen)
 * of the key rows and the value slots. Either pointer may be NULL (not
 * both).
 */
AMEM_API int amem_kvmem_stability(const amem_kvmem *h, int *key_frozen,
                                  int *value_frozen);

/*
 * amem_kvmem_episode: one write-then-read episode from an empty memory with
 * the handle's current rule, for evaluation and for gradients. The handle's
 * stored memory is not used or changed; RANDOM draws advance its RNG.
 *   keys      T x d stored keys; values T x m or NULL (= keys, needs m = d)
 *   q         T global factors (>= 0) or NULL (all 1)
 *   queries   R x d; targets R x m (the values expected back)
 *   outputs   optional R x m raw outputs y~ (never signed)
 *   loss      optional: (1/R) sum_r |y~_r - target_r|^2
 *   accuracy  optional: fraction of entries with sign(y~) = target
 *   grad      optional AMEM_KVMEM_RULE_COUNT + 1 doubles: d loss / d rule
 *             parameter in setting order, then d loss / d p (straight-
 *             through; 0 for SEQUENTIAL)
 * Returns AMEM_OK, AMEM_E_NULL, AMEM_E_DIM (T or R = 0; values NULL with
 * m != d), AMEM_E_NONFINITE, AMEM_E_RANGE (q < 0), AMEM_E_NOMEM.
 */
AMEM_API int amem_kvmem_episode(amem_kvmem *h, const float *keys,
                                const float *values, const float *q,
                                size_t T, const float *queries,
                                const float *targets, size_t R,
                                float *outputs, double *loss,
                                double *accuracy, double *grad);

#ifdef AMEM_EXPERIMENTAL_API
/* Experimental (docs/api.md, C17): may change in any release. Define
 * AMEM_EXPERIMENTAL_API before including this header to use the tape. */
/*
 * Episode tape: gradients through the memory for a network that drives it.
 *
 * A controller that generates the keys, values, global factors q and read
 * queries (the copy-paste task of Fig. 5c) needs the gradient of its loss
 * through the memory's writes and reads. A tape records one episode,
 * starting from an empty memory with a handle's current rule, as a
 * sequence of writes and reads in any interleaving; the caller computes
 * dL/d(read outputs) from the recorded outputs and walks the episode back,
 * receiving dL/dkey, dL/dvalue and dL/dq of every write and dL/dquery of
 * every read, and optionally the gradient of the rule parameters (as
 * amem_kvmem_episode's grad). The writes and reads are exactly those of
 * amem_kvmem_episode (the general rule of Eq. 12-17 applied densely); read
 * outputs are the raw y~ (never signed).
 *
 * Recurrent controllers, whose later inputs depend on earlier read outputs,
 * walk back one operation at a time, last first:
 *   amem_kvmem_tape_back_read  (the last remaining operation is a read)
 *   amem_kvmem_tape_back_write (the last remaining operation is a write)
 * so that the gradient of a read output can include what flowed back from
 * later steps of the controller before it is passed in. A feed-forward
 * caller can walk the whole episode back in one call,
 * amem_kvmem_tape_backward.
 *
 * Gradient conventions: stability flags (meta-plasticity) are constants;
 * the local factor gamma is a constant draw (p's gradient in the rule
 * gradient is the straight-through estimate, as for amem_kvmem_episode);
 * at a rate of exactly 0 (q = 0) dL/dq is the right derivative; where a
 * rate crosses the clamp at 1 the derivative is the one of the side taken.
 *
 * Lifecycle: create (sizes from a handle, capacities fixed), then for each
 * episode: begin, writes and reads, then backward steps. Recording after
 * the first backward step is an AMEM_E_STATE error until the next begin.
 * A tape is used by one thread at a time, and holds no pointer to the
 * handle it was begun from.
 */
typedef struct amem_kvmem_tape amem_kvmem_tape;

/*
 * amem_kvmem_tape_create: a tape for episodes of h's sizes (d, N, m) with
 * room for max_writes writes and max_reads read queries in all.
 * Memory: about (max_writes + 1) N (d + m) + max_reads (N + d + m) floats.
 * Returns AMEM_OK, AMEM_E_NULL, AMEM_E_DIM (a capacity of 0 or too
 * large), AMEM_E_NOMEM. *out is NULL on failure.
 */
AMEM_API int amem_kvmem_tape_create(const amem_kvmem *h, size_t max_writes,
                                    size_t max_reads, amem_kvmem_tape **out);

/* amem_kvmem_tape_free: release a tape and all it owns. Accepts NULL. */
AMEM_API void amem_kvmem_tape_free(amem_kvmem_tape *tape);

/*
 * amem_kvmem_tape_begin: start a new episode from an empty memory (pointer
 * at slot 0, no stability flags), forgetting the previous one. Copies h's
 * current rule and settings (LOCAL_FACTOR, P, rule parameters, BETA,
 * META_PLASTICITY, STABILITY_THRESHOLD, ADVANCE); RANDOM local factors are
 * drawn from a generator seeded by one draw from h's RNG (so the episode
 * is reproducible from h's SEED). h's memory is not used or changed.
 * Returns AMEM_OK, AMEM_E_NULL, AMEM_E_DIM (h's sizes differ from the
 * tape's).
 */
AMEM_API int amem_kvmem_tape_begin(amem_kvmem_tape *tape, amem_kvmem *h);

/*
 * amem_kvmem_tape_write: record one write (one time step, as
 * amem_kvmem_write): key d floats, value m floats or NULL (= key, needs
 * m = d), q finite and >= 0. The tape copies them.
 * Returns AMEM_OK, AMEM_E_NULL, AMEM_E_STATE (not begun, or walking back),
 * AMEM_E_RANGE (q < 0, or max_writes reached), AMEM_E_DIM (value NULL with
 * m != d), AMEM_E_NONFINITE.
 */
AMEM_API int amem_kvmem_tape_write(amem_kvmem_tape *tape, const float *key,
                                   const float *value, double q);

/*
 * amem_kvmem_tape_read: record n reads against the memory as it is now
 * (after the writes so far): queries n x d; out n x m receives y~ (raw);
 * hidden optional n x N receives h = softmax(beta K x~).
 * Returns AMEM_OK, AMEM_E_NULL, AMEM_E_STATE, AMEM_E_DIM (n = 0),
 * AMEM_E_RANGE (max_reads would be exceeded), AMEM_E_NONFINITE.
 */
AMEM_API int amem_kvmem_tape_read(amem_kvmem_tape *tape,
                                  const float *queries, size_t n, float *out,
                                  float *hidden);

/*
 * amem_kvmem_tape_count: the writes and read queries recorded in the
 * current episode and, in *remaining, the operations (writes plus read
 * calls) not yet walked back; all 0 before the first begin. Any output
 * pointer may be NULL. Returns AMEM_OK or AMEM_E_NULL (tape).
 */
AMEM_API int amem_kvmem_tape_count(const amem_kvmem_tape *tape,
                                   size_t *writes, size_t *reads,
                                   size_t *remaining);

/*
 * amem_kvmem_tape_back_read: walk back the last remaining operation, which
 * must be a read call of n queries: d_out n x m = dL/d(its outputs);
 * d_queries (n x d, overwritten) receives dL/d(its queries), or NULL.
 * Returns AMEM_OK, AMEM_E_NULL, AMEM_E_STATE (nothing recorded, or the
 * last remaining operation is a write, or everything walked back),
 * AMEM_E_NONFINITE (d_out).
 */
AMEM_API int amem_kvmem_tape_back_read(amem_kvmem_tape *tape,
                                       const float *d_out, float *d_queries);

/*
 * amem_kvmem_tape_back_write: walk back the last remaining operation, which
 * must be a write. Overwrites d_key (d floats) with dL/dkey, d_value
 * (m floats) with dL/dvalue and *d_q with dL/dq, counting every read
 * walked back so far; any of them may be NULL. For an autoassociative
 * write (value NULL) the key's total gradient is d_key + d_value. When
 * rule_grad is not NULL, this write's share of dL/d(rule parameters) is
 * ADDED to its AMEM_KVMEM_RULE_COUNT + 1 doubles (setting order, then p;
 * p's share is 0 for SEQUENTIAL): summed over every write of the episode
 * it is the full rule gradient.
 * Returns AMEM_OK, AMEM_E_NULL, AMEM_E_STATE (the last remaining operation
 * is a read, or everything walked back).
 */
AMEM_API int amem_kvmem_tape_back_write(amem_kvmem_tape *tape, float *d_key,
                                        float *d_value, double *d_q,
                                        double *rule_grad);

/*
 * amem_kvmem_tape_backward: walk the whole recorded episode back at once
 * (no operation may have been walked back yet). d_out: R x m, dL/d(every
 * read output) in recording order (R = read queries recorded). Outputs,
 * each optional (NULL) and overwritten: d_keys T x d, d_values T x m,
 * d_q T, d_queries R x d; rule_grad (RULE_COUNT + 1 doubles) is
 * overwritten with the full rule gradient.
 * Returns AMEM_OK, AMEM_E_NULL, AMEM_E_STATE (nothing recorded, or
 * already walking back), AMEM_E_NONFINITE (d_out).
 */
AMEM_API int amem_kvmem_tape_backward(amem_kvmem_tape *tape,
                                      const float *d_out, float *d_keys,
                                      float *d_values, float *d_q,
                                      float *d_queries, double *rule_grad);
#endif /* AMEM_EXPERIMENTAL_API */

/*
 * amem_kvmem_train: `steps` Adam steps on the task distribution above
 * (TRAIN_* settings; BATCH_SIZE episodes per step), updating the rule
 * parameters whose TRAIN_MASK bit is set (and p when TRAIN_P = 1 and
 * LOCAL_FACTOR = RANDOM). LAMBDA is kept in [0, 1] and p in [1/N, 1] after
 * each step. Adam state persists across calls and in saved files
 * (amem_kvmem_reset clears it). The stored memory is untouched.
 *   steps     1 .. AMEM_MAX_STEPS_PER_CALL
 *   progress  optional (NULL = none): called after each step with stage
 *             "train", done = steps finished in this call, total = steps
 *             and the step's mean episode loss; it may read the step's
 *             record with amem_kvmem_get_last_step; a nonzero return stops
 *             with AMEM_E_CANCELLED, keeping the steps already taken
 *   user      passed to progress untouched
 *   loss      optional (NULL = none): the mean loss of the last finished
 *             step (NaN if none)
 * Returns AMEM_OK, AMEM_E_NULL, AMEM_E_RANGE (steps outside
 * [1, AMEM_MAX_STEPS_PER_CALL], TRAIN_MIN_LEN > TRAIN_MAX_LEN after
 * defaults), AMEM_E_CANCELLED, AMEM_E_NONFINITE (a loss or gradient
 * overflowed; that step is not applied, the steps before it are kept),
 * AMEM_E_NOMEM, AMEM_E_IO (data-parallel reduction failed).
 */
AMEM_API int amem_kvmem_train(amem_kvmem *h, size_t steps,
                              amem_progress_fn progress, void *user,
                              double *loss);

/*
 * amem_kvmem_get_last_step: the record of the last finished training step
 * (AMEM_KVMEM_HISTORY_COLS floats into out; a history is one per step).
 * Returns AMEM_OK, AMEM_E_NULL, AMEM_E_STATE (no step since creation, load
 * or reset; the record is not saved).
 */
AMEM_API int amem_kvmem_get_last_step(const amem_kvmem *h, float *out);

/* amem_kvmem_step_count: Adam steps since creation or the last reset,
 * saved with the handle. AMEM_OK/E_NULL. */
AMEM_API int amem_kvmem_step_count(const amem_kvmem *h, size_t *out);

#ifdef AMEM_EXPERIMENTAL_API
/*
 * amem_kvmem_set_data_parallel: train as worker dp->rank of dp->size
 * (common.h): every worker draws every episode of a step (and its random
 * gates) from the same RNG state and computes the episodes of its slice;
 * the record's accuracy is then this worker's share of the batch mean.
 * dp is copied; NULL = local training. Returns AMEM_OK, AMEM_E_NULL (h
 * NULL, or reduce NULL with size > 1), AMEM_E_RANGE (rank or size).
 */
AMEM_API int amem_kvmem_set_data_parallel(amem_kvmem *h,
                                          const amem_data_parallel *dp);
#endif

/* amem_kvmem_reset: forget the Adam moments, step count and last step
 * record. */
AMEM_API int amem_kvmem_reset(amem_kvmem *h);

/*
 * amem_kvmem_save: settings (the learned rule included), RNG state, K, V,
 * stability flags, pointer, count and Adam state to path (atomic). All
 * round-trips bit for bit. Returns AMEM_OK, AMEM_E_NULL, AMEM_E_IO,
 * AMEM_E_NOMEM.
 */
AMEM_API int amem_kvmem_save(const amem_kvmem *h, const char *path);

/* amem_kvmem_save_mem: the same image in a new buffer freed by amem_free. */
AMEM_API int amem_kvmem_save_mem(const amem_kvmem *h, void **data,
                                 size_t *len);

/*
 * amem_kvmem_load / _load_mem: a new handle from a file or an image. Sizes
 * are checked against the file length before allocating; *out is NULL on
 * failure. Returns AMEM_OK, AMEM_E_NULL, AMEM_E_IO, AMEM_E_FORMAT
 * (truncated, corrupted, wrong kind, invalid sizes or settings),
 * AMEM_E_NOMEM.
 */
AMEM_API int amem_kvmem_load(const char *path, amem_kvmem **out);
AMEM_API int amem_kvmem_load_mem(const void *data, size_t len,
                                 amem_kvmem **out);

#ifdef __cplusplus
}
#endif
#endif /* ASSOCMEM_KVMEM_H */

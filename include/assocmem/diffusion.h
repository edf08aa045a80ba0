/*
 * libassocmem — diffusion denoisers as associative memories
 * (Ambrogioni 2024, "In search of dispersed memories").
 *
 * One opaque handle, amem_diffusion, holds a set of stored patterns y_mu
 * (N x d), a forward noising process, and optionally a learned score network
 * trained on the stored patterns. Recall runs the reverse-time dynamics from
 * a corrupted query down to the noise-free end.
 *
 * Time runs in the usual diffusion direction: t = 0 is noise-free, larger t
 * is noisier (the paper writes the same process in reversed time).
 *
 * Forward process (an Ornstein–Uhlenbeck SDE; the paper's Eq. A1 / Eq. 26):
 *     dx = -a x dt + b dW,
 *   PROCESS = AMEM_DIFFUSION_PROCESS_VP (default): a = gamma / 2, b^2 = gamma
 *     (variance-preserving with the constant schedule beta(t) = gamma,
 *     gamma = AMEM_DIFFUSION_GAMMA, 0.8 in the paper's exact-score runs);
 *   PROCESS = AMEM_DIFFUSION_PROCESS_OU: a = alpha, b = sigma, the paper's
 *     discretisation x(t - dt) = (1 - alpha dt) x + sigma sqrt(dt) delta
 *     (alpha = 0.5, sigma = 1 for the learned models; that pair is the VP
 *     process with gamma = 1);
 *   PROCESS = AMEM_DIFFUSION_PROCESS_VE: a = 0, b = sigma, the
 *     variance-exploding process of the paper's main text (Eq. 6,
 *     x(t - dt) = x(t) + sigma sqrt(dt) delta): theta_t = 1, s_t^2 =
 *     sigma^2 t, the a -> 0 limit of the formulas below. A query is read as
 *     a variance-preserving cue theta y + sqrt(1 - theta^2) eps (as made by
 *     amem_corrupt_mix) and mapped to the same signal-to-noise ratio:
 *     recall starts from x = query / START_THETA at
 *     t_start = (1 - theta^2) / (theta^2 sigma^2). The exact score only:
 *     the learned network takes theta_t as its time input, which is 1
 *     throughout a VE process (SCORE = LEARNED is AMEM_E_UNSUPPORTED).
 * Marginal given a stored pattern y:  x_t = theta_t y + s_t eps, with
 *     theta_t = exp(-a t),   s_t^2 = b^2 (1 - theta_t^2) / (2 a)
 * (for VP: theta_t = exp(-gamma t / 2), s_t^2 = 1 - theta_t^2). A query
 * corrupted to level theta starts at t_start = -log(theta) / a
 * (= -2 log(theta) / gamma for VP), see amem_diffusion_t_start.
 *
 * Exact score of the finite pattern set, from the marginal
 *     p_t(x) = (1/N) sum_mu N(x; theta_t y_mu, s_t^2 I):
 *     grad log p_t(x) = (theta_t Y^T h_t(x) - x) / s_t^2,
 *     h_t(x) = softmax_mu( theta_t x.y_mu / s_t^2
 *                          - theta_t^2 |y_mu|^2 / (2 s_t^2) ).
 * (The paper's printed Eq. A3-A4 drop the theta_t scaling of the patterns
 * and flip the sign.) For +-1 patterns the norm term is the same for every
 * pattern and cancels: h_t is the modern Hopfield softmax with
 * beta_t = theta_t / s_t^2, and -s_t^2 log p_t is, up to constants, the
 * modern Hopfield energy (the paper's Eq. 11-14). Softmax and log-sum-exp
 * subtract the maximum; the weights are computed in batches through sgemm.
 *
 * Learned score (the paper's Section 7 / Appendix A): an MLP eps(x, theta)
 * predicting the added noise, with HIDDEN_LAYERS fully connected ReLU hidden
 * layers of HIDDEN units (defaults 2 and 80 d: "three layer perceptrons ...
 * ReLU in both hidden layers", i.e. three weight layers), d inputs and d
 * linear outputs; the time feature theta_t is concatenated to the input of
 * every layer (so each weight matrix acts on n + 1 features). Weights are
 * initialised uniform in +-1/sqrt(fan_in) (weights and biases) from the
 * handle's RNG. Training minimises the denoising loss (Eq. 9 / 27)
 *     L = mean over patterns and entries of (delta - eps(theta y + s delta,
 *         theta))^2,   theta ~ U(TRAIN_THETA_MIN, TRAIN_THETA_MAX),
 *         delta ~ N(0, I), s = s_t at that theta,
 * with Adam (beta1 0.9, beta2 0.999, eps 1e-8, rate LEARNING_RATE), one full
 * batch of all stored patterns per iteration (fresh theta and delta per
 * pattern). The score is grad log p_t(x) ~= -eps(x, theta_t) / s_t.
 *
 * Samplers (recall). A grid of STEPS + 1 times t_k, linear from
 * t_0 = t_start (from START_THETA) down to t_STEPS = T_END; step k goes from
 * t_k to t_{k+1} with dt = t_k - t_{k+1} and the score evaluated at t_k:
 *   ODE (probability flow, the paper's Eq. A2 / 28), Euler:
 *       x <- x + (a x + (b^2 / 2) score(x, t_k)) dt
 *   SDE (reverse-time Euler–Maruyama, Eq. 29):
 *       x <- x + (a x + b^2 score(x, t_k)) dt + b sqrt(dt) z,  z ~ N(0, I)
 *       drawn from the handle's RNG.
 * Completion with clamped entries (mask entry 1 = known value c_i, taken
 * from the query): at every grid time t_k, including t_0, a clamped entry
 * is replaced by the forward-process value of its known value,
 *   ODE: theta_{t_k} c_i   (the conditional mean),
 *   SDE: theta_{t_k} c_i + s_{t_k} z   (a fresh forward sample;
 *        the "replacement" method),
 * so the free entries are driven by a state consistent with the known ones.
 * The returned state has clamped entries equal to c_i exactly.
 * Without a mask, a zero-masked query is simply denoised as it is (the
 * paper's completion task).
 *
 * Conventions (see common.h): every function returns AMEM_OK or a negative
 * AMEM_E_* status with a detail in amem_last_error(); a failed call leaves
 * the handle unchanged (including its RNG state and trained network),
 * except that training keeps the steps it finished.
 * Arrays are row-major float32; the library copies what it keeps and writes
 * results into caller buffers. A handle is used by one thread at a time.
 */
#ifndef ASSOCMEM_DIFFUSION_H
#define ASSOCMEM_DIFFUSION_H

#include "assocmem/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Opaque handle. */
typedef struct amem_diffusion amem_diffusion;

/*
 * Settings, read and written as double through amem_diffusion_set/get.
 * Values are pinned. Integer and choice settings must be whole numbers.
 *
 *   param            meaning                        default  range
 *   PROCESS          AMEM_DIFFUSION_PROCESS_*        VP
 *   GAMMA            VP rate gamma                   0.8      [1e-6, 1e3]
 *   ALPHA            OU drift alpha                  0.5      [1e-6, 1e3]
 *   SIGMA            OU noise sigma                  1        [1e-6, 1e3]
 *   SCORE            AMEM_DIFFUSION_SCORE_*          EXACT
 *                    (score used by recall and amem_diffusion_score)
 *   SAMPLER          AMEM_DIFFUSION_SAMPLER_*        ODE
 *   STEPS            Euler steps of recall           300      [1, 1e7] int
 *   START_THETA      corruption level theta of the   0.68     [1e-6, 1 - 1e-6]
 *                    queries; recall starts at t_start(START_THETA)
 *   T_END            time where recall stops         1e-3     [0, 1e3]
 *                    (must be below t_start at recall time)
 *   HIDDEN           hidden units per layer of the   80 d     [1, 65536] int
 *                    learned network (applies when a new network is made)
 *   HIDDEN_LAYERS    number of hidden ReLU layers    2        [1, 16] int
 *                    (applies when a new network is made)
 *   LEARNING_RATE    Adam step size                  1e-3     [1e-9, 10]
 *   TRAIN_THETA_MIN  training theta ~ U(min, max)    0.6      [1e-6, 1]
 *   TRAIN_THETA_MAX                                  1.0      [1e-6, 1]
 *                    (min <= max is checked at training time)
 *   SEED             RNG seed; setting it reseeds    0        [0, 2^53] int
 *                    the handle's xoshiro256** generator (network
 *                    initialisation, training noise, SDE noise, forward)
 *   ADAM_BETA1       Adam beta1                      0.9      [0, 0.9999999]
 *   ADAM_BETA2       Adam beta2                      0.999    [0, 0.9999999]
 *   ADAM_EPS         Adam epsilon                    1e-8     [1e-30, 1]
 *   EXTENT           radius r of each memory: the    0        [0, 1e3]
 *                    exact score treats memory mu as N(y_mu, r^2 I), an
 *                    extended memory (Eq. 23); 0 = points
 *   SEMANTIC_WEIGHT  weight lambda of a continuous   0        [0, 1 - 1e-9]
 *                    "semantic" density N(0, SEMANTIC_VAR I) beside the
 *                    memories in the exact score (Eqs. 24-25); a mean
 *                    and a manifold: amem_diffusion_set_semantic
 *   SEMANTIC_VAR     its variance c per dimension    1        [1e-9, 1e6]
 *                    (across the manifold when one is set)
 *   PRECISION        AMEM_DIFFUSION_PRECISION_*      FLOAT32
 *                    arithmetic of the exact score and of recall with it:
 *                    FLOAT64 computes the logits, softmax, log-sum-exp,
 *                    score and the sampler's iterate in double (dgemm over
 *                    a double copy of the stored patterns made per call);
 *                    inputs and outputs stay float32 (log_density's is
 *                    double either way). The learned score is float32
 *                    only: FLOAT64 with SCORE = LEARNED, or SCORE = LEARNED
 *                    with FLOAT64, is AMEM_E_UNSUPPORTED (naming the score)
 *
 * Changing a setting never changes what is stored or the trained network.
 */
enum amem_diffusion_param {
    AMEM_DIFFUSION_PROCESS = 0,
    AMEM_DIFFUSION_GAMMA = 1,
    AMEM_DIFFUSION_ALPHA = 2,
    AMEM_DIFFUSION_SIGMA = 3,
    AMEM_DIFFUSION_SCORE = 4,
    AMEM_DIFFUSION_SAMPLER = 5,
    AMEM_DIFFUSION_STEPS = 6,
    AMEM_DIFFUSION_START_THETA = 7,
    AMEM_DIFFUSION_T_END = 8,
    AMEM_DIFFUSION_HIDDEN = 9,
    AMEM_DIFFUSION_HIDDEN_LAYERS = 10,
    AMEM_DIFFUSION_LEARNING_RATE = 11,
    AMEM_DIFFUSION_TRAIN_THETA_MIN = 12,
    AMEM_DIFFUSION_TRAIN_THETA_MAX = 13,
    AMEM_DIFFUSION_SEED = 14,
    AMEM_DIFFUSION_ADAM_BETA1 = 15,
    AMEM_DIFFUSION_ADAM_BETA2 = 16,
    AMEM_DIFFUSION_ADAM_EPS = 17,
    AMEM_DIFFUSION_EXTENT = 18,
    AMEM_DIFFUSION_SEMANTIC_WEIGHT = 19,
    AMEM_DIFFUSION_SEMANTIC_VAR = 20,
    AMEM_DIFFUSION_PRECISION = 21
};

/* Values of AMEM_DIFFUSION_PROCESS. */
enum amem_diffusion_process {
    AMEM_DIFFUSION_PROCESS_VP = 0, /* a = gamma / 2, b^2 = gamma */
    AMEM_DIFFUSION_PROCESS_OU = 1, /* a = alpha, b = sigma */
    AMEM_DIFFUSION_PROCESS_VE = 2  /* a = 0, b = sigma (exact score only) */
};

/* Values of AMEM_DIFFUSION_SCORE. */
enum amem_diffusion_score_kind {
    AMEM_DIFFUSION_SCORE_EXACT = 0,  /* score of the stored pattern set */
    AMEM_DIFFUSION_SCORE_LEARNED = 1 /* the trained network */
};

/* Values of AMEM_DIFFUSION_PRECISION. */
enum amem_diffusion_precision {
    AMEM_DIFFUSION_PRECISION_FLOAT32 = 0, /* float32 arithmetic (default) */
    AMEM_DIFFUSION_PRECISION_FLOAT64 = 1  /* double arithmetic, exact score */
};

/* Values of AMEM_DIFFUSION_SAMPLER. */
enum amem_diffusion_sampler {
    AMEM_DIFFUSION_SAMPLER_ODE = 0, /* probability-flow ODE, Euler */
    AMEM_DIFFUSION_SAMPLER_SDE = 1  /* reverse SDE, Euler–Maruyama */
};

/*
 * amem_diffusion_create: a new handle with nothing stored and no network.
 *   dim  d >= 1, the pattern dimension
 *   out  receives the handle (free with amem_diffusion_free); NULL on failure
 * Returns AMEM_OK, AMEM_E_NULL, AMEM_E_DIM (dim 0 or too large),
 * AMEM_E_NOMEM.
 */
AMEM_API int amem_diffusion_create(size_t dim, amem_diffusion **out);

/* amem_diffusion_free: release a handle and all it owns. Accepts NULL. */
AMEM_API void amem_diffusion_free(amem_diffusion *h);

/* amem_diffusion_dim: the pattern dimension into *out. AMEM_OK/E_NULL. */
AMEM_API int amem_diffusion_dim(const amem_diffusion *h, size_t *out);

/*
 * amem_diffusion_set: change a setting (enum amem_diffusion_param).
 * Returns AMEM_OK, AMEM_E_NULL, AMEM_E_ARG (unknown param), AMEM_E_NONFINITE,
 * AMEM_E_RANGE (outside the bounds, including an unknown choice value, or
 * not a whole number), AMEM_E_UNSUPPORTED (PRECISION FLOAT64 with SCORE
 * LEARNED, or the reverse).
 */
AMEM_API int amem_diffusion_set(amem_diffusion *h, int param, double value);

/* amem_diffusion_get: read a setting into *value. AMEM_OK/E_NULL/E_ARG. */
AMEM_API int amem_diffusion_get(const amem_diffusion *h, int param,
                                double *value);

/*
 * amem_diffusion_param_bounds: inclusive range [*min, *max] of a setting and
 * whether it must be a whole number. Any output may be NULL. For HIDDEN the
 * default depends on d; the range does not. AMEM_OK or AMEM_E_ARG.
 */
AMEM_API int amem_diffusion_param_bounds(int param, double *min, double *max,
                                         int *integer);

/*
 * amem_diffusion_store: append n patterns (n x d, finite) to the stored set.
 * Returns AMEM_OK, AMEM_E_NULL, AMEM_E_DIM (n = 0 or too large),
 * AMEM_E_NONFINITE, AMEM_E_NOMEM. A trained network is kept (it was trained
 * on the earlier set; further training uses all stored patterns).
 */
AMEM_API int amem_diffusion_store(amem_diffusion *h, const float *patterns,
                                  size_t n);

/* amem_diffusion_clear: forget the stored patterns (settings and any
 * trained network are kept). AMEM_OK/E_NULL. */
AMEM_API int amem_diffusion_clear(amem_diffusion *h);

/* amem_diffusion_count: number of stored patterns. AMEM_OK/E_NULL. */
AMEM_API int amem_diffusion_count(const amem_diffusion *h, size_t *out);

/*
 * amem_diffusion_get_patterns: copy the stored patterns (count x d) into out.
 * Returns AMEM_OK, AMEM_E_NULL, AMEM_E_STATE (nothing stored).
 */
AMEM_API int amem_diffusion_get_patterns(const amem_diffusion *h, float *out);

/*
 * amem_diffusion_set_semantic: give the semantic density of the exact score
 * (weight SEMANTIC_WEIGHT, the paper's Eqs. 24-25) a mean and a manifold:
 *     phi = N(m, c I + sum_k sigma_k^2 q_k q_k^T),   c = SEMANTIC_VAR,
 * an r-dimensional sheet through m along the orthonormal directions q_k,
 * spread sigma_k along q_k and sqrt(c) across (a flat, non-localised
 * manifold when the sigma_k are large and c small). With r = 0 and m = 0
 * it is the isotropic N(0, c I). The density only acts while
 * SEMANTIC_WEIGHT > 0.
 *   mean        d floats (m), or NULL for m = 0
 *   directions  r x d floats, row k spanning direction k; orthonormalised
 *               here (modified Gram-Schmidt in double, in row order), so
 *               any basis of the sheet will do. Ignored (may be NULL)
 *               when r = 0
 *   spreads     r floats sigma_k >= 0, the spread along direction k (the
 *               k-th orthonormalised one). Ignored (may be NULL) when r = 0
 *   r           0 <= r <= d
 * The library copies what it keeps (as double); the caller keeps its
 * arrays. The setting replaces any earlier one and is saved with the
 * handle. Returns AMEM_OK, AMEM_E_NULL (h NULL, or directions or spreads
 * NULL with r > 0), AMEM_E_DIM (r > d), AMEM_E_NONFINITE (an entry of
 * mean, directions or spreads), AMEM_E_RANGE (a negative spread),
 * AMEM_E_DOMAIN (directions linearly dependent or nearly so: a direction
 * keeps less than 1e-6 of its length after removing the earlier ones),
 * AMEM_E_NOMEM. On failure the handle is unchanged.
 */
AMEM_API int amem_diffusion_set_semantic(amem_diffusion *h, const float *mean,
                                         const float *directions,
                                         const float *spreads, size_t r);

/*
 * amem_diffusion_get_semantic: the semantic manifold in use. Any output
 * may be NULL; call with only `r` first to size the arrays.
 *   mean        d floats: m (zeros when none was set)
 *   directions  r x d floats: the orthonormalised directions q_k
 *   spreads     r floats: sigma_k
 *   r           the number of directions
 * Returns AMEM_OK or AMEM_E_NULL (h NULL).
 */
AMEM_API int amem_diffusion_get_semantic(const amem_diffusion *h, float *mean,
                                         float *directions, float *spreads,
                                         size_t *r);

/*
 * Schedule helpers (use the handle's PROCESS, GAMMA, ALPHA, SIGMA).
 *   amem_diffusion_theta:     theta_t = exp(-a t) for t >= 0
 *   amem_diffusion_noise_std: s_t = b sqrt((1 - theta_t^2) / (2 a))
 *   amem_diffusion_t_start:   the time t with theta_t = theta, 0 < theta <= 1,
 *                             t = -log(theta) / a (VP: -2 log(theta) / gamma)
 * Return AMEM_OK, AMEM_E_NULL, AMEM_E_NONFINITE, AMEM_E_RANGE (t < 0, theta
 * outside (0, 1]).
 */
AMEM_API int amem_diffusion_theta(const amem_diffusion *h, double t,
                                  double *theta);
AMEM_API int amem_diffusion_noise_std(const amem_diffusion *h, double t,
                                      double *std);
AMEM_API int amem_diffusion_t_start(const amem_diffusion *h, double theta,
                                    double *t);

/*
 * amem_diffusion_forward: sample the forward process at time t from n clean
 * states x0 (n x d): out = theta_t x0 + s_t eps, eps from the handle's RNG.
 * out may alias x0. Returns AMEM_OK, AMEM_E_NULL, AMEM_E_DIM (n = 0),
 * AMEM_E_NONFINITE, AMEM_E_RANGE (t < 0).
 */
AMEM_API int amem_diffusion_forward(amem_diffusion *h, const float *x0,
                                    size_t n, double t, float *out);

/*
 * amem_diffusion_train: `steps` Adam steps of the learned score network
 * (the paper uses 5,000), each on one batch of all stored patterns with
 * fresh theta and delta per pattern (docs/api.md C13-C15).
 * If the handle has no network yet, a new one is made with the current
 * HIDDEN and HIDDEN_LAYERS and initialised from the RNG; otherwise training
 * continues from the current weights and Adam state.
 *   steps     1 .. AMEM_MAX_STEPS_PER_CALL
 *   progress  optional (NULL = none): called after every step with stage
 *             "train", done = steps finished in this call, total = steps,
 *             metric = that step's loss; a nonzero return cancels
 *   user      passed to progress untouched
 *   loss      optional (NULL = none): the loss of the last finished step
 *             (NaN if none finished)
 * Finished steps are kept: after AMEM_E_CANCELLED or AMEM_E_NONFINITE the
 * network, Adam state and RNG are those after the last finished step (a
 * step whose loss or gradient is not finite is not applied).
 * Returns AMEM_OK, AMEM_E_NULL, AMEM_E_RANGE (steps outside
 * [1, AMEM_MAX_STEPS_PER_CALL], TRAIN_THETA_MIN > TRAIN_THETA_MAX),
 * AMEM_E_STATE (nothing stored), AMEM_E_CANCELLED, AMEM_E_NONFINITE,
 * AMEM_E_NOMEM, AMEM_E_IO (data-parallel reduction failed).
 */
AMEM_API int amem_diffusion_train(amem_diffusion *h, size_t steps,
                                  amem_progress_fn progress, void *user,
                                  double *loss);

/*
 * amem_diffusion_step_count: Adam steps taken by the learned network since
 * it was made (0 without one), saved with the handle. AMEM_OK/E_NULL.
 */
AMEM_API int amem_diffusion_step_count(const amem_diffusion *h, size_t *out);

#ifdef AMEM_EXPERIMENTAL_API
/*
 * amem_diffusion_set_data_parallel: train as worker dp->rank of dp->size
 * (common.h): every worker draws the whole batch from the same RNG state
 * and computes its slice of the rows; dp is copied; NULL = local training.
 * Returns AMEM_OK, AMEM_E_NULL (h NULL, or reduce NULL with size > 1),
 * AMEM_E_RANGE (rank or size out of range).
 */
AMEM_API int amem_diffusion_set_data_parallel(amem_diffusion *h,
                                              const amem_data_parallel *dp);
#endif

/*
 * amem_diffusion_network_info: the learned network's shape.
 * Any output may be NULL. Without a network all outputs are 0.
 *   hidden, layers  its hidden width and number of hidden layers
 *   params          number of trainable parameters
 * Returns AMEM_OK or AMEM_E_NULL.
 */
AMEM_API int amem_diffusion_network_info(const amem_diffusion *h,
                                         size_t *hidden, size_t *layers,
                                         size_t *params);

/* amem_diffusion_reset: drop the learned network (the next
 * amem_diffusion_train starts from a fresh one). AMEM_OK/E_NULL. */
AMEM_API int amem_diffusion_reset(amem_diffusion *h);

/*
 * amem_diffusion_score: grad_x log p_t(x) for n states (n x d) at time t,
 * from the score chosen by AMEM_DIFFUSION_SCORE, into out (n x d).
 *   t  > 0 (the score diverges at t = 0)
 * Returns AMEM_OK, AMEM_E_NULL, AMEM_E_DIM, AMEM_E_NONFINITE, AMEM_E_RANGE
 * (t <= 0), AMEM_E_STATE (EXACT with nothing stored, LEARNED without a
 * network), AMEM_E_NOMEM.
 */
AMEM_API int amem_diffusion_score(amem_diffusion *h, const float *states,
                                  size_t n, double t, float *out);

/*
 * amem_diffusion_weights: the exact-score softmax weights h_t(x) (see the
 * top of this file) for n states at time t > 0 into weights (n x N, N the
 * stored count). Returns as amem_diffusion_score (E_STATE: nothing stored).
 */
AMEM_API int amem_diffusion_weights(amem_diffusion *h, const float *states,
                                    size_t n, double t, float *weights);

/*
 * amem_diffusion_log_density: the exact log p_t(x) of the stored set,
 * including every constant,
 *   log p_t(x) = log sum_mu exp(-|x - theta_t y_mu|^2 / (2 s_t^2))
 *                - log N - (d/2) log(2 pi s_t^2),
 * for n states at time t > 0, into out[n] (double). The diffusion energy of
 * the paper is u_DM(x, t) = -b^2 log p_t(x) (b^2 = gamma for VP).
 * Returns as amem_diffusion_weights.
 */
AMEM_API int amem_diffusion_log_density(amem_diffusion *h,
                                        const float *states, size_t n,
                                        double t, double *out);

/*
 * amem_diffusion_recall: run the sampler chosen by AMEM_DIFFUSION_SAMPLER
 * with the score chosen by AMEM_DIFFUSION_SCORE from n queries (n x d,
 * finite) at t_start(START_THETA) down to T_END, STEPS Euler steps (see the
 * top of this file), batched over the queries.
 *   clamp       optional n x d mask of 0 and 1 (NULL = none): entries marked
 *               1 are known and follow their forward-process value
 *   out         n x d final states (caller-allocated; may not alias queries)
 *   trajectory  optional (NULL = none): (STEPS + 1) x n x d floats, the
 *               state at t_0 (after clamping) and after each step
 * The SDE sampler advances the RNG; the ODE sampler does not use it.
 * Returns AMEM_OK, AMEM_E_NULL, AMEM_E_DIM (n = 0 or sizes too large),
 * AMEM_E_NONFINITE, AMEM_E_ARG (mask entry not 0/1), AMEM_E_RANGE (T_END
 * >= t_start), AMEM_E_STATE (nothing stored for EXACT, no network for
 * LEARNED), AMEM_E_NOMEM.
 */
AMEM_API int amem_diffusion_recall(amem_diffusion *h, const float *queries,
                                   size_t n, const float *clamp, float *out,
                                   float *trajectory);

/*
 * amem_diffusion_save: write dimension, settings, RNG state, stored patterns
 * and the learned network with its Adam state to path (atomically).
 * Everything round-trips bit for bit. Returns AMEM_OK, AMEM_E_NULL,
 * AMEM_E_IO, AMEM_E_NOMEM.
 */
AMEM_API int amem_diffusion_save(const amem_diffusion *h, const char *path);

/* amem_diffusion_save_mem: the same file image in a new buffer (*data,
 * *len), released with amem_free. AMEM_OK, AMEM_E_NULL, AMEM_E_NOMEM. */
AMEM_API int amem_diffusion_save_mem(const amem_diffusion *h, void **data,
                                     size_t *len);

/*
 * amem_diffusion_load / _load_mem: a new handle from a file or an image.
 * Every size is checked against the file length before allocation. *out is
 * NULL on failure. Returns AMEM_OK, AMEM_E_NULL, AMEM_E_IO, AMEM_E_FORMAT
 * (truncated, corrupted, wrong piece kind, invalid sizes or settings),
 * AMEM_E_NOMEM.
 */
AMEM_API int amem_diffusion_load(const char *path, amem_diffusion **out);
AMEM_API int amem_diffusion_load_mem(const void *data, size_t len,
                                     amem_diffusion **out);

#ifdef __cplusplus
}
#endif
#endif /* ASSOCMEM_DIFFUSION_H */

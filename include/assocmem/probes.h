/*
 * libassocmem — semantic probes on latent vectors (Spens & Burgess 2022):
 * classifiers fitted on a handful of encoded items and scored on held-out
 * ones, and exact t-SNE for latent-space plots.
 *
 * One opaque handle, amem_probe, covers two classifiers:
 *
 *   AMEM_PROBE_SVC      support vector classifier with the RBF kernel
 *       k(x, y) = exp(-gamma |x - y|^2): binary C-SVMs trained by LIBSVM
 *       (Chang & Lin 2011; the solver scikit-learn's SVC wraps, linked as
 *       -lsvm) on the dual
 *           min_a 1/2 a^T Q a - 1^T a,  0 <= a_i <= C,  y^T a = 0,
 *           Q_ij = y_i y_j k(x_i, x_j),
 *       until the maximal KKT violation is <= TOLERANCE. The authors'
 *       protocol (sklearn's SVC() after StandardScaler) is the default
 *       here: features standardised with the training mean and (biased)
 *       standard deviation, C = 1, gamma = 1 / (dim * var) with var the
 *       variance of all standardised training entries (sklearn's
 *       gamma = 'scale'; 1 / dim when no feature is constant), tolerance
 *       1e-3, shrinking on, a 200 MB kernel cache (memory does not grow with
 *       the square of the item count).
 *       Multi-class: MULTICLASS = OVO (default, as sklearn/LIBSVM) trains
 *       one binary machine per pair of classes and predicts by majority
 *       vote, ties going to the lower class index; OVR trains one machine
 *       per class against the rest and predicts the largest decision value.
 *   AMEM_PROBE_SOFTMAX  softmax regression (a single-layer perceptron with
 *       a softmax output): p = softmax(W x + b), trained by minibatch
 *       Adam on the mean cross-entropy plus (L2 / 2) |W|^2, weights
 *       initialised at zero, minibatches shuffled by the handle's RNG.
 *
 * Labels are int32 class indices in [0, 65535]; the class count is the
 * largest training label + 1, and at least two distinct labels are needed.
 * Conventions as everywhere (common.h): AMEM_OK or a negative AMEM_E_*
 * status with a detail in amem_last_error(); a failed call leaves the
 * handle unchanged; the library copies what it keeps.
 */
#ifndef ASSOCMEM_PROBES_H
#define ASSOCMEM_PROBES_H

#include "assocmem/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct amem_probe amem_probe;

/* Probe kinds (values pinned). */
enum amem_probe_kind {
    AMEM_PROBE_SVC = 0,
    AMEM_PROBE_SOFTMAX = 1
};

/*
 * Settings (double; values pinned; integer ones must be whole numbers).
 *
 *   param          meaning                          default  range
 *   C              SVC box constraint               1        [1e-6, 1e6]
 *   GAMMA          SVC RBF width; 0 = 'scale'       0        [0, 1e6]
 *   TOLERANCE      SVC stopping tolerance           1e-3     [1e-9, 1]
 *   MAX_STEPS      unused (kept so that its value  1e6      [1, 1e9] integer
 *                  and older files stay valid; LIBSVM picks its own limit)
 *   MULTICLASS     AMEM_PROBE_OVO / AMEM_PROBE_OVR  OVO
 *   STANDARDIZE    0/1: standardise features        1        (both kinds)
 *   EPOCHS         SOFTMAX epochs                   200      [1, 1e6] integer
 *   LEARNING_RATE  SOFTMAX Adam step                1e-2     [1e-8, 10]
 *   L2             SOFTMAX weight decay             0        [0, 1e6]
 *   BATCH_SIZE     SOFTMAX minibatch                32       [1, 65536] integer
 *   SEED           RNG seed (SOFTMAX shuffling)     0        [0, 2^53] integer
 *   ADAM_BETA1     SOFTMAX Adam beta1               0.9      [0, 0.9999999]
 *   ADAM_BETA2     SOFTMAX Adam beta2               0.999    [0, 0.9999999]
 *   ADAM_EPS       SOFTMAX Adam epsilon             1e-8     [1e-30, 1]
 */
enum amem_probe_param {
    AMEM_PROBE_C = 0,
    AMEM_PROBE_GAMMA = 1,
    AMEM_PROBE_TOLERANCE = 2,
    AMEM_PROBE_MAX_STEPS = 3,
    AMEM_PROBE_MULTICLASS = 4,
    AMEM_PROBE_STANDARDIZE = 5,
    AMEM_PROBE_EPOCHS = 6,
    AMEM_PROBE_LEARNING_RATE = 7,
    AMEM_PROBE_L2 = 8,
    AMEM_PROBE_BATCH_SIZE = 9,
    AMEM_PROBE_SEED = 10,
    AMEM_PROBE_ADAM_BETA1 = 11,
    AMEM_PROBE_ADAM_BETA2 = 12,
    AMEM_PROBE_ADAM_EPS = 13
};

/* Values of AMEM_PROBE_MULTICLASS. */
enum amem_probe_multiclass {
    AMEM_PROBE_OVO = 0, /* one-vs-one, majority vote */
    AMEM_PROBE_OVR = 1  /* one-vs-rest, largest decision value */
};

/*
 * amem_probe_create: an unfitted probe of enum amem_probe_kind with default
 * settings. *out is NULL on failure. Returns AMEM_OK, AMEM_E_NULL,
 * AMEM_E_ARG (unknown kind), AMEM_E_NOMEM.
 */
AMEM_API int amem_probe_create(int kind, amem_probe **out);

/* amem_probe_free: release a probe. Accepts NULL. */
AMEM_API void amem_probe_free(amem_probe *p);

/* amem_probe_set / _get / _param_bounds: settings, as for amem_hopfield.
 * Changing a setting does not refit. */
AMEM_API int amem_probe_set(amem_probe *p, int param, double value);
AMEM_API int amem_probe_get(const amem_probe *p, int param, double *value);
AMEM_API int amem_probe_param_bounds(int param, double *min, double *max,
                                     int *integer);

/*
 * amem_probe_fit: fit on n items x (n x dim, finite) with labels[n],
 * replacing an earlier fit.
 *   progress  may be NULL (user is passed to it): SVC calls it after each
 *             binary machine with stage "svc", done = machines trained,
 *             total = machines, metric = the support vectors of that
 *             machine; SOFTMAX after each epoch with stage "softmax",
 *             done/total in epochs, metric = the epoch's mean cross-entropy.
 *             A nonzero return cancels: AMEM_E_CANCELLED and the probe keeps
 *             its earlier fit (and RNG state).
 * Returns AMEM_OK, AMEM_E_NULL, AMEM_E_DIM (n < 2 or dim = 0),
 * AMEM_E_NONFINITE (non-finite x, or SOFTMAX training diverged), AMEM_E_ARG
 * (a label outside [0, 65535], or fewer than two distinct labels),
 * AMEM_E_CANCELLED, AMEM_E_NOMEM.
 */
AMEM_API int amem_probe_fit(amem_probe *p, const float *x,
                            const int32_t *labels, size_t n, size_t dim,
                            amem_progress_fn progress, void *user);

/*
 * amem_probe_predict: the predicted class of n items (n x dim) into
 * labels[n]. Returns AMEM_OK, AMEM_E_NULL, AMEM_E_STATE (not fitted),
 * AMEM_E_DIM (n = 0 or dim different from the fit's), AMEM_E_NONFINITE,
 * AMEM_E_NOMEM.
 */
AMEM_API int amem_probe_predict(const amem_probe *p, const float *x,
                                size_t n, size_t dim, int32_t *labels);

/*
 * amem_probe_scores: per-class scores of n items into scores (n x classes):
 * SOFTMAX class probabilities; SVC OVR decision values; SVC OVO votes
 * (each plus a tie-breaking confidence in (-1/3, 1/3) as sklearn does, so
 * the argmax is the predicted class). Returns as amem_probe_predict.
 */
AMEM_API int amem_probe_scores(const amem_probe *p, const float *x, size_t n,
                               size_t dim, float *scores);

/*
 * amem_probe_accuracy: the fraction of n items whose predicted class is
 * labels[i] into *accuracy. Returns as amem_probe_predict.
 */
AMEM_API int amem_probe_accuracy(const amem_probe *p, const float *x,
                                 const int32_t *labels, size_t n, size_t dim,
                                 double *accuracy);

/*
 * amem_probe_kind: the probe kind (enum amem_probe_kind) into *out.
 * amem_probe_dim: the feature count of the fit (0 before) into *out.
 * Return AMEM_OK or AMEM_E_NULL.
 */
AMEM_API int amem_probe_kind(const amem_probe *p, int *out);
AMEM_API int amem_probe_dim(const amem_probe *p, size_t *out);

/*
 * amem_probe_classes: the class count of the fit (0 before).
 * amem_probe_support_count: SVC support vectors over all machines (items
 * with a_i > 0 counted once per machine); 0 for SOFTMAX.
 * Return AMEM_OK or AMEM_E_NULL.
 */
AMEM_API int amem_probe_classes(const amem_probe *p, size_t *out);
AMEM_API int amem_probe_support_count(const amem_probe *p, size_t *out);

/*
 * amem_probe_save: write kind, settings, RNG state and the fit (if any) to
 * path, atomically; a loaded probe predicts and scores bit for bit as the
 * saved one. Returns AMEM_OK, AMEM_E_NULL, AMEM_E_IO, AMEM_E_NOMEM.
 * amem_probe_save_mem: the same file image in a new buffer (*data, *len);
 * release it with amem_free. Returns AMEM_OK, AMEM_E_NULL, AMEM_E_NOMEM.
 */
AMEM_API int amem_probe_save(const amem_probe *p, const char *path);
AMEM_API int amem_probe_save_mem(const amem_probe *p, void **data,
                                 size_t *len);

/*
 * amem_probe_load / _load_mem: a new probe from a file or a file image. The
 * file is untrusted: every size and value is validated before use. *out is
 * NULL on failure. Returns AMEM_OK, AMEM_E_NULL, AMEM_E_IO (cannot read
 * path), AMEM_E_FORMAT (truncated, corrupted, another piece's file, invalid
 * sizes, labels or settings), AMEM_E_NOMEM.
 */
AMEM_API int amem_probe_load(const char *path, amem_probe **out);
AMEM_API int amem_probe_load_mem(const void *data, size_t len,
                                 amem_probe **out);

/*
 * amem_tsne: exact t-SNE (van der Maaten & Hinton 2008) of n points
 * (n x dim, finite) into y (n x out_dim).
 *   Affinities: p_{j|i} Gaussian with the bandwidth found by bisection so
 *   that the perplexity 2^H(P_i) equals `perplexity`; P = (P_{j|i} +
 *   P_{i|j}) / (2n). Embedding: Student-t q_ij; gradient descent on
 *   KL(P||Q) with early exaggeration 12 for the first 250 iterations,
 *   momentum 0.5 then 0.8, learning rate max(n / 12 / 4, 50), per-element
 *   gains (+0.2 / x0.8, floor 0.01); initial points N(0, 1e-4 I) from seed.
 *   n          4 .. 5000 points (O(n^2) time and memory)
 *   out_dim    1 .. 3
 *   perplexity in [1, (n - 1) / 3]
 *   iterations 250 .. 100000 (1000 is usual)
 *   progress   may be NULL: called every 10 iterations with stage "tsne",
 *              done = iterations so far, total = iterations, metric = the
 *              KL divergence; nonzero cancels (AMEM_E_CANCELLED, y holds the
 *              current embedding).
 * Returns AMEM_OK, AMEM_E_NULL, AMEM_E_DIM, AMEM_E_RANGE, AMEM_E_NONFINITE,
 * AMEM_E_CANCELLED, AMEM_E_NOMEM.
 */
AMEM_API int amem_tsne(const float *x, size_t n, size_t dim, size_t out_dim,
                       double perplexity, size_t iterations, uint64_t seed,
                       float *y, amem_progress_fn progress, void *user);

#ifdef __cplusplus
}
#endif
#endif /* ASSOCMEM_PROBES_H */

/*
 * libassocmem — TVT slot memory (Hung et al. 2019, as used as a baseline by
 * Tyulmankov, Fang et al. 2021).
 *
 * N memory rows, each a key (d) and a value (m). Writes go to the rows in
 * order: item t goes to row t mod N (overwriting it). A read with one head:
 *     k = A x~ + a                       learned query key (d x d, d)
 *     s = softplus(u . x~ + c)           learned read strength (d, 1)
 *     w_i = softmax_i(s * cos(key_i, k)) (cos = 0 for an all-zero row)
 *     y~ = sum_i w_i value_i             (sign(y~) when SIGN_OUTPUT = 1)
 * A, a, u, c are trained with Adam by backpropagation on the same episode
 * distribution as amem_kvmem_train (T random +-1 keys stored from an
 * empty memory, T uniform in [TRAIN_MIN_LEN, TRAIN_MAX_LEN], default
 * N/2 .. 2N; values = keys when m = d, else independent +-1; every stored
 * key read once with TRAIN_ZERO_FRACTION of its entries zeroed; loss = sum
 * of squared errors per query averaged over queries). A new handle starts
 * from A = I, a = 0, u = 0 and c = softplus^-1(10) (strength 10), which
 * already recalls well; training sharpens it.
 *
 * Conventions as in kvmem.h / common.h.
 */
#ifndef ASSOCMEM_TVT_H
#define ASSOCMEM_TVT_H

#include "assocmem/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct amem_tvt amem_tvt;

/*
 * Settings (double, pinned values):
 *   SEED                0     [0, 2^53] integer  reseeds the RNG
 *   SIGN_OUTPUT         0     0/1                read returns sign(y~)
 *   LEARNING_RATE       1e-3  [1e-8, 10]         Adam step size
 *   BATCH_SIZE          1     [1, 1e6] integer   episodes per step
 *   TRAIN_MIN_LEN       0     [0, 1e9] integer   shortest T (0 = N/2)
 *   TRAIN_MAX_LEN       0     [0, 1e9] integer   longest T (0 = 2N)
 *   TRAIN_ZERO_FRACTION 0.6   [0, 1]             query entries zeroed
 *   ADAM_BETA1          0.9   [0, 0.9999999]     Adam beta1
 *   ADAM_BETA2          0.999 [0, 0.9999999]     Adam beta2
 *   ADAM_EPS            1e-8  [1e-30, 1]         Adam epsilon
 */
enum amem_tvt_param {
    AMEM_TVT_SEED = 0,
    AMEM_TVT_SIGN_OUTPUT = 1,
    AMEM_TVT_LEARNING_RATE = 2,
    AMEM_TVT_BATCH_SIZE = 3,
    AMEM_TVT_TRAIN_MIN_LEN = 4,
    AMEM_TVT_TRAIN_MAX_LEN = 5,
    AMEM_TVT_TRAIN_ZERO_FRACTION = 6,
    AMEM_TVT_ADAM_BETA1 = 7,
    AMEM_TVT_ADAM_BETA2 = 8,
    AMEM_TVT_ADAM_EPS = 9
};

/* Columns of the record of one training step (amem_tvt_get_last_step):
 * step count after it, loss, accuracy, mean read strength. */
#define AMEM_TVT_HISTORY_COLS 4

/*
 * amem_tvt_create: an empty memory of N rows for keys of d and values of m
 * entries (all >= 1). Returns AMEM_OK, AMEM_E_NULL, AMEM_E_DIM, AMEM_E_NOMEM.
 */
AMEM_API int amem_tvt_create(size_t key_dim, size_t slots, size_t value_dim,
                             amem_tvt **out);
AMEM_API void amem_tvt_free(amem_tvt *h);
AMEM_API int amem_tvt_key_dim(const amem_tvt *h, size_t *out);
AMEM_API int amem_tvt_slots(const amem_tvt *h, size_t *out);
AMEM_API int amem_tvt_value_dim(const amem_tvt *h, size_t *out);

/* Settings: as amem_kvmem_set/get/param_bounds. */
AMEM_API int amem_tvt_set(amem_tvt *h, int param, double value);
AMEM_API int amem_tvt_get(const amem_tvt *h, int param, double *value);
AMEM_API int amem_tvt_param_bounds(int param, double *min, double *max,
                                   int *integer);

/*
 * amem_tvt_write: store (key, value) in row count mod N. value NULL stores
 * the key as its value (needs m = d). Returns AMEM_OK, AMEM_E_NULL,
 * AMEM_E_DIM, AMEM_E_NONFINITE.
 */
AMEM_API int amem_tvt_write(amem_tvt *h, const float *key, const float *value);

/* amem_tvt_write_many: n writes in order (validated before the first). */
AMEM_API int amem_tvt_write_many(amem_tvt *h, const float *keys,
                                 const float *values, size_t n);

/*
 * amem_tvt_read: n queries (n x d) into out (n x m); weights optional
 * n x N read weights w. Returns AMEM_OK, AMEM_E_NULL, AMEM_E_DIM,
 * AMEM_E_NONFINITE, AMEM_E_NOMEM.
 */
AMEM_API int amem_tvt_read(amem_tvt *h, const float *queries, size_t n,
                           float *out, float *weights);

/* amem_tvt_clear: empty the rows and reset the write counter. */
AMEM_API int amem_tvt_clear(amem_tvt *h);

/* amem_tvt_count: writes since creation / the last clear. */
AMEM_API int amem_tvt_count(const amem_tvt *h, size_t *out);

/*
 * amem_tvt_get_read_params / amem_tvt_set_read_params: the learned read
 * parameters A (d x d), a (d), u (d), c (1). Get: any pointer may be NULL.
 * Set: all four required and finite; resets the Adam state.
 */
AMEM_API int amem_tvt_get_read_params(const amem_tvt *h, float *A, float *a,
                                  float *u, float *c);
AMEM_API int amem_tvt_set_read_params(amem_tvt *h, const float *A,
                                      const float *a, const float *u,
                                      const float *c);

/*
 * amem_tvt_train: `steps` Adam steps of the read parameters (see above),
 * BATCH_SIZE episodes per step; steps, progress (stage "train"; it may
 * call amem_tvt_get_last_step), user and loss as in amem_kvmem_train.
 * The stored rows are untouched.
 * Returns AMEM_OK, AMEM_E_NULL, AMEM_E_RANGE (steps outside
 * [1, AMEM_MAX_STEPS_PER_CALL], settings), AMEM_E_CANCELLED,
 * AMEM_E_NONFINITE (that step not applied, the ones before kept),
 * AMEM_E_NOMEM, AMEM_E_IO (data-parallel reduction failed).
 */
AMEM_API int amem_tvt_train(amem_tvt *h, size_t steps,
                            amem_progress_fn progress, void *user,
                            double *loss);

/*
 * amem_tvt_get_last_step: the record of the last finished training step
 * (AMEM_TVT_HISTORY_COLS floats into out). Returns AMEM_OK, AMEM_E_NULL,
 * AMEM_E_STATE (no step since creation or load; not saved).
 */
AMEM_API int amem_tvt_get_last_step(const amem_tvt *h, float *out);

/* amem_tvt_step_count: Adam steps since creation or the last
 * amem_tvt_set_read_params, saved with the handle. AMEM_OK/E_NULL. */
AMEM_API int amem_tvt_step_count(const amem_tvt *h, size_t *out);

#ifdef AMEM_EXPERIMENTAL_API
/*
 * amem_tvt_set_data_parallel: as amem_kvmem_set_data_parallel (every
 * worker draws every episode, computes its slice; the record's accuracy
 * and strength are then this worker's share). Returns AMEM_OK,
 * AMEM_E_NULL, AMEM_E_RANGE.
 */
AMEM_API int amem_tvt_set_data_parallel(amem_tvt *h,
                                        const amem_data_parallel *dp);
#endif

/*
 * Persistence, as amem_kvmem_save/_save_mem/_load/_load_mem (the file holds
 * settings, RNG, rows, counter, read parameters and Adam state).
 */
AMEM_API int amem_tvt_save(const amem_tvt *h, const char *path);
AMEM_API int amem_tvt_save_mem(const amem_tvt *h, void **data, size_t *len);
AMEM_API int amem_tvt_load(const char *path, amem_tvt **out);
AMEM_API int amem_tvt_load_mem(const void *data, size_t len, amem_tvt **out);

#ifdef __cplusplus
}
#endif
#endif /* ASSOCMEM_TVT_H */

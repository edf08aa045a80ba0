/*
 * Private: what the key-value memory's meta-learning (meta_train.c) and
 * TVT training (tvt_train.c) share: the episode sampler of one optimizer
 * step's batch, split over data-parallel workers, and the train call around
 * the one trainer loop (core/trainer.h).
 */
#ifndef AMEM_KVMEM_TRAIN_BATCH_H
#define AMEM_KVMEM_TRAIN_BATCH_H

#include "core/trainer.h"
#include "kvmem_impl.h"

/*
 * The settings-table rows of training (amem__setting, core/settings.h) that
 * the key-value memory and TVT share, five consecutive rows in this order:
 * LEARNING_RATE, BATCH_SIZE, and the sampler's TRAIN_MIN_LEN, TRAIN_MAX_LEN
 * and TRAIN_ZERO_FRACTION.
 */
#define AMEM__KV_TRAIN_SETTINGS                                              \
    {"LEARNING_RATE", 1e-8, 10, 1e-3, 0},                                   \
    {"BATCH_SIZE", 1, 1e6, 1, 1},                                           \
    {"TRAIN_MIN_LEN", 0, 1e9, 0, 1},                                        \
    {"TRAIN_MAX_LEN", 0, 1e9, 0, 1},                                        \
    {"TRAIN_ZERO_FRACTION", 0, 1, 0.6, 0}

/* The episodes of one step: lengths in [lo, hi], one task buffer. */
typedef struct amem__kv_sampler {
    amem__kv_task task;
    size_t d, m, lo, hi;
    double zero_fraction;
} amem__kv_sampler;

/* Lengths from the TRAIN_MIN_LEN / TRAIN_MAX_LEN settings (0 = default),
 * buffers for the longest episode. Free with amem__kv_task_free(&s->task). */
int amem__kv_sampler_open(const char *fn, double min_len, double max_len,
                          double zero_fraction, size_t d, size_t N, size_t m,
                          amem__kv_sampler *s);

/*
 * Draw the `batch` episodes of one step from rng in order; for those in this
 * worker's slice (amem__dp_slice of dp) call run(ctx, task), for the others
 * skip(ctx, task) (may be NULL): it must advance rng exactly as run would,
 * so that every worker draws the same random numbers.
 */
void amem__kv_sampler_batch(amem__kv_sampler *s, amem__rng *rng, size_t batch,
                            const amem__data_parallel *dp,
                            void (*run)(void *ctx, const amem__kv_task *t),
                            void (*skip)(void *ctx, const amem__kv_task *t),
                            void *ctx);

/* Copy a last-step record (cols floats): AMEM_OK, AMEM_E_NULL (out),
 * AMEM_E_STATE (no step recorded). */
int amem__kv_get_record(const char *fn, const float *record, int has_record,
                        size_t cols, float *out);

/*
 * The public step getters and data-parallel setter of a trained handle type
 * T with fields adam, dp, last_step (COLS floats) and has_last_step:
 * T_get_last_step, T_step_count, T_set_data_parallel (docs/api.md C14, C16).
 */
#define AMEM__KV_TRAINED_API(T, COLS)                                        \
    int T##_get_last_step(const T *h, float *out)                            \
    {                                                                        \
        AMEM__CHECK_NULL(h, #T "_get_last_step");                            \
        return amem__kv_get_record(#T "_get_last_step", h->last_step,        \
                                   h->has_last_step, COLS, out);             \
    }                                                                        \
    int T##_step_count(const T *h, size_t *out)                              \
    {                                                                        \
        AMEM__CHECK_NULL(h, #T "_step_count");                               \
        AMEM__CHECK_NULL(out, #T "_step_count");                             \
        *out = (size_t)h->adam->t;                                           \
        return AMEM_OK;                                                      \
    }                                                                        \
    int T##_set_data_parallel(T *h, const amem_data_parallel *dp)            \
    {                                                                        \
        AMEM__CHECK_NULL(h, #T "_set_data_parallel");                        \
        return amem__dp_set(#T "_set_data_parallel", &h->dp, dp);            \
    }

#endif

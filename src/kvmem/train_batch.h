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

/* What the two pieces' step getters share; h is the handle (NULL is
 * refused), the other arguments its fields (read only when h is not NULL). */
typedef struct amem__kv_trained {
    const void *h;
    const float *record;   /* the last step's record, cols floats */
    int has_record;
    size_t cols;
    const amem__adam *opt; /* its optimizer (the step count) */
} amem__kv_trained;

/* Copy the last step's record: AMEM_OK, AMEM_E_NULL, AMEM_E_STATE (none). */
int amem__kv_get_record(const char *fn, amem__kv_trained t, float *out);
/* The optimizer's step count: AMEM_OK, AMEM_E_NULL. */
int amem__kv_step_count(const char *fn, amem__kv_trained t, size_t *out);
/* Store a data-parallel description: AMEM_OK, AMEM_E_NULL, AMEM_E_RANGE. */
int amem__kv_set_dp(const char *fn, const void *h, amem__data_parallel *dst,
                    const amem_data_parallel *dp);

#endif

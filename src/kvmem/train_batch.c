/* The episode batches of key-value and TVT training (train_batch.h). */
#include <string.h>

#include "core/check.h"
#include "core/error.h"
#include "train_batch.h"

int amem__kv_sampler_open(const char *fn, double min_len, double max_len,
                          double zero_fraction, size_t d, size_t N, size_t m,
                          amem__kv_sampler *s)
{
    memset(s, 0, sizeof *s);
    s->d = d;
    s->m = m;
    s->zero_fraction = zero_fraction;
    int rc = amem__kv_task_lengths(fn, min_len, max_len, N, &s->lo, &s->hi);
    if (rc == AMEM_OK)
        rc = amem__kv_task_alloc(fn, d, m, s->hi, &s->task);
    return rc;
}

void amem__kv_sampler_batch(amem__kv_sampler *s, amem__rng *rng, size_t batch,
                            const amem__data_parallel *dp,
                            void (*run)(void *ctx, const amem__kv_task *t),
                            void (*skip)(void *ctx, const amem__kv_task *t),
                            void *ctx)
{
    size_t first, end;
    amem__dp_slice(dp, batch, &first, &end);
    for (size_t b = 0; b < batch; b++) {
        amem__kv_task_sample(rng, s->d, s->m, s->lo, s->hi, s->zero_fraction,
                             &s->task);
        if (b >= first && b < end)
            run(ctx, &s->task);
        else if (skip)
            skip(ctx, &s->task);
    }
}

int amem__kv_get_record(const char *fn, const float *record, int has_record,
                        size_t cols, float *out)
{
    AMEM__CHECK_NULL(out, fn);
    if (!has_record)
        return amem__fail(AMEM_E_STATE, fn,
                          "no training step since creation, load or reset");
    memcpy(out, record, cols * sizeof *out);
    return AMEM_OK;
}

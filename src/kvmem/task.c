/*
 * The meta-learning task distribution (Section 3.1 and 3.2): T random +-1
 * keys with T uniform in [lo, hi] (default N/2 .. 2N), values = keys when
 * d = m and independent +-1 vectors otherwise, each stored key queried once
 * with a fraction of its entries set to 0 (60% by default).
 */
#include <stdlib.h>
#include <string.h>

#include "core/check.h"
#include "core/error.h"
#include "kvmem_impl.h"

int amem__kv_task_lengths(const char *fn, double min_set, double max_set,
                          size_t N, size_t *lo, size_t *hi)
{
    size_t a = min_set > 0 ? (size_t)min_set : (N / 2 > 0 ? N / 2 : 1);
    size_t b = max_set > 0 ? (size_t)max_set : 2 * N;
    if (a > b)
        return amem__fail(AMEM_E_RANGE, fn,
                          "shortest episode %zu longer than the longest %zu",
                          a, b);
    *lo = a;
    *hi = b;
    return AMEM_OK;
}

int amem__kv_task_alloc(const char *fn, size_t d, size_t m, size_t T_max,
                        amem__kv_task *t)
{
    memset(t, 0, sizeof *t);
    size_t a, b;
    if (amem__mul_size(T_max, d, &a) || amem__mul_size(T_max, m, &b))
        return amem__fail(AMEM_E_DIM, fn, "episodes of %zu items too large",
                          T_max);
    t->keys = amem__alloc(a, 1, sizeof(float));
    t->queries = amem__alloc(a, 1, sizeof(float));
    t->values = d == m ? t->keys : amem__alloc(b, 1, sizeof(float));
    t->targets = t->values;
    if (!t->keys || !t->queries || !t->values) {
        amem__kv_task_free(t);
        return amem__fail(AMEM_E_NOMEM, fn, "cannot allocate episode data");
    }
    return AMEM_OK;
}

void amem__kv_task_free(amem__kv_task *t)
{
    if (t->values != t->keys)
        free(t->values);
    free(t->keys);
    free(t->queries);
    memset(t, 0, sizeof *t);
}

void amem__kv_task_sample(amem__rng *rng, size_t d, size_t m, size_t lo,
                          size_t hi, double zero_fraction, amem__kv_task *t)
{
    t->T = lo + (size_t)amem__rng_below(rng, hi - lo + 1);
    t->R = t->T;
    amem__rng_signs(rng, t->keys, t->T * d);
    if (t->values != t->keys)
        amem__rng_signs(rng, t->values, t->T * m);
    for (size_t k = 0; k < t->T * d; k++)
        t->queries[k] =
            amem__rng_uniform(rng) < zero_fraction ? 0.0f : t->keys[k];
}

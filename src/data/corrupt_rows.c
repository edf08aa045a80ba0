/* Exact-count corruption of each row; the per-entry change is a callback. */
#include "core/check.h"
#include "core/error.h"
#include "corrupt.h"
#include "data_args.h"

int amem__corrupt_rows(const char *fn, const float *x, float *out,
                       size_t count, size_t dim, double fraction,
                       uint64_t seed, float *mask, amem__replace_fn replace,
                       const void *ctx)
{
    size_t n;
    if (replace != NULL)
        AMEM__CHECK_NULL(x, fn);
    int rc = amem__check_unit_rows(fn, replace ? x : NULL, out, count, dim,
                                   "fraction", fraction, &n);
    if (rc != AMEM_OK)
        return rc;
    size_t k = amem__fraction_count(fraction, dim);
    amem__rng rng;
    amem__rng_seed(&rng, seed);
    for (size_t i = 0; i < count; i++) {
        amem__selector sel;
        amem__select_init(&sel, dim, k);
        for (size_t j = i * dim; j < (i + 1) * dim; j++) {
            int hit = amem__select_next(&sel, &rng);
            out[j] = replace == NULL ? (float)hit
                     : hit          ? replace(x[j], &rng, ctx)
                                    : x[j];
            if (mask != NULL)
                mask[j] = hit ? 0.0f : 1.0f;
        }
    }
    return AMEM_OK;
}

/* amem_corrupt_flip: a fraction of each row negated. */
#include "corrupt.h"

#include "assocmem/data.h"

static float negate(float old, amem__rng *rng, const void *ctx)
{
    (void)rng, (void)ctx;
    return -old;
}

AMEM_API int amem_corrupt_flip(const float *x, float *out, size_t count,
                               size_t dim, double fraction, uint64_t seed,
                               float *mask)
{
    return amem__corrupt_rows("amem_corrupt_flip", x, out, count, dim,
                              fraction, seed, mask, negate, NULL);
}

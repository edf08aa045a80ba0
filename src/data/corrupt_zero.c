/* amem_corrupt_zero: a partial cue, a fraction of each row set to 0. */
#include "corrupt.h"

#include "assocmem/data.h"

static float to_zero(float old, amem__rng *rng, const void *ctx)
{
    (void)old, (void)rng, (void)ctx;
    return 0.0f;
}

AMEM_API int amem_corrupt_zero(const float *x, float *out, size_t count,
                               size_t dim, double fraction, uint64_t seed,
                               float *mask)
{
    return amem__corrupt_rows("amem_corrupt_zero", x, out, count, dim,
                              fraction, seed, mask, to_zero, NULL);
}

/* amem_corrupt_gaussian: a fraction of each row replaced by N(mean, sd^2). */
#include <math.h>

#include "core/error.h"
#include "corrupt.h"

#include "assocmem/data.h"

#define AMEM__GAUSS_LIMIT 1e30

typedef struct gauss_params {
    double mean, sd;
} gauss_params;

static float draw_gaussian(float old, amem__rng *rng, const void *ctx)
{
    const gauss_params *g = ctx;
    (void)old;
    return (float)(g->mean + g->sd * amem__rng_normal(rng));
}

AMEM_API int amem_corrupt_gaussian(const float *x, float *out, size_t count,
                                   size_t dim, double fraction, double mean,
                                   double sd, uint64_t seed, float *mask)
{
    static const char fn[] = "amem_corrupt_gaussian";
    /* |normal draw| < 8.6 (53-bit Box–Muller), so these bounds keep every
     * output a finite float. */
    if (!(fabs(mean) <= AMEM__GAUSS_LIMIT))
        return amem__fail(AMEM_E_RANGE, fn, "mean = %g, must be finite with "
                          "|mean| <= %g", mean, AMEM__GAUSS_LIMIT);
    if (!(sd >= 0.0 && sd <= AMEM__GAUSS_LIMIT))
        return amem__fail(AMEM_E_RANGE, fn, "sd = %g, must be in [0, %g]", sd,
                          AMEM__GAUSS_LIMIT);
    gauss_params g = {mean, sd};
    return amem__corrupt_rows(fn, x, out, count, dim, fraction, seed, mask,
                              draw_gaussian, &g);
}

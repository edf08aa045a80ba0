/* amem_corrupt_mix: out = θ·x + sqrt(1 − θ²)·ε, the variance-preserving cue
 * of Ambrogioni 2024 (its corruption with θ = 0.68). */
#include <math.h>

#include "core/check.h"
#include "core/error.h"
#include "core/rng.h"
#include "data_args.h"

#include "assocmem/data.h"

AMEM_API int amem_corrupt_mix(const float *x, float *out, size_t count,
                              size_t dim, double theta, uint64_t seed)
{
    static const char fn[] = "amem_corrupt_mix";
    size_t n;
    AMEM__CHECK_NULL(x, fn);
    int rc = amem__check_unit_rows(fn, x, out, count, dim, "theta", theta, &n);
    if (rc != AMEM_OK)
        return rc;
    double noise_scale = sqrt(1.0 - theta * theta);
    amem__rng rng;
    amem__rng_seed(&rng, seed);
    for (size_t i = 0; i < n; i++)
        out[i] = (float)(theta * x[i] + noise_scale * amem__rng_normal(&rng));
    return AMEM_OK;
}

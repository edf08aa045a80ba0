/* amem_patterns_random: i.i.d. fair ±1 patterns. */
#include "core/error.h"
#include "core/rng.h"
#include "data_args.h"

#include "assocmem/data.h"

AMEM_API int amem_patterns_random(float *out, size_t count, size_t dim,
                                  uint64_t seed)
{
    static const char fn[] = "amem_patterns_random";
    size_t n;
    AMEM__CHECK_NULL(out, fn);
    int rc = amem__data_size(fn, "out", count, dim, &n);
    if (rc != AMEM_OK)
        return rc;
    amem__rng rng;
    amem__rng_seed(&rng, seed);
    amem__rng_signs(&rng, out, n);
    return AMEM_OK;
}

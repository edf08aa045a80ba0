/* amem_mask_bernoulli: i.i.d. 0/1 mask entries. */
#include "core/error.h"
#include "core/rng.h"
#include "data_args.h"

#include "assocmem/data.h"

AMEM_API int amem_mask_bernoulli(float *out, size_t count, size_t dim,
                                 double p, uint64_t seed)
{
    static const char fn[] = "amem_mask_bernoulli";
    size_t n;
    int rc = amem__check_unit_rows(fn, NULL, out, count, dim, "p", p, &n);
    if (rc != AMEM_OK)
        return rc;
    amem__rng rng;
    amem__rng_seed(&rng, seed);
    for (size_t i = 0; i < n; i++)
        out[i] = amem__rng_uniform(&rng) < p ? 1.0f : 0.0f;
    return AMEM_OK;
}

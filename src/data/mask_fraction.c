/* amem_mask_fraction: exactly k ones per row, chosen without replacement. */
#include "core/error.h"
#include "core/rng.h"
#include "data_args.h"

#include "assocmem/data.h"

AMEM_API int amem_mask_fraction(float *out, size_t count, size_t dim,
                                double fraction, uint64_t seed)
{
    static const char fn[] = "amem_mask_fraction";
    size_t n;
    int rc = amem__check_unit_rows(fn, NULL, out, count, dim, "fraction", fraction, &n);
    if (rc != AMEM_OK)
        return rc;
    size_t k = amem__fraction_count(fraction, dim);
    amem__rng rng;
    amem__rng_seed(&rng, seed);
    for (size_t i = 0; i < count; i++) {
        amem__selector sel;
        amem__select_init(&sel, dim, k);
        for (size_t j = 0; j < dim; j++)
            out[i * dim + j] = amem__select_next(&sel, &rng) ? 1.0f : 0.0f;
    }
    return AMEM_OK;
}

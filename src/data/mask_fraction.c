/* amem_mask_fraction: exactly k ones per row, chosen without replacement. */
#include "corrupt.h"

#include "assocmem/data.h"

AMEM_API int amem_mask_fraction(float *out, size_t count, size_t dim,
                                double fraction, uint64_t seed)
{
    return amem__corrupt_rows("amem_mask_fraction", NULL, out, count, dim,
                              fraction, seed, NULL, NULL, NULL);
}

/* Private: the shared driver of the fraction-based corruptions. */
#ifndef AMEM_DATA_CORRUPT_H
#define AMEM_DATA_CORRUPT_H

#include <stddef.h>
#include <stdint.h>

#include "core/rng.h"

/* New value for a chosen entry; ctx is the corruption's parameters. */
typedef float (*amem__replace_fn)(float old, amem__rng *rng, const void *ctx);

/*
 * Validate (x, out, sizes, fraction), then per row choose exactly
 * floor(fraction*dim + 0.5) entries by selection sampling and write
 * replace(old) there, the old value elsewhere; mask (optional) gets 1 for
 * kept entries and 0 for replaced ones. With replace NULL there is no x:
 * out gets 1 for the chosen entries and 0 elsewhere (amem_mask_fraction).
 */
int amem__corrupt_rows(const char *fn, const float *x, float *out,
                       size_t count, size_t dim, double fraction,
                       uint64_t seed, float *mask, amem__replace_fn replace,
                       const void *ctx);

#endif

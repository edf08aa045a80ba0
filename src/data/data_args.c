/* Argument checks and exact-count selection for the data helpers. */
#include <math.h>

#include "core/check.h"
#include "core/error.h"
#include "data_args.h"

int amem__data_size(const char *fn, const char *name, size_t count, size_t dim,
                    size_t *n)
{
    if (count == 0 || dim == 0)
        return amem__fail(AMEM_E_DIM, fn, "%s has zero size (%zu x %zu)", name,
                          count, dim);
    int rc = amem__array_bytes(fn, name, count, dim, sizeof(float), NULL);
    if (rc == AMEM_OK)
        *n = count * dim;
    return rc;
}

int amem__check_unit(const char *fn, const char *name, double value)
{
    if (!(value >= 0.0 && value <= 1.0))
        return amem__fail(AMEM_E_RANGE, fn, "%s = %g, must be in [0, 1]", name,
                          value);
    return AMEM_OK;
}

int amem__check_unit_rows(const char *fn, const float *x, const float *out,
                          size_t count, size_t dim, const char *name,
                          double value, size_t *n)
{
    AMEM__CHECK_NULL(out, fn);
    int rc = amem__data_size(fn, x ? "x" : "out", count, dim, n);
    if (rc == AMEM_OK)
        rc = amem__check_unit(fn, name, value);
    if (rc == AMEM_OK && x != NULL)
        rc = amem__check_array(fn, "x", x, count, dim);
    return rc;
}

size_t amem__fraction_count(double fraction, size_t dim)
{
    double k = floor(fraction * (double)dim + 0.5);
    return k >= (double)dim ? dim : (size_t)k;
}

void amem__select_init(amem__selector *s, size_t n, size_t k)
{
    s->items_left = n;
    s->picks_left = k;
}

int amem__select_next(amem__selector *s, amem__rng *rng)
{
    int pick;
    if (s->picks_left == 0)
        pick = 0;
    else if (s->picks_left >= s->items_left)
        pick = 1;
    else /* P(pick) = picks_left / items_left */
        pick = amem__rng_below(rng, s->items_left) < s->picks_left;
    s->items_left--;
    s->picks_left -= (size_t)pick;
    return pick;
}

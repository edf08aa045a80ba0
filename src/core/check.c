/* Overflow-checked sizes and finite-value checks. */
#include <math.h>
#include <stdint.h>

#include "check.h"
#include "error.h"

int amem__mul_size(size_t a, size_t b, size_t *out)
{
    if (a != 0 && b > SIZE_MAX / a)
        return -1;
    *out = a * b;
    return 0;
}

int amem__all_finite(const float *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i]))
            return 0;
    return 1;
}

int amem__check_array(const char *fn, const char *name, const float *x,
                      size_t rows, size_t cols)
{
    size_t n;
    if (x == NULL)
        return amem__fail(AMEM_E_NULL, fn, "%s is NULL", name);
    if (rows == 0 || cols == 0)
        return amem__fail(AMEM_E_DIM, fn, "%s has zero size (%zu x %zu)", name,
                          rows, cols);
    if (amem__mul_size(rows, cols, &n) != 0)
        return amem__fail(AMEM_E_DIM, fn, "%s size %zu x %zu overflows", name,
                          rows, cols);
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i]))
            return amem__fail(AMEM_E_NONFINITE, fn,
                              "%s[%zu] is not finite", name, i);
    return AMEM_OK;
}

/* The size rule (see check.h) and finite-value checks. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "error.h"

int amem__mul_size(size_t a, size_t b, size_t *out)
{
    if (a != 0 && b > AMEM__MAX_ELEMS / a)
        return -1;
    *out = a * b;
    return 0;
}

int amem__add_size(size_t a, size_t b, size_t *out)
{
    if (a > AMEM__MAX_ELEMS || b > AMEM__MAX_ELEMS - a)
        return -1;
    *out = a + b;
    return 0;
}

/* count x dim x elem_size bytes under the rule; -1 when refused. */
static int rule_bytes(size_t count, size_t dim, size_t elem_size,
                      size_t *bytes)
{
    size_t elems;
    if (amem__mul_size(count, dim, &elems) != 0 || elem_size == 0 ||
        elems > (size_t)PTRDIFF_MAX / elem_size)
        return -1;
    *bytes = elems * elem_size;
    return 0;
}

int amem__array_bytes(const char *fn, const char *name, size_t count,
                      size_t dim, size_t elem_size, size_t *bytes)
{
    size_t n;
    if (rule_bytes(count, dim, elem_size, &n) != 0)
        return amem__fail(AMEM_E_DIM, fn,
                          "%s of %zu x %zu elements is larger than the "
                          "largest array (%zu elements of %zu bytes)",
                          name, count, dim, AMEM__MAX_ELEMS, elem_size);
    if (bytes)
        *bytes = n;
    return 0;
}

int amem__check_size(const char *fn, const char *name, const void *x,
                     size_t count, size_t dim, size_t elem_size)
{
    if (x == NULL)
        return amem__fail(AMEM_E_NULL, fn, "%s is NULL", name);
    return amem__array_bytes(fn, name, count, dim, elem_size, NULL);
}

/* A float is NaN or infinite exactly when its exponent bits are all set.
 * Branch-free over blocks of 1,024, four lanes at a time with GCC or Clang
 * vectors (SSE2 at the x86-64 baseline: pand, pcmpeqd, por), a scalar
 * tail. */
#if defined(__GNUC__) || defined(__clang__)
typedef int32_t vi4 __attribute__((vector_size(16)));

static int block_bad(const float *x, size_t n)
{
    const vi4 expo = {0x7f800000, 0x7f800000, 0x7f800000, 0x7f800000};
    vi4 acc = {0};
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        vi4 u;
        memcpy(&u, x + i, sizeof u);
        acc |= (u & expo) == expo;
    }
    int32_t bad = acc[0] | acc[1] | acc[2] | acc[3];
    for (; i < n; i++) {
        int32_t u;
        memcpy(&u, x + i, sizeof u);
        bad |= (u & 0x7f800000) == 0x7f800000;
    }
    return bad != 0;
}
#else
static int block_bad(const float *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i]))
            return 1;
    return 0;
}
#endif

int amem__check_mask(const char *fn, const char *name, const float *mask,
                     size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (mask[i] != 0.0f && mask[i] != 1.0f)
            return amem__fail(AMEM_E_ARG, fn, "%s[%zu] = %g, expected 0 or 1",
                              name, i, (double)mask[i]);
    return AMEM_OK;
}

/* dst += src and the exponent test of every sum, as block_bad. */
#if defined(__GNUC__) || defined(__clang__)
typedef float vf4 __attribute__((vector_size(16)));

int amem__add_all_finite(float *dst, const float *src, size_t n)
{
    const vi4 expo = {0x7f800000, 0x7f800000, 0x7f800000, 0x7f800000};
    vi4 acc = {0};
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        vf4 a, b;
        memcpy(&a, dst + i, sizeof a);
        memcpy(&b, src + i, sizeof b);
        a += b;
        memcpy(dst + i, &a, sizeof a);
        acc |= ((vi4)a & expo) == expo;
    }
    int bad = (acc[0] | acc[1] | acc[2] | acc[3]) != 0;
    for (; i < n; i++) {
        dst[i] += src[i];
        bad |= !isfinite(dst[i]);
    }
    return !bad;
}
#else
int amem__add_all_finite(float *dst, const float *src, size_t n)
{
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        dst[i] += src[i];
        bad |= !isfinite(dst[i]);
    }
    return !bad;
}
#endif

int amem__all_finite(const float *x, size_t n)
{
    enum { BLOCK = 1024 };
    for (size_t i0 = 0; i0 < n; i0 += BLOCK)
        if (block_bad(x + i0, n - i0 < BLOCK ? n - i0 : BLOCK))
            return 0;
    return 1;
}

int amem__check_array(const char *fn, const char *name, const float *x,
                      size_t rows, size_t cols)
{
    if (x == NULL)
        return amem__fail(AMEM_E_NULL, fn, "%s is NULL", name);
    if (rows == 0 || cols == 0)
        return amem__fail(AMEM_E_DIM, fn, "%s has zero size (%zu x %zu)", name,
                          rows, cols);
    int rc = amem__array_bytes(fn, name, rows, cols, sizeof(float), NULL);
    if (rc != AMEM_OK)
        return rc;
    for (size_t i = 0; i < rows * cols; i++)
        if (!isfinite(x[i]))
            return amem__fail(AMEM_E_NONFINITE, fn,
                              "%s[%zu] is not finite", name, i);
    return AMEM_OK;
}

void *amem__alloc(size_t count, size_t dim, size_t elem_size)
{
    size_t bytes;
    if (rule_bytes(count, dim, elem_size, &bytes) != 0)
        return NULL;
    return malloc(bytes ? bytes : 1);
}

void *amem__zalloc(size_t count, size_t dim, size_t elem_size)
{
    size_t bytes;
    if (rule_bytes(count, dim, elem_size, &bytes) != 0)
        return NULL;
    return calloc(bytes ? bytes : 1, 1);
}

void *amem__realloc(void *p, size_t count, size_t dim, size_t elem_size)
{
    size_t bytes;
    if (rule_bytes(count, dim, elem_size, &bytes) != 0)
        return NULL;
    return realloc(p, bytes ? bytes : 1);
}

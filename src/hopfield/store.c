/* One-shot storage: Hebbian writes (CLASSICAL, BAM) or pattern copies. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/blas.h"
#include "core/check.h"
#include "core/error.h"
#include "hopfield_impl.h"

/*
 * n Hebbian writes at once. Applying W <- lambda W + (q/d) y x^T item by item
 * gives, in closed form,
 *   W <- lambda^n W + sum_k (q/d) lambda^(n-1-k) y_k x_k^T,
 * one sgemm with the value rows pre-scaled. Autoassociative: y = x.
 */
static int hebbian_write(const char *fn, amem_hopfield *h, const float *keys,
                         const float *values, size_t n)
{
    size_t rows = h->value_dim ? h->value_dim : h->dim;
    size_t len;
    if (amem__mul_size(n, rows, &len) != 0)
        return amem__fail(AMEM_E_DIM, fn, "%zu patterns are too many", n);
    float *scaled = amem__alloc(len, 1, sizeof(float));
    if (scaled == NULL)
        return amem__fail(AMEM_E_NOMEM, fn, "cannot allocate %zu floats", len);
    double lambda = AMEM__HP(h, DECAY);
    double q = AMEM__HP(h, WRITE_STRENGTH) / (double)h->dim;
    for (size_t k = 0; k < n; k++) {
        float c = (float)(q * pow(lambda, (double)(n - 1 - k)));
        for (size_t j = 0; j < rows; j++)
            scaled[k * rows + j] = c * values[k * rows + j];
    }
    float keep = (float)pow(lambda, (double)n);
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)rows,
                (int)h->dim, (int)n, 1.0f, scaled, (int)rows, keys,
                (int)h->dim, keep, h->weights, (int)h->dim);
    free(scaled);
    return AMEM_OK;
}

int amem__hopfield_check_blas_size(const char *fn, const amem_hopfield *h,
                                   size_t n)
{
    if (n > (size_t)INT32_MAX || h->dim > (size_t)INT32_MAX ||
        h->value_dim > (size_t)INT32_MAX ||
        h->count > (size_t)INT32_MAX - n)
        return amem__fail(AMEM_E_DIM, fn, "%zu patterns exceed the limit", n);
    return AMEM_OK;
}

/* Pattern-keeping kinds append rows with assigned ids (append.c). */
static int store_common(const char *fn, amem_hopfield *h, const float *keys,
                        const float *values, size_t n)
{
    if (h->kind != AMEM_HOPFIELD_CLASSICAL)
        return amem__hopfield_append_rows(fn, h, keys, values, NULL, n, NULL);
    int rc = amem__hopfield_check_blas_size(fn, h, n);
    if (rc == AMEM_OK)
        rc = hebbian_write(fn, h, keys, values ? values : keys, n);
    if (rc == AMEM_OK)
        h->count += n;
    return rc;
}

int amem_hopfield_store(amem_hopfield *h, const float *patterns, size_t n)
{
    static const char fn[] = "amem_hopfield_store";
    AMEM__CHECK_NULL(h, fn);
    if (h->value_dim > 0)
        return amem__fail(AMEM_E_UNSUPPORTED, fn,
                          "heteroassociative handle: use store_pairs");
    int rc = amem__check_array(fn, "patterns", patterns, n, h->dim);
    if (rc != AMEM_OK)
        return rc;
    return store_common(fn, h, patterns, NULL, n);
}

int amem_hopfield_store_pairs(amem_hopfield *h, const float *keys,
                              const float *values, size_t n)
{
    static const char fn[] = "amem_hopfield_store_pairs";
    AMEM__CHECK_NULL(h, fn);
    if (h->value_dim == 0)
        return amem__fail(AMEM_E_UNSUPPORTED, fn,
                          "autoassociative handle: use store");
    int rc = amem__check_array(fn, "keys", keys, n, h->dim);
    if (rc == AMEM_OK)
        rc = amem__check_array(fn, "values", values, n, h->value_dim);
    if (rc != AMEM_OK)
        return rc;
    return store_common(fn, h, keys, values, n);
}

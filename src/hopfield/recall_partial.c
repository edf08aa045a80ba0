/*
 * The partial softmax step (amem_hopfield_recall_partial): the fused step
 * of softmax_fused.c stopped before its normalisation, so that stores split
 * into parts merge their (max, sum, weighted sum) by log-sum-exp
 * (lse_merge.h).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/check.h"
#include "core/error.h"
#include "hopfield_impl.h"

static int check_partial_args(const char *fn, const amem_hopfield *h,
                              const float *queries, size_t n,
                              const float *clamp, const float *row_max,
                              const float *row_sum,
                              const float *weighted_values)
{
    AMEM__CHECK_NULL(h, fn);
    AMEM__CHECK_NULL(row_max, fn);
    AMEM__CHECK_NULL(row_sum, fn);
    int rc = amem__hopfield_check_modern(fn, h, "partial steps");
    if (rc != AMEM_OK)
        return rc;
    if ((int)AMEM__HP(h, SEPARATION) != AMEM_HOPFIELD_SEP_SOFTMAX)
        return amem__fail(AMEM_E_UNSUPPORTED, fn,
                          "partial steps need the SOFTMAX separation");
    if (weighted_values != NULL && h->value_dim == 0)
        return amem__fail(AMEM_E_UNSUPPORTED, fn,
                          "weighted_values on an autoassociative handle");
    rc = amem__check_array(fn, "queries", queries, n, h->dim);
    if (rc == AMEM_OK && n > (size_t)INT32_MAX)
        rc = amem__fail(AMEM_E_DIM, fn, "%zu queries are too many", n);
    if (rc == AMEM_OK && clamp != NULL)
        rc = amem__check_mask(fn, "clamp", clamp, n * h->dim);
    if (rc == AMEM_OK && clamp != NULL)
        rc = amem__hopfield_check_known_rows(fn, clamp, n, h->dim);
    return rc;
}

/* Nothing stored: every row is the empty part. */
static void empty_part(size_t n, size_t d, size_t m, float *row_max,
                       float *row_sum, float *wk, float *wv)
{
    for (size_t q = 0; q < n; q++) {
        row_max[q] = -INFINITY;
        row_sum[q] = 0.0f;
    }
    if (wk != NULL)
        memset(wk, 0, n * d * sizeof(float));
    if (wv != NULL)
        memset(wv, 0, n * m * sizeof(float));
}

/* The weighted sums in the order the fused step fills them (V1, V2). */
static void set_outputs(const amem_hopfield *h, amem__fused_args *a,
                        float *wk, float *wv)
{
    if (wk != NULL) {
        a->V1 = h->keys;
        a->m1 = h->dim;
        a->out1 = wk;
    }
    if (wv == NULL)
        return;
    if (wk == NULL) {
        a->V1 = h->values;
        a->m1 = h->value_dim;
        a->out1 = wv;
        return;
    }
    a->V2 = h->values;
    a->m2 = h->value_dim;
    a->out2 = wv;
}

/* The step over the n (masked) queries in X, inside a serial-BLAS window. */
static int partial_step(const amem_hopfield *h, amem__fused_args *a,
                        float *X, size_t n, const float *clamp)
{
    size_t d = h->dim, len;
    int threads = amem__blas_window_begin(AMEM__MAX_JOBS);
    threads = amem__fused_jobs(n, h->count, d, threads);
    len = amem__fused_ws_len(n, d, a->m1 + a->m2, threads);
    float *ws = amem__alloc(len, 1, sizeof(float));
    float *row_sq = amem__alloc(n, 1, sizeof(float));
    if (ws != NULL && row_sq != NULL) {
        for (size_t i = 0; clamp != NULL && i < n * d; i++)
            X[i] *= clamp[i];
        a->X = X;
        a->mask = clamp;
        a->row_sq = row_sq;
        a->b = n;
        amem__row_sq(a, X, n, row_sq);
        amem__fused_step(a, ws, threads);
    }
    amem__blas_window_end();
    int rc = ws != NULL && row_sq != NULL ? AMEM_OK : AMEM_E_NOMEM;
    free(ws);
    free(row_sq);
    return rc;
}

int amem_hopfield_recall_partial(const amem_hopfield *h, const float *queries,
                                 size_t n, const float *clamp, float *row_max,
                                 float *row_sum, float *weighted_keys,
                                 float *weighted_values)
{
    static const char fn[] = "amem_hopfield_recall_partial";
    int rc = check_partial_args(fn, h, queries, n, clamp, row_max, row_sum,
                                weighted_values);
    if (rc != AMEM_OK)
        return rc;
    if (h->count == 0) {
        empty_part(n, h->dim, h->value_dim, row_max, row_sum, weighted_keys,
                   weighted_values);
        return AMEM_OK;
    }
    float *X = amem__alloc(n, h->dim, sizeof(float));
    if (X == NULL)
        return amem__fail(AMEM_E_NOMEM, fn, "cannot allocate %zu states", n);
    memcpy(X, queries, n * h->dim * sizeof(float));
    amem__fused_args a = amem__modern_args(h);
    a.part_max = row_max;
    a.part_sum = row_sum;
    set_outputs(h, &a, weighted_keys, weighted_values);
    rc = partial_step(h, &a, X, n, clamp);
    free(X);
    if (rc != AMEM_OK)
        return amem__fail(rc, fn, "out of memory during the step");
    return AMEM_OK;
}

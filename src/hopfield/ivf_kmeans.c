/*
 * k-means (Lloyd 1982) for the coarse centroids of the IVF index. The
 * assignment step is the expensive one: for a block of rows X_b,
 *     argmin_l |x - c_l|^2 = argmin_l (|c_l|^2 - 2 x . c_l),
 * one sgemm X_b C^T per block. The update sets each centroid to the mean
 * of its rows (sums in double). A centroid left with no row is moved to a
 * random training row; it had no row, so the objective
 *     J = sum_i min_l |x_i - c_l|^2
 * still does not increase from one assignment to the next (each step of
 * Lloyd's algorithm minimises J over one of its two arguments).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/blas.h"
#include "core/check.h"
#include "core/error.h"
#include "ivf_impl.h"

enum { SCORE_FLOATS = 1 << 20, MAX_BLOCK_ROWS = 1024 };

void amem__row_norms_sq(const float *C, size_t k, size_t d, float *out)
{
    for (size_t l = 0; l < k; l++) {
        double s = 0.0;
        for (size_t j = 0; j < d; j++)
            s += (double)C[l * d + j] * C[l * d + j];
        out[l] = (float)s;
    }
}

/* Rows per assignment block: the block's k scores stay near 4 MB. */
static size_t block_rows(size_t k)
{
    size_t rows = SCORE_FLOATS / k;
    if (rows < 1)
        return 1;
    return rows > MAX_BLOCK_ROWS ? MAX_BLOCK_ROWS : rows;
}

/* First index of the smallest |c|^2 - 2 x.c in row s (by_dot: of the
 * largest x.c); its |c|^2 - 2 x.c. */
static size_t nearest(const float *s, const float *Cn, size_t k, int by_dot,
                      float *best)
{
    size_t at = 0;
    for (size_t l = 1; l < k; l++)
        if (by_dot ? s[l] > s[at]
                   : Cn[l] - 2.0f * s[l] < Cn[at] - 2.0f * s[at])
            at = l;
    *best = Cn[at] - 2.0f * s[at];
    return at;
}

int amem__kmeans_assign(const float *X, size_t n, size_t d, const float *C,
                        const float *Cn, size_t k, int by_dot,
                        int32_t *assign, double *objective)
{
    size_t rows = block_rows(k);
    float *S = amem__alloc(rows, k, sizeof(float));
    if (S == NULL)
        return AMEM_E_NOMEM;
    double total = 0.0;
    for (size_t i0 = 0; i0 < n; i0 += rows) {
        size_t b = n - i0 < rows ? n - i0 : rows;
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)b, (int)k,
                    (int)d, 1.0f, X + i0 * d, (int)d, C, (int)d, 0.0f, S,
                    (int)k);
        for (size_t r = 0; r < b; r++) {
            float part;
            size_t at = nearest(S + r * k, Cn, k, by_dot, &part);
            if (assign)
                assign[i0 + r] = (int32_t)at;
            double xx = 0.0;
            for (size_t j = 0; j < d; j++)
                xx += (double)X[(i0 + r) * d + j] * X[(i0 + r) * d + j];
            total += fmax(xx + part, 0.0);
        }
    }
    free(S);
    if (objective)
        *objective = total;
    return AMEM_OK;
}

/* k distinct rows of X, drawn without replacement. */
static int init_random(const amem__kmeans_args *a, float *C)
{
    size_t *idx = amem__alloc(a->n, 1, sizeof(size_t));
    if (idx == NULL)
        return AMEM_E_NOMEM;
    for (size_t i = 0; i < a->n; i++)
        idx[i] = i;
    for (size_t l = 0; l < a->k; l++) { /* partial Fisher-Yates */
        size_t pick = l + (size_t)amem__rng_below(a->rng, a->n - l);
        size_t t = idx[l];
        idx[l] = idx[pick];
        idx[pick] = t;
        memcpy(C + l * a->d, a->X + idx[l] * a->d, a->d * sizeof(float));
    }
    free(idx);
    return AMEM_OK;
}

/* C <- mean of its rows; an empty centroid takes a random row. */
static void update(const amem__kmeans_args *a, const int32_t *assign,
                   double *sum, size_t *count, float *C)
{
    size_t d = a->d;
    memset(sum, 0, a->k * d * sizeof(double));
    memset(count, 0, a->k * sizeof(size_t));
    for (size_t i = 0; i < a->n; i++) {
        size_t l = (size_t)assign[i];
        count[l]++;
        for (size_t j = 0; j < d; j++)
            sum[l * d + j] += a->X[i * d + j];
    }
    for (size_t l = 0; l < a->k; l++) {
        if (count[l] == 0) {
            size_t row = (size_t)amem__rng_below(a->rng, a->n);
            memcpy(C + l * d, a->X + row * d, d * sizeof(float));
            continue;
        }
        for (size_t j = 0; j < d; j++)
            C[l * d + j] = (float)(sum[l * d + j] / (double)count[l]);
    }
}

/* The Lloyd iterations, with progress after each. */
static int lloyd(const amem__kmeans_args *a, float *C, float *Cn,
                 int32_t *assign, double *sum, size_t *count)
{
    for (int t = 1; t <= a->steps; t++) {
        double J;
        amem__row_norms_sq(C, a->k, a->d, Cn);
        if (amem__kmeans_assign(a->X, a->n, a->d, C, Cn, a->k, 0, assign,
                                &J))
            return amem__fail(AMEM_E_NOMEM, a->fn, "out of memory in k-means");
        update(a, assign, sum, count, C);
        if (a->progress && a->progress(a->user, "kmeans", t, a->steps,
                                       J / (double)a->n) != 0)
            return amem__fail(AMEM_E_CANCELLED, a->fn,
                              "cancelled after %d k-means iterations", t);
    }
    return AMEM_OK;
}

int amem__kmeans_train(const amem__kmeans_args *a, float *centroids)
{
    float *Cn = amem__alloc(a->k, 1, sizeof(float));
    int32_t *assign = amem__alloc(a->n, 1, sizeof(int32_t));
    double *sum = amem__alloc(a->k, a->d, sizeof(double));
    size_t *count = amem__alloc(a->k, 1, sizeof(size_t));
    int rc = AMEM_E_NOMEM;
    if (Cn && assign && sum && count)
        rc = init_random(a, centroids);
    if (rc == AMEM_OK)
        rc = lloyd(a, centroids, Cn, assign, sum, count);
    else
        amem__fail(rc, a->fn, "cannot allocate the k-means state");
    free(Cn);
    free(assign);
    free(sum);
    free(count);
    return rc;
}

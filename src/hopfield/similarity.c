/*
 * Similarities of the modern store (Millidge et al. 2022): scores of a
 * block of queries against a block of stored patterns, over the known
 * entries of each query when a mask m is given (the state rows arrive
 * already multiplied by m).
 *
 *   DOT        s = (m o x) . xi                               one sgemm
 *   EUCLIDEAN  s = -|m o (x - xi)|^2
 *                = -|m o x|^2 + 2 (m o x) . xi - m . (xi o xi)
 *              the last term one more sgemm against the squared patterns
 *              (without a mask it is the stored |xi|^2); rounding can make
 *              the sum slightly positive, so it is capped at 0
 *   COSINE     s = (m o x) . xi / (|m o x| |m o xi|),  |m o xi|^2 =
 *              m . (xi o xi) by the same sgemm; 0 when a norm is 0
 *   MANHATTAN  s = -sum_k m_k |x_k - xi_k|                    manhattan.c
 *
 * Every score is multiplied by a->scale (b for the softmax, else 1).
 */
#include <math.h>

#include "core/blas.h"
#include "hopfield_impl.h"

amem__fused_args amem__modern_args(const amem_hopfield *h)
{
    amem__fused_args a = {0};
    a.d = h->dim;
    a.Y = h->keys;
    a.Yq = h->qkeys;
    a.Yscale = h->qscale;
    a.dtype = amem__hopfield_dtype(h);
    a.Ynorm = h->key_norm_sq;
    a.N = h->count;
    a.similarity = (int)AMEM__HP(h, SIMILARITY);
    a.separation = (int)AMEM__HP(h, SEPARATION);
    a.degree = (int)AMEM__HP(h, DEGREE);
    a.scale = a.separation == AMEM_HOPFIELD_SEP_SOFTMAX ? amem__modern_scale(h)
                                                       : 1.0f;
    return a;
}

static int needs_row_sq(int similarity)
{
    return similarity == AMEM_HOPFIELD_SIM_EUCLIDEAN ||
           similarity == AMEM_HOPFIELD_SIM_COSINE;
}

void amem__row_sq(const amem__fused_args *a, const float *X, size_t b,
                  float *row_sq)
{
    if (!needs_row_sq(a->similarity))
        return;
    for (size_t r = 0; r < b; r++) {
        double s = 0.0;
        for (size_t k = 0; k < a->d; k++)
            s += (double)X[r * a->d + k] * X[r * a->d + k];
        row_sq[r] = (float)s;
    }
}

/* S = alpha * X_rows Y_blk^T (+ beta S). One row is a matrix-vector
 * product: sgemv streams Y without sgemm's packing copy (pruned recall
 * scores most list blocks for a single query). */
static void scores_sgemm(const amem__fused_args *a, const float *X,
                         size_t rows, const float *Y, size_t cols,
                         float alpha, float beta, float *S)
{
    if (rows == 1) {
        cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)cols, (int)a->d, alpha,
                    Y, (int)a->d, X, 1, beta, S, 1);
        return;
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows, (int)cols,
                (int)a->d, alpha, X, (int)a->d, Y, (int)a->d, beta, S,
                (int)cols);
}

/* S holds 2 scale (m o x).xi [- scale m.(xi o xi) when masked]; finish
 * -scale |m o (x - xi)|^2, capped at 0. */
static void finish_euclidean(const amem__fused_args *a, size_t r0,
                             size_t rows, size_t j0, size_t cols, float *S)
{
    float scale = a->scale;
    for (size_t r = 0; r < rows; r++) {
        float *s = S + r * cols, row = scale * a->row_sq[r0 + r];
        if (a->mask != NULL) {
            for (size_t c = 0; c < cols; c++)
                s[c] = fminf(s[c] - row, 0.0f);
            continue;
        }
        const float *col = a->Ynorm + j0;
        for (size_t c = 0; c < cols; c++)
            s[c] = fminf(s[c] - row - scale * col[c], 0.0f);
    }
}

/* S holds (m o x).xi, norms |m o xi|^2 in T (masked) or Ynorm. */
static void finish_cosine(const amem__fused_args *a, size_t r0, size_t rows,
                          size_t j0, size_t cols, float *S, const float *T)
{
    for (size_t r = 0; r < rows; r++) {
        float *s = S + r * cols, xn = a->row_sq[r0 + r];
        const float *yn = a->mask != NULL ? T + r * cols : a->Ynorm + j0;
        for (size_t c = 0; c < cols; c++) {
            float norms = sqrtf(xn) * sqrtf(yn[c]);
            s[c] = norms > 0.0f ? a->scale * (s[c] / norms) : 0.0f;
        }
    }
}

void amem__scores_from_dots(const amem__fused_args *a, size_t r0,
                            size_t rows, size_t j0, size_t cols, float *S)
{
    float mult = a->similarity == AMEM_HOPFIELD_SIM_EUCLIDEAN ? 2.0f * a->scale
                 : a->similarity == AMEM_HOPFIELD_SIM_COSINE  ? 1.0f
                                                              : a->scale;
    if (mult != 1.0f)
        for (size_t i = 0; i < rows * cols; i++)
            S[i] *= mult;
    if (a->similarity == AMEM_HOPFIELD_SIM_EUCLIDEAN)
        finish_euclidean(a, r0, rows, j0, cols, S);
    else if (a->similarity == AMEM_HOPFIELD_SIM_COSINE)
        finish_cosine(a, r0, rows, j0, cols, S, NULL);
}

void amem__score_block(const amem__fused_args *a, const float *Y,
                       const float *Ysq, size_t r0, size_t rows, size_t j0,
                       size_t cols, float *S, float *tmp)
{
    const float *X = a->X + r0 * a->d;
    const float *M = a->mask ? a->mask + r0 * a->d : NULL;
    switch (a->similarity) {
    case AMEM_HOPFIELD_SIM_EUCLIDEAN:
        scores_sgemm(a, X, rows, Y, cols, 2.0f * a->scale, 0.0f, S);
        if (M != NULL)
            scores_sgemm(a, M, rows, Ysq, cols, -a->scale, 1.0f, S);
        finish_euclidean(a, r0, rows, j0, cols, S);
        break;
    case AMEM_HOPFIELD_SIM_COSINE:
        scores_sgemm(a, X, rows, Y, cols, 1.0f, 0.0f, S);
        if (M != NULL)
            scores_sgemm(a, M, rows, Ysq, cols, 1.0f, 0.0f, tmp);
        finish_cosine(a, r0, rows, j0, cols, S, tmp);
        break;
    case AMEM_HOPFIELD_SIM_MANHATTAN:
        amem__l1_block(X, M, rows, Y, cols, a->d, a->scale, S);
        break;
    default:
        scores_sgemm(a, X, rows, Y, cols, a->scale, 0.0f, S);
    }
}

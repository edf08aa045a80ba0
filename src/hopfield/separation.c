/*
 * Separation functions of the modern store (Millidge et al. 2022), in the
 * two forms the recall needs: streamed over blocks of stored patterns (the
 * fused step keeps a running maximum M, sum L and arg-max index per query
 * row and rescales its accumulators when M grows), and over whole rows (the
 * unfused weights path).
 *
 *   SOFTMAX   w = e^(s - M), L = sum w, rescale e^(M - M'), out = acc / L
 *   POLY      w = (s / M)^n for s > 0 else 0 (M > 0 the running maximum, so
 *             nothing overflows), rescale (M / M')^n, out = acc / L; when no
 *             s > 0 the row takes ARGMAX's output
 *   ARGMAX    no accumulation: the first index of the maximum is tracked
 *             (a later block must be strictly larger: ties go to the lowest
 *             index) and its value row copied at the end
 *   IDENTITY  w = s, no rescale, no normalisation
 */
#include <math.h>
#include <string.h>

#include "core/numerics.h"
#include "hopfield_impl.h"

/* z^n in float, through the one integer power of core/numerics.h. */
static float powi(float z, int n) { return (float)amem__powi(z, n); }

void amem__sep_init(size_t rows, float *row_max, float *row_sum,
                    int32_t *row_arg)
{
    for (size_t r = 0; r < rows; r++) {
        row_max[r] = -INFINITY;
        row_sum[r] = 0.0f;
        row_arg[r] = 0;
    }
}

/* First index of the largest entry and that entry. */
static size_t first_max(const float *s, size_t n, float *top)
{
    size_t best = 0;
    for (size_t c = 1; c < n; c++)
        if (s[c] > s[best])
            best = c;
    *top = s[best];
    return best;
}

/* One row of POLY: weights in place, returns their sum. */
static float poly_row(float *s, size_t n, float top, int degree)
{
    float sum = 0.0f, inv = 1.0f / top;
    for (size_t c = 0; c < n; c++) {
        s[c] = s[c] > 0.0f ? powi(s[c] * inv, degree) : 0.0f;
        sum += s[c];
    }
    return sum;
}

/* Streamed update of one row; see the file comment. */
static float block_row(const amem__fused_args *a, float *s, size_t cols,
                       size_t j0, float *M, float *L, int32_t *arg)
{
    float top, rescale = 1.0f;
    if (a->separation == AMEM_HOPFIELD_SEP_SOFTMAX) {
        top = amem__vec_max(s, cols);
        if (top > *M) {
            rescale = expf(*M - top); /* e^-inf = 0 on the first block */
            *L *= rescale;
            *M = top;
        }
        *L += amem__vec_exp_shift_sum(s, cols, *M);
        return rescale;
    }
    size_t at = first_max(s, cols, &top);
    if (top > *M) {
        if (a->separation == AMEM_HOPFIELD_SEP_POLY)
            rescale = *M > 0.0f ? powi(*M / top, a->degree) : 0.0f;
        *L *= rescale;
        *M = top;
        *arg = (int32_t)(j0 + at);
    }
    if (a->separation == AMEM_HOPFIELD_SEP_POLY && *M > 0.0f)
        *L += poly_row(s, cols, *M, a->degree);
    else if (a->separation == AMEM_HOPFIELD_SEP_POLY)
        memset(s, 0, cols * sizeof(float));
    return rescale;
}

int amem__sep_block(const amem__fused_args *a, float *S, size_t rows,
                    size_t cols, size_t j0, float *row_max, float *row_sum,
                    int32_t *row_arg, float *rescale)
{
    for (size_t r = 0; r < rows; r++) {
        rescale[r] = 1.0f;
        if (a->separation != AMEM_HOPFIELD_SEP_IDENTITY)
            rescale[r] = block_row(a, S + r * cols, cols, j0, &row_max[r],
                                   &row_sum[r], &row_arg[r]);
    }
    return a->separation != AMEM_HOPFIELD_SEP_ARGMAX;
}

int amem__sep_takes_arg(int separation, float row_max)
{
    return separation == AMEM_HOPFIELD_SEP_ARGMAX ||
           (separation == AMEM_HOPFIELD_SEP_POLY && !(row_max > 0.0f));
}

void amem__sep_finish(int separation, size_t rows, const float *row_max,
                      const float *row_sum, const int32_t *row_arg,
                      float *acc, const float *V, size_t m)
{
    if (acc == NULL || separation == AMEM_HOPFIELD_SEP_IDENTITY)
        return;
    for (size_t r = 0; r < rows; r++) {
        float *o = acc + r * m;
        if (amem__sep_takes_arg(separation, row_max[r])) {
            memcpy(o, V + (size_t)row_arg[r] * m, m * sizeof(float));
            continue;
        }
        float inv = 1.0f / row_sum[r];
        for (size_t j = 0; j < m; j++)
            o[j] *= inv;
    }
}

void amem__sep_rows(const amem__fused_args *a, float *S, size_t rows,
                    size_t cols)
{
    for (size_t r = 0; r < rows; r++) {
        float *s = S + r * cols, top, inv;
        if (a->separation == AMEM_HOPFIELD_SEP_IDENTITY)
            continue;
        if (a->separation == AMEM_HOPFIELD_SEP_SOFTMAX) {
            inv = 1.0f / amem__vec_exp_shift_sum(s, cols,
                                                 amem__vec_max(s, cols));
            for (size_t c = 0; c < cols; c++)
                s[c] *= inv;
            continue;
        }
        size_t at = first_max(s, cols, &top);
        if (amem__sep_takes_arg(a->separation, top)) {
            memset(s, 0, cols * sizeof(float));
            s[at] = 1.0f;
            continue;
        }
        inv = 1.0f / poly_row(s, cols, top, a->degree);
        for (size_t c = 0; c < cols; c++)
            s[c] *= inv;
    }
}

float amem__sep_job_weight(const amem__fused_args *a, float job_max,
                           float top)
{
    if (a->separation == AMEM_HOPFIELD_SEP_SOFTMAX)
        return expf(job_max - top);
    if (a->separation == AMEM_HOPFIELD_SEP_POLY)
        return job_max > 0.0f ? powi(job_max / top, a->degree) : 0.0f;
    return 1.0f;
}

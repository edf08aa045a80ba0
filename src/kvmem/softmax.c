/* Softmax helpers of the key-value memory (all max-shifted). */
#include <math.h>

#include "core/blas.h"
#include "kvmem_impl.h"

/*
 * exp(t) for a max-shifted t <= 0. Below -104, expf rounds to exactly 0 in
 * single precision (exp(-104) < half the smallest subnormal), so the call
 * is skipped there with a bit-identical result; a nearly one-hot softmax
 * then costs few exponentials.
 */
float amem__kv_exp_shifted(float t)
{
    return t < -104.0f ? 0.0f : expf(t);
}

void amem__kv_softmax(float *s, size_t n)
{
    float mx = s[0];
    for (size_t i = 1; i < n; i++)
        mx = s[i] > mx ? s[i] : mx;
    float sum = 0;
    for (size_t i = 0; i < n; i++) {
        s[i] = amem__kv_exp_shifted(s[i] - mx);
        sum += s[i];
    }
    float inv = 1.0f / sum;
    for (size_t i = 0; i < n; i++)
        s[i] *= inv;
}

void amem__kv_softmax_rows(float *s, size_t rows, size_t n)
{
    for (size_t r = 0; r < rows; r++)
        amem__kv_softmax(s + r * n, n);
}

void amem__kv_scores(const float *K, size_t N, size_t d, const float *x,
                     float beta, float *scores)
{
    cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)N, (int)d, beta, K, (int)d,
                x, 1, 0.0f, scores, 1);
}

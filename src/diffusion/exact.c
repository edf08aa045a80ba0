/*
 * The exact score of the stored pattern set (derived from the marginal
 * p_t(x) = (1/N) sum_mu N(x; theta y_mu, s^2 I); the paper's Eq. A3-A4 with
 * the theta scaling restored and the sign fixed):
 *   logits_mu = (theta / s^2) x.y_mu - theta^2 |y_mu|^2 / (2 s^2)
 *   h = softmax(logits),   score = (theta Y^T h - x) / s^2
 *   log p_t(x) = logsumexp(logits) - |x|^2 / (2 s^2) - log N
 *                - (d / 2) log(2 pi s^2).
 * Queries are processed in chunks: one sgemm for the logits of a chunk, a
 * max-shifted softmax per row, one sgemm for Y^T h.
 */
#include <math.h>
#include <string.h>

#include "core/blas.h"
#include "core/numerics.h"
#include "diffusion_impl.h"

/* Logit block of at most this many floats (4 MiB). */
#define BLOCK_FLOATS ((size_t)1 << 20)
#define MAX_CHUNK ((size_t)1024)
#define TWO_PI 6.283185307179586

size_t amem__exact_chunk(size_t n, size_t count)
{
    size_t c = BLOCK_FLOATS / (count ? count : 1);
    if (c < 1)
        c = 1;
    if (c > MAX_CHUNK)
        c = MAX_CHUNK;
    return c < n ? c : n;
}

size_t amem__exact_ws_len(size_t n, size_t count)
{
    return amem__exact_chunk(n, count) * count + count;
}

/* bias_mu = -theta^2 |y_mu|^2 / (2 s^2). */
static void pattern_bias(const amem_diffusion *h, double theta, double s2,
                         float *bias)
{
    const size_t d = h->dim;
    for (size_t mu = 0; mu < h->count; mu++) {
        const float *y = h->patterns + mu * d;
        double norm2 = 0.0;
        for (size_t j = 0; j < d; j++)
            norm2 += (double)y[j] * y[j];
        bias[mu] = (float)(-theta * theta * norm2 / (2.0 * s2));
    }
}

static double squared_norm(const float *x, size_t d)
{
    double acc = 0.0;
    for (size_t j = 0; j < d; j++)
        acc += (double)x[j] * x[j];
    return acc;
}

/* Softmax of each row of L (rows x N) in place; log p per row if wanted. */
static void softmax_rows(const amem_diffusion *h, float *L, const float *x,
                         size_t rows, const float *bias, double s2,
                         double *logp)
{
    const size_t N = h->count, d = h->dim;
    const double log_norm = log((double)N) +
                            0.5 * (double)d * log(TWO_PI * s2);
    for (size_t i = 0; i < rows; i++) {
        float *row = L + i * N;
        double lse;
        for (size_t mu = 0; mu < N; mu++)
            row[mu] += bias[mu];
        amem__softmax_row(row, N, 1.0f, &lse);
        if (logp)
            logp[i] = lse - squared_norm(x + i * d, d) / (2.0 * s2) - log_norm;
    }
}

/* score = (theta M - x) / s^2 where M = H Y (rows x d) is in score. */
static void finish_score(const float *x, float *score, size_t len,
                         double theta, double s2)
{
    const float a = (float)(theta / s2), b = (float)(1.0 / s2);
    for (size_t i = 0; i < len; i++)
        score[i] = a * score[i] - b * x[i];
}

void amem__exact_eval(const amem_diffusion *h, const float *x, size_t n,
                      double theta, double s, float *weights, float *score,
                      double *logp, float *ws)
{
    const size_t N = h->count, d = h->dim;
    const size_t chunk = amem__exact_chunk(n, N);
    const double s2 = s * s;
    float *L = ws, *bias = ws + chunk * N;
    pattern_bias(h, theta, s2, bias);
    for (size_t r0 = 0; r0 < n; r0 += chunk) {
        size_t rows = n - r0 < chunk ? n - r0 : chunk;
        const float *xc = x + r0 * d;
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows,
                    (int)N, (int)d, (float)(theta / s2), xc, (int)d,
                    h->patterns, (int)d, 0.0f, L, (int)N);
        softmax_rows(h, L, xc, rows, bias, s2, logp ? logp + r0 : NULL);
        if (weights)
            memcpy(weights + r0 * N, L, rows * N * sizeof(float));
        if (score) {
            float *sc = score + r0 * d;
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows,
                        (int)d, (int)N, 1.0f, L, (int)N, h->patterns, (int)d,
                        0.0f, sc, (int)d);
            finish_score(xc, sc, rows * d, theta, s2);
        }
    }
}

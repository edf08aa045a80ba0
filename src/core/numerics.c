/*
 * Row softmax, log-sum-exp and L2 normalisation on top of the vector
 * kernels of vexp.c; the rules they follow are in numerics.h.
 */
#include <math.h>

#include "core/numerics.h"

static void scale_row(float *x, size_t n, float a)
{
    for (size_t i = 0; i < n; i++)
        x[i] *= a;
}

/*
 * softmax(beta x)_j = exp(beta x_j - m) / s with m = max_j beta x_j and
 * s = sum_j exp(beta x_j - m) >= 1; log sum_j exp(beta x_j) = m + log s.
 */
void amem__softmax_row(float *x, size_t n, float beta, double *lse)
{
    if (beta != 1.0f)
        scale_row(x, n, beta);
    float m = amem__vec_max(x, n);
    float s = amem__vec_exp_shift_sum(x, n, m);
    scale_row(x, n, 1.0f / s);
    if (lse != NULL)
        *lse = (double)m + log((double)s);
}

void amem__softmax_row_f64(double *x, size_t n, double *lse)
{
    double m = -INFINITY, s = 0.0;
    for (size_t j = 0; j < n; j++)
        m = x[j] > m ? x[j] : m;
    for (size_t j = 0; j < n; j++) {
        x[j] = exp(x[j] - m);
        s += x[j];
    }
    for (size_t j = 0; j < n; j++)
        x[j] /= s;
    if (lse != NULL)
        *lse = m + log(s);
}

void amem__softmax_rows(float *x, size_t rows, size_t cols, float beta)
{
    for (size_t r = 0; r < rows; r++)
        amem__softmax_row(x + r * cols, cols, beta, NULL);
}

/* Block of the row that log-sum-exp exponentiates at a time (stack). */
enum { LSE_BLOCK = 256 };

/*
 * (1/beta) (m + log sum_j exp(beta x_j - m)), m = max_j beta x_j; the block
 * sums (float, from the vector kernel) are added in double.
 */
double amem__logsumexp_row(const float *x, size_t n, float beta)
{
    float m = -INFINITY, buf[LSE_BLOCK];
    for (size_t j = 0; j < n; j++)
        m = beta * x[j] > m ? beta * x[j] : m;
    double s = 0.0;
    for (size_t j0 = 0; j0 < n; j0 += LSE_BLOCK) {
        size_t len = n - j0 < LSE_BLOCK ? n - j0 : LSE_BLOCK;
        for (size_t j = 0; j < len; j++)
            buf[j] = beta * x[j0 + j];
        s += amem__vec_exp_shift_sum(buf, len, m);
    }
    return ((double)m + log(s)) / beta;
}

float amem__l2_norm(const float *x, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += (double)x[i] * x[i];
    return (float)sqrt(s);
}

float amem__l2_normalize_row(const float *x, float *y, size_t n, float eps)
{
    float norm = amem__l2_norm(x, n);
    float inv = 1.0f / (norm > eps ? norm : eps);
    for (size_t i = 0; i < n; i++)
        y[i] = x[i] * inv;
    return norm;
}

/*
 * y = x / ||x||: dx = (I - y y^T) dy / ||x||. Below eps, y = x / eps is
 * linear: dx = dy / eps.
 */
void amem__l2_normalize_row_backward(const float *y, float norm, float eps,
                                     const float *dy, float *dx, size_t n,
                                     int accumulate)
{
    double dot = 0.0;
    if (norm > eps)
        for (size_t j = 0; j < n; j++)
            dot += (double)y[j] * dy[j];
    float fdot = (float)dot, inv = 1.0f / (norm > eps ? norm : eps);
    for (size_t j = 0; j < n; j++) {
        float g = (dy[j] - y[j] * fdot) * inv;
        dx[j] = accumulate ? dx[j] + g : g;
    }
}

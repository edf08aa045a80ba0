/*
 * Private: the numerics every piece and every engine op shares — one vector
 * exp (src/core/vexp.c, one CPU dispatch), one row softmax, one log-sum-exp,
 * one L2 normalisation, one softplus (src/core/numerics.c).
 *
 * Rules, decided here once:
 *
 * - Underflow. exp(t) is exactly 0 for t < AMEM__EXP_UNDERFLOW = ln FLT_MIN
 *   (rounded toward 0): a result that would be subnormal is flushed to 0,
 *   -inf gives 0, NaN stays NaN. Every path (scalar expf, AVX2, AVX-512)
 *   applies the same cut, so a lane never holds a subnormal weight.
 * - Shift. Softmax and log-sum-exp always subtract the row maximum first
 *   (t = beta x - max <= 0), so the maximum's weight is exp(0) = 1 exactly,
 *   the sum is >= 1 and nothing overflows. A row needs at least one entry
 *   and no +inf; entries of -inf get weight 0; a row that is all -inf
 *   yields NaN (there is nothing to normalise).
 * - Sums. Softmax sums its weights in float over the vector lanes;
 *   log-sum-exp adds those lane sums in double.
 * - Zero rows. L2 normalisation divides by max(||x||, eps): a zero row
 *   returns zeros, a row of norm at most eps is scaled by 1/eps (continuous,
 *   with the derivative of x / eps there), never divided by 0. The norm is
 *   accumulated in double.
 *
 * Accuracy against a double-precision reference (tests/check_numerics.c):
 * the vector exp is within 1 ulp of exp on every level; a softmax weight
 * exp(t) / s is within (4e-7 + 1.2e-7 |t|) relative, t = beta x - max (the
 * float rounding of t dominates), log-sum-exp within 1e-6 relative.
 */
#ifndef AMEM_CORE_NUMERICS_H
#define AMEM_CORE_NUMERICS_H

#include <math.h>
#include <stddef.h>

/* ln FLT_MIN rounded toward 0: exp(t) is a normal float for t >= this. */
#define AMEM__EXP_UNDERFLOW (-87.33654f)

/* exp(t) under the underflow rule above (scalar; libm expf inside). */
static inline float amem__exp_flush(float t)
{
    return t < AMEM__EXP_UNDERFLOW ? 0.0f : expf(t);
}

/* sigma(z) = 1 / (1 + e^-z) without overflow: e = e^-|z| <= 1. */
/* z^n for a whole n >= 0, by repeated squaring (z^0 = 1). */
static inline double amem__powi(double z, int n)
{
    double r = 1.0;
    while (n > 0) {
        if (n & 1)
            r *= z;
        z *= z;
        n >>= 1;
    }
    return r;
}

static inline float amem__sigmoidf(float z)
{
    float e = expf(-fabsf(z));
    return z >= 0.0f ? 1.0f / (1.0f + e) : e / (1.0f + e);
}

/*
 * softplus(z) = log(1 + e^z), as max(z, 0) + log1p(e^-|z|): no overflow for
 * large z, no cancellation for very negative z. Its derivative is
 * amem__sigmoidf(z).
 */
static inline float amem__softplusf(float z)
{
    return fmaxf(z, 0.0f) + log1pf(expf(-fabsf(z)));
}

/* ---- vector kernels (vexp.c), dispatched on the CPU at run time -------- */

/* y[i] = exp(x[i]) for any x (+inf above ln FLT_MAX); y may alias x. */
void amem__vexp(const float *x, float *y, size_t n);

/* max_i x[i]; -inf when n = 0. */
float amem__vec_max(const float *x, size_t n);

/* x[i] <- exp(x[i] - shift) for x[i] - shift <= 0; returns the sum. */
float amem__vec_exp_shift_sum(float *x, size_t n, float shift);

/* The kernel sets by CPU level, for tests that compare the versions. */
typedef struct amem__vexp_kernels {
    float (*max)(const float *x, size_t n);
    float (*exp_shift_sum)(float *x, size_t n, float shift);
    void (*exp)(const float *x, float *y, size_t n);
} amem__vexp_kernels;

enum { AMEM__SIMD_SCALAR = 0, AMEM__SIMD_AVX2 = 1, AMEM__SIMD_AVX512 = 2 };

/* The kernels of one level; NULL when this CPU (or build) lacks it. */
const amem__vexp_kernels *amem__vexp_level(int level);

/* ---- row primitives (numerics.c) --------------------------------------- */

/*
 * x <- softmax(beta x) in place (n >= 1, beta finite; beta = 1 leaves the
 * row unscaled). When lse is not NULL, *lse = log sum_j exp(beta x_j) (not
 * divided by beta), from the same maximum and sum.
 */
void amem__softmax_row(float *x, size_t n, float beta, double *lse);

/*
 * The same in double for the float64 recall paths (PRECISION = FLOAT64):
 * x <- softmax(x) in place (n >= 1), shifted by the row maximum, with libm
 * exp and the sum in double (no underflow cut beyond double's own);
 * *lse = log sum_j exp(x_j) when lse is not NULL.
 */
void amem__softmax_row_f64(double *x, size_t n, double *lse);

/* amem__softmax_row on each of rows rows of cols entries. */
void amem__softmax_rows(float *x, size_t rows, size_t cols, float beta);

/*
 * (1/beta) log sum_j exp(beta x_j), max-shifted (n >= 1, beta finite and
 * nonzero). x is not modified.
 */
double amem__logsumexp_row(const float *x, size_t n, float beta);

/* ||x||_2, the squares summed in double. */
float amem__l2_norm(const float *x, size_t n);

/*
 * y = x / max(||x||, eps) (y may alias x); returns ||x||. A zero row gives
 * zeros (see the rule above).
 */
float amem__l2_normalize_row(const float *x, float *y, size_t n, float eps);

/*
 * Backward of amem__l2_normalize_row for one row, from its output y, the
 * norm it returned and dy: g = (dy - y (y . dy)) / ||x|| where ||x|| > eps,
 * else dy / eps (the dot in double). accumulate = 0 writes dx = g (dx may
 * alias dy); accumulate = 1 adds dx += g (dx must not alias dy).
 */
void amem__l2_normalize_row_backward(const float *y, float norm, float eps,
                                     const float *dy, float *dx, size_t n,
                                     int accumulate);

#endif

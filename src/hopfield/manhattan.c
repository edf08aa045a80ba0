/*
 * Manhattan similarity of a block of queries against a block of stored
 * patterns: S[r][c] = -scale * sum_k m_rk |x_rk - y_ck| (x rows already
 * multiplied by the known-entry mask m; without a mask every m_rk = 1).
 *
 * There is no BLAS for L1 distances, so this is a register-blocked kernel:
 * 4 queries x 2 patterns per micro-tile (8 accumulators), 8 lanes of
 * |x - y| = andnot(sign bit, x - y) per instruction, the mask applied by
 * an FMA into the accumulator. AVX2+FMA on x86-64 when the CPU has it
 * (chosen at run time, as the softmax kernels are), a portable scalar loop
 * otherwise. The pattern block (a few hundred rows) stays in L2 while the
 * query rows of a micro-tile stay in L1.
 */
#include <math.h>
#include <stddef.h>

#include "hopfield_impl.h"

static float l1_scalar_one(const float *x, const float *m, const float *y,
                           size_t d)
{
    float sum = 0.0f;
    for (size_t k = 0; k < d; k++)
        sum += (m ? m[k] : 1.0f) * fabsf(x[k] - y[k]);
    return sum;
}

static void l1_scalar(const float *X, const float *M, size_t rows,
                      const float *Y, size_t cols, size_t d, float scale,
                      float *S)
{
    for (size_t r = 0; r < rows; r++)
        for (size_t c = 0; c < cols; c++)
            S[r * cols + c] = -scale * l1_scalar_one(X + r * d,
                                                     M ? M + r * d : NULL,
                                                     Y + c * d, d);
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define AMEM_HAVE_X86_L1 1
#include "core/avx2.h"

#define AVX2 AMEM__AVX2
#define AVX2_INLINE AMEM__AVX2_INLINE

enum { TILE_ROWS = 4, TILE_COLS = 2 };

/* acc += m |x - y|; mask NULL: acc += |x - y|. */
AVX2_INLINE __m256 l1_step(__m256 acc, __m256 x, __m256 y, const float *m,
                           size_t k, const __m256i *tail, int masked)
{
    const __m256 sign = _mm256_set1_ps(-0.0f);
    __m256 diff = _mm256_andnot_ps(sign, _mm256_sub_ps(x, y));
    if (!masked)
        return _mm256_add_ps(acc, diff);
    __m256 mk = tail ? _mm256_maskload_ps(m + k, *tail)
                     : _mm256_loadu_ps(m + k);
    return _mm256_fmadd_ps(diff, mk, acc);
}

/* One micro-tile: TILE_ROWS queries x TILE_COLS patterns. */
AVX2_INLINE void l1_tile(const float *X, const float *M, const float *Y,
                         size_t d, float scale, float *S, size_t ldS,
                         int masked)
{
    __m256 acc[TILE_ROWS][TILE_COLS];
    for (int r = 0; r < TILE_ROWS; r++)
        for (int c = 0; c < TILE_COLS; c++)
            acc[r][c] = _mm256_setzero_ps();
    size_t k = 0;
    for (; k + 8 <= d; k += 8) {
        __m256 y0 = _mm256_loadu_ps(Y + k), y1 = _mm256_loadu_ps(Y + d + k);
        for (int r = 0; r < TILE_ROWS; r++) {
            __m256 x = _mm256_loadu_ps(X + r * d + k);
            const float *m = masked ? M + r * d : NULL;
            acc[r][0] = l1_step(acc[r][0], x, y0, m, k, NULL, masked);
            acc[r][1] = l1_step(acc[r][1], x, y1, m, k, NULL, masked);
        }
    }
    if (k < d) {
        __m256i tail = amem__tail_mask8(d - k);
        __m256 y0 = _mm256_maskload_ps(Y + k, tail);
        __m256 y1 = _mm256_maskload_ps(Y + d + k, tail);
        for (int r = 0; r < TILE_ROWS; r++) {
            __m256 x = _mm256_maskload_ps(X + r * d + k, tail);
            const float *m = masked ? M + r * d : NULL;
            acc[r][0] = l1_step(acc[r][0], x, y0, m, k, &tail, masked);
            acc[r][1] = l1_step(acc[r][1], x, y1, m, k, &tail, masked);
        }
    }
    for (int r = 0; r < TILE_ROWS; r++)
        for (int c = 0; c < TILE_COLS; c++)
            S[r * ldS + c] = -scale * amem__hsum8(acc[r][c]);
}

/* One query against one pattern (the edges of the block). */
AVX2_INLINE float l1_one(const float *x, const float *m, const float *y,
                         size_t d, int masked)
{
    __m256 acc = _mm256_setzero_ps();
    size_t k = 0;
    for (; k + 8 <= d; k += 8)
        acc = l1_step(acc, _mm256_loadu_ps(x + k), _mm256_loadu_ps(y + k), m,
                      k, NULL, masked);
    if (k < d) {
        __m256i tail = amem__tail_mask8(d - k);
        acc = l1_step(acc, _mm256_maskload_ps(x + k, tail),
                      _mm256_maskload_ps(y + k, tail), m, k, &tail, masked);
    }
    return amem__hsum8(acc);
}

AVX2_INLINE void l1_avx2_body(const float *X, const float *M, size_t rows,
                              const float *Y, size_t cols, size_t d,
                              float scale, float *S, int masked)
{
    size_t full_rows = rows - rows % TILE_ROWS;
    size_t full_cols = cols - cols % TILE_COLS;
    for (size_t r = 0; r < full_rows; r += TILE_ROWS)
        for (size_t c = 0; c < full_cols; c += TILE_COLS)
            l1_tile(X + r * d, masked ? M + r * d : NULL, Y + c * d, d, scale,
                    S + r * cols + c, cols, masked);
    for (size_t r = 0; r < rows; r++) /* the edges */
        for (size_t c = r < full_rows ? full_cols : 0; c < cols; c++)
            S[r * cols + c] = -scale * l1_one(X + r * d,
                                              masked ? M + r * d : NULL,
                                              Y + c * d, d, masked);
}

static AVX2 void l1_avx2_masked(const float *X, const float *M, size_t rows,
                                const float *Y, size_t cols, size_t d,
                                float scale, float *S)
{
    l1_avx2_body(X, M, rows, Y, cols, d, scale, S, 1);
}

static AVX2 void l1_avx2_plain(const float *X, size_t rows, const float *Y,
                               size_t cols, size_t d, float scale, float *S)
{
    l1_avx2_body(X, NULL, rows, Y, cols, d, scale, S, 0);
}

static int have_avx2(void)
{
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
#endif

void amem__l1_block(const float *X, const float *mask, size_t rows,
                    const float *Y, size_t cols, size_t d, float scale,
                    float *S)
{
#ifdef AMEM_HAVE_X86_L1
    if (have_avx2()) {
        if (mask != NULL)
            l1_avx2_masked(X, mask, rows, Y, cols, d, scale, S);
        else
            l1_avx2_plain(X, rows, Y, cols, d, scale, S);
        return;
    }
#endif
    l1_scalar(X, mask, rows, Y, cols, d, scale, S);
}

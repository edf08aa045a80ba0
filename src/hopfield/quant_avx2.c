/*
 * AVX2+FMA kernels over compressed key rows (quant.h): 8 entries per
 * instruction, widened from int8 (vpmovsxbd) or bfloat16 (vpmovzxwd and a
 * 16-bit shift) to float32. Dots keep two accumulators per row; the axpy
 * adds four rows per pass over the accumulator so it is loaded and stored
 * once per four rows. Tails (d not a multiple of 8) run scalar.
 */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#include <stdlib.h>
#include <string.h>

#include "assocmem/hopfield.h"
#include "quant_avx2.h"

#define AVX2 __attribute__((target("avx2,fma")))
#define AVX2_INLINE \
    static inline __attribute__((always_inline, target("avx2,fma")))

int amem__quant_have_avx2(void)
{
    static int have = -1;
    if (have < 0)
        have = __builtin_cpu_supports("avx2") &&
               __builtin_cpu_supports("fma") &&
               getenv("AMEM_FORCE_SCALAR") == NULL;
    return have;
}

/* Entries k .. k+7 of row j as floats (INT8 unscaled). */
AVX2_INLINE __m256 load8(const amem__qrows *q, size_t j, size_t k)
{
    size_t at = j * q->d + k;
    if (q->dtype == AMEM_HOPFIELD_DTYPE_INT8) {
        __m128i b = _mm_loadl_epi64(
            (const __m128i *)(const void *)((const int8_t *)q->codes + at));
        return _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(b));
    }
    if (q->dtype == AMEM_HOPFIELD_DTYPE_BF16) {
        __m128i h = _mm_loadu_si128(
            (const __m128i *)(const void *)((const uint16_t *)q->codes + at));
        return _mm256_castsi256_ps(
            _mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16));
    }
    return _mm256_loadu_ps((const float *)q->codes + at);
}

/* Scalar entry k of row j (INT8 unscaled). */
static float raw1(const amem__qrows *q, size_t j, size_t k)
{
    size_t at = j * q->d + k;
    if (q->dtype == AMEM_HOPFIELD_DTYPE_INT8)
        return (float)((const int8_t *)q->codes)[at];
    if (q->dtype == AMEM_HOPFIELD_DTYPE_BF16) {
        uint32_t u = (uint32_t)((const uint16_t *)q->codes)[at] << 16;
        float x;
        memcpy(&x, &u, sizeof x);
        return x;
    }
    return ((const float *)q->codes)[at];
}

static float scale_of(const amem__qrows *q, size_t j)
{
    return q->dtype == AMEM_HOPFIELD_DTYPE_INT8 ? q->scale[j] : 1.0f;
}

static AVX2 float hsum8(__m256 v)
{
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v),
                          _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

AVX2 void amem__quant_decode_avx2(const amem__qrows *q, size_t j0,
                                  size_t rows, float *dst)
{
    size_t d = q->d, body = d & ~(size_t)7;
    for (size_t r = 0; r < rows; r++) {
        size_t j = j0 + r;
        float s = scale_of(q, j);
        __m256 vs = _mm256_set1_ps(s);
        float *o = dst + r * d;
        for (size_t k = 0; k < body; k += 8)
            _mm256_storeu_ps(o + k, _mm256_mul_ps(vs, load8(q, j, k)));
        for (size_t k = body; k < d; k++)
            o[k] = s * raw1(q, j, k);
    }
}

AVX2 void amem__quant_dots_avx2(const amem__qrows *q, size_t j0, size_t cols,
                                const float *x, float *s)
{
    size_t d = q->d, body = d & ~(size_t)15, body8 = d & ~(size_t)7;
    for (size_t c = 0; c < cols; c++) {
        size_t j = j0 + c;
        __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();
        size_t k = 0;
        for (; k < body; k += 16) {
            a0 = _mm256_fmadd_ps(_mm256_loadu_ps(x + k), load8(q, j, k), a0);
            a1 = _mm256_fmadd_ps(_mm256_loadu_ps(x + k + 8),
                                 load8(q, j, k + 8), a1);
        }
        for (; k < body8; k += 8)
            a0 = _mm256_fmadd_ps(_mm256_loadu_ps(x + k), load8(q, j, k), a0);
        float sum = hsum8(_mm256_add_ps(a0, a1));
        for (; k < d; k++)
            sum += x[k] * raw1(q, j, k);
        s[c] = scale_of(q, j) * sum;
    }
}

/* acc += w[0..3] rows j .. j+3 over entries [0, body), 8 at a time. */
AVX2_INLINE void axpy4(const amem__qrows *q, size_t j, const float *w,
                       size_t body, float *acc)
{
    __m256 w0 = _mm256_set1_ps(w[0]), w1 = _mm256_set1_ps(w[1]);
    __m256 w2 = _mm256_set1_ps(w[2]), w3 = _mm256_set1_ps(w[3]);
    for (size_t k = 0; k < body; k += 8) {
        __m256 a = _mm256_loadu_ps(acc + k);
        a = _mm256_fmadd_ps(w0, load8(q, j, k), a);
        a = _mm256_fmadd_ps(w1, load8(q, j + 1, k), a);
        a = _mm256_fmadd_ps(w2, load8(q, j + 2, k), a);
        a = _mm256_fmadd_ps(w3, load8(q, j + 3, k), a);
        _mm256_storeu_ps(acc + k, a);
    }
}

AVX2 void amem__quant_axpy_avx2(const amem__qrows *q, size_t j0, size_t cols,
                                const float *p, float *acc)
{
    size_t d = q->d, body = d & ~(size_t)7, c = 0;
    float w[4];
    for (; c + 4 <= cols; c += 4) {
        for (int i = 0; i < 4; i++)
            w[i] = p[c + i] * scale_of(q, j0 + c + i);
        if (w[0] == 0.0f && w[1] == 0.0f && w[2] == 0.0f && w[3] == 0.0f)
            continue;
        axpy4(q, j0 + c, w, body, acc);
        for (int i = 0; i < 4; i++)
            for (size_t k = body; k < d; k++)
                acc[k] += w[i] * raw1(q, j0 + c + i, k);
    }
    for (; c < cols; c++) {
        float wc = p[c] * scale_of(q, j0 + c);
        __m256 vw = _mm256_set1_ps(wc);
        for (size_t k = 0; k < body; k += 8)
            _mm256_storeu_ps(acc + k,
                             _mm256_fmadd_ps(vw, load8(q, j0 + c, k),
                                             _mm256_loadu_ps(acc + k)));
        for (size_t k = body; k < d; k++)
            acc[k] += wc * raw1(q, j0 + c, k);
    }
}
#else
typedef int amem__quant_avx2_unused; /* ISO C: no empty translation unit */
#endif

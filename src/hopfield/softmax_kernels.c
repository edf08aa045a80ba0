/*
 * Vector kernels of the fused softmax: row maximum and exp(x - shift) with
 * its sum. A portable scalar version, and on x86-64 AVX-512 and AVX2+FMA
 * versions (compiler intrinsics in functions compiled for that target),
 * chosen at run time from the CPU.
 *
 * The vector exp: n = round(t / ln 2), r = t - n ln 2 (Cody-Waite split of
 * ln 2), exp(r) by its degree-6 Taylor polynomial on |r| <= ln2/2 (relative
 * error below 2e-7), times 2^n built in the exponent bits. Arguments are
 * max-shifted (t <= 0) and clamped below at -87, where exp underflows
 * single precision anyway. Both vector versions do the same operations in
 * the same order per lane; only the lane count, and so the order of the
 * partial sums, differs.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "hopfield_impl.h"

static float max_scalar(const float *x, size_t n)
{
    float m = -INFINITY;
    for (size_t i = 0; i < n; i++)
        m = x[i] > m ? x[i] : m;
    return m;
}

static float exp_sum_scalar(float *x, size_t n, float shift)
{
    float sum = 0;
    for (size_t i = 0; i < n; i++) {
        x[i] = expf(x[i] - shift);
        sum += x[i];
    }
    return sum;
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define AMEM_HAVE_X86_KERNELS 1
#include <immintrin.h>

#define AVX2 __attribute__((target("avx2,fma")))
#define AVX512 __attribute__((target("avx2,fma,avx512f")))

/* Constants of the vector exp (see the file comment). */
#define EXP_FLOOR (-87.0f)
#define EXP_MAGIC 12582912.0f /* 1.5 * 2^23: adding it rounds to integer */
#define EXP_LOG2E 1.44269504088896341f
#define EXP_LN2_HI 0.693359375f
#define EXP_LN2_LO (-2.12194440e-4f)
#define EXP_BIAS (127 - 0x4B400000) /* bits(magic + n) -> n + 127 */

/* ---- AVX-512: 16 lanes ---------------------------------------------- */

static inline AVX512 __m512 exp16(__m512 t)
{
    const __m512 magic = _mm512_set1_ps(EXP_MAGIC);
    t = _mm512_max_ps(t, _mm512_set1_ps(EXP_FLOOR));
    __m512 k = _mm512_fmadd_ps(t, _mm512_set1_ps(EXP_LOG2E), magic);
    __m512 n = _mm512_sub_ps(k, magic);
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(EXP_LN2_HI), t);
    r = _mm512_fnmadd_ps(n, _mm512_set1_ps(EXP_LN2_LO), r);
    __m512 p = _mm512_set1_ps(1.0f / 720);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 120));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 24));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 6));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(0.5f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
    __m512i e = _mm512_add_epi32(_mm512_castps_si512(k),
                                 _mm512_set1_epi32(EXP_BIAS));
    return _mm512_mul_ps(p, _mm512_castsi512_ps(_mm512_slli_epi32(e, 23)));
}

static AVX512 float max_avx512(const float *x, size_t n)
{
    __m512 m0 = _mm512_set1_ps(-INFINITY), m1 = m0;
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        m0 = _mm512_max_ps(m0, _mm512_loadu_ps(x + i));
        m1 = _mm512_max_ps(m1, _mm512_loadu_ps(x + i + 16));
    }
    for (; i < n; i += 16) {
        __mmask16 k = (__mmask16)(n - i >= 16 ? 0xFFFF
                                              : (1u << (n - i)) - 1u);
        m0 = _mm512_max_ps(m0, _mm512_mask_loadu_ps(m1, k, x + i));
    }
    return _mm512_reduce_max_ps(_mm512_max_ps(m0, m1));
}

static AVX512 float exp_sum_avx512(float *x, size_t n, float shift)
{
    const __m512 s = _mm512_set1_ps(shift);
    __m512 a0 = _mm512_setzero_ps(), a1 = a0;
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        __m512 e0 = exp16(_mm512_sub_ps(_mm512_loadu_ps(x + i), s));
        __m512 e1 = exp16(_mm512_sub_ps(_mm512_loadu_ps(x + i + 16), s));
        _mm512_storeu_ps(x + i, e0);
        _mm512_storeu_ps(x + i + 16, e1);
        a0 = _mm512_add_ps(a0, e0);
        a1 = _mm512_add_ps(a1, e1);
    }
    for (; i < n; i += 16) {
        __mmask16 k = (__mmask16)(n - i >= 16 ? 0xFFFF
                                              : (1u << (n - i)) - 1u);
        __m512 e = exp16(_mm512_sub_ps(_mm512_maskz_loadu_ps(k, x + i), s));
        _mm512_mask_storeu_ps(x + i, k, e);
        a0 = _mm512_add_ps(a0, _mm512_maskz_mov_ps(k, e));
    }
    return _mm512_reduce_add_ps(_mm512_add_ps(a0, a1));
}

/* ---- AVX2 + FMA: 8 lanes --------------------------------------------- */

static inline AVX2 __m256 exp8(__m256 t)
{
    const __m256 magic = _mm256_set1_ps(EXP_MAGIC);
    t = _mm256_max_ps(t, _mm256_set1_ps(EXP_FLOOR));
    __m256 k = _mm256_fmadd_ps(t, _mm256_set1_ps(EXP_LOG2E), magic);
    __m256 n = _mm256_sub_ps(k, magic);
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(EXP_LN2_HI), t);
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(EXP_LN2_LO), r);
    __m256 p = _mm256_set1_ps(1.0f / 720);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 120));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 24));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 6));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(0.5f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
    __m256i e = _mm256_add_epi32(_mm256_castps_si256(k),
                                 _mm256_set1_epi32(EXP_BIAS));
    return _mm256_mul_ps(p, _mm256_castsi256_ps(_mm256_slli_epi32(e, 23)));
}

/* Lanes 0 .. count-1 set (count < 8). */
static inline AVX2 __m256i tail_mask8(size_t count)
{
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)count), lane);
}

static AVX2 float hsum8(__m256 v)
{
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v),
                          _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

static AVX2 float max_avx2(const float *x, size_t n)
{
    __m256 m0 = _mm256_set1_ps(-INFINITY), m1 = m0;
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        m0 = _mm256_max_ps(m0, _mm256_loadu_ps(x + i));
        m1 = _mm256_max_ps(m1, _mm256_loadu_ps(x + i + 8));
    }
    float best = max_scalar(x + i, n - i);
    float lanes[8];
    _mm256_storeu_ps(lanes, _mm256_max_ps(m0, m1));
    for (int k = 0; k < 8; k++)
        best = lanes[k] > best ? lanes[k] : best;
    return best;
}

static AVX2 float exp_sum_avx2(float *x, size_t n, float shift)
{
    const __m256 s = _mm256_set1_ps(shift);
    __m256 a0 = _mm256_setzero_ps(), a1 = a0;
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m256 e0 = exp8(_mm256_sub_ps(_mm256_loadu_ps(x + i), s));
        __m256 e1 = exp8(_mm256_sub_ps(_mm256_loadu_ps(x + i + 8), s));
        _mm256_storeu_ps(x + i, e0);
        _mm256_storeu_ps(x + i + 8, e1);
        a0 = _mm256_add_ps(a0, e0);
        a1 = _mm256_add_ps(a1, e1);
    }
    for (; i < n; i += 8) {
        __m256i k = tail_mask8(n - i);
        __m256 e = exp8(_mm256_sub_ps(_mm256_maskload_ps(x + i, k), s));
        e = _mm256_and_ps(e, _mm256_castsi256_ps(k));
        _mm256_maskstore_ps(x + i, k, e);
        a0 = _mm256_add_ps(a0, e);
    }
    return hsum8(_mm256_add_ps(a0, a1));
}

/* The CPU model is filled in by the runtime's constructor; no state here. */
static int have_avx512(void) { return __builtin_cpu_supports("avx512f"); }

static int have_avx2(void)
{
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
#endif

float amem__vec_max(const float *x, size_t n)
{
#ifdef AMEM_HAVE_X86_KERNELS
    if (have_avx512())
        return max_avx512(x, n);
    if (have_avx2())
        return max_avx2(x, n);
#endif
    return max_scalar(x, n);
}

float amem__vec_exp_shift_sum(float *x, size_t n, float shift)
{
#ifdef AMEM_HAVE_X86_KERNELS
    if (have_avx512())
        return exp_sum_avx512(x, n, shift);
    if (have_avx2())
        return exp_sum_avx2(x, n, shift);
#endif
    return exp_sum_scalar(x, n, shift);
}

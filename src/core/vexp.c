/*
 * The vector exp and the kernels built on it (row maximum, exp(x - shift)
 * with its sum), in three versions: portable scalar (libm expf), AVX2+FMA
 * and AVX-512 (compiler intrinsics in functions compiled for that target).
 * The version is chosen at run time from the CPU model that the compiler
 * runtime fills in once at start-up; no state of our own.
 *
 * The vector exp: n = round(t / ln 2) (adding 1.5 * 2^23 rounds to an
 * integer), r = t - n ln 2 with ln 2 split in two parts (Cody-Waite) so r
 * is exact, exp(r) = 1 + r + r^2 P(r) with P the degree-5 minimax fit of
 * Cephes' expf on |r| <= ln2/2, times 2^n built in the exponent bits: below
 * 1 ulp from the correctly rounded exp (0.86 ulp measured over every 97th
 * float of the range; a degree-6 Taylor polynomial gave 2.7 ulp). Lanes with t < AMEM__EXP_UNDERFLOW are set to exactly 0 (the rule
 * of numerics.h); NaN propagates. The general exp clamps t at 88.8 (above
 * ln FLT_MAX, so the result is +inf there) and scales by 2^n in two halves
 * so n = 128 does not reach the exponent field's top. Tails shorter than
 * the vector run through masked loads and stores, so every element of a
 * call sees the same formula.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "core/numerics.h"

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
        x[i] = amem__exp_flush(x[i] - shift);
        sum += x[i];
    }
    return sum;
}

static void exp_scalar(const float *x, float *y, size_t n)
{
    for (size_t i = 0; i < n; i++)
        y[i] = amem__exp_flush(x[i]);
}

static const amem__vexp_kernels scalar_kernels = {max_scalar, exp_sum_scalar,
                                                   exp_scalar};

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define AMEM_HAVE_X86_KERNELS 1
#include "core/avx2.h"

#define AVX2 AMEM__AVX2
#define AVX512 __attribute__((target("avx2,fma,avx512f")))

/* Constants of the vector exp (see the file comment). */
#define EXP_CEIL 88.8f        /* above ln FLT_MAX = 88.7228 */
#define EXP_MAGIC 12582912.0f /* 1.5 * 2^23: adding it rounds to integer */
#define EXP_LOG2E 1.44269504088896341f
#define EXP_LN2_HI 0.693359375f
#define EXP_LN2_LO (-2.12194440e-4f)
#define EXP_BITS (-0x4B400000) /* bits(magic + n) -> n */
/* exp(r) = 1 + r + r^2 P(r), P the Cephes minimax fit on |r| <= ln2/2. */
#define EXP_P0 1.9875691500e-4f
#define EXP_P1 1.3981999507e-3f
#define EXP_P2 8.3334519073e-3f
#define EXP_P3 4.1665795894e-2f
#define EXP_P4 1.6666665459e-1f
#define EXP_P5 5.0000001201e-1f

/*
 * exp(t) per lane before the underflow rule, written once for both vector
 * widths: P is the intrinsic prefix (_mm512, _mm256), SI the integer
 * register suffix (si512, si256), V and VI the float and integer vector
 * types. general = 0 assumes t <= 0 (one 2^n factor), 1 takes any t.
 * Inlined with a constant flag, so each caller compiles one variant.
 */
#define DEFINE_EXP_CORE(NAME, ATTR, V, VI, P, SI)                             \
    static inline ATTR V NAME(V t, int general)                              \
    {                                                                        \
        const V magic = P##_set1_ps(EXP_MAGIC);                              \
        if (general)                                                         \
            t = P##_min_ps(P##_set1_ps(EXP_CEIL), t); /* NaN kept */         \
        V k = P##_fmadd_ps(t, P##_set1_ps(EXP_LOG2E), magic);                \
        V n = P##_sub_ps(k, magic);                                          \
        V r = P##_fnmadd_ps(n, P##_set1_ps(EXP_LN2_HI), t);                  \
        r = P##_fnmadd_ps(n, P##_set1_ps(EXP_LN2_LO), r);                    \
        V p = P##_set1_ps(EXP_P0);                                           \
        p = P##_fmadd_ps(p, r, P##_set1_ps(EXP_P1));                         \
        p = P##_fmadd_ps(p, r, P##_set1_ps(EXP_P2));                         \
        p = P##_fmadd_ps(p, r, P##_set1_ps(EXP_P3));                         \
        p = P##_fmadd_ps(p, r, P##_set1_ps(EXP_P4));                         \
        p = P##_fmadd_ps(p, r, P##_set1_ps(EXP_P5));                         \
        p = P##_fmadd_ps(p, r, P##_set1_ps(1.0f));                           \
        p = P##_fmadd_ps(p, r, P##_set1_ps(1.0f));                           \
        VI e = P##_add_epi32(P##_castps_##SI(k), P##_set1_epi32(EXP_BITS));  \
        VI e1 = general ? P##_srai_epi32(e, 1) : e;                          \
        V s1 = P##_cast##SI##_ps(                                            \
            P##_slli_epi32(P##_add_epi32(e1, P##_set1_epi32(127)), 23));     \
        p = P##_mul_ps(p, s1);                                               \
        if (general) {                                                       \
            VI e2 = P##_add_epi32(P##_sub_epi32(e, e1), P##_set1_epi32(127)); \
            p = P##_mul_ps(p, P##_cast##SI##_ps(P##_slli_epi32(e2, 23)));    \
        }                                                                    \
        return p;                                                            \
    }

/* ---- AVX-512: 16 lanes ---------------------------------------------- */

DEFINE_EXP_CORE(exp16_core, AVX512, __m512, __m512i, _mm512, si512)

/* exp(t) per lane, lanes below AMEM__EXP_UNDERFLOW set to 0. */
static inline AVX512 __m512 exp16(__m512 t, int general)
{
    __mmask16 keep = _mm512_cmp_ps_mask(t, _mm512_set1_ps(AMEM__EXP_UNDERFLOW),
                                        _CMP_NLT_UQ); /* NaN kept */
    return _mm512_maskz_mov_ps(keep, exp16_core(t, general));
}

static inline AVX512 __mmask16 tail_mask16(size_t count)
{
    return (__mmask16)(count >= 16 ? 0xFFFF : (1u << count) - 1u);
}

static AVX512 float max_avx512(const float *x, size_t n)
{
    __m512 m0 = _mm512_set1_ps(-INFINITY), m1 = m0;
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        m0 = _mm512_max_ps(m0, _mm512_loadu_ps(x + i));
        m1 = _mm512_max_ps(m1, _mm512_loadu_ps(x + i + 16));
    }
    for (; i < n; i += 16)
        m0 = _mm512_max_ps(m0, _mm512_mask_loadu_ps(m1, tail_mask16(n - i),
                                                    x + i));
    return _mm512_reduce_max_ps(_mm512_max_ps(m0, m1));
}

static AVX512 float exp_sum_avx512(float *x, size_t n, float shift)
{
    const __m512 s = _mm512_set1_ps(shift);
    __m512 a0 = _mm512_setzero_ps(), a1 = a0;
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        __m512 e0 = exp16(_mm512_sub_ps(_mm512_loadu_ps(x + i), s), 0);
        __m512 e1 = exp16(_mm512_sub_ps(_mm512_loadu_ps(x + i + 16), s), 0);
        _mm512_storeu_ps(x + i, e0);
        _mm512_storeu_ps(x + i + 16, e1);
        a0 = _mm512_add_ps(a0, e0);
        a1 = _mm512_add_ps(a1, e1);
    }
    for (; i < n; i += 16) {
        __mmask16 k = tail_mask16(n - i);
        __m512 e = exp16(_mm512_sub_ps(_mm512_maskz_loadu_ps(k, x + i), s), 0);
        _mm512_mask_storeu_ps(x + i, k, e);
        a0 = _mm512_add_ps(a0, _mm512_maskz_mov_ps(k, e));
    }
    return _mm512_reduce_add_ps(_mm512_add_ps(a0, a1));
}

static AVX512 void exp_avx512(const float *x, float *y, size_t n)
{
    for (size_t i = 0; i < n; i += 16) {
        __mmask16 k = tail_mask16(n - i);
        _mm512_mask_storeu_ps(y + i, k,
                              exp16(_mm512_maskz_loadu_ps(k, x + i), 1));
    }
}

static const amem__vexp_kernels avx512_kernels = {max_avx512, exp_sum_avx512,
                                                   exp_avx512};

/* ---- AVX2 + FMA: 8 lanes --------------------------------------------- */

DEFINE_EXP_CORE(exp8_core, AVX2, __m256, __m256i, _mm256, si256)

/* exp(t) per lane, lanes below AMEM__EXP_UNDERFLOW set to 0. */
static inline AVX2 __m256 exp8(__m256 t, int general)
{
    __m256 drop = _mm256_cmp_ps(t, _mm256_set1_ps(AMEM__EXP_UNDERFLOW),
                                _CMP_LT_OQ); /* NaN kept */
    return _mm256_andnot_ps(drop, exp8_core(t, general));
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
        __m256 e0 = exp8(_mm256_sub_ps(_mm256_loadu_ps(x + i), s), 0);
        __m256 e1 = exp8(_mm256_sub_ps(_mm256_loadu_ps(x + i + 8), s), 0);
        _mm256_storeu_ps(x + i, e0);
        _mm256_storeu_ps(x + i + 8, e1);
        a0 = _mm256_add_ps(a0, e0);
        a1 = _mm256_add_ps(a1, e1);
    }
    for (; i < n; i += 8) {
        __m256i k = amem__tail_mask8(n - i);
        __m256 e = exp8(_mm256_sub_ps(_mm256_maskload_ps(x + i, k), s), 0);
        e = _mm256_and_ps(e, _mm256_castsi256_ps(k));
        _mm256_maskstore_ps(x + i, k, e);
        a0 = _mm256_add_ps(a0, e);
    }
    return amem__hsum8(_mm256_add_ps(a0, a1));
}

static AVX2 void exp_avx2(const float *x, float *y, size_t n)
{
    for (size_t i = 0; i < n; i += 8) {
        __m256i k = amem__tail_mask8(n - i);
        _mm256_maskstore_ps(y + i, k, exp8(_mm256_maskload_ps(x + i, k), 1));
    }
}

static const amem__vexp_kernels avx2_kernels = {max_avx2, exp_sum_avx2,
                                                 exp_avx2};
#endif

const amem__vexp_kernels *amem__vexp_level(int level)
{
    if (level == AMEM__SIMD_SCALAR)
        return &scalar_kernels;
#ifdef AMEM_HAVE_X86_KERNELS
    __builtin_cpu_init(); /* idempotent: the model is read once */
    int avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    if (level == AMEM__SIMD_AVX2 && avx2)
        return &avx2_kernels;
    if (level == AMEM__SIMD_AVX512 && avx2 &&
        __builtin_cpu_supports("avx512f"))
        return &avx512_kernels;
#endif
    return NULL;
}

/* The widest kernel set this CPU runs. */
static const amem__vexp_kernels *best(void)
{
#ifdef AMEM_HAVE_X86_KERNELS
    if (__builtin_cpu_supports("avx512f"))
        return &avx512_kernels;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        return &avx2_kernels;
#endif
    return &scalar_kernels;
}

void amem__vexp(const float *x, float *y, size_t n) { best()->exp(x, y, n); }

float amem__vec_max(const float *x, size_t n) { return best()->max(x, n); }

float amem__vec_exp_shift_sum(float *x, size_t n, float shift)
{
    return best()->exp_shift_sum(x, n, shift);
}

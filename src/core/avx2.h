/*
 * Private: AVX2 helpers shared by the vector kernels (core/vexp.c, the
 * Hopfield distance kernels). Include only inside an
 * `#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))`
 * block; every function is compiled for AVX2+FMA and is called only from a
 * kernel that the CPU dispatch (__builtin_cpu_supports) chose.
 */
#ifndef AMEM_CORE_AVX2_H
#define AMEM_CORE_AVX2_H

#include <stddef.h>
#include <immintrin.h>

#define AMEM__AVX2 __attribute__((target("avx2,fma")))
#define AMEM__AVX2_INLINE \
    static inline __attribute__((always_inline, target("avx2,fma")))

/* Lanes 0 .. count-1 set (all 8 when count >= 8). */
AMEM__AVX2_INLINE __m256i amem__tail_mask8(size_t count)
{
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    int c = count >= 8 ? 8 : (int)count;
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(c), lane);
}

/* The sum of the eight lanes of v. */
AMEM__AVX2_INLINE float amem__hsum8(__m256 v)
{
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v),
                          _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

#endif

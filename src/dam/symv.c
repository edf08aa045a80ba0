/*
 * y = G x for the symmetric M x M matrices of the hidden-space dynamics
 * (gram.h), one per item and step: too small for a BLAS call to pay off.
 * As G is symmetric, y = sum_nu x_nu G[nu, :], so the kernel streams the
 * rows of G into a block of accumulators (no horizontal sums). A portable
 * version, and on x86-64 an AVX2+FMA one (compiler intrinsics in a function
 * compiled for that target) chosen at run time from the CPU. Both add the
 * rows in the same order; the vector one rounds each product-sum once (FMA).
 */
#include <string.h>

#include "gram.h"

static void symv_scalar(const float *G, size_t M, const float *x, float *y)
{
    memset(y, 0, M * sizeof(float));
    for (size_t nu = 0; nu < M; nu++) {
        const float *row = G + nu * M;
        float xv = x[nu];
        for (size_t m = 0; m < M; m++)
            y[m] += xv * row[m];
    }
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define AMEM_DAM_HAVE_AVX2 1
#include <immintrin.h>

#define AVX2 __attribute__((target("avx2,fma")))
#define BLOCK 64 /* columns per pass: 8 accumulators of 8 lanes */

/* Lane mask of the chunk starting at column c of a row of M (c < M + 8). */
static AVX2 __m256i chunk_mask(size_t c, size_t M)
{
    long left = (long)M - (long)c;
    __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(left < 0 ? 0 : left)),
                              lane);
}

/* Columns [c0, c0 + 64) of y = sum_nu x_nu G[nu, :], eight named
 * accumulators (kept in registers), lanes past M masked off. */
static AVX2 void symv_block_avx2(const float *G, size_t M, const float *x,
                                 float *y, size_t c0)
{
    const __m256i m0 = chunk_mask(c0, M), m1 = chunk_mask(c0 + 8, M),
                  m2 = chunk_mask(c0 + 16, M), m3 = chunk_mask(c0 + 24, M),
                  m4 = chunk_mask(c0 + 32, M), m5 = chunk_mask(c0 + 40, M),
                  m6 = chunk_mask(c0 + 48, M), m7 = chunk_mask(c0 + 56, M);
    __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0, a4 = a0,
           a5 = a0, a6 = a0, a7 = a0;
    for (size_t nu = 0; nu < M; nu++) {
        const float *r = G + nu * M + c0;
        __m256 xv = _mm256_set1_ps(x[nu]);
        a0 = _mm256_fmadd_ps(xv, _mm256_maskload_ps(r, m0), a0);
        a1 = _mm256_fmadd_ps(xv, _mm256_maskload_ps(r + 8, m1), a1);
        a2 = _mm256_fmadd_ps(xv, _mm256_maskload_ps(r + 16, m2), a2);
        a3 = _mm256_fmadd_ps(xv, _mm256_maskload_ps(r + 24, m3), a3);
        a4 = _mm256_fmadd_ps(xv, _mm256_maskload_ps(r + 32, m4), a4);
        a5 = _mm256_fmadd_ps(xv, _mm256_maskload_ps(r + 40, m5), a5);
        a6 = _mm256_fmadd_ps(xv, _mm256_maskload_ps(r + 48, m6), a6);
        a7 = _mm256_fmadd_ps(xv, _mm256_maskload_ps(r + 56, m7), a7);
    }
    float out[BLOCK];
    _mm256_storeu_ps(out, a0);
    _mm256_storeu_ps(out + 8, a1);
    _mm256_storeu_ps(out + 16, a2);
    _mm256_storeu_ps(out + 24, a3);
    _mm256_storeu_ps(out + 32, a4);
    _mm256_storeu_ps(out + 40, a5);
    _mm256_storeu_ps(out + 48, a6);
    _mm256_storeu_ps(out + 56, a7);
    size_t n = M - c0 < BLOCK ? M - c0 : BLOCK;
    memcpy(y + c0, out, n * sizeof(float));
}

static AVX2 void symv_avx2(const float *G, size_t M, const float *x, float *y)
{
    for (size_t c0 = 0; c0 < M; c0 += BLOCK)
        symv_block_avx2(G, M, x, y, c0);
}

static int have_avx2(void)
{
    __builtin_cpu_init(); /* idempotent and cheap */
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
#endif

amem__dam_symv_fn amem__dam_symv_pick(void)
{
#ifdef AMEM_DAM_HAVE_AVX2
    if (have_avx2())
        return symv_avx2;
#endif
    return symv_scalar;
}

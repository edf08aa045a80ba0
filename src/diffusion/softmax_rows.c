/*
 * Row softmax kernel of the exact score: x <- exp(x - max x), returning the
 * sum and the maximum. A portable scalar path, and on x86-64 an AVX2+FMA
 * path (GNU vector extensions) chosen at run time.
 *
 * Vector exp for t <= 0: t = n ln2 + r with n = round(t / ln2) and ln2
 * split in two parts (Cody-Waite), exp(r) by a degree-6 Taylor polynomial
 * on |r| <= ln2 / 2 (relative error < 2e-7), scaled by 2^n through the
 * exponent bits. Arguments below -87 are clamped (exp underflows there).
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "diffusion_softmax.h"

static float row_max_scalar(const float *x, size_t n)
{
    float m = -INFINITY;
    for (size_t i = 0; i < n; i++)
        if (x[i] > m)
            m = x[i];
    return m;
}

static float exp_sum_scalar(float *x, size_t n, float shift)
{
    float sum = 0.0f;
    for (size_t i = 0; i < n; i++) {
        x[i] = expf(x[i] - shift);
        sum += x[i];
    }
    return sum;
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define HAVE_AVX2_PATH 1

typedef float f8 __attribute__((vector_size(32)));
typedef int32_t i8 __attribute__((vector_size(32)));

#define AVX2_FMA __attribute__((target("avx2,fma")))

static AVX2_FMA f8 f8_all(float v) { return (f8){v, v, v, v, v, v, v, v}; }

static AVX2_FMA f8 f8_load(const float *p)
{
    f8 v;
    memcpy(&v, p, sizeof v);
    return v;
}

static AVX2_FMA f8 f8_exp_nonpos(f8 t)
{
    i8 low = t < f8_all(-87.0f);
    t = (f8)((low & (i8)f8_all(-87.0f)) | (~low & (i8)t));
    const f8 round_magic = f8_all(12582912.0f); /* 1.5 * 2^23 */
    f8 shifted = t * f8_all(1.44269504088896341f) + round_magic;
    f8 n = shifted - round_magic;
    f8 r = t - n * f8_all(0.693359375f);
    r = r - n * f8_all(-2.12194440e-4f);
    f8 p = f8_all(1.0f / 720.0f);
    p = p * r + f8_all(1.0f / 120.0f);
    p = p * r + f8_all(1.0f / 24.0f);
    p = p * r + f8_all(1.0f / 6.0f);
    p = p * r + f8_all(0.5f);
    p = p * r + f8_all(1.0f);
    p = p * r + f8_all(1.0f);
    i8 ni;
    memcpy(&ni, &shifted, sizeof ni);
    i8 scale = (ni - 0x4B400000 + 127) << 23; /* 2^n in float bits */
    return p * (f8)scale;
}

static AVX2_FMA float row_max_avx2(const float *x, size_t n)
{
    size_t i = 0;
    float m = -INFINITY;
    if (n >= 8) {
        f8 v = f8_load(x);
        for (i = 8; i + 8 <= n; i += 8) {
            f8 w = f8_load(x + i);
            i8 gt = w > v;
            v = (f8)((gt & (i8)w) | (~gt & (i8)v));
        }
        for (int k = 0; k < 8; k++)
            m = v[k] > m ? v[k] : m;
    }
    for (; i < n; i++)
        m = x[i] > m ? x[i] : m;
    return m;
}

static AVX2_FMA float exp_sum_avx2(float *x, size_t n, float shift)
{
    f8 acc = f8_all(0.0f), sh = f8_all(shift);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        f8 e = f8_exp_nonpos(f8_load(x + i) - sh);
        memcpy(x + i, &e, sizeof e);
        acc += e;
    }
    float sum = 0.0f;
    for (int k = 0; k < 8; k++)
        sum += acc[k];
    for (; i < n; i++) {
        x[i] = expf(x[i] - shift);
        sum += x[i];
    }
    return sum;
}

static int use_avx2(void)
{
    __builtin_cpu_init(); /* idempotent and cheap */
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
#endif

float amem__dsm_exp_row(float *x, size_t n, float *max_out)
{
#ifdef HAVE_AVX2_PATH
    if (use_avx2()) {
        float m = row_max_avx2(x, n);
        *max_out = m;
        return exp_sum_avx2(x, n, m);
    }
#endif
    float m = row_max_scalar(x, n);
    *max_out = m;
    return exp_sum_scalar(x, n, m);
}

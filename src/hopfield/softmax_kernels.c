/*
 * Vector kernels of the fused softmax: row maximum and exp(x - shift) with
 * its sum. A portable scalar version, and on x86-64 an AVX2+FMA version
 * written with GNU vector extensions, chosen at run time from the CPU.
 *
 * The vector exp: n = round(t / ln 2), r = t - n ln 2 (Cody-Waite split of
 * ln 2), exp(r) by its degree-6 Taylor polynomial on |r| <= ln2/2 (relative
 * error below 2e-7), times 2^n built in the exponent bits. Arguments are
 * max-shifted (t <= 0) and clamped below at -87, where exp underflows
 * single precision anyway.
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
#define AMEM_HAVE_AVX2_KERNELS 1

typedef float v8f __attribute__((vector_size(32)));
typedef int32_t v8i __attribute__((vector_size(32)));

#define AVX2 __attribute__((target("avx2,fma")))

static AVX2 v8f splat(float v) { return (v8f){v, v, v, v, v, v, v, v}; }

static AVX2 v8f load8(const float *p)
{
    v8f v;
    memcpy(&v, p, sizeof v);
    return v;
}

static AVX2 void store8(float *p, v8f v) { memcpy(p, &v, sizeof v); }

/* Lane-wise mask ? a : b (mask lanes are all ones or all zeros). */
static AVX2 v8f select8(v8i mask, v8f a, v8f b)
{
    return (v8f)((mask & (v8i)a) | (~mask & (v8i)b));
}

/* exp(t) for t in [-87, 0] (see the file comment). */
static AVX2 v8f exp8(v8f t)
{
    const v8f magic = splat(12582912.0f); /* 1.5 * 2^23: round to integer */
    t = select8(t < splat(-87.0f), splat(-87.0f), t);
    v8f k = t * splat(1.44269504088896341f) + magic;
    v8i bits;
    memcpy(&bits, &k, sizeof bits);
    v8f n = k - magic;
    v8f r = t - n * splat(0.693359375f);      /* ln 2, high part */
    r = r - n * splat(-2.12194440e-4f);       /* ln 2, low part */
    v8f p = splat(1.0f / 720);
    p = p * r + splat(1.0f / 120);
    p = p * r + splat(1.0f / 24);
    p = p * r + splat(1.0f / 6);
    p = p * r + splat(0.5f);
    p = p * r + splat(1.0f);
    p = p * r + splat(1.0f);
    /* bits - bits(magic) = n; 2^n has exponent field n + 127. */
    v8i e = (bits - 0x4B400000 + 127) << 23;
    v8f scale;
    memcpy(&scale, &e, sizeof scale);
    return p * scale;
}

static AVX2 float hsum8(v8f v)
{
    float s = 0;
    for (int i = 0; i < 8; i++)
        s += v[i];
    return s;
}

static AVX2 float max_avx2(const float *x, size_t n)
{
    v8f m = splat(-INFINITY);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        v8f v = load8(x + i);
        m = select8(v > m, v, m);
    }
    float best = max_scalar(x + i, n - i);
    for (int k = 0; k < 8; k++)
        best = m[k] > best ? m[k] : best;
    return best;
}

static AVX2 float exp_sum_avx2(float *x, size_t n, float shift)
{
    v8f acc = splat(0.0f), s = splat(shift);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        v8f e = exp8(load8(x + i) - s);
        store8(x + i, e);
        acc += e;
    }
    float sum = hsum8(acc);
    if (i < n) {
        float tail[8] = {0};
        memcpy(tail, x + i, (n - i) * sizeof(float));
        v8f e = exp8(load8(tail) - s);
        store8(tail, e);
        for (size_t k = 0; k < n - i; k++) {
            x[i + k] = tail[k];
            sum += tail[k];
        }
    }
    return sum;
}

/* The CPU model is filled in by the runtime's constructor; no state here. */
static int have_avx2(void)
{
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
#endif

float amem__vec_max(const float *x, size_t n)
{
#ifdef AMEM_HAVE_AVX2_KERNELS
    if (have_avx2())
        return max_avx2(x, n);
#endif
    return max_scalar(x, n);
}

float amem__vec_exp_shift_sum(float *x, size_t n, float shift)
{
#ifdef AMEM_HAVE_AVX2_KERNELS
    if (have_avx2())
        return exp_sum_avx2(x, n, shift);
#endif
    return exp_sum_scalar(x, n, shift);
}

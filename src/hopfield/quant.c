/*
 * Compressed keys (quant.h): encoding, and the dequantise, dot and axpy
 * kernels over a block of rows.
 *
 *   BF16  code = the top 16 bits of the float32, rounded to nearest even:
 *         u + 0x7fff + ((u >> 16) & 1), then >> 16; decoding shifts back.
 *   INT8  s = max|x| / 127, code = round(x / s) in [-127, 127]; decoding
 *         is s * code, so |x - s code| <= s / 2.
 *
 * The kernels run AVX2+FMA on x86-64 when the CPU has it (chosen at run
 * time, as manhattan.c and core/vexp.c do), a scalar loop otherwise. Both
 * compute the same sums in float32; only the order of additions differs
 * (8 lanes against one), so results agree to float rounding. A dot keeps
 * the INT8 scale out of the inner loop: x . row = s (x . code).
 */
#include <math.h>
#include <string.h>

#include "assocmem/hopfield.h"
#include "core/error.h"
#include "quant.h"

size_t amem__dtype_size(int dtype)
{
    return dtype == AMEM_HOPFIELD_DTYPE_BF16   ? 2
           : dtype == AMEM_HOPFIELD_DTYPE_INT8 ? 1
                                               : 4;
}

const char *amem__dtype_name(int dtype)
{
    return dtype == AMEM_HOPFIELD_DTYPE_BF16   ? "bfloat16"
           : dtype == AMEM_HOPFIELD_DTYPE_INT8 ? "int8"
                                               : "float32";
}

static uint16_t bf16_of(float x)
{
    uint32_t u;
    memcpy(&u, &x, sizeof u);
    u += 0x7fffu + ((u >> 16) & 1u);
    return (uint16_t)(u >> 16);
}

static float f32_of_bf16(uint16_t c)
{
    uint32_t u = (uint32_t)c << 16;
    float x;
    memcpy(&x, &u, sizeof x);
    return x;
}

static float row_absmax(const float *x, size_t d)
{
    float top = 0.0f;
    for (size_t k = 0; k < d; k++)
        top = fmaxf(top, fabsf(x[k]));
    return top;
}

int amem__quant_check(const char *fn, int dtype, const float *x, size_t n,
                      size_t d)
{
    for (size_t r = 0; r < n; r++) {
        const float *row = x + r * d;
        if (dtype == AMEM_HOPFIELD_DTYPE_BF16) {
            for (size_t k = 0; k < d; k++)
                if ((bf16_of(row[k]) & 0x7f80u) == 0x7f80u)
                    return amem__fail(AMEM_E_RANGE, fn,
                                      "row %zu entry %zu (%g) exceeds the "
                                      "largest bfloat16", r, k,
                                      (double)row[k]);
        } else if (dtype == AMEM_HOPFIELD_DTYPE_INT8) {
            float top = row_absmax(row, d), s = top / 127.0f;
            if (top > 0.0f && !isnormal(s))
                return amem__fail(AMEM_E_RANGE, fn,
                                  "row %zu: int8 scale %g (max |x| = %g) "
                                  "is not a normal float", r, (double)s,
                                  (double)top);
        }
    }
    return AMEM_OK;
}

static void encode_int8(const float *x, size_t d, int8_t *code, float *scale)
{
    float top = row_absmax(x, d);
    *scale = top / 127.0f;
    float inv = top > 0.0f ? 127.0f / top : 0.0f;
    for (size_t k = 0; k < d; k++) {
        float q = nearbyintf(x[k] * inv);
        code[k] = (int8_t)(q > 127.0f ? 127 : q < -127.0f ? -127 : q);
    }
}

void amem__quant_encode(int dtype, const float *x, size_t n, size_t d,
                        void *codes, float *scale)
{
    for (size_t r = 0; r < n; r++) {
        if (dtype == AMEM_HOPFIELD_DTYPE_INT8) {
            encode_int8(x + r * d, d, (int8_t *)codes + r * d, scale + r);
        } else if (dtype == AMEM_HOPFIELD_DTYPE_BF16) {
            uint16_t *c = (uint16_t *)codes + r * d;
            for (size_t k = 0; k < d; k++)
                c[k] = bf16_of(x[r * d + k]);
        } else {
            memcpy((float *)codes + r * d, x + r * d, d * sizeof(float));
        }
    }
}

/* Entry k of row j, dequantised (scalar path). */
static float entry(const amem__qrows *q, size_t j, size_t k)
{
    size_t at = j * q->d + k;
    if (q->dtype == AMEM_HOPFIELD_DTYPE_INT8)
        return q->scale[j] * (float)((const int8_t *)q->codes)[at];
    if (q->dtype == AMEM_HOPFIELD_DTYPE_BF16)
        return f32_of_bf16(((const uint16_t *)q->codes)[at]);
    return ((const float *)q->codes)[at];
}

/* Raw value of entry k of row j (INT8: the code, unscaled). */
static float raw(const amem__qrows *q, size_t j, size_t k)
{
    if (q->dtype == AMEM_HOPFIELD_DTYPE_INT8)
        return (float)((const int8_t *)q->codes)[j * q->d + k];
    return entry(q, j, k);
}

static float row_scale(const amem__qrows *q, size_t j)
{
    return q->dtype == AMEM_HOPFIELD_DTYPE_INT8 ? q->scale[j] : 1.0f;
}

double amem__quant_norm_sq(const amem__qrows *q, size_t j)
{
    double sum = 0.0;
    for (size_t k = 0; k < q->d; k++)
        sum += (double)raw(q, j, k) * raw(q, j, k);
    double s = row_scale(q, j);
    return s * s * sum;
}

void amem__quant_decode_scalar(const amem__qrows *q, size_t j0,
                               size_t rows, float *dst)
{
    for (size_t r = 0; r < rows; r++)
        for (size_t k = 0; k < q->d; k++)
            dst[r * q->d + k] = entry(q, j0 + r, k);
}

void amem__quant_dots_scalar(const amem__qrows *q, size_t j0,
                             size_t cols, const float *x, float *s)
{
    for (size_t c = 0; c < cols; c++) {
        float sum = 0.0f;
        for (size_t k = 0; k < q->d; k++)
            sum += x[k] * raw(q, j0 + c, k);
        s[c] = row_scale(q, j0 + c) * sum;
    }
}

void amem__quant_axpy_scalar(const amem__qrows *q, size_t j0,
                             size_t cols, const float *p, float *acc)
{
    for (size_t c = 0; c < cols; c++) {
        float w = p[c] * row_scale(q, j0 + c);
        if (w != 0.0f)
            for (size_t k = 0; k < q->d; k++)
                acc[k] += w * raw(q, j0 + c, k);
    }
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include "quant_avx2.h"
#define HAVE_X86_QUANT 1
#endif

void amem__quant_decode(const amem__qrows *q, size_t j0, size_t rows,
                        float *dst)
{
#ifdef HAVE_X86_QUANT
    if (amem__quant_have_avx2() && q->dtype != AMEM_HOPFIELD_DTYPE_F32) {
        amem__quant_decode_avx2(q, j0, rows, dst);
        return;
    }
#endif
    amem__quant_decode_scalar(q, j0, rows, dst);
}

void amem__quant_dots(const amem__qrows *q, size_t j0, size_t cols,
                      const float *x, float *s)
{
#ifdef HAVE_X86_QUANT
    if (amem__quant_have_avx2()) {
        amem__quant_dots_avx2(q, j0, cols, x, s);
        return;
    }
#endif
    amem__quant_dots_scalar(q, j0, cols, x, s);
}

void amem__quant_axpy(const amem__qrows *q, size_t j0, size_t cols,
                      const float *p, float *acc)
{
#ifdef HAVE_X86_QUANT
    if (amem__quant_have_avx2()) {
        amem__quant_axpy_avx2(q, j0, cols, p, acc);
        return;
    }
#endif
    amem__quant_axpy_scalar(q, j0, cols, p, acc);
}

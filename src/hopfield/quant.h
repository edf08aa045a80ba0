/*
 * Private: the compressed key encodings of the modern store
 * (AMEM_HOPFIELD_DTYPE) and the kernels that read them. Codes of row j
 * start at byte j * d * amem__dtype_size(dtype); INT8 rows have a float32
 * scale each. Every kernel computes in float32.
 */
#ifndef AMEM_HOPFIELD_QUANT_H
#define AMEM_HOPFIELD_QUANT_H

#include <stddef.h>
#include <stdint.h>

/* Bytes per key entry: 4, 2 or 1. */
size_t amem__dtype_size(int dtype);
/* Name for messages: "float32", "bfloat16", "int8". */
const char *amem__dtype_name(int dtype);

/* AMEM_OK, or AMEM_E_RANGE (recorded against fn) when a row of x (n x d,
 * finite) cannot be encoded: a BF16 entry rounds to infinity, an INT8
 * row's scale is not a normal float. */
int amem__quant_check(const char *fn, int dtype, const float *x, size_t n,
                      size_t d);
/* Encode n rows (checked) into codes (and scale for INT8). */
void amem__quant_encode(int dtype, const float *x, size_t n, size_t d,
                        void *codes, float *scale);

/* The kernels below take the whole code array and a row range. */
typedef struct amem__qrows {
    const void *codes;
    const float *scale; /* INT8 only */
    int dtype;
    size_t d;
} amem__qrows;

/* |row j|^2, summed in double. */
double amem__quant_norm_sq(const amem__qrows *q, size_t j);
/* dst (rows x d) = rows j0 .. j0+rows-1 dequantised. */
void amem__quant_decode(const amem__qrows *q, size_t j0, size_t rows,
                        float *dst);
/* s[c] = x . row(j0 + c) for c < cols. */
void amem__quant_dots(const amem__qrows *q, size_t j0, size_t cols,
                      const float *x, float *s);
/* acc (d) += sum_c p[c] row(j0 + c). */
void amem__quant_axpy(const amem__qrows *q, size_t j0, size_t cols,
                      const float *p, float *acc);

/* The portable forms the kernels above fall back to (tests compare). */
void amem__quant_decode_scalar(const amem__qrows *q, size_t j0,
                               size_t rows, float *dst);
void amem__quant_dots_scalar(const amem__qrows *q, size_t j0,
                             size_t cols, const float *x, float *s);
void amem__quant_axpy_scalar(const amem__qrows *q, size_t j0,
                             size_t cols, const float *p, float *acc);

#endif

/* Private: the AVX2+FMA forms of the quant.h kernels (x86-64 only). */
#ifndef AMEM_HOPFIELD_QUANT_AVX2_H
#define AMEM_HOPFIELD_QUANT_AVX2_H

#include "quant.h"

/* 1 when the CPU has AVX2 and FMA, and AMEM_FORCE_SCALAR is not set
 * in the environment at first use (for comparing the two paths). */
int amem__quant_have_avx2(void);
void amem__quant_decode_avx2(const amem__qrows *q, size_t j0, size_t rows,
                             float *dst);
void amem__quant_dots_avx2(const amem__qrows *q, size_t j0, size_t cols,
                           const float *x, float *s);
void amem__quant_axpy_avx2(const amem__qrows *q, size_t j0, size_t cols,
                           const float *p, float *acc);

#endif

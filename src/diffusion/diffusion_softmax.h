/* Private: the row softmax kernel of the exact diffusion score. */
#ifndef AMEM_DIFFUSION_SOFTMAX_H
#define AMEM_DIFFUSION_SOFTMAX_H

#include <stddef.h>

/*
 * x[i] <- exp(x[i] - m) with m = max_i x[i] (written to *max_out); returns
 * the sum of the new x. n >= 1, x finite.
 */
float amem__dsm_exp_row(float *x, size_t n, float *max_out);

#endif

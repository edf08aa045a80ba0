/*
 * Private: the elementwise kernels of the learned noise predictor (bias and
 * ReLU after each layer's sgemm, the ReLU mask of the backward pass, bias
 * gradients and the Adam update), each one branch-free pass over memory.
 */
#ifndef AMEM_DIFFUSION_MLP_KERNELS_H
#define AMEM_DIFFUSION_MLP_KERNELS_H

#include <stddef.h>

#include "core/optim.h"

/*
 * For each of `rows` rows of z (stride ld >= o + 1 when theta is not NULL,
 * >= o otherwise): z[0:o] += bias, then ReLU when `relu` (NaN becomes 0,
 * as `z > 0 ? z : 0`); then z[o] = theta[i * theta_step] when theta is not
 * NULL (the theta column the next layer reads).
 */
void amem__dk_bias_act(float *z, size_t rows, size_t o, size_t ld,
                       const float *bias, int relu, const float *theta,
                       size_t theta_step);

/* g[i, 0:n] = 0 where !(a[i, 0:n] > 0); g has stride n, a stride lda. */
void amem__dk_relu_mask(float *g, const float *a, size_t rows, size_t n,
                        size_t lda);

/* db[j] = sum over rows of G[i, j] (G contiguous, rows x o). */
void amem__dk_col_sums(const float *G, size_t rows, size_t o, float *db);

/*
 * One Adam step (no AMSGrad: opt->vmax must be NULL) with the formula and
 * rounding of amem__adam_step (core/optim.h) on the gradient grad, or
 * grad + grad2 when grad2 is not NULL (two halves of a batch), fused with
 * the finiteness check into one pass, on up to `jobs` threads (elements
 * are independent, so the result does not depend on jobs). Returns 0, or
 * -1 when the gradient holds NaN or inf: then param and the moments are
 * partly updated (the caller discards them) and opt->t is unchanged.
 */
int amem__dk_adam(amem__adam *opt, float *param, const float *grad,
                  const float *grad2, int jobs);

#endif

/*
 * Private: image ops of the autodiff engine (DESIGN.md §5) — 2-D
 * convolution, nearest-neighbour upsampling, global average pooling, batch
 * normalisation and dropout. Tensors are float32 NCHW; the math of every op,
 * forward and gradient, is written down in docs/engine-image.md.
 *
 * Every builder follows the engine's pattern: it validates shapes and
 * arguments, records the first error on the graph (AMEM_E_DIM for shapes,
 * AMEM_E_RANGE for out-of-range settings, AMEM_E_NULL for missing inputs or
 * buffers, AMEM_E_STATE for a training graph without rng, AMEM_E_NOMEM for
 * arena exhaustion) and returns NULL; on a failed graph it returns NULL
 * without work. On success it returns a node whose value is computed and
 * whose backward adds into the gradients of its inputs that have one.
 * All scratch comes from g->arena; nothing is allocated with malloc.
 */
#ifndef AMEM_CORE_OPS_IMAGE_H
#define AMEM_CORE_OPS_IMAGE_H

#include "engine.h"

/* Keras BatchNormalization defaults (the VAE of Spens & Burgess uses them). */
#define AMEM__BN_MOMENTUM 0.99f
#define AMEM__BN_EPS 1e-3f

/*
 * Output extent of a convolution along one axis:
 * floor((in + 2·pad − k) / stride) + 1, or 0 when that is < 1 or any
 * argument is out of range (in, k, stride >= 1, pad >= 0).
 * Keras 'valid' is pad = 0; 'same' for an odd kernel at stride 1 is k / 2.
 */
int amem__conv2d_out_extent(int in, int k, int stride, int pad);

/*
 * 2-D cross-correlation (weights are not flipped, as in every DL framework):
 *   out[n,f,i,j] = b[f] + Σ_{c,u,v} w[f,c,u,v] · x[n,c, i·s−p+u, j·s−p+v]
 * with zero padding p on all four sides and the same stride s along both axes.
 *   x    [N, C, H, W]
 *   w    [F, C, KH, KW]
 *   bias [F], or NULL for no bias
 *   out  [N, F, OH, OW], OH = conv2d_out_extent(H, KH, s, p), same for OW.
 * Stride-1 convolutions on images large enough use shifted views of a
 * padded input (conv_s1.c: no im2col, and the input gradient is the
 * convolution of dy with the transposed weights); other cases use im2col +
 * cblas_sgemm over chunks of the batch, with the input gradient as sgemm +
 * col2im. Errors: E_DIM on rank/channel/bias mismatch or an empty
 * output, E_RANGE for stride < 1 or pad < 0.
 */
amem__node *amem__conv2d(amem__graph *g, amem__node *x, amem__node *w,
                         amem__node *bias, int stride, int pad);

/*
 * Nearest-neighbour upsampling by an integer factor along H and W:
 *   out[n,c,i,j] = x[n,c, i / factor, j / factor],  out [N, C, H·f, W·f].
 * Backward sums the gradient over each f×f block. E_DIM unless x is 4-D,
 * E_RANGE for factor < 1.
 */
amem__node *amem__upsample_nearest(amem__graph *g, amem__node *x, int factor);
/* The forward alone: planes maps of h × w from x into out (f·h × f·w each). */
void amem__upsample_nearest_apply(const float *x, size_t planes, int h, int w,
                                  int f, float *out);

/*
 * Global average pooling: out[n,c] = mean over (h,w) of x[n,c,h,w];
 * x [N, C, H, W] → out [N, C]. E_DIM unless x is 4-D.
 */
amem__node *amem__global_avg_pool(amem__graph *g, amem__node *x);

/*
 * Batch normalisation per channel: over (N,H,W) for x [N,C,H,W], over N for
 * x [N,C]. gamma and beta are nodes of C elements (any shape with size C).
 *   training (g->training != 0): μ, σ² are the batch mean and the biased
 *     batch variance; y = γ·(x−μ)/√(σ²+eps) + β; the full gradient flows
 *     through μ and σ². When running_mean/running_var are not NULL they are
 *     updated after the node is made (Keras convention)
 *       running = momentum·running + (1 − momentum)·batch statistic,
 *     where the variance fed to running_var is, as in TensorFlow 2.x Keras:
 *     unbiased (σ²·m/(m−1), m = N·H·W; the fused kernel Keras uses for 4-D
 *     input) for 4-D x, and biased (tf.nn.moments) for 2-D x. m = 1 leaves
 *     the variance unscaled.
 *   inference (g->training == 0): μ = running_mean, σ² = running_var
 *     (both required, E_NULL otherwise); they are constants for backward.
 * running_mean / running_var are caller-owned arrays of C floats; the graph
 * does not keep them beyond this call.
 * Errors: E_DIM for a rank other than 2 or 4 or gamma/beta of the wrong size;
 * E_RANGE unless 0 <= momentum <= 1 and eps > 0 (finite).
 */
amem__node *amem__batchnorm(amem__graph *g, amem__node *x, amem__node *gamma,
                            amem__node *beta, float *running_mean,
                            float *running_var, float momentum, float eps);

/*
 * Inverted dropout with drop probability rate in [0, 1) (E_RANGE otherwise).
 * Training: keep each element with probability 1 − rate, drawing one
 * uniform from g->rng per element in order (E_STATE when g->rng is NULL),
 * and scale kept elements by 1/(1 − rate); the mask is saved for backward.
 * Inference, or rate == 0: the identity — x itself is returned, no node is
 * added and no random number is drawn.
 */
amem__node *amem__dropout(amem__graph *g, amem__node *x, float rate);

/*
 * For builders of one-input image ops (ops_common.c): 1 when the graph has
 * not failed and x is a non-NULL 4-D tensor; otherwise 0 with E_NULL or
 * E_DIM recorded against op.
 */
int amem__image_input_ok(amem__graph *g, const char *op, const amem__node *x);

#endif

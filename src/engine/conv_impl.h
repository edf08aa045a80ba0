/*
 * Private to the conv2d op: its geometry and the stride-1 kernels
 * (conv_s1.c). ops_conv.c builds the node, handles strides above 1 with
 * im2col and sends stride-1 convolutions here. See docs/engine-image.md.
 * amem__conv2d_apply is the same forward without a node, for no-tape
 * inference (src/vae/infer_fast.c). ops_upconv.c fuses 2× upsampling with
 * a 3×3 'same' convolution on top of the stride-1 kernels.
 */
#ifndef AMEM_CORE_CONV_IMPL_H
#define AMEM_CORE_CONV_IMPL_H

#include <stddef.h>

#include "engine.h"

typedef struct amem__conv_geom {
    int n, c, h, w;     /* input */
    int f, kh, kw;      /* weights */
    int oh, ow;         /* output */
    int stride, pad;
    int chunk;          /* batch items per scratch block */
    size_t ckk, pix;    /* C·KH·KW and OH·OW */
} amem__conv_geom;

/*
 * 1 when conv2d takes the stride-1 path for this geometry (G->pix must be
 * set): stride 1 and padding below the kernel extent, and the image large
 * enough. The path computes (H + p)·(W + p) columns per item for OH·OW
 * outputs; on small images, where that wastes over a fifth of the products
 * (8×8 'same': 81 for 64), im2col is faster.
 */
int amem__conv_s1_applies(const amem__conv_geom *G);

/*
 * Stride-1 chunk size: items per block so that the largest scratch set of
 * forward or backward stays within budget floats (at least 1), or 0 when a
 * matrix would exceed what BLAS can index.
 */
int amem__conv_s1_chunk(const amem__conv_geom *G, size_t budget);

/* out = conv(x, w) + bias (bias may be NULL) at stride 1. */
void amem__conv_s1_forward(amem__graph *g, const amem__conv_geom *G,
                           const float *x, const float *w, const float *bias,
                           float *out);

/*
 * dx += ∂/∂x and dw += ∂/∂w of Σ dy·conv(x, w) at stride 1; dx or dw may be
 * NULL (not wanted).
 */
void amem__conv_s1_backward(amem__graph *g, const amem__conv_geom *G,
                            const float *x, const float *w, const float *dy,
                            float *dx, float *dw);

/*
 * out [N, F, OH, OW] = conv(x, w) + bias (bias may be NULL) for x of shape
 * xshape [N, C, H, W] and w of shape wshape [F, C, KH, KW], without a node
 * or a tape: the scratch comes from g's arena and errors are recorded on g
 * as amem__conv2d would (E_DIM, E_RANGE, E_NOMEM). Returns g->status. The
 * values are those amem__conv2d computes, bit for bit.
 */
int amem__conv2d_apply(amem__graph *g, const int xshape[4],
                       const int wshape[4], const float *x, const float *w,
                       const float *bias, int stride, int pad, float *out);

/*
 * y [N, F, 2H, 2W] = conv2d(upsample_nearest(x, 2), w, bias, stride 1,
 * padding 1) for x [N, C, H, W], w [F, C, 3, 3], bias [F] or NULL, as one
 * op in sub-pixel form (ops_upconv.c): fewer products and no upsampled
 * copy; equal to the unfused pair up to rounding. Errors as amem__conv2d.
 */
amem__node *amem__upsample2_conv3(amem__graph *g, amem__node *x,
                                  amem__node *w, amem__node *bias);

/* The same without a node, into out (x of shape xshape, f filters);
 * returns g->status. Values bit for bit those of amem__upsample2_conv3. */
int amem__upsample2_conv3_apply(amem__graph *g, const int xshape[4], int f,
                                const float *x, const float *w,
                                const float *bias, float *out);

#endif

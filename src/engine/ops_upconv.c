/*
 * Nearest-neighbour 2× upsampling followed by a 3×3 stride-1 convolution
 * with padding 1 (the VAE decoder's block), as one op computed on the
 * small input: y = conv2d(upsample_nearest(x, 2), w, bias, 1, 1).
 *
 * Sub-pixel form. Output row 2i + a reads upsampled rows 2i + a − 1 ..
 * 2i + a + 1, which are input rows (i − 1, i, i) for a = 0 and (i, i,
 * i + 1) for a = 1; columns alike. So output phase (a, b) is a 2×2
 * convolution of x whose taps are sums of w's taps:
 *   K_ab[f,c,r,s] = Σ_{u,v} R_a[r][u]·R_b[s][v]·w[f,c,u,v],
 *   R_0 = [[1,0,0],[0,1,1]],  R_1 = [[1,1,0],[0,0,1]],
 * and with the four phases stacked as 4F filters (phase p = 2a + b at
 * filters p·F .. p·F + F − 1) one stride-1 2×2 convolution of x with
 * padding 1 gives Z [N, 4F, H+1, W+1] and
 *   y[n,f,2i+a,2j+b] = Z[n, p·F+f, i+a, j+b] + bias[f].
 * That is 16·(H+1)(W+1) products per (c, f) instead of 36·H·W, and no
 * upsampled copy of x. Backward: dZ holds dy at those positions (0 at the
 * rest), the stride-1 backward (conv_s1.c) gives dx and dK, and
 *   dw[f,c,u,v] += Σ_{a,b,r,s} R_a[r][u]·R_b[s][v]·dK_ab[f,c,r,s].
 * Values differ from the unfused pair only by rounding (sums of taps).
 */
#include <limits.h>
#include <string.h>

#include "assocmem/common.h"
#include "core/check.h"
#include "engine/conv_impl.h"
#include "engine/ops_image.h"

/* Floats of scratch per chunk of the inner convolution (as S1_BUDGET). */
#ifndef UPCONV_BUDGET
#define UPCONV_BUDGET ((size_t)1 << 20)
#endif

static void upconv_backward(amem__graph *g, amem__node *n);
static const amem__op upconv_op = {"upsample2_conv3", upconv_backward};

/* The inner 2×2 convolution's geometry for x [n, c, h, w] and f filters. */
static amem__conv_geom inner_geom(int n, int c, int h, int w, int f)
{
    amem__conv_geom G = {n, c, h, w, 4 * f, 2, 2, h + 1, w + 1, 1, 1, 0,
                         (size_t)c * 4, (size_t)(h + 1) * (size_t)(w + 1)};
    G.chunk = amem__conv_s1_chunk(&G, UPCONV_BUDGET);
    return G;
}

/*
 * The 2×2 taps of the four phases from one 3×3 kernel wk: rows combined
 * first (phase a: rows (w0, w1 + w2) or (w0 + w1, w2)), then columns the
 * same way; out[p][r·2 + s] for phase p = 2a + b.
 */
static void combine_kernel(const float *wk, float out[4][4])
{
    float rows[2][2][3]; /* [a][r][v] */
    for (int v = 0; v < 3; v++) {
        rows[0][0][v] = wk[v];
        rows[0][1][v] = wk[3 + v] + wk[6 + v];
        rows[1][0][v] = wk[v] + wk[3 + v];
        rows[1][1][v] = wk[6 + v];
    }
    for (int a = 0; a < 2; a++)
        for (int r = 0; r < 2; r++) {
            const float *c = rows[a][r];
            out[2 * a][r * 2] = c[0];
            out[2 * a][r * 2 + 1] = c[1] + c[2];
            out[2 * a + 1][r * 2] = c[0] + c[1];
            out[2 * a + 1][r * 2 + 1] = c[2];
        }
}

/* The adjoint of combine_kernel: d [3×3] += the shares of dk[p][r·2 + s]. */
static void spread_kernel(const float dk[4][4], float *d)
{
    float rows[2][2][3]; /* [a][r][v]: column shares first */
    for (int a = 0; a < 2; a++)
        for (int r = 0; r < 2; r++) {
            const float *k0 = dk[2 * a], *k1 = dk[2 * a + 1];
            rows[a][r][0] = k0[r * 2] + k1[r * 2];
            rows[a][r][1] = k0[r * 2 + 1] + k1[r * 2];
            rows[a][r][2] = k0[r * 2 + 1] + k1[r * 2 + 1];
        }
    for (int v = 0; v < 3; v++) {
        d[v] += rows[0][0][v] + rows[1][0][v];
        d[3 + v] += rows[0][1][v] + rows[1][0][v];
        d[6 + v] += rows[0][1][v] + rows[1][1][v];
    }
}

/* kc [4F, C, 2, 2] from w [F, C, 3, 3]. */
static void combine_weights(int f, int c, const float *w, float *kc)
{
    size_t phase = (size_t)f * c * 4;
    for (int o = 0; o < f; o++)
        for (int ch = 0; ch < c; ch++) {
            float k[4][4];
            size_t at = (size_t)o * c + ch;
            combine_kernel(w + at * 9, k);
            for (int p = 0; p < 4; p++)
                memcpy(kc + p * phase + at * 4, k[p], sizeof k[p]);
        }
}

/* dw [F, C, 3, 3] += the taps' shares of dkc [4F, C, 2, 2]. */
static void spread_weight_grad(int f, int c, const float *dkc, float *dw)
{
    size_t phase = (size_t)f * c * 4;
    for (int o = 0; o < f; o++)
        for (int ch = 0; ch < c; ch++) {
            float k[4][4];
            size_t at = (size_t)o * c + ch;
            for (int p = 0; p < 4; p++)
                memcpy(k[p], dkc + p * phase + at * 4, sizeof k[p]);
            spread_kernel((const float(*)[4])k, dw + at * 9);
        }
}

/*
 * to_y = 1: y[n,f,2i+a,2j+b] = Z[n,pF+f,i+a,j+b] + bias[f] (bias may be
 * NULL). to_y = 0: Z at those positions = y (the rest of Z untouched).
 */
static void interleave(const amem__conv_geom *G, float *z, const float *bias,
                       float *y, int to_y)
{
    int f = G->f / 4, h = G->h, w = G->w, zw = G->ow;
    size_t zplane = G->pix, yplane = (size_t)4 * h * w;
    for (int n = 0; n < G->n; n++)
        for (int o = 0; o < f; o++) {
            float b0 = bias ? bias[o] : 0.0f;
            float *yp = y + ((size_t)n * f + o) * yplane;
            for (int a = 0; a < 2; a++) {
                float *z0 = z + ((size_t)n * G->f + (size_t)(2 * a) * f + o) * zplane +
                            (size_t)a * zw;
                float *z1 = z0 + (size_t)f * zplane + 1;
                for (int i = 0; i < h; i++, z0 += zw, z1 += zw) {
                    float *row = yp + (size_t)(2 * i + a) * 2 * w;
                    for (int j = 0; j < w; j++) {
                        if (to_y) {
                            row[2 * j] = z0[j] + b0;
                            row[2 * j + 1] = z1[j] + b0;
                        } else {
                            z0[j] = row[2 * j];
                            z1[j] = row[2 * j + 1];
                        }
                    }
                }
            }
        }
}

static float *scratch(amem__graph *g, size_t floats)
{
    float *p = amem__arena_alloc(g->arena, floats * sizeof(float));
    if (p == NULL)
        amem__graph_fail(g, AMEM_E_NOMEM, "upsample2_conv3: graph arena exhausted");
    return p;
}

/* y = the op's value; G is the inner geometry (chunk set). */
static void upconv_forward(amem__graph *g, const amem__conv_geom *G,
                           const float *x, const float *w, const float *bias,
                           float *y)
{
    int f = G->f / 4;
    float *kc = scratch(g, (size_t)G->f * G->ckk);
    float *z = scratch(g, (size_t)G->n * G->f * G->pix);
    if (g->status != AMEM_OK)
        return;
    combine_weights(f, G->c, w, kc);
    amem__conv_s1_forward(g, G, x, kc, NULL, z);
    if (g->status == AMEM_OK)
        interleave(G, z, bias, y, 1);
}

/* Shape checks and the inner geometry; AMEM_OK or the recorded error. */
static int upconv_plan(amem__graph *g, const int xs[4], const int ws[4],
                       size_t bias_size, amem__conv_geom *G)
{
    if (ws[1] != xs[1] || ws[2] != 3 || ws[3] != 3)
        return amem__graph_fail(g, AMEM_E_DIM,
                                "upsample2_conv3: weight [%d, %d, %d, %d] for %d "
                                "input channels, need [F, %d, 3, 3]",
                                ws[0], ws[1], ws[2], ws[3], xs[1], xs[1]);
    if (bias_size != 0 && bias_size != (size_t)ws[0])
        return amem__graph_fail(g, AMEM_E_DIM,
                                "upsample2_conv3: bias has %zu elements, %d filters",
                                bias_size, ws[0]);
    if (xs[0] < 1 || xs[1] < 1 || xs[2] < 1 || xs[3] < 1 || ws[0] < 1 ||
        xs[2] > INT_MAX / 2 - 1 || xs[3] > INT_MAX / 2 - 1 ||
        ws[0] > INT_MAX / 4)
        return amem__graph_fail(g, AMEM_E_DIM, "upsample2_conv3: bad shape");
    *G = inner_geom(xs[0], xs[1], xs[2], xs[3], ws[0]);
    if (G->chunk < 1)
        return amem__graph_fail(g, AMEM_E_DIM, "upsample2_conv3: input too large");
    return AMEM_OK;
}

amem__node *amem__upsample2_conv3(amem__graph *g, amem__node *x,
                                  amem__node *w, amem__node *bias)
{
    int nin = bias != NULL ? 3 : 2;
    if (g->status != AMEM_OK || x == NULL || w == NULL) /* records E_NULL */
        return amem__node_make(g, &upconv_op, 0, NULL, nin, x, w, bias);
    if (x->ndim != 4 || w->ndim != 4) {
        amem__graph_fail(g, AMEM_E_DIM,
                         "upsample2_conv3: input rank %d and weight rank %d, need 4 and 4",
                         x->ndim, w->ndim);
        return NULL;
    }
    amem__conv_geom G;
    if (upconv_plan(g, x->shape, w->shape, bias ? bias->size : 0, &G) != AMEM_OK)
        return NULL;
    int shape[4] = {G.n, G.f / 4, 2 * G.h, 2 * G.w};
    amem__node *out = amem__node_make(g, &upconv_op, 4, shape, nin, x, w, bias);
    if (out == NULL)
        return NULL;
    out->iarg[0] = G.chunk;
    upconv_forward(g, &G, x->val, w->val, bias ? bias->val : NULL, out->val);
    return g->status == AMEM_OK ? out : NULL;
}

int amem__upsample2_conv3_apply(amem__graph *g, const int xshape[4], int f,
                                const float *x, const float *w,
                                const float *bias, float *out)
{
    if (g->status != AMEM_OK)
        return g->status;
    amem__conv_geom G;
    int ws[4] = {f, xshape[1], 3, 3};
    if (upconv_plan(g, xshape, ws, 0, &G) == AMEM_OK)
        upconv_forward(g, &G, x, w, bias, out);
    return g->status;
}

/* db[f] += Σ dY[n, f, ·, ·] */
static void bias_backward(const amem__node *n, float *db)
{
    int f = n->shape[1];
    size_t plane = (size_t)n->shape[2] * n->shape[3];
    for (int b = 0; b < n->shape[0]; b++)
        for (int o = 0; o < f; o++) {
            const float *d = n->grad + ((size_t)b * f + o) * plane;
            float s = 0.0f;
            for (size_t k = 0; k < plane; k++)
                s += d[k];
            db[o] += s;
        }
}

static void upconv_backward(amem__graph *g, amem__node *n)
{
    amem__node *x = n->in[0], *w = n->in[1], *bias = n->in[2];
    amem__conv_geom G = inner_geom(x->shape[0], x->shape[1], x->shape[2],
                                   x->shape[3], w->shape[0]);
    G.chunk = n->iarg[0];
    if (bias != NULL && bias->grad != NULL)
        bias_backward(n, bias->grad);
    if (x->grad == NULL && w->grad == NULL)
        return;
    size_t nk = (size_t)G.f * G.ckk;
    float *kc = scratch(g, nk);
    float *dz = amem__arena_zeros(g->arena, (size_t)G.n * G.f * G.pix);
    float *dkc = w->grad ? amem__arena_zeros(g->arena, nk) : NULL;
    if (dz == NULL || (w->grad != NULL && dkc == NULL))
        amem__graph_fail(g, AMEM_E_NOMEM, "upsample2_conv3: graph arena exhausted");
    if (g->status != AMEM_OK)
        return;
    combine_weights(G.f / 4, G.c, w->val, kc);
    interleave(&G, dz, NULL, n->grad, 0);
    amem__conv_s1_backward(g, &G, x->val, kc, dz, x->grad, dkc);
    if (dkc != NULL && g->status == AMEM_OK)
        spread_weight_grad(G.f / 4, G.c, dkc, w->grad);
}

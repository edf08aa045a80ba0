/*
 * Stride-1 convolution with shifted views of a padded input instead of an
 * im2col of every output pixel; see conv_impl.h and docs/engine-image.md.
 *
 * Padded layout (pad p <= KH−1, KW−1). A chunk of nb items is copied into
 * XP [C, L], channel-major. Each input row is preceded by p zeros, so the
 * row pitch is Wp = W + p, and each item's plane by p zero rows, so an
 * item takes P = (H + p)·Wp floats; the chunk ends with p·Wp + p more zeros:
 * L = nb·P + p·Wp + p. x[b,c,y,x'] sits at column b·P + (y + p)·Wp + p + x'.
 * The zeros before a row (or item) are also the right (bottom) padding of
 * the one before it, which is why one side suffices. The output pixel
 * (b, i, j) is the column q = b·P + i·Wp + j and its kernel tap (u, v)
 * reads column q + o_uv, o_uv = u·Wp + v: the tap's input matrix is XP
 * shifted left by o_uv, a view. Columns q that are no output pixel carry
 * garbage in forward and zeros in backward; every real output reads only
 * its own item and the zeros around it, and q + o_uv < L − (o_max − o_uv),
 * so the last o_uv columns of each row of a chunk are no output pixels.
 *
 * Forward, F < C ("kn2row"): Z = Ws · XP with Ws [(uv,f), c] = w[f,c,u,v],
 *   Z [K²F, L]; y[b,f,i,j] = bias[f] + Σ_uv Z[(uv,f), q + o_uv].
 * Forward, F >= C: XS [(c,uv), L], XS[(c,uv), q] = XP[c, q + o_uv] (one
 *   memcpy per row); Y = Wm · XS with Wm = w read as [F, C·K²].
 * Backward: dY' [F, L] holds dy at the output columns and 0 elsewhere;
 *   D [(uv,f), L] with D[(uv,f), p] = dY'[f, p − o_uv] (0 for p < o_uv) is,
 *   for each uv, one memcpy of the whole of dY' (the row tails it carries
 *   into the next row are zeros). Then
 *     dW:  dWs [(uv,f), c] += D · XPᵀ      = Σ_q dY'[f,q]·XP[c, q + o_uv]
 *     dX:  dXP [C, L] = Wr · D, Wr [c, (uv,f)] = w[f,c,u,v]
 *          = Σ_{f,uv} w[f,c,u,v]·dY'[f, p − o_uv], the transposed
 *          convolution, whose values at the input columns are added into
 *          dx (no col2im).
 */
#include <limits.h>
#include <string.h>

#include "assocmem/common.h"
#include "core/blas.h"
#include "conv_impl.h"

typedef struct s1_dims {
    int wp, k2;
    size_t plane;   /* P = (H + p)·Wp, one item */
    size_t tail;    /* p·Wp + p zeros after the last item */
} s1_dims;

static s1_dims dims_of(const amem__conv_geom *G)
{
    s1_dims d;
    d.wp = G->w + G->pad;
    d.k2 = G->kh * G->kw;
    d.plane = (size_t)(G->h + G->pad) * (size_t)d.wp;
    d.tail = (size_t)G->pad * (size_t)d.wp + (size_t)G->pad;
    return d;
}

/* L: columns of a chunk of nb items. */
static size_t chunk_cols(const s1_dims *d, int nb)
{
    return (size_t)nb * d->plane + d->tail;
}

static size_t tap_offset(const amem__conv_geom *G, const s1_dims *d, int uv)
{
    return (size_t)(uv / G->kw) * (size_t)d->wp + (size_t)(uv % G->kw);
}

int amem__conv_s1_applies(const amem__conv_geom *G)
{
    if (G->stride != 1 || G->pad >= G->kh || G->pad >= G->kw)
        return 0;
    double cols = (double)(G->h + G->pad) * (double)(G->w + G->pad);
    return cols <= 1.2 * (double)G->pix;
}

int amem__conv_s1_chunk(const amem__conv_geom *G, size_t budget)
{
    s1_dims d = dims_of(G);
    size_t c = (size_t)G->c, f = (size_t)G->f, k2 = (size_t)d.k2;
    if (chunk_cols(&d, 1) > INT_MAX || k2 * f > INT_MAX || k2 * c > INT_MAX ||
        k2 * (c > f ? c : f) + c + f > SIZE_MAX / sizeof(float) / 2 / d.plane)
        return 0;
    /* per item: XP + Z (kn2row), XP + XS + Y, or XP + dY' + D */
    size_t fwd = G->f < G->c ? c + k2 * f : c + k2 * c + f;
    size_t bwd = c + f + k2 * f;
    size_t per_item = (fwd > bwd ? fwd : bwd) * d.plane;
    size_t nb = per_item >= budget ? 1 : budget / per_item;
    if (nb > (size_t)G->n)
        nb = (size_t)G->n;
    if (nb * d.plane + d.tail > INT_MAX)
        nb = (INT_MAX - d.tail) / d.plane;
    return (int)nb;
}

/* XP [C, nb·P] from nb items of x (NCHW, x at the chunk's first item). */
static void pad_input(const amem__conv_geom *G, const s1_dims *d,
                      const float *x, int nb, float *xp)
{
    size_t L = chunk_cols(d, nb), hw = (size_t)G->h * G->w;
    size_t p = (size_t)G->pad, wp = (size_t)d->wp, w = (size_t)G->w;
    for (int c = 0; c < G->c; c++) {
        float *dst = xp + (size_t)c * L;
        for (int b = 0; b < nb; b++) {
            const float *src = x + ((size_t)b * G->c + c) * hw;
            memset(dst, 0, p * wp * sizeof *dst);
            dst += p * wp;
            for (int y = 0; y < G->h; y++, dst += wp, src += w) {
                memset(dst, 0, p * sizeof *dst);
                memcpy(dst + p, src, w * sizeof *dst);
            }
        }
        memset(dst, 0, d->tail * sizeof *dst);
    }
}

/* dx (NCHW, at the chunk's first item) += the interior of dXP [C, nb·P]. */
static void unpad_add(const amem__conv_geom *G, const s1_dims *d,
                      const float *dxp, int nb, float *dx)
{
    size_t L = chunk_cols(d, nb), hw = (size_t)G->h * G->w;
    size_t p = (size_t)G->pad, wp = (size_t)d->wp, w = (size_t)G->w;
    for (int b = 0; b < nb; b++)
        for (int c = 0; c < G->c; c++) {
            float *dst = dx + ((size_t)b * G->c + c) * hw;
            const float *src = dxp + (size_t)c * L + (size_t)b * d->plane +
                               p * wp + p;
            for (int y = 0; y < G->h; y++, dst += w, src += wp)
                for (size_t j = 0; j < w; j++)
                    dst[j] += src[j];
        }
}

/* dY' [F, nb·P]: dy at the output columns, zero elsewhere. */
static void pad_output_grad(const amem__conv_geom *G, const s1_dims *d,
                            const float *dy, int nb, float *dyp)
{
    size_t L = chunk_cols(d, nb), wp = (size_t)d->wp, ow = (size_t)G->ow;
    size_t below = d->plane - (size_t)G->oh * wp; /* rows oh .. H+p−1 */
    for (int f = 0; f < G->f; f++) {
        float *dst = dyp + (size_t)f * L;
        for (int b = 0; b < nb; b++) {
            const float *src = dy + ((size_t)b * G->f + f) * G->pix;
            for (int i = 0; i < G->oh; i++, dst += wp, src += ow) {
                memcpy(dst, src, ow * sizeof *dst);
                memset(dst + ow, 0, (wp - ow) * sizeof *dst);
            }
            memset(dst, 0, below * sizeof *dst);
            dst += below;
        }
        memset(dst, 0, d->tail * sizeof *dst);
    }
}

/* Ws [(uv,f), c] (trans = 0) or Wr [c, (uv,f)] (trans = 1) from w [F,C,K²]. */
static void permute_weights(const amem__conv_geom *G, const s1_dims *d,
                            const float *w, int trans, float *out)
{
    size_t k2 = (size_t)d->k2, kf = k2 * G->f;
    for (int f = 0; f < G->f; f++)
        for (int c = 0; c < G->c; c++)
            for (size_t uv = 0; uv < k2; uv++) {
                float v = w[((size_t)f * G->c + c) * k2 + uv];
                size_t r = uv * G->f + f;
                if (trans)
                    out[(size_t)c * kf + r] = v;
                else
                    out[r * G->c + c] = v;
            }
}

/* y (NCHW, chunk's first item) = bias + Σ_uv Z[(uv,f), q + o_uv]. */
static void kn2row_gather(const amem__conv_geom *G, const s1_dims *d,
                          const float *z, const float *bias, int nb, float *y)
{
    size_t L = chunk_cols(d, nb), ow = (size_t)G->ow;
    for (int b = 0; b < nb; b++)
        for (int f = 0; f < G->f; f++)
            for (int i = 0; i < G->oh; i++) {
                float *o = y + ((size_t)b * G->f + f) * G->pix + (size_t)i * ow;
                float b0 = bias ? bias[f] : 0.0f;
                for (size_t j = 0; j < ow; j++)
                    o[j] = b0;
                size_t q = (size_t)b * d->plane + (size_t)i * d->wp;
                for (int uv = 0; uv < d->k2; uv++) {
                    const float *zr = z + ((size_t)uv * G->f + f) * L + q +
                                      tap_offset(G, d, uv);
                    for (size_t j = 0; j < ow; j++)
                        o[j] += zr[j];
                }
            }
}

/* y (NCHW, chunk's first item) = bias + Y[f, q] at the output columns. */
static void plain_gather(const amem__conv_geom *G, const s1_dims *d,
                         const float *yp, const float *bias, int nb, float *y)
{
    size_t L = chunk_cols(d, nb), ow = (size_t)G->ow;
    for (int b = 0; b < nb; b++)
        for (int f = 0; f < G->f; f++) {
            float b0 = bias ? bias[f] : 0.0f;
            float *o = y + ((size_t)b * G->f + f) * G->pix;
            const float *src = yp + (size_t)f * L + (size_t)b * d->plane;
            for (int i = 0; i < G->oh; i++, o += ow, src += d->wp)
                for (size_t j = 0; j < ow; j++)
                    o[j] = src[j] + b0;
        }
}

/* XS [(c,uv), L]: row (c,uv) is XP[c] shifted left by o_uv, zero-filled. */
static void shift_rows(const amem__conv_geom *G, const s1_dims *d,
                       const float *xp, int nb, float *xs)
{
    size_t L = chunk_cols(d, nb);
    for (int c = 0; c < G->c; c++)
        for (int uv = 0; uv < d->k2; uv++, xs += L) {
            size_t off = tap_offset(G, d, uv);
            memcpy(xs, xp + (size_t)c * L + off, (L - off) * sizeof *xs);
            memset(xs + L - off, 0, off * sizeof *xs);
        }
}

static float *scratch(amem__graph *g, size_t floats)
{
    float *p = amem__arena_alloc(g->arena, floats * sizeof(float));
    if (p == NULL)
        amem__graph_fail(g, AMEM_E_NOMEM, "conv2d: graph arena exhausted");
    return p;
}

void amem__conv_s1_forward(amem__graph *g, const amem__conv_geom *G,
                           const float *x, const float *w, const float *bias,
                           float *out)
{
    s1_dims d = dims_of(G);
    int kn2row = G->f < G->c;
    size_t maxL = chunk_cols(&d, G->chunk), k2 = (size_t)d.k2;
    float *xp = scratch(g, (size_t)G->c * maxL);
    float *big = scratch(g, (kn2row ? k2 * G->f : k2 * G->c) * maxL);
    float *yp = kn2row ? NULL : scratch(g, (size_t)G->f * maxL);
    float *ws = kn2row ? scratch(g, k2 * G->f * G->c) : NULL;
    if (g->status != AMEM_OK)
        return;
    if (kn2row)
        permute_weights(G, &d, w, 0, ws);
    size_t in_item = (size_t)G->c * G->h * G->w, out_item = (size_t)G->f * G->pix;
    for (int n0 = 0; n0 < G->n; n0 += G->chunk) {
        int nb = G->n - n0 < G->chunk ? G->n - n0 : G->chunk;
        int L = (int)chunk_cols(&d, nb);
        float *y = out + (size_t)n0 * out_item;
        pad_input(G, &d, x + (size_t)n0 * in_item, nb, xp);
        if (kn2row) {
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans,
                        d.k2 * G->f, L, G->c, 1.0f, ws, G->c, xp, L, 0.0f,
                        big, L);
            kn2row_gather(G, &d, big, bias, nb, y);
        } else {
            shift_rows(G, &d, xp, nb, big);
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, G->f, L,
                        (int)G->ckk, 1.0f, w, (int)G->ckk, big, L, 0.0f, yp, L);
            plain_gather(G, &d, yp, bias, nb, y);
        }
    }
}

/* D [(uv,f), L] from dY' [F, L] (layout in the file comment). */
static void shift_grad(const amem__conv_geom *G, const s1_dims *d,
                       const float *dyp, int nb, float *dmat)
{
    size_t fl = (size_t)G->f * chunk_cols(d, nb);
    for (int uv = 0; uv < d->k2; uv++, dmat += fl) {
        size_t off = tap_offset(G, d, uv);
        memset(dmat, 0, off * sizeof *dmat);
        memcpy(dmat + off, dyp, (fl - off) * sizeof *dmat);
    }
}

/* dw[f,c,u,v] += dWs[(uv,f), c] */
static void add_weight_grad(const amem__conv_geom *G, const s1_dims *d,
                            const float *dws, float *dw)
{
    size_t k2 = (size_t)d->k2;
    for (int f = 0; f < G->f; f++)
        for (int c = 0; c < G->c; c++)
            for (size_t uv = 0; uv < k2; uv++)
                dw[((size_t)f * G->c + c) * k2 + uv] +=
                    dws[(uv * G->f + f) * G->c + c];
}

void amem__conv_s1_backward(amem__graph *g, const amem__conv_geom *G,
                            const float *x, const float *w, const float *dy,
                            float *dx, float *dw)
{
    s1_dims d = dims_of(G);
    size_t maxL = chunk_cols(&d, G->chunk), kf = (size_t)d.k2 * G->f;
    float *xp = scratch(g, (size_t)G->c * maxL);
    float *dyp = scratch(g, (size_t)G->f * maxL);
    float *dmat = scratch(g, kf * maxL);
    float *dws = dw ? amem__arena_zeros(g->arena, kf * G->c) : NULL;
    float *wr = dx ? scratch(g, kf * G->c) : NULL;
    if (dw != NULL && dws == NULL)
        amem__graph_fail(g, AMEM_E_NOMEM, "conv2d: graph arena exhausted");
    if (g->status != AMEM_OK)
        return;
    if (dx)
        permute_weights(G, &d, w, 1, wr);
    size_t in_item = (size_t)G->c * G->h * G->w, out_item = (size_t)G->f * G->pix;
    for (int n0 = 0; n0 < G->n; n0 += G->chunk) {
        int nb = G->n - n0 < G->chunk ? G->n - n0 : G->chunk;
        int L = (int)chunk_cols(&d, nb);
        pad_output_grad(G, &d, dy + (size_t)n0 * out_item, nb, dyp);
        shift_grad(G, &d, dyp, nb, dmat);
        if (dw) {
            pad_input(G, &d, x + (size_t)n0 * in_item, nb, xp);
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)kf, G->c,
                        L, 1.0f, dmat, L, xp, L, 1.0f, dws, G->c);
        }
        if (dx) { /* XP is free again: it receives dXP */
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, G->c, L,
                        (int)kf, 1.0f, wr, (int)kf, dmat, L, 0.0f, xp, L);
            unpad_add(G, &d, xp, nb, dx + (size_t)n0 * in_item);
        }
    }
    if (dw)
        add_weight_grad(G, &d, dws, dw);
}

/*
 * 2-D convolution (cross-correlation); see ops_image.h and
 * docs/engine-image.md. The builder validates and sends stride-1
 * convolutions that amem__conv_s1_applies() accepts to conv_s1.c (shifted
 * views of a padded input, no im2col); everything else is im2col + sgemm,
 * below.
 *
 * im2col layout. The batch is processed in chunks of nb items (as many as
 * fit a scratch budget, at least one). For a chunk starting at item n0 the
 * column matrix is row-major [C·KH·KW, nb·OH·OW]:
 *   row    r = (c·KH + u)·KW + v            (channel, kernel row, kernel col)
 *   column q = (n − n0)·OH·OW + i·OW + j    (item, output row, output col)
 *   col[r][q] = x[n, c, i·s − p + u, j·s − p + v], or 0 in the padding.
 * The weights [F, C, KH, KW] are then the row-major matrix Wm [F, C·KH·KW]:
 *   forward   Y  = Wm · col                       [F, nb·OH·OW]
 *   backward  dWm += dY · colᵀ,  dcol = Wmᵀ · dY, dx += col2im(dcol).
 * With nb > 1 the [F, nb·OH·OW] product is permuted to/from NCHW through a
 * second scratch matrix; with nb = 1 sgemm reads and writes NCHW in place.
 */
#include <limits.h>
#include <string.h>
#if defined(__SSE2__)
#include <xmmintrin.h>
#endif

#include "assocmem/common.h"
#include "core/blas.h"
#include "core/check.h"
#include "engine/conv_impl.h"
#include "engine/ops_image.h"

/* Floats of im2col scratch per chunk: 1 MiB stays in a 1 MiB L2 cache
 * while sgemm reads it (4 MiB was 5-10 % slower on the VAE encoders). */
#ifndef COL_BUDGET
#define COL_BUDGET ((size_t)1 << 18)
#endif

/* Floats of scratch per chunk on the stride-1 path (conv_s1.c). */
#ifndef S1_BUDGET
#define S1_BUDGET ((size_t)1 << 20)
#endif

typedef amem__conv_geom conv_geom;

static int use_s1(const conv_geom *G)
{
    return amem__conv_s1_applies(G);
}

enum { ARG_STRIDE, ARG_PAD, ARG_CHUNK };

static void conv_backward(amem__graph *g, amem__node *n);
static const amem__op conv_op = {"conv2d", conv_backward};

int amem__conv2d_out_extent(int in, int k, int stride, int pad)
{
    if (in < 1 || k < 1 || stride < 1 || pad < 0)
        return 0;
    long long span = (long long)in + 2LL * pad - k;
    if (span < 0)
        return 0;
    long long out = span / stride + 1;
    return out > INT_MAX ? 0 : (int)out;
}

static conv_geom geom_of(const amem__node *x, const amem__node *w, int stride,
                         int pad, int chunk)
{
    conv_geom G = {x->shape[0], x->shape[1], x->shape[2], x->shape[3],
                   w->shape[0], w->shape[2], w->shape[3], 0, 0,
                   stride, pad, chunk, 0, 0};
    G.oh = amem__conv2d_out_extent(G.h, G.kh, stride, pad);
    G.ow = amem__conv2d_out_extent(G.w, G.kw, stride, pad);
    G.ckk = (size_t)G.c * (size_t)G.kh * (size_t)G.kw; /* <= w->size */
    G.pix = (size_t)G.oh * (size_t)G.ow;
    return G;
}

/* Output columns j whose input column j·s − p + v lies in [0, W): [lo, hi). */
static void valid_cols(const conv_geom *G, int v, int *lo, int *hi)
{
    int s = G->stride, off = v - G->pad;
    long long first = off >= 0 ? 0 : ((long long)-off + s - 1) / s;
    long long last = (long long)G->w - 1 - off; /* largest j·s */
    long long end = last < 0 ? 0 : last / s + 1;
    if (end > G->ow)
        end = G->ow;
    if (first > end)
        first = end;
    *lo = (int)first;
    *hi = (int)end;
}

/*
 * Phase planes of one input plane (stride s). With xpad the input padded
 * by p on every side, phase (a, b) is the plane
 *   P_ab[i][j] = xpad[i·s + a][j·s + b],  i < PH, j < PW,
 * PH = OH + (KH − 1)/s and PW = OW + (KW − 1)/s (0 beyond the input). Tap
 * (u, v) of output pixel (i, j) reads xpad[i·s + u][j·s + v] =
 * P_{u mod s, v mod s}[i + u/s][j + v/s], so each im2col row is a block of
 * one phase plane: OH row copies of OW floats, no strided gathers.
 */
static int phase_h(const conv_geom *G) { return G->oh + (G->kh - 1) / G->stride; }
static int phase_w(const conv_geom *G) { return G->ow + (G->kw - 1) / G->stride; }

static size_t phase_floats(const conv_geom *G)
{
    size_t s2 = (size_t)G->stride * (size_t)G->stride;
    return s2 * (size_t)phase_h(G) * (size_t)phase_w(G);
}

/* Columns j of a phase row with input column j·s + b − p inside [0, W). */
static void phase_cols(const conv_geom *G, int b, int pw, int *lo, int *hi)
{
    int s = G->stride, off = b - G->pad;
    long long first = off >= 0 ? 0 : ((long long)-off + s - 1) / s;
    long long last = (long long)G->w - 1 - off;
    long long end = last < 0 ? 0 : last / s + 1;
    if (end > pw)
        end = pw;
    if (first > end)
        first = end;
    *lo = (int)first;
    *hi = (int)end;
}

static void zero_floats(float *dst, int n)
{
    for (int j = 0; j < n; j++)
        dst[j] = 0.0f;
}

/*
 * dst[j] = row[j·s + off] for j in [lo, hi). At stride 2 with SSE2, four
 * outputs come from 8 consecutive inputs (the even ones) while those lie
 * inside the row (index < W); the rest one by one.
 */
static void gather_strided(const conv_geom *G, const float *row, int off,
                           int lo, int hi, float *dst)
{
    int s = G->stride, j = lo;
    if (s == 1) {
        if (hi > lo)
            memcpy(dst + lo, row + lo + off, (size_t)(hi - lo) * sizeof *dst);
        return;
    }
#if defined(__SSE2__)
    if (s == 2)
        for (; j + 4 <= hi && 2 * j + off + 8 <= G->w; j += 4) {
            __m128 a = _mm_loadu_ps(row + 2 * j + off);
            __m128 b = _mm_loadu_ps(row + 2 * j + off + 4);
            _mm_storeu_ps(dst + j, _mm_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0)));
        }
#endif
    for (; j < hi; j++)
        dst[j] = row[j * s + off];
}

/* All s² phase planes of the input plane xp [H, W] into ph (layout above). */
static void phase_split(const conv_geom *G, const float *xp, float *ph)
{
    int s = G->stride, hh = phase_h(G), pw = phase_w(G);
    for (int a = 0; a < s; a++)
        for (int b = 0; b < s; b++) {
            int lo, hi, off = b - G->pad;
            phase_cols(G, b, pw, &lo, &hi);
            float *dst = ph + (size_t)(a * s + b) * hh * pw;
            for (int i = 0; i < hh; i++, dst += pw) {
                int y = i * s + a - G->pad;
                if (y < 0 || y >= G->h) {
                    zero_floats(dst, pw);
                    continue;
                }
                zero_floats(dst, lo);
                gather_strided(G, xp + (size_t)y * G->w, off, lo, hi, dst);
                zero_floats(dst + hi, pw - hi);
            }
        }
}

/*
 * OH rows of OW floats from src (pitch pw) to the block dst (pitch OW).
 * A row is copied in whole runs of 8 floats (fixed-size copies the compiler
 * turns into vector moves) when they end inside the block: the part past
 * the row belongs to the rows below, which are written next. Reads run up
 * to 7 floats past the phase planes (PHASE_SLACK zeros). Other rows are
 * copied exactly.
 */
#define PHASE_SLACK 8

static void copy_block(const conv_geom *G, const float *src, int pw,
                       float *dst)
{
    size_t ow = (size_t)G->ow, wide = (ow + 7) & ~(size_t)7;
    size_t end = (size_t)G->oh * ow;
    for (size_t at = 0; at < end; at += ow, src += pw) {
        if (at + wide > end) {
            memcpy(dst + at, src, ow * sizeof *dst);
            continue;
        }
        for (size_t j = 0; j < wide; j += 8)
            memcpy(dst + at + j, src + j, 8 * sizeof *dst);
    }
}

/*
 * x points at item n0; fills col [ckk, nb·pix] (layout in the file comment)
 * through the phase planes of each (item, channel) plane, held in ph.
 */
static void im2col(const conv_geom *G, const float *x, int nb, float *col,
                   float *ph)
{
    size_t plane = (size_t)G->h * G->w, ld = (size_t)nb * G->pix;
    int s = G->stride, hh = phase_h(G), pw = phase_w(G);
    for (int b = 0; b < nb; b++)
        for (int c = 0; c < G->c; c++) {
            phase_split(G, x + ((size_t)b * G->c + c) * plane, ph);
            float *rows = col + (size_t)c * G->kh * G->kw * ld + b * G->pix;
            for (int u = 0; u < G->kh; u++)
                for (int v = 0; v < G->kw; v++, rows += ld) {
                    const float *src = ph +
                        ((size_t)((u % s) * s + v % s) * hh + u / s) * pw + v / s;
                    copy_block(G, src, pw, rows);
                }
        }
}

/* row[j·s + off] += src[j] for j in [lo, hi): one row of col2im. */
static void scatter_row(float *row, const float *src, int s, int off, int lo,
                        int hi)
{
    if (s == 1) {
        float *dst = row + lo + off;
        const float *from = src + lo;
        for (int j = 0; j < hi - lo; j++)
            dst[j] += from[j];
        return;
    }
    for (int j = lo; j < hi; j++)
        row[j * s + off] += src[j];
}

/* dx (at item n0) += col2im(col): the adjoint of im2col. */
static void col2im_add(const conv_geom *G, const float *col, int nb, float *dx)
{
    size_t plane = (size_t)G->h * G->w;
    for (int c = 0; c < G->c; c++)
        for (int u = 0; u < G->kh; u++)
            for (int v = 0; v < G->kw; v++) {
                int lo, hi, off = v - G->pad;
                valid_cols(G, v, &lo, &hi);
                for (int b = 0; b < nb; b++) {
                    float *dp = dx + ((size_t)b * G->c + c) * plane;
                    for (int i = 0; i < G->oh; i++, col += G->ow) {
                        int y = i * G->stride - G->pad + u;
                        if (y < 0 || y >= G->h)
                            continue;
                        scatter_row(dp + (size_t)y * G->w, col, G->stride,
                                    off, lo, hi);
                    }
                }
            }
}

/*
 * Between NCHW blocks [nb][F][pix] and the matrix [F][nb·pix]:
 * to_matrix = 1 copies NCHW → matrix, 0 copies matrix → NCHW.
 */
static void permute_chunk(const conv_geom *G, int nb, float *nchw, float *mat,
                          int to_matrix)
{
    size_t row_bytes = G->pix * sizeof(float), ld = (size_t)nb * G->pix;
    for (int b = 0; b < nb; b++)
        for (int f = 0; f < G->f; f++) {
            float *a = nchw + ((size_t)b * G->f + f) * G->pix;
            float *m = mat + (size_t)f * ld + (size_t)b * G->pix;
            if (to_matrix)
                memcpy(m, a, row_bytes);
            else
                memcpy(a, m, row_bytes);
        }
}

/* Scratch for one chunk: col [ckk, nb·pix], the phase planes of one input
 * plane and, when nb > 1, mat [F, nb·pix]. */
static int conv_scratch(amem__graph *g, const conv_geom *G, float **col,
                        float **ph, float **mat)
{
    size_t cols = (size_t)G->chunk * G->pix;
    *col = amem__arena_alloc(g->arena, G->ckk * cols * sizeof(float));
    *ph = amem__arena_zeros(g->arena, phase_floats(G) + PHASE_SLACK);
    *mat = G->chunk > 1 ? amem__arena_alloc(g->arena,
                                            (size_t)G->f * cols * sizeof(float))
                        : NULL;
    if (*col == NULL || *ph == NULL || (G->chunk > 1 && *mat == NULL))
        return amem__graph_fail(g, AMEM_E_NOMEM, "conv2d: graph arena exhausted");
    return AMEM_OK;
}

/* dst[k] = src[k] + b for k < n (dst may be src), in blocks of 8. */
static void row_plus(float *dst, const float *src, size_t n, float b)
{
    size_t k = 0;
    for (; k + 8 <= n; k += 8)
        for (int j = 0; j < 8; j++)
            dst[k + j] = src[k + j] + b;
    for (; k < n; k++)
        dst[k] = src[k] + b;
}

/*
 * NCHW out (at the chunk's first item) = Y + bias, Y the sgemm result: the
 * matrix [F, nb·pix] when nb > 1, else out itself. One pass either way.
 */
static void store_chunk(const conv_geom *G, int nb, const float *mat,
                        const float *bias, float *out)
{
    size_t ld = (size_t)nb * G->pix;
    for (int b = 0; b < nb; b++)
        for (int f = 0; f < G->f; f++) {
            float *o = out + ((size_t)b * G->f + f) * G->pix;
            const float *y = nb > 1 ? mat + (size_t)f * ld + (size_t)b * G->pix : o;
            if (bias != NULL)
                row_plus(o, y, G->pix, bias[f]);
            else if (y != o)
                memcpy(o, y, G->pix * sizeof *o);
        }
}

/* out = conv(x, w) + bias, chunk by chunk: Y = Wm · col. */
static void conv_forward(amem__graph *g, const conv_geom *G, const float *x,
                         const float *w, const float *bias, float *out)
{
    float *col, *ph, *mat;
    if (conv_scratch(g, G, &col, &ph, &mat) != AMEM_OK)
        return;
    size_t in_item = (size_t)G->c * G->h * G->w, out_item = (size_t)G->f * G->pix;
    for (int n0 = 0; n0 < G->n; n0 += G->chunk) {
        int nb = G->n - n0 < G->chunk ? G->n - n0 : G->chunk;
        int cols = (int)((size_t)nb * G->pix);
        float *o = out + (size_t)n0 * out_item;
        im2col(G, x + (size_t)n0 * in_item, nb, col, ph);
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, G->f, cols,
                    (int)G->ckk, 1.0f, w, (int)G->ckk, col, cols, 0.0f,
                    nb > 1 ? mat : o, cols);
        store_chunk(G, nb, mat, bias, o);
    }
}

/* Shape checks; returns AMEM_OK or the recorded error. */
static int conv_validate(amem__graph *g, const amem__node *x,
                         const amem__node *w, const amem__node *bias,
                         int stride, int pad)
{
    if (x->ndim != 4 || w->ndim != 4)
        return amem__graph_fail(g, AMEM_E_DIM,
                                "conv2d: input rank %d and weight rank %d, need 4 and 4",
                                x->ndim, w->ndim);
    if (w->shape[1] != x->shape[1])
        return amem__graph_fail(g, AMEM_E_DIM,
                                "conv2d: weight has %d input channels, input has %d",
                                w->shape[1], x->shape[1]);
    if (bias != NULL && bias->size != (size_t)w->shape[0])
        return amem__graph_fail(g, AMEM_E_DIM,
                                "conv2d: bias has %zu elements, %d filters",
                                bias->size, w->shape[0]);
    if (stride < 1 || pad < 0)
        return amem__graph_fail(g, AMEM_E_RANGE,
                                "conv2d: stride %d (need >= 1), padding %d (need >= 0)",
                                stride, pad);
    if (amem__conv2d_out_extent(x->shape[2], w->shape[2], stride, pad) < 1 ||
        amem__conv2d_out_extent(x->shape[3], w->shape[3], stride, pad) < 1)
        return amem__graph_fail(g, AMEM_E_DIM,
                                "conv2d: %dx%d kernel does not fit %dx%d input with padding %d",
                                w->shape[2], w->shape[3], x->shape[2],
                                x->shape[3], pad);
    return AMEM_OK;
}

/* Items per chunk, or 0 when the matrices exceed what BLAS can index. */
static int chunk_items(const conv_geom *G)
{
    size_t per_item;
    if (amem__mul_size(G->ckk, G->pix, &per_item) || G->ckk > INT_MAX ||
        G->pix > INT_MAX)
        return 0;
    size_t nb = per_item >= COL_BUDGET ? 1 : COL_BUDGET / per_item;
    if (nb > (size_t)G->n)
        nb = (size_t)G->n;
    if (nb > 1 && nb * G->pix > INT_MAX)
        nb = INT_MAX / G->pix;
    return (int)nb;
}

/* The geometry of a valid convolution with its chunk size, or chunk 0. */
static conv_geom planned_geom(const amem__node *x, const amem__node *w,
                              int stride, int pad)
{
    conv_geom G = geom_of(x, w, stride, pad, 0);
    G.chunk = use_s1(&G) ? amem__conv_s1_chunk(&G, S1_BUDGET) : chunk_items(&G);
    return G;
}

/* out = conv(x, w) + bias on the path the geometry selects. */
static void conv_run(amem__graph *g, const conv_geom *G, const float *x,
                     const float *w, const float *bias, float *out)
{
    if (use_s1(G))
        amem__conv_s1_forward(g, G, x, w, bias, out);
    else
        conv_forward(g, G, x, w, bias, out);
}

int amem__conv2d_apply(amem__graph *g, const int xshape[4],
                       const int wshape[4], const float *x, const float *w,
                       const float *bias, int stride, int pad, float *out)
{
    if (g->status != AMEM_OK)
        return g->status;
    amem__node xn = {.ndim = 4}, wn = {.ndim = 4};
    for (int i = 0; i < 4; i++) {
        xn.shape[i] = xshape[i];
        wn.shape[i] = wshape[i];
    }
    wn.size = (size_t)wshape[0] * wshape[1] * wshape[2] * wshape[3];
    if (conv_validate(g, &xn, &wn, NULL, stride, pad) != AMEM_OK)
        return g->status;
    conv_geom G = planned_geom(&xn, &wn, stride, pad);
    if (G.chunk < 1)
        return amem__graph_fail(g, AMEM_E_DIM, "conv2d: im2col matrix too large");
    conv_run(g, &G, x, w, bias, out);
    return g->status;
}

amem__node *amem__conv2d(amem__graph *g, amem__node *x, amem__node *w,
                         amem__node *bias, int stride, int pad)
{
    int nin = bias != NULL ? 3 : 2;
    if (g->status != AMEM_OK || x == NULL || w == NULL) /* records E_NULL */
        return amem__node_make(g, &conv_op, 0, NULL, nin, x, w, bias);
    if (conv_validate(g, x, w, bias, stride, pad) != AMEM_OK)
        return NULL;
    conv_geom G = planned_geom(x, w, stride, pad);
    if (G.chunk < 1) {
        amem__graph_fail(g, AMEM_E_DIM, "conv2d: im2col matrix too large");
        return NULL;
    }
    int shape[4] = {G.n, G.f, G.oh, G.ow};
    amem__node *out = amem__node_make(g, &conv_op, 4, shape, nin, x, w, bias);
    if (out == NULL)
        return NULL;
    out->iarg[ARG_STRIDE] = stride;
    out->iarg[ARG_PAD] = pad;
    out->iarg[ARG_CHUNK] = G.chunk;
    conv_run(g, &G, x->val, w->val, bias ? bias->val : NULL, out->val);
    return g->status == AMEM_OK ? out : NULL;
}

/* db[f] += Σ_{n,i,j} dY[n,f,i,j] */
static void bias_backward(const conv_geom *G, const float *dy, float *db)
{
    for (int b = 0; b < G->n; b++)
        for (int f = 0; f < G->f; f++) {
            const float *d = dy + ((size_t)b * G->f + f) * G->pix;
            float s = 0.0f;
            for (size_t k = 0; k < G->pix; k++)
                s += d[k];
            db[f] += s;
        }
}

/* dWm += dY · colᵀ;  dcol = Wmᵀ · dY, dx += col2im(dcol) — chunk by chunk. */
static void conv_backward(amem__graph *g, amem__node *n)
{
    amem__node *x = n->in[0], *w = n->in[1], *bias = n->in[2];
    conv_geom G = geom_of(x, w, n->iarg[ARG_STRIDE], n->iarg[ARG_PAD],
                          n->iarg[ARG_CHUNK]);
    if (bias != NULL && bias->grad != NULL)
        bias_backward(&G, n->grad, bias->grad);
    if (x->grad == NULL && w->grad == NULL)
        return;
    if (use_s1(&G)) {
        amem__conv_s1_backward(g, &G, x->val, w->val, n->grad, x->grad, w->grad);
        return;
    }
    float *col, *ph, *mat;
    if (conv_scratch(g, &G, &col, &ph, &mat) != AMEM_OK)
        return;
    size_t in_item = (size_t)G.c * G.h * G.w, out_item = (size_t)G.f * G.pix;
    int ckk = (int)G.ckk;
    for (int n0 = 0; n0 < G.n; n0 += G.chunk) {
        int nb = G.n - n0 < G.chunk ? G.n - n0 : G.chunk;
        int cols = (int)((size_t)nb * G.pix);
        float *dy = n->grad + (size_t)n0 * out_item;
        if (nb > 1) {
            permute_chunk(&G, nb, dy, mat, 1);
            dy = mat;
        }
        if (w->grad != NULL) {
            im2col(&G, x->val + (size_t)n0 * in_item, nb, col, ph);
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, G.f, ckk, cols,
                        1.0f, dy, cols, col, cols, 1.0f, w->grad, ckk);
        }
        if (x->grad != NULL) {
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, ckk, cols, G.f,
                        1.0f, w->val, ckk, dy, cols, 0.0f, col, cols);
            col2im_add(&G, col, nb, x->grad + (size_t)n0 * in_item);
        }
    }
}

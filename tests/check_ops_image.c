/*
 * Suite "ops_image": conv2d, nearest upsampling, global average pooling,
 * batch normalisation and dropout. Forward values against direct loops,
 * gradients against central differences, bad shapes and settings.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "assocmem/common.h"
#include "engine/bn_act.h"
#include "engine/conv_impl.h"
#include "engine/ops.h"
#include "engine/ops_image.h"
#include "testutil.h"
#include "testutil_grad.h"

#define GRAD_EPS 1e-2
#define GRAD_TOL 2e-3

static size_t prod(const int *shape, int ndim)
{
    size_t n = 1;
    for (int i = 0; i < ndim; i++)
        n *= (size_t)shape[i];
    return n;
}

static float *uniform(size_t n, uint64_t seed)
{
    float *x = malloc(n * sizeof *x);
    ck_assert_ptr_nonnull(x);
    amem_test_fill_uniform(x, n, -1.0f, 1.0f, seed);
    return x;
}

static void assert_close(const float *got, const float *want, size_t n,
                         double tol)
{
    for (size_t i = 0; i < n; i++)
        ck_assert_msg(fabs((double)got[i] - want[i]) <= tol * (1.0 + fabs(want[i])),
                      "element %zu: got %.7g, want %.7g", i, (double)got[i],
                      (double)want[i]);
}

/* ---- conv2d: direct reference -------------------------------------------- */

typedef struct conv_case {
    int n, c, h, w, f, kh, kw, stride, pad, bias;
} conv_case;

static int out_h(const conv_case *k) { return (k->h + 2 * k->pad - k->kh) / k->stride + 1; }
static int out_w(const conv_case *k) { return (k->w + 2 * k->pad - k->kw) / k->stride + 1; }

/* Input value at (n, c, y, x) with zero padding, or the slot to add into. */
static double px(const conv_case *k, const float *x, int n, int c, int y, int xx)
{
    if (y < 0 || y >= k->h || xx < 0 || xx >= k->w)
        return 0.0;
    return x[(((size_t)n * k->c + c) * k->h + y) * k->w + xx];
}

static void conv_direct(const conv_case *k, const float *x, const float *w,
                        const float *b, float *out)
{
    int oh = out_h(k), ow = out_w(k);
    for (int n = 0; n < k->n; n++)
        for (int f = 0; f < k->f; f++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++) {
                    double s = b ? b[f] : 0.0;
                    for (int c = 0; c < k->c; c++)
                        for (int u = 0; u < k->kh; u++)
                            for (int v = 0; v < k->kw; v++)
                                s += w[((f * k->c + c) * k->kh + u) * k->kw + v] *
                                     px(k, x, n, c, i * k->stride - k->pad + u,
                                        j * k->stride - k->pad + v);
                    *out++ = (float)s;
                }
}

/* dx and dw of Σ dy·conv(x, w) by direct loops (dx, dw zeroed here). */
static void conv_direct_grads(const conv_case *k, const float *x, const float *w,
                              const float *dy, float *dx, float *dw)
{
    int oh = out_h(k), ow = out_w(k);
    memset(dx, 0, (size_t)k->n * k->c * k->h * k->w * sizeof *dx);
    memset(dw, 0, (size_t)k->f * k->c * k->kh * k->kw * sizeof *dw);
    for (int n = 0; n < k->n; n++)
        for (int f = 0; f < k->f; f++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++) {
                    float d = *dy++;
                    for (int c = 0; c < k->c; c++)
                        for (int u = 0; u < k->kh; u++)
                            for (int v = 0; v < k->kw; v++) {
                                int y = i * k->stride - k->pad + u;
                                int xx = j * k->stride - k->pad + v;
                                size_t wi = ((size_t)(f * k->c + c) * k->kh + u) * k->kw + v;
                                dw[wi] += d * (float)px(k, x, n, c, y, xx);
                                if (y >= 0 && y < k->h && xx >= 0 && xx < k->w)
                                    dx[(((size_t)n * k->c + c) * k->h + y) * k->w + xx] +=
                                        d * w[wi];
                            }
                }
}

/* Forward and backward of the op against the direct loops for one case. */
static void check_conv_against_direct(const conv_case *k, double tol)
{
    int xs[4] = {k->n, k->c, k->h, k->w}, ws[4] = {k->f, k->c, k->kh, k->kw};
    int bs[1] = {k->f};
    size_t nx = prod(xs, 4), nw = prod(ws, 4);
    size_t ny = (size_t)k->n * k->f * out_h(k) * out_w(k);
    float *x = uniform(nx, 1), *w = uniform(nw, 2), *b = uniform((size_t)k->f, 3);
    float *dy = uniform(ny, 4), *want = malloc(ny * sizeof *want);
    float *dx = malloc(nx * sizeof *dx), *dw = malloc(nw * sizeof *dw);
    amem__graph *g = amem__graph_create(1 << 20);
    amem__node *xv = amem__variable(g, x, 4, xs), *wv = amem__variable(g, w, 4, ws);
    amem__node *bv = k->bias ? amem__variable(g, b, 1, bs) : NULL;
    amem__node *y = amem__conv2d(g, xv, wv, bv, k->stride, k->pad);
    ck_assert_msg(y != NULL, "conv2d failed: %s", g->error);
    ck_assert_int_eq(y->shape[2], out_h(k));
    ck_assert_int_eq(y->shape[3], out_w(k));
    conv_direct(k, x, w, k->bias ? b : NULL, want);
    assert_close(y->val, want, ny, tol);
    ck_assert_int_eq(amem__backward(g, y, dy), AMEM_OK);
    conv_direct_grads(k, x, w, dy, dx, dw);
    assert_close(xv->grad, dx, nx, tol);
    assert_close(wv->grad, dw, nw, tol);
    if (k->bias) {
        for (int f = 0; f < k->f; f++) {
            double s = 0.0;
            for (size_t q = 0; q < ny / k->n / k->f; q++)
                for (int n = 0; n < k->n; n++)
                    s += dy[((size_t)n * k->f + f) * (ny / k->n / k->f) + q];
            ck_assert_double_le(fabs(bv->grad[f] - s), tol * (1.0 + fabs(s)));
        }
    }
    amem__graph_free(g);
    free(x), free(w), free(b), free(dy), free(want), free(dx), free(dw);
}

START_TEST(conv_out_extent_matches_keras)
{
    /* The VAE encoder: kernel 4, stride 2, 'valid': 64 → 31 → 14 → 6 → 2. */
    ck_assert_int_eq(amem__conv2d_out_extent(64, 4, 2, 0), 31);
    ck_assert_int_eq(amem__conv2d_out_extent(31, 4, 2, 0), 14);
    ck_assert_int_eq(amem__conv2d_out_extent(14, 4, 2, 0), 6);
    ck_assert_int_eq(amem__conv2d_out_extent(6, 4, 2, 0), 2);
    /* 'same' at stride 1 with an odd kernel keeps the size. */
    ck_assert_int_eq(amem__conv2d_out_extent(8, 3, 1, 1), 8);
    ck_assert_int_eq(amem__conv2d_out_extent(8, 5, 1, 2), 8);
    ck_assert_int_eq(amem__conv2d_out_extent(3, 4, 1, 0), 0);
    ck_assert_int_eq(amem__conv2d_out_extent(8, 3, 0, 1), 0);
    ck_assert_int_eq(amem__conv2d_out_extent(8, 3, 1, -1), 0);
}
END_TEST

START_TEST(conv_matches_direct_small)
{
    static const conv_case cases[] = {
        {3, 2, 7, 6, 4, 3, 3, 1, 1, 1},  /* 'same' 3x3 */
        {2, 3, 9, 9, 2, 4, 4, 2, 0, 1},  /* encoder-style 4x4 stride 2 'valid' */
        {2, 2, 8, 7, 3, 2, 3, 3, 2, 0},  /* non-square kernel, stride 3, pad 2 */
        {1, 1, 5, 5, 1, 1, 1, 1, 0, 1},  /* 1x1 */
        {2, 2, 3, 3, 2, 5, 5, 1, 2, 1},  /* kernel larger than the image */
        {3, 2, 11, 9, 3, 3, 3, 2, 1, 1}, /* 'same'-style k3 s2 p1, odd sizes */
        {2, 2, 10, 13, 2, 3, 2, 4, 1, 1},/* stride above the kernel */
        {1, 3, 12, 12, 2, 5, 5, 2, 3, 0},/* padding above the stride */
        {2, 2, 7, 7, 3, 7, 7, 2, 0, 1},  /* one output pixel per item */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        check_conv_against_direct(&cases[i], 1e-4);
}
END_TEST

START_TEST(conv_matches_direct_across_chunks)
{
    /* C·KH·KW·OH·OW = 75·4096: three items per im2col chunk, last chunk short. */
    conv_case batched = {4, 3, 64, 64, 2, 5, 5, 1, 2, 1};
    check_conv_against_direct(&batched, 1e-4);
    /* im2col at stride 2: 64·289 floats per item, 14 items per chunk
     * (COL_BUDGET), the second chunk short. */
    conv_case strided = {20, 4, 34, 34, 3, 4, 4, 2, 1, 1};
    check_conv_against_direct(&strided, 1e-4);
    /* 144·8192 floats exceed one chunk: one item at a time, NCHW in place. */
    conv_case single = {2, 16, 64, 128, 2, 3, 3, 1, 1, 1};
    check_conv_against_direct(&single, 1e-4);
}
END_TEST

static amem__node *build_conv(amem__graph *g, amem__node **in, void *ctx)
{
    const conv_case *k = ctx;
    return amem__conv2d(g, in[0], in[1], k->bias ? in[2] : NULL, k->stride, k->pad);
}

static void gradcheck_conv(conv_case k)
{
    amem_test_input in[3] = {
        {4, {k.n, k.c, k.h, k.w}, NULL},
        {4, {k.f, k.c, k.kh, k.kw}, NULL},
        {1, {k.f}, NULL},
    };
    int nin = k.bias ? 3 : 2;
    for (int i = 0; i < nin; i++)
        in[i].values = uniform(prod(in[i].shape, in[i].ndim), 10 + (uint64_t)i);
    double err = amem_test_gradcheck(build_conv, &k, nin, in, GRAD_EPS);
    ck_assert_msg(err < GRAD_TOL, "conv2d gradient error %g", err);
    for (int i = 0; i < nin; i++)
        free(in[i].values);
}

START_TEST(conv_gradients_match_finite_differences)
{
    gradcheck_conv((conv_case){2, 2, 5, 5, 3, 3, 3, 1, 1, 1});
    gradcheck_conv((conv_case){2, 3, 7, 6, 2, 4, 4, 2, 0, 1});
    gradcheck_conv((conv_case){1, 2, 6, 5, 2, 2, 3, 2, 1, 0});
    gradcheck_conv((conv_case){2, 2, 7, 7, 3, 3, 3, 2, 1, 1});
    gradcheck_conv((conv_case){1, 2, 9, 8, 2, 3, 3, 3, 2, 1});
}
END_TEST

/* amem__conv2d_apply (no node) gives the op's values bit for bit. */
static void check_apply_matches_op(const conv_case *k)
{
    int xs[4] = {k->n, k->c, k->h, k->w}, ws[4] = {k->f, k->c, k->kh, k->kw};
    size_t ny = (size_t)k->n * k->f * out_h(k) * out_w(k);
    float *x = uniform(prod(xs, 4), 5), *w = uniform(prod(ws, 4), 6);
    float *b = uniform((size_t)k->f, 7), *got = malloc(ny * sizeof *got);
    amem__graph *g = amem__graph_create(1 << 20);
    amem__node *y = amem__conv2d(g, amem__constant_view(g, x, 4, xs),
                                 amem__constant_view(g, w, 4, ws),
                                 k->bias ? amem__constant_view(g, b, 1, (int[]){k->f})
                                         : NULL,
                                 k->stride, k->pad);
    ck_assert_msg(y != NULL, "conv2d failed: %s", g->error);
    ck_assert_int_eq(amem__conv2d_apply(g, xs, ws, x, w, k->bias ? b : NULL,
                                        k->stride, k->pad, got),
                     AMEM_OK);
    ck_assert(memcmp(got, y->val, ny * sizeof *got) == 0);
    amem__graph_free(g);
    free(x), free(w), free(b), free(got);
}

START_TEST(conv_apply_matches_op)
{
    static const conv_case cases[] = {
        {3, 3, 64, 64, 8, 4, 4, 2, 0, 1},  /* COLOR64's first layer */
        {5, 32, 7, 7, 16, 3, 3, 1, 1, 1},  /* 7x7 'same': im2col */
        {2, 16, 32, 32, 8, 3, 3, 1, 1, 0}, /* stride-1 path, F < C */
        {2, 4, 16, 16, 8, 3, 3, 1, 1, 1},  /* stride-1 path, F >= C */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        check_apply_matches_op(&cases[i]);
    /* Bad shapes are recorded on the graph as the op records them. */
    amem__graph *g = amem__graph_create(1 << 16);
    float z[64] = {0};
    ck_assert_int_eq(amem__conv2d_apply(g, (int[]){1, 2, 3, 3}, (int[]){1, 3, 3, 3},
                                        z, z, NULL, 1, 0, z),
                     AMEM_E_DIM);
    amem__graph_reset(g);
    ck_assert_int_eq(amem__conv2d_apply(g, (int[]){1, 1, 3, 3}, (int[]){1, 1, 3, 3},
                                        z, z, NULL, 0, 0, z),
                     AMEM_E_RANGE);
    amem__graph_free(g);
}
END_TEST

START_TEST(conv_rejects_bad_shapes)
{
    amem__graph *g = amem__graph_create(1 << 16);
    float z[1024] = {0};
    int x4[4] = {2, 3, 8, 8}, x3[3] = {3, 8, 8}, w_ok[4] = {4, 3, 3, 3};
    int w_bad[4] = {4, 2, 3, 3}, w_big[4] = {4, 3, 9, 9}, b_bad[1] = {5};
    struct { int *ws; int wnd; int *xs; int xnd; int bias_bad; int stride, pad, want; } t[] = {
        {w_ok, 4, x3, 3, 0, 1, 1, AMEM_E_DIM},   /* 3-D input */
        {w_ok, 3, x4, 4, 0, 1, 1, AMEM_E_DIM},   /* 3-D weight */
        {w_bad, 4, x4, 4, 0, 1, 1, AMEM_E_DIM},  /* channel mismatch */
        {w_ok, 4, x4, 4, 1, 1, 1, AMEM_E_DIM},   /* bias size */
        {w_big, 4, x4, 4, 0, 1, 0, AMEM_E_DIM},  /* kernel does not fit */
        {w_ok, 4, x4, 4, 0, 0, 1, AMEM_E_RANGE}, /* stride 0 */
        {w_ok, 4, x4, 4, 0, 1, -1, AMEM_E_RANGE},/* negative padding */
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        amem__graph_reset(g);
        amem__node *x = amem__constant(g, z, t[i].xnd, t[i].xs);
        amem__node *w = amem__constant(g, z, t[i].wnd, t[i].ws);
        amem__node *b = t[i].bias_bad ? amem__constant(g, z, 1, b_bad) : NULL;
        ck_assert_ptr_null(amem__conv2d(g, x, w, b, t[i].stride, t[i].pad));
        ck_assert_msg(g->status == t[i].want, "case %zu: status %d (%s)", i,
                      g->status, g->error);
    }
    amem__graph_reset(g);
    amem__node *w = amem__constant(g, z, 4, w_ok);
    ck_assert_ptr_null(amem__conv2d(g, NULL, w, NULL, 1, 0));
    ck_assert_int_eq(g->status, AMEM_E_NULL);
    /* A failed graph stays failed: the next builder does nothing. */
    amem__node *x = amem__constant(g, z, 4, x4);
    ck_assert_ptr_null(x);
    ck_assert_ptr_null(amem__conv2d(g, x, w, NULL, 1, 0));
    ck_assert_int_eq(g->status, AMEM_E_NULL);
    amem__graph_free(g);
}
END_TEST

/* ---- upsample2_conv3: 2x upsampling + 3x3 'same' conv (ops_upconv.c) ---- */

/* The fused op against upsample_nearest + conv2d: values and all three
 * gradients agree up to rounding (gradients sum up to 36·F products per
 * input in a different order, hence the looser tolerance). */
static void check_upconv_against_pair(int n, int c, int h, int w, int f, int bias)
{
    int xs[4] = {n, c, h, w}, ws[4] = {f, c, 3, 3}, bs[1] = {f};
    size_t nx = prod(xs, 4), nw = prod(ws, 4), ny = (size_t)n * f * 4 * h * w;
    float *x = uniform(nx, 21), *wt = uniform(nw, 22), *b = uniform((size_t)f, 23);
    float *dy = uniform(ny, 24);
    amem__graph *g1 = amem__graph_create(1 << 20), *g2 = amem__graph_create(1 << 20);
    amem__node *x1 = amem__variable(g1, x, 4, xs), *w1 = amem__variable(g1, wt, 4, ws);
    amem__node *b1 = bias ? amem__variable(g1, b, 1, bs) : NULL;
    amem__node *y1 = amem__upsample2_conv3(g1, x1, w1, b1);
    ck_assert_msg(y1 != NULL, "upsample2_conv3 failed: %s", g1->error);
    amem__node *x2 = amem__variable(g2, x, 4, xs), *w2 = amem__variable(g2, wt, 4, ws);
    amem__node *b2 = bias ? amem__variable(g2, b, 1, bs) : NULL;
    amem__node *y2 = amem__conv2d(g2, amem__upsample_nearest(g2, x2, 2), w2, b2, 1, 1);
    ck_assert_ptr_nonnull(y2);
    ck_assert(amem__same_shape(y1, y2));
    assert_close(y1->val, y2->val, ny, 1e-5);
    ck_assert_int_eq(amem__backward(g1, y1, dy), AMEM_OK);
    ck_assert_int_eq(amem__backward(g2, y2, dy), AMEM_OK);
    assert_close(x1->grad, x2->grad, nx, 1e-4);
    assert_close(w1->grad, w2->grad, nw, 1e-4);
    if (bias)
        assert_close(b1->grad, b2->grad, (size_t)f, 1e-4);
    /* The node-free form gives the op's values bit for bit. */
    float *out = malloc(ny * sizeof *out);
    ck_assert_int_eq(amem__upsample2_conv3_apply(g1, xs, f, x, wt, bias ? b : NULL, out),
                     AMEM_OK);
    ck_assert(memcmp(out, y1->val, ny * sizeof *out) == 0);
    amem__graph_free(g1);
    amem__graph_free(g2);
    free(x), free(wt), free(b), free(dy), free(out);
}

START_TEST(upconv_matches_upsample_then_conv)
{
    check_upconv_against_pair(2, 3, 4, 5, 4, 1);
    check_upconv_against_pair(1, 2, 1, 1, 3, 0);  /* 1x1 input */
    check_upconv_against_pair(3, 8, 7, 7, 5, 1);  /* DIGITS28-like, odd size */
    check_upconv_against_pair(9, 6, 16, 16, 2, 1);/* F < C, several chunks */
}
END_TEST

static amem__node *build_upconv(amem__graph *g, amem__node **in, void *ctx)
{
    (void)ctx;
    return amem__upsample2_conv3(g, in[0], in[1], in[2]);
}

START_TEST(upconv_gradients_match_finite_differences)
{
    amem_test_input in[3] = {
        {4, {2, 2, 3, 4}, NULL}, {4, {3, 2, 3, 3}, NULL}, {1, {3}, NULL}};
    for (int i = 0; i < 3; i++)
        in[i].values = uniform(prod(in[i].shape, in[i].ndim), 30 + (uint64_t)i);
    double err = amem_test_gradcheck(build_upconv, NULL, 3, in, GRAD_EPS);
    ck_assert_msg(err < GRAD_TOL, "upsample2_conv3 gradient error %g", err);
    for (int i = 0; i < 3; i++)
        free(in[i].values);
}
END_TEST

START_TEST(upconv_rejects_bad_shapes)
{
    amem__graph *g = amem__graph_create(1 << 16);
    float z[256] = {0};
    amem__node *x = amem__constant(g, z, 4, (int[]){1, 2, 3, 3});
    amem__node *w5 = amem__constant(g, z, 4, (int[]){2, 2, 5, 5});
    ck_assert_ptr_null(amem__upsample2_conv3(g, x, w5, NULL));
    ck_assert_int_eq(g->status, AMEM_E_DIM);
    amem__graph_reset(g);
    x = amem__constant(g, z, 4, (int[]){1, 2, 3, 3});
    amem__node *wc = amem__constant(g, z, 4, (int[]){2, 3, 3, 3});
    ck_assert_ptr_null(amem__upsample2_conv3(g, x, wc, NULL));
    ck_assert_int_eq(g->status, AMEM_E_DIM);
    amem__graph_reset(g);
    x = amem__constant(g, z, 4, (int[]){1, 2, 3, 3});
    amem__node *w = amem__constant(g, z, 4, (int[]){2, 2, 3, 3});
    amem__node *b = amem__constant(g, z, 1, (int[]){3});
    ck_assert_ptr_null(amem__upsample2_conv3(g, x, w, b));
    ck_assert_int_eq(g->status, AMEM_E_DIM);
    amem__graph_reset(g);
    ck_assert_ptr_null(amem__upsample2_conv3(g, NULL, w, NULL));
    ck_assert_int_eq(g->status, AMEM_E_NULL);
    amem__graph_free(g);
}
END_TEST

/* ---- conv2d: the stride-1 path (conv_s1.c) ---------------------------------- */

static int takes_s1(const conv_case *k)
{
    amem__conv_geom G = {k->n, k->c, k->h, k->w, k->f, k->kh, k->kw,
                         out_h(k), out_w(k), k->stride, k->pad, 0,
                         (size_t)k->c * k->kh * k->kw,
                         (size_t)out_h(k) * out_w(k)};
    return amem__conv_s1_applies(&G);
}

START_TEST(conv_path_choice)
{
    /* The VAE decoder from 16×16 up, 'valid' and 1×1 at stride 1: shifted. */
    ck_assert(takes_s1(&(conv_case){2, 128, 16, 16, 64, 3, 3, 1, 1, 1}));
    ck_assert(takes_s1(&(conv_case){2, 32, 64, 64, 3, 3, 3, 1, 1, 1}));
    ck_assert(takes_s1(&(conv_case){1, 5, 16, 16, 5, 1, 1, 1, 0, 1}));
    /* 8×8 'same' wastes 81/64 of the products; strides above 1; pad >= k. */
    ck_assert(!takes_s1(&(conv_case){2, 256, 8, 8, 128, 3, 3, 1, 1, 1}));
    ck_assert(!takes_s1(&(conv_case){2, 3, 64, 64, 32, 4, 4, 2, 0, 1}));
    ck_assert(!takes_s1(&(conv_case){1, 2, 30, 30, 2, 3, 3, 1, 3, 1}));
}
END_TEST

START_TEST(conv_stride1_path_matches_direct)
{
    static const conv_case cases[] = {
        {2, 6, 12, 11, 3, 3, 3, 1, 1, 1}, /* 'same', F < C: kn2row (VAE output) */
        {2, 3, 12, 12, 5, 3, 3, 1, 1, 1}, /* 'same', F >= C: shifted rows */
        {2, 4, 24, 23, 3, 3, 3, 1, 0, 1}, /* 'valid' at stride 1 */
        {2, 3, 24, 22, 4, 5, 5, 1, 2, 0}, /* 5×5, pad 2, no bias */
        {2, 4, 13, 12, 2, 2, 3, 1, 1, 1}, /* non-square kernel */
        {1, 5, 16, 16, 5, 1, 1, 1, 0, 1}, /* 1×1 */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ck_assert_msg(takes_s1(&cases[i]), "case %zu: not the stride-1 path", i);
        check_conv_against_direct(&cases[i], 1e-4);
    }
    /* Several chunks, the last one short: 5 + 2 items (kn2row) and 3 + 1
       (shifted rows) at 4 MiB. The direct loops sum each dw element over
       N·OH·OW (up to 28672) products in float, which alone is off by up to
       ~1e-3, hence the looser tolerance. */
    static const conv_case chunked[] = {
        {7, 8, 64, 64, 4, 3, 3, 1, 1, 1},
        {4, 4, 64, 64, 6, 3, 3, 1, 1, 1},
    };
    for (size_t i = 0; i < sizeof chunked / sizeof chunked[0]; i++) {
        ck_assert(takes_s1(&chunked[i]));
        check_conv_against_direct(&chunked[i], 2e-3);
    }
}
END_TEST

START_TEST(conv_stride1_gradients_match_finite_differences)
{
    static const conv_case cases[] = {
        {2, 3, 12, 11, 2, 3, 3, 1, 1, 1}, /* kn2row */
        {1, 2, 12, 12, 3, 3, 3, 1, 1, 1}, /* shifted rows */
        {1, 2, 24, 23, 2, 3, 3, 1, 0, 0}, /* 'valid', no bias */
        {1, 2, 13, 12, 3, 2, 3, 1, 1, 1}, /* non-square kernel */
        {1, 2, 24, 22, 2, 5, 5, 1, 2, 1}, /* 5×5, pad 2 */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ck_assert_msg(takes_s1(&cases[i]), "case %zu: not the stride-1 path", i);
        gradcheck_conv(cases[i]);
    }
}
END_TEST

/* Only dw (constant input, as for the first layer) or only dx (frozen w). */
static void check_one_gradient(const conv_case *k, int want_dx)
{
    int xs[4] = {k->n, k->c, k->h, k->w}, ws[4] = {k->f, k->c, k->kh, k->kw};
    size_t nx = prod(xs, 4), nw = prod(ws, 4);
    size_t ny = (size_t)k->n * k->f * out_h(k) * out_w(k);
    float *x = uniform(nx, 21), *w = uniform(nw, 22), *dy = uniform(ny, 23);
    float *dx = malloc(nx * sizeof *dx), *dw = malloc(nw * sizeof *dw);
    amem__graph *g = amem__graph_create(1 << 20);
    amem__node *xv = want_dx ? amem__variable(g, x, 4, xs) : amem__constant(g, x, 4, xs);
    amem__node *wv = want_dx ? amem__constant(g, w, 4, ws) : amem__variable(g, w, 4, ws);
    amem__node *y = amem__conv2d(g, xv, wv, NULL, k->stride, k->pad);
    ck_assert_msg(y != NULL, "conv2d failed: %s", g->error);
    ck_assert_int_eq(amem__backward(g, y, dy), AMEM_OK);
    conv_direct_grads(k, x, w, dy, dx, dw);
    ck_assert_ptr_null(want_dx ? wv->grad : xv->grad);
    if (want_dx)
        assert_close(xv->grad, dx, nx, 1e-4);
    else
        assert_close(wv->grad, dw, nw, 1e-4);
    amem__graph_free(g);
    free(x), free(w), free(dy), free(dx), free(dw);
}

START_TEST(conv_stride1_partial_gradients)
{
    static const conv_case cases[] = {
        {2, 6, 12, 11, 3, 3, 3, 1, 1, 0}, /* kn2row */
        {2, 3, 12, 12, 5, 3, 3, 1, 1, 0}, /* shifted rows */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ck_assert(takes_s1(&cases[i]));
        check_one_gradient(&cases[i], 0);
        check_one_gradient(&cases[i], 1);
    }
}
END_TEST

/* ---- nearest upsampling ---------------------------------------------------- */

START_TEST(upsample_repeats_each_pixel)
{
    int xs[4] = {2, 3, 3, 4}, f = 3;
    float *x = uniform(prod(xs, 4), 5);
    amem__graph *g = amem__graph_create(1 << 16);
    amem__node *y = amem__upsample_nearest(g, amem__constant(g, x, 4, xs), f);
    ck_assert_ptr_nonnull(y);
    ck_assert_int_eq(y->shape[2], 9);
    ck_assert_int_eq(y->shape[3], 12);
    for (int p = 0; p < 6; p++)
        for (int i = 0; i < 9; i++)
            for (int j = 0; j < 12; j++)
                ck_assert(y->val[(p * 9 + i) * 12 + j] == x[(p * 3 + i / f) * 4 + j / f]);
    amem__graph_free(g);
    free(x);
}
END_TEST

static amem__node *build_upsample(amem__graph *g, amem__node **in, void *ctx)
{
    return amem__upsample_nearest(g, in[0], *(int *)ctx);
}

START_TEST(upsample_gradient_sums_blocks)
{
    for (int f = 1; f <= 3; f++) {
        amem_test_input in = {4, {2, 2, 3, 2}, uniform(24, 6)};
        double err = amem_test_gradcheck(build_upsample, &f, 1, &in, GRAD_EPS);
        ck_assert_msg(err < GRAD_TOL, "factor %d: gradient error %g", f, err);
        free(in.values);
    }
}
END_TEST

START_TEST(upsample_rejects_bad_input)
{
    amem__graph *g = amem__graph_create(1 << 16);
    float z[16] = {0};
    int s2[2] = {4, 4}, s4[4] = {1, 1, 4, 4};
    ck_assert_ptr_null(amem__upsample_nearest(g, amem__constant(g, z, 2, s2), 2));
    ck_assert_int_eq(g->status, AMEM_E_DIM);
    amem__graph_reset(g);
    ck_assert_ptr_null(amem__upsample_nearest(g, amem__constant(g, z, 4, s4), 0));
    ck_assert_int_eq(g->status, AMEM_E_RANGE);
    amem__graph_reset(g);
    ck_assert_ptr_null(amem__upsample_nearest(g, NULL, 2));
    ck_assert_int_eq(g->status, AMEM_E_NULL);
    amem__graph_free(g);
}
END_TEST

/* ---- global average pooling ------------------------------------------------ */

START_TEST(global_avg_pool_averages_planes)
{
    int xs[4] = {3, 2, 4, 5};
    float *x = uniform(prod(xs, 4), 7);
    amem__graph *g = amem__graph_create(1 << 16);
    amem__node *y = amem__global_avg_pool(g, amem__constant(g, x, 4, xs));
    ck_assert_ptr_nonnull(y);
    ck_assert_int_eq(y->ndim, 2);
    ck_assert_int_eq(y->shape[0], 3);
    ck_assert_int_eq(y->shape[1], 2);
    for (int p = 0; p < 6; p++) {
        double s = 0.0;
        for (int k = 0; k < 20; k++)
            s += x[p * 20 + k];
        ck_assert_double_le(fabs(y->val[p] - s / 20.0), 1e-6);
    }
    amem__graph_free(g);
    free(x);
}
END_TEST

static amem__node *build_gap(amem__graph *g, amem__node **in, void *ctx)
{
    (void)ctx;
    return amem__global_avg_pool(g, in[0]);
}

START_TEST(global_avg_pool_gradient)
{
    amem_test_input in = {4, {2, 3, 3, 2}, uniform(36, 8)};
    double err = amem_test_gradcheck(build_gap, NULL, 1, &in, GRAD_EPS);
    ck_assert_msg(err < GRAD_TOL, "gradient error %g", err);
    free(in.values);
    amem__graph *g = amem__graph_create(1 << 16);
    int s3[3] = {2, 3, 4};
    float z[24] = {0};
    ck_assert_ptr_null(amem__global_avg_pool(g, amem__constant(g, z, 3, s3)));
    ck_assert_int_eq(g->status, AMEM_E_DIM);
    amem__graph_free(g);
}
END_TEST

/* ---- batch normalisation --------------------------------------------------- */

typedef struct bn_ctx {
    float run_mean[8], run_var[8];
    float momentum, eps;
    int training;
} bn_ctx;

static amem__node *build_bn(amem__graph *g, amem__node **in, void *ctx)
{
    bn_ctx *b = ctx;
    g->training = b->training;
    return amem__batchnorm(g, in[0], in[1], in[2], b->run_mean, b->run_var,
                           b->momentum, b->eps);
}

/* Per-channel mean and biased variance by direct loops over [N, C, S]. */
static void direct_stats(const float *x, int n, int c, int s, int ch,
                         double *mean, double *var)
{
    double sum = 0.0, sq = 0.0;
    for (int b = 0; b < n; b++)
        for (int k = 0; k < s; k++)
            sum += x[((size_t)b * c + ch) * s + k];
    *mean = sum / (n * s);
    for (int b = 0; b < n; b++)
        for (int k = 0; k < s; k++) {
            double d = x[((size_t)b * c + ch) * s + k] - *mean;
            sq += d * d;
        }
    *var = sq / (n * s);
}

/* Training forward and the running update for a rank-2 or rank-4 input. */
static void check_bn_training(int ndim, const int *xs)
{
    int n = xs[0], c = xs[1], s = ndim == 4 ? xs[2] * xs[3] : 1;
    size_t nx = prod(xs, ndim);
    float *x = uniform(nx, 20), *gamma = uniform((size_t)c, 21), *beta = uniform((size_t)c, 22);
    for (size_t i = 0; i < nx; i++)
        x[i] = 3.0f * x[i] + 0.5f; /* mean and scale away from 0 and 1 */
    bn_ctx b = {.momentum = 0.9f, .eps = 1e-3f, .training = 1};
    for (int ch = 0; ch < c; ch++)
        b.run_mean[ch] = 0.25f * ch, b.run_var[ch] = 1.0f + ch;
    bn_ctx before = b;
    amem__graph *g = amem__graph_create(1 << 16);
    int cs[1] = {c};
    amem__node *in[3] = {amem__constant(g, x, ndim, xs), amem__constant(g, gamma, 1, cs),
                         amem__constant(g, beta, 1, cs)};
    amem__node *y = build_bn(g, in, &b);
    ck_assert_msg(y != NULL, "batchnorm failed: %s", g->error);
    size_t m = (size_t)n * s;
    for (int ch = 0; ch < c; ch++) {
        double mu, var;
        direct_stats(x, n, c, s, ch, &mu, &var);
        for (int bi = 0; bi < n; bi++)
            for (int k = 0; k < s; k++) {
                size_t at = ((size_t)bi * c + ch) * s + k;
                double want = gamma[ch] * (x[at] - mu) / sqrt(var + 1e-3) + beta[ch];
                ck_assert_double_le(fabs(y->val[at] - want), 1e-4 * (1 + fabs(want)));
            }
        /* 4-D: unbiased variance into the running estimate (fused Keras). */
        double fed = ndim == 4 ? var * m / (m - 1) : var;
        ck_assert_double_le(fabs(b.run_mean[ch] - (0.9 * before.run_mean[ch] + 0.1 * mu)), 1e-5);
        ck_assert_double_le(fabs(b.run_var[ch] - (0.9 * before.run_var[ch] + 0.1 * fed)), 1e-4);
    }
    amem__graph_free(g);
    free(x), free(gamma), free(beta);
}

START_TEST(batchnorm_training_forward_and_running_update)
{
    int s4[4] = {3, 2, 4, 3}, s2[2] = {5, 3};
    check_bn_training(4, s4);
    check_bn_training(2, s2);
}
END_TEST

START_TEST(batchnorm_inference_uses_running_stats)
{
    int xs[4] = {2, 2, 3, 3}, cs[1] = {2};
    float *x = uniform(36, 23);
    float gamma[2] = {1.5f, -0.5f}, beta[2] = {0.25f, 1.0f};
    bn_ctx b = {{0.3f, -0.2f}, {2.0f, 0.5f}, 0.99f, 1e-3f, 0};
    amem__graph *g = amem__graph_create(1 << 16);
    amem__node *in[3] = {amem__constant(g, x, 4, xs), amem__constant(g, gamma, 1, cs),
                         amem__constant(g, beta, 1, cs)};
    amem__node *y = build_bn(g, in, &b);
    ck_assert_ptr_nonnull(y);
    for (size_t i = 0; i < 36; i++) {
        int ch = (int)(i / 9) % 2;
        double want = gamma[ch] * (x[i] - b.run_mean[ch]) / sqrt(b.run_var[ch] + 1e-3) + beta[ch];
        ck_assert_double_le(fabs(y->val[i] - want), 1e-5);
    }
    ck_assert(b.run_mean[0] == 0.3f && b.run_var[1] == 0.5f); /* untouched */
    amem__graph_reset(g);
    in[0] = amem__constant(g, x, 4, xs);
    in[1] = amem__constant(g, gamma, 1, cs);
    in[2] = amem__constant(g, beta, 1, cs);
    ck_assert_ptr_null(amem__batchnorm(g, in[0], in[1], in[2], NULL, b.run_var, 0.99f, 1e-3f));
    ck_assert_int_eq(g->status, AMEM_E_NULL);
    amem__graph_free(g);
    free(x);
}
END_TEST

static void gradcheck_bn(int ndim, const int *xs, int training)
{
    int c = xs[1];
    amem_test_input in[3] = {{ndim, {0}, NULL}, {1, {c}, NULL}, {1, {c}, NULL}};
    memcpy(in[0].shape, xs, (size_t)ndim * sizeof *xs);
    in[0].values = uniform(prod(xs, ndim), 30);
    in[1].values = uniform((size_t)c, 31);
    in[2].values = uniform((size_t)c, 32);
    bn_ctx b = {.momentum = 0.99f, .eps = 1e-3f, .training = training};
    for (int ch = 0; ch < c; ch++)
        b.run_mean[ch] = 0.1f * ch, b.run_var[ch] = 0.5f + ch;
    double err = amem_test_gradcheck(build_bn, &b, 3, in, GRAD_EPS);
    ck_assert_msg(err < GRAD_TOL, "rank %d training %d: gradient error %g", ndim,
                  training, err);
    for (int i = 0; i < 3; i++)
        free(in[i].values);
}

START_TEST(batchnorm_gradients_match_finite_differences)
{
    int s4[4] = {2, 3, 3, 2}, s2[2] = {4, 3};
    gradcheck_bn(4, s4, 1);
    gradcheck_bn(2, s2, 1);
    gradcheck_bn(4, s4, 0);
    gradcheck_bn(2, s2, 0);
}
END_TEST

/* batchnorm_leaky equals batchnorm then leaky_relu (values bit for bit,
 * gradients up to rounding) in both modes, and its gradients match
 * finite differences. */
static amem__node *build_bn_leaky(amem__graph *g, amem__node **in, void *ctx)
{
    const float *slope = ctx;
    float rm[3] = {0.1f, -0.2f, 0.3f}, rv[3] = {0.5f, 1.5f, 2.0f};
    return amem__batchnorm_leaky(g, in[0], in[1], in[2], rm, rv, 0.9f, 1e-3f,
                                 *slope);
}

START_TEST(batchnorm_leaky_matches_pair)
{
    int xs[4] = {3, 3, 4, 5}, cs[1] = {3};
    size_t nx = prod(xs, 4);
    float *x = uniform(nx, 41), *gm = uniform(3, 42), *bt = uniform(3, 43);
    float *dy = uniform(nx, 44);
    for (int training = 0; training <= 1; training++)
        for (int k = 0; k < 2; k++) {
            float slope = k == 0 ? 0.0f : 0.3f;
            float rm1[3] = {0.1f, -0.2f, 0.3f}, rv1[3] = {0.5f, 1.5f, 2.0f};
            float rm2[3] = {0.1f, -0.2f, 0.3f}, rv2[3] = {0.5f, 1.5f, 2.0f};
            amem__graph *g1 = amem__graph_create(1 << 16), *g2 = amem__graph_create(1 << 16);
            g1->training = g2->training = training;
            amem__node *x1 = amem__variable(g1, x, 4, xs), *x2 = amem__variable(g2, x, 4, xs);
            amem__node *a1 = amem__variable(g1, gm, 1, cs), *a2 = amem__variable(g2, gm, 1, cs);
            amem__node *b1 = amem__variable(g1, bt, 1, cs), *b2 = amem__variable(g2, bt, 1, cs);
            amem__node *y1 = amem__batchnorm_leaky(g1, x1, a1, b1, rm1, rv1, 0.9f, 1e-3f, slope);
            amem__node *y2 = amem__leaky_relu(
                g2, amem__batchnorm(g2, x2, a2, b2, rm2, rv2, 0.9f, 1e-3f), slope);
            ck_assert_ptr_nonnull(y1);
            ck_assert_ptr_nonnull(y2);
            for (size_t i = 0; i < nx; i++)
                ck_assert_float_eq(y1->val[i], y2->val[i]);
            ck_assert(memcmp(rm1, rm2, sizeof rm1) == 0 && memcmp(rv1, rv2, sizeof rv1) == 0);
            ck_assert_int_eq(amem__backward(g1, y1, dy), AMEM_OK);
            ck_assert_int_eq(amem__backward(g2, y2, dy), AMEM_OK);
            assert_close(x1->grad, x2->grad, nx, 1e-5);
            assert_close(a1->grad, a2->grad, 3, 1e-5);
            assert_close(b1->grad, b2->grad, 3, 1e-5);
            amem__graph_free(g1);
            amem__graph_free(g2);
        }
    /* Finite differences in inference mode (training mode is covered by
     * the pair above and batchnorm's own check). */
    float slope = 0.3f;
    amem_test_input in[3] = {{4, {2, 3, 2, 3}, NULL}, {1, {3}, NULL}, {1, {3}, NULL}};
    for (int i = 0; i < 3; i++)
        in[i].values = uniform(prod(in[i].shape, in[i].ndim), 50 + (uint64_t)i);
    double err = amem_test_gradcheck(build_bn_leaky, &slope, 3, in, GRAD_EPS);
    ck_assert_msg(err < GRAD_TOL, "batchnorm_leaky gradient error %g", err);
    for (int i = 0; i < 3; i++)
        free(in[i].values);
    /* A slope outside [0, 1] is refused. */
    amem__graph *g = amem__graph_create(1 << 16);
    amem__node *xn = amem__constant(g, x, 4, xs), *gn = amem__constant(g, gm, 1, cs);
    float rm[3] = {0}, rv[3] = {1, 1, 1};
    ck_assert_ptr_null(amem__batchnorm_leaky(g, xn, gn, gn, rm, rv, 0.9f, 1e-3f, 1.5f));
    ck_assert_int_eq(g->status, AMEM_E_ARG);
    amem__graph_free(g);
    free(x), free(gm), free(bt), free(dy);
}
END_TEST

START_TEST(batchnorm_rejects_bad_input)
{
    amem__graph *g = amem__graph_create(1 << 16);
    float z[64] = {0}, rm[4] = {0}, rv[4] = {1, 1, 1, 1};
    int s3[3] = {2, 2, 2}, s4[4] = {2, 3, 2, 2}, c3[1] = {3}, c2[1] = {2};
    g->training = 1;
    struct { int *xs; int xnd; int *gs; float mom, eps; int want; } t[] = {
        {s3, 3, c3, 0.99f, 1e-3f, AMEM_E_DIM},
        {s4, 4, c2, 0.99f, 1e-3f, AMEM_E_DIM},
        {s4, 4, c3, 1.5f, 1e-3f, AMEM_E_RANGE},
        {s4, 4, c3, -0.1f, 1e-3f, AMEM_E_RANGE},
        {s4, 4, c3, 0.99f, 0.0f, AMEM_E_RANGE},
        {s4, 4, c3, NAN, 1e-3f, AMEM_E_RANGE},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        amem__graph_reset(g);
        amem__node *x = amem__constant(g, z, t[i].xnd, t[i].xs);
        amem__node *gm = amem__constant(g, z, 1, t[i].gs);
        ck_assert_ptr_null(amem__batchnorm(g, x, gm, gm, rm, rv, t[i].mom, t[i].eps));
        ck_assert_msg(g->status == t[i].want, "case %zu: status %d", i, g->status);
    }
    ck_assert(rm[0] == 0.0f && rv[0] == 1.0f); /* failed calls leave stats alone */
    amem__graph_reset(g);
    g->training = 0;
    rv[1] = -1.0f;
    amem__node *x = amem__constant(g, z, 4, s4), *gm = amem__constant(g, z, 1, c3);
    ck_assert_ptr_null(amem__batchnorm(g, x, gm, gm, rm, rv, 0.99f, 1e-3f));
    ck_assert_int_eq(g->status, AMEM_E_RANGE);
    amem__graph_reset(g);
    ck_assert_ptr_null(amem__batchnorm(g, NULL, gm, gm, rm, rv, 0.99f, 1e-3f));
    ck_assert_int_eq(g->status, AMEM_E_NULL);
    amem__graph_free(g);
}
END_TEST

/* ---- dropout -------------------------------------------------------------- */

START_TEST(dropout_masks_and_scales)
{
    int xs[2] = {100, 100};
    float *x = uniform(10000, 40);
    amem__rng rng;
    amem__rng_seed(&rng, 5);
    amem__graph *g = amem__graph_create(1 << 18);
    g->rng = &rng;
    g->training = 1;
    amem__node *xv = amem__variable(g, x, 2, xs);
    amem__node *y = amem__dropout(g, xv, 0.2f);
    ck_assert_ptr_nonnull(y);
    ck_assert_ptr_ne(y, xv);
    size_t kept = 0;
    for (size_t i = 0; i < 10000; i++) {
        if (y->val[i] != 0.0f) {
            kept++;
            ck_assert_float_eq_tol(y->val[i], x[i] / 0.8f, 1e-6f);
        }
    }
    ck_assert_uint_gt(kept, 7800); /* Binomial(10^4, 0.8): sd 40 */
    ck_assert_uint_lt(kept, 8200);
    /* backward uses the saved mask: dx = y / x · dy with dy = 1 */
    float *ones = malloc(10000 * sizeof *ones);
    for (size_t i = 0; i < 10000; i++)
        ones[i] = 1.0f;
    ck_assert_int_eq(amem__backward(g, y, ones), AMEM_OK);
    for (size_t i = 0; i < 10000; i++)
        ck_assert(xv->grad[i] == (y->val[i] != 0.0f ? 1.0f / 0.8f : 0.0f));
    /* inference and rate 0 are the identity: the input node itself */
    g->training = 0;
    ck_assert_ptr_eq(amem__dropout(g, xv, 0.5f), xv);
    g->training = 1;
    ck_assert_ptr_eq(amem__dropout(g, xv, 0.0f), xv);
    free(ones);
    free(x);
    amem__graph_free(g);
}
END_TEST

static amem__node *build_dropout(amem__graph *g, amem__node **in, void *ctx)
{
    return amem__dropout(g, in[0], *(float *)ctx);
}

START_TEST(dropout_gradient_and_bad_input)
{
    float rate = 0.3f;
    amem_test_input in = {4, {2, 2, 3, 3}, uniform(36, 41)};
    double err = amem_test_gradcheck(build_dropout, &rate, 1, &in, GRAD_EPS);
    ck_assert_msg(err < GRAD_TOL, "gradient error %g", err);
    free(in.values);
    amem__graph *g = amem__graph_create(1 << 16);
    float z[4] = {0};
    int s[1] = {4};
    float bad[] = {-0.1f, 1.0f, NAN};
    amem__rng rng;
    amem__rng_seed(&rng, 1);
    g->rng = &rng;
    g->training = 1;
    for (size_t i = 0; i < 3; i++) {
        amem__graph_reset(g);
        ck_assert_ptr_null(amem__dropout(g, amem__constant(g, z, 1, s), bad[i]));
        ck_assert_int_eq(g->status, AMEM_E_RANGE);
    }
    amem__graph_reset(g);
    g->rng = NULL;
    ck_assert_ptr_null(amem__dropout(g, amem__constant(g, z, 1, s), 0.5f));
    ck_assert_int_eq(g->status, AMEM_E_STATE);
    amem__graph_free(g);
}
END_TEST

/* ---- a VAE-shaped chain ---------------------------------------------------- */

typedef struct chain_ctx {
    float run_mean[3], run_var[3];
} chain_ctx;

/* dropout → conv(k3, s2) → BN → upsample ×2 → conv(k3, same) → GAP */
static amem__node *build_chain(amem__graph *g, amem__node **in, void *ctx)
{
    chain_ctx *c = ctx;
    amem__node *h = amem__dropout(g, in[0], 0.2f);
    h = amem__conv2d(g, h, in[1], NULL, 2, 0);
    h = amem__batchnorm(g, h, in[2], in[3], c->run_mean, c->run_var,
                        AMEM__BN_MOMENTUM, AMEM__BN_EPS);
    h = amem__upsample_nearest(g, h, 2);
    h = amem__conv2d(g, h, in[1], NULL, 1, 1); /* weights reused: grads add */
    return amem__global_avg_pool(g, h);
}

START_TEST(vae_shaped_chain_gradient)
{
    /* C = F = 3, so one weight tensor [3,3,3,3] serves both convs. */
    chain_ctx c = {{0}, {1, 1, 1}};
    amem_test_input in[4] = {
        {4, {2, 3, 8, 8}, uniform(384, 50)},
        {4, {3, 3, 3, 3}, uniform(81, 51)},
        {1, {3}, uniform(3, 52)},
        {1, {3}, uniform(3, 53)},
    };
    double err = amem_test_gradcheck(build_chain, &c, 4, in, GRAD_EPS);
    ck_assert_msg(err < GRAD_TOL, "gradient error %g", err);
    for (int i = 0; i < 4; i++)
        free(in[i].values);
}
END_TEST

Suite *amem_suite_ops_image(void)
{
    Suite *s = suite_create("ops_image");
    TCase *tc = tcase_create("ops_image");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, conv_out_extent_matches_keras);
    tcase_add_test(tc, conv_matches_direct_small);
    tcase_add_test(tc, conv_matches_direct_across_chunks);
    tcase_add_test(tc, conv_gradients_match_finite_differences);
    tcase_add_test(tc, conv_apply_matches_op);
    tcase_add_test(tc, upconv_matches_upsample_then_conv);
    tcase_add_test(tc, upconv_gradients_match_finite_differences);
    tcase_add_test(tc, upconv_rejects_bad_shapes);
    tcase_add_test(tc, conv_rejects_bad_shapes);
    tcase_add_test(tc, conv_path_choice);
    tcase_add_test(tc, conv_stride1_path_matches_direct);
    tcase_add_test(tc, conv_stride1_gradients_match_finite_differences);
    tcase_add_test(tc, conv_stride1_partial_gradients);
    tcase_add_test(tc, upsample_repeats_each_pixel);
    tcase_add_test(tc, upsample_gradient_sums_blocks);
    tcase_add_test(tc, upsample_rejects_bad_input);
    tcase_add_test(tc, global_avg_pool_averages_planes);
    tcase_add_test(tc, global_avg_pool_gradient);
    tcase_add_test(tc, batchnorm_training_forward_and_running_update);
    tcase_add_test(tc, batchnorm_inference_uses_running_stats);
    tcase_add_test(tc, batchnorm_gradients_match_finite_differences);
    tcase_add_test(tc, batchnorm_rejects_bad_input);
    tcase_add_test(tc, batchnorm_leaky_matches_pair);
    tcase_add_test(tc, dropout_masks_and_scales);
    tcase_add_test(tc, dropout_gradient_and_bad_input);
    tcase_add_test(tc, vae_shaped_chain_gradient);
    suite_add_tcase(s, tc);
    return s;
}

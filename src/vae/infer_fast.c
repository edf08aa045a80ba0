/*
 * No-tape inference: the encoder and decoder of forward.c in inference
 * mode (running batch-norm statistics, no dropout, z = mu) computed layer
 * by layer into arena buffers, with no nodes, no tape and no gradient
 * bookkeeping. After each hidden convolution one pass applies the batch
 * norm and the activation together. The values are those of the graph
 * path: the same convolution kernels (amem__conv2d_apply), the same float
 * expressions in the same order, so the two agree bit for bit (the tests
 * compare them).
 */
#include <math.h>
#include <string.h>

#include "assocmem/common.h"
#include "core/blas.h"
#include "engine/conv_impl.h"
#include "engine/ops_image.h"
#include "vae_fast.h"

static float *take(amem__graph *g, size_t floats)
{
    float *p = amem__arena_alloc(g->arena, floats * sizeof(float));
    if (p == NULL)
        amem__graph_fail(g, AMEM_E_NOMEM, "inference: graph arena exhausted");
    return p;
}

/*
 * Inference batch norm as one affine map per channel, y = x·scale + shift
 * with scale = γ/√(running var + eps) and shift = β − mean·scale, the
 * expressions of ops_batchnorm.c.
 */
static int bn_affine(amem_vae *v, amem__graph *g, const amem__vae_layer *l,
                     float *scale, float *shift)
{
    const float *mean = v->stats + l->mean_off, *var = v->stats + l->var_off;
    const float *gamma = v->params + l->gamma_off;
    const float *beta = v->params + l->beta_off;
    float eps = (float)AMEM__VP(v, BN_EPS);
    for (int c = 0; c < l->filters; c++) {
        if (!(var[c] >= 0.0f) || !isfinite(mean[c]) || isinf(var[c]))
            return amem__graph_fail(g, AMEM_E_RANGE,
                                    "batchnorm: running statistics of channel "
                                    "%d are not finite with variance >= 0", c);
        float istd = 1.0f / sqrtf(var[c] + eps);
        scale[c] = gamma[c] * istd;
        shift[c] = beta[c] - mean[c] * scale[c];
    }
    return AMEM_OK;
}

/* σ(z) without overflow, as in ops_unary.c. */
static inline float stable_sigmoid(float z)
{
    float e = expf(-fabsf(z));
    return z >= 0.0f ? 1.0f / (1.0f + e) : e / (1.0f + e);
}

/*
 * leaky(t) = t > 0 ? t : slope·t equals max(t, slope·t) for slope in
 * [0, 1] (the setting's range), which compiles to a max instruction.
 */
static inline float leaky(float t, float slope)
{
    float s = slope * t;
    return t > s ? t : s;
}

/*
 * y = leaky(y·scale + shift) on n values, in blocks of 8 with a fixed trip
 * count and no branch, so that the compiler vectorises them at -O2.
 */
static void affine_leaky(float *y, size_t n, float scale, float shift,
                         float slope)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int k = 0; k < 8; k++)
            y[i + k] = leaky(y[i + k] * scale + shift, slope);
    for (; i < n; i++)
        y[i] = leaky(y[i] * scale + shift, slope);
}

static void leaky_plain(float *y, size_t n, float slope)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int k = 0; k < 8; k++)
            y[i + k] = leaky(y[i + k], slope);
    for (; i < n; i++)
        y[i] = leaky(y[i], slope);
}

static void affine_only(float *y, size_t n, float scale, float shift)
{
    for (size_t i = 0; i < n; i++)
        y[i] = y[i] * scale + shift;
}

/* The smooth activations, elementwise as ops_unary.c computes them. */
static void smooth_act(float *y, size_t n, int act)
{
    for (size_t i = 0; i < n; i++)
        y[i] = act == AMEM_VAE_ACT_TANH ? tanhf(y[i]) : stable_sigmoid(y[i]);
}

/* Batch norm (scale may be NULL: none) and activation on [m, F, S]. */
static void epilogue(amem_vae *v, float *y, int m, int f, size_t s,
                     const float *scale, const float *shift)
{
    int act = (int)AMEM__VP(v, ACTIVATION);
    int leaky = act == AMEM_VAE_ACT_RELU || act == AMEM_VAE_ACT_LEAKY_RELU;
    float slope = act == AMEM_VAE_ACT_RELU ? 0.0f
                                           : (float)AMEM__VP(v, LEAKY_SLOPE);
    for (int b = 0; b < m; b++)
        for (int c = 0; c < f; c++) {
            float *p = y + ((size_t)b * f + c) * s;
            if (scale != NULL && leaky)
                affine_leaky(p, s, scale[c], shift[c], slope);
            else if (scale != NULL)
                affine_only(p, s, scale[c], shift[c]);
            if (scale == NULL && leaky)
                leaky_plain(p, s, slope);
            if (!leaky)
                smooth_act(p, s, act);
        }
}

/* The layer's convolution (fused with its upsampling when up2: x is then
 * the map before upsampling) into out; returns g->status. */
static int conv_apply(amem_vae *v, amem__graph *g, const amem__vae_layer *l,
                      const float *x, int m, int up2, float *out)
{
    const float *w = v->params + l->w_off, *b = v->params + l->b_off;
    if (up2)
        return amem__upsample2_conv3_apply(
            g, (int[]){m, l->in_c, l->in_h / 2, l->in_w / 2}, l->filters, x,
            w, b, out);
    int xs[4] = {m, l->in_c, l->in_h, l->in_w};
    int ws[4] = {l->filters, l->in_c, l->kernel, l->kernel};
    return amem__conv2d_apply(g, xs, ws, x, w, b, l->stride, l->pad, out);
}

/* One conv layer on m items; hidden layers get batch norm + activation.
 * out may be given (the caller's buffer) or NULL (taken from the arena). */
static float *conv_layer(amem_vae *v, amem__graph *g, const amem__vae_layer *l,
                         const float *x, int m, int hidden, int up2,
                         float *out)
{
    size_t s = (size_t)l->out_h * (size_t)l->out_w;
    if (out == NULL)
        out = take(g, (size_t)m * (size_t)l->filters * s);
    if (out == NULL || conv_apply(v, g, l, x, m, up2, out) != AMEM_OK)
        return NULL;
    if (!hidden)
        return out;
    float *scale = NULL, *shift = NULL;
    if (l->bn) {
        scale = take(g, 2 * (size_t)l->filters);
        if (scale == NULL)
            return NULL;
        shift = scale + l->filters;
        if (bn_affine(v, g, l, scale, shift) != AMEM_OK)
            return NULL;
    }
    epilogue(v, out, m, l->filters, s, scale, shift);
    return out;
}

/* y [m, out] = x [m, in] · W [in, out] + b, as matmul then add. */
static void dense(const amem_vae *v, const float *x, size_t w_off,
                  size_t b_off, int m, int in, int out, float *y)
{
    const float *w = v->params + w_off, *b = v->params + b_off;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, out, in, 1.0f,
                x, in, w, out, 0.0f, y, out);
    for (int i = 0; i < m; i++)
        for (int j = 0; j < out; j++)
            y[(size_t)i * out + j] = y[(size_t)i * out + j] + b[j];
}

/* out [m, C] = the mean of each H·W plane (double sum, as ops_pool.c). */
static void avg_pool(const float *x, size_t planes, size_t hw, float *out)
{
    for (size_t p = 0; p < planes; p++) {
        const float *plane = x + p * hw;
        double s = 0.0;
        for (size_t k = 0; k < hw; k++)
            s += plane[k];
        out[p] = (float)(s / (double)hw);
    }
}

int amem__vae_fast_encode(amem_vae *v, amem__graph *g, const float *x,
                          int m, float *mu, float *logvar)
{
    const float *h = x;
    for (int i = 0; i < v->n_enc && h != NULL; i++)
        h = conv_layer(v, g, &v->enc[i], h, m, 1, 0, NULL);
    if (h == NULL)
        return g->status;
    int k = (int)v->latent, feat = (int)v->feat;
    if (v->n_enc > 0 && AMEM__VP(v, POOL) == AMEM_VAE_POOL_GLOBAL_AVG) {
        const amem__vae_layer *l = &v->enc[v->n_enc - 1];
        float *f = take(g, (size_t)m * (size_t)feat);
        if (f == NULL)
            return g->status;
        avg_pool(h, (size_t)m * (size_t)feat,
                 (size_t)l->out_h * (size_t)l->out_w, f);
        h = f;
    }
    dense(v, h, v->mu_w, v->mu_b, m, feat, k, mu);
    if (logvar != NULL)
        dense(v, h, v->lv_w, v->lv_b, m, feat, k, logvar);
    return g->status;
}

/* out [m, C, f·H, f·W]: nearest-neighbour upsampling. */
static float *upsample(amem__graph *g, const float *x, size_t planes, int h,
                       int w, int f)
{
    float *out = take(g, planes * (size_t)h * f * (size_t)w * f);
    if (out != NULL)
        amem__upsample_nearest_apply(x, planes, h, w, f, out);
    return out;
}

int amem__vae_fast_decode(amem_vae *v, amem__graph *g, const float *z, int m,
                          float *out)
{
    int d0 = (int)(v->dec_c * v->dec_h * v->dec_w);
    float *h = take(g, (size_t)m * (size_t)d0);
    if (h == NULL)
        return g->status;
    dense(v, z, v->dd_w, v->dd_b, m, (int)v->latent, d0, h);
    int c = (int)v->dec_c, hh = (int)v->dec_h, ww = (int)v->dec_w;
    for (int i = 0; i < v->n_dec && h != NULL; i++) {
        const amem__vae_layer *l = &v->dec[i];
        int last = i + 1 == v->n_dec, up2 = amem__vae_fused_upconv(l);
        if (l->upsample > 1 && !up2)
            h = upsample(g, h, (size_t)m * (size_t)c, hh, ww, l->upsample);
        if (h != NULL)
            h = conv_layer(v, g, l, h, m, !last, up2, last ? out : NULL);
        c = l->out_c;
        hh = l->out_h;
        ww = l->out_w;
    }
    if (h == NULL)
        return g->status;
    if (v->n_dec == 0) /* the dense layer is the whole decoder */
        memcpy(out, h, (size_t)m * (size_t)d0 * sizeof *out);
    if (AMEM__VP(v, OUTPUT) == AMEM_VAE_OUTPUT_SIGMOID) {
        size_t len = (size_t)m * amem__vae_dim(v); /* = m·d0 without layers */
        for (size_t i = 0; i < len; i++)
            out[i] = stable_sigmoid(out[i]);
    }
    return g->status;
}

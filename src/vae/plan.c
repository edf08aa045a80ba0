/*
 * Shapes and parameter layout of a VAE from its layer list, and allocation
 * of its buffers. Parameter order: encoder layers (weights, bias, BN gamma,
 * BN beta), the mu head (W, b), the log-variance head (W, b), the decoder
 * dense layer (W, b), decoder layers. Running statistics (mean, variance)
 * of BN layers follow the same layer order in a separate vector.
 */
#include <stdint.h>
#include <stdlib.h>

#include "core/check.h"
#include "core/error.h"
#include "engine/ops_image.h"
#include "vae_impl.h"

/* Largest parameter count accepted (floats). */
#define MAX_PARAMS ((size_t)1 << 30)

typedef struct counter {
    size_t n;
    int overflow;
} counter;

/* Reserve rows*cols floats; returns their offset. */
static size_t take(counter *c, size_t rows, size_t cols)
{
    size_t len, off = c->n;
    if (amem__mul_size(rows, cols, &len) != 0 || len > MAX_PARAMS ||
        c->n > MAX_PARAMS - len)
        c->overflow = 1;
    else
        c->n += len;
    return off;
}

/* Shapes of one conv layer from its input (c, h, w); 0 when it vanishes. */
static int layer_shapes(amem__vae_layer *l, size_t c, size_t h, size_t w)
{
    size_t uh = h * (size_t)l->upsample, uw = w * (size_t)l->upsample;
    if (uh > 65536 || uw > 65536)
        return 0;
    l->in_c = (int)c;
    l->in_h = (int)uh;
    l->in_w = (int)uw;
    l->out_c = l->filters;
    l->out_h = amem__conv2d_out_extent(l->in_h, l->kernel, l->stride, l->pad);
    l->out_w = amem__conv2d_out_extent(l->in_w, l->kernel, l->stride, l->pad);
    return l->out_h > 0 && l->out_w > 0;
}

static void layer_offsets(amem__vae_layer *l, counter *p, counter *s)
{
    size_t k2 = (size_t)l->kernel * (size_t)l->kernel;
    l->w_off = take(p, (size_t)l->filters, (size_t)l->in_c * k2);
    l->b_off = take(p, (size_t)l->filters, 1);
    if (l->bn) {
        l->gamma_off = take(p, (size_t)l->filters, 1);
        l->beta_off = take(p, (size_t)l->filters, 1);
        l->mean_off = take(s, (size_t)l->filters, 1);
        l->var_off = take(s, (size_t)l->filters, 1);
    }
}

/*
 * Shapes and offsets of the n layers of one stack (name: "encoder" or
 * "decoder") on input maps of *c x *h x *w, which become its output. Batch
 * norm follows the BATCH_NORM setting on every layer but the last, and on
 * the last too when bn_last.
 */
static int plan_stack(const char *fn, const char *name, const amem_vae *v,
                      amem__vae_layer *layers, int n, int bn_last,
                      size_t *c, size_t *h, size_t *w, counter *p, counter *s)
{
    for (int i = 0; i < n; i++) {
        amem__vae_layer *l = &layers[i];
        if (!layer_shapes(l, *c, *h, *w))
            return amem__fail(AMEM_E_DIM, fn,
                              "%s layer %d: a %d x %d kernel (stride %d, "
                              "padding %d) does not fit a %zu x %zu map",
                              name, i, l->kernel, l->kernel, l->stride, l->pad,
                              *h * (size_t)l->upsample,
                              *w * (size_t)l->upsample);
        l->bn = AMEM__VP(v, BATCH_NORM) != 0 && (bn_last || i + 1 < n);
        layer_offsets(l, p, s);
        *c = (size_t)l->out_c;
        *h = (size_t)l->out_h;
        *w = (size_t)l->out_w;
    }
    return AMEM_OK;
}

static int plan_encoder(const char *fn, amem_vae *v, counter *p, counter *s)
{
    size_t c = v->c, h = v->h, w = v->w;
    int rc = plan_stack(fn, "encoder", v, v->enc, v->n_enc, 1, &c, &h, &w, p,
                        s);
    if (rc != AMEM_OK)
        return rc;
    int gap = AMEM__VP(v, POOL) == AMEM_VAE_POOL_GLOBAL_AVG && v->n_enc > 0;
    v->feat = gap ? c : c * h * w;
    if (!v->dec_in_set && v->n_dec == 0) {
        v->dec_c = v->c;
        v->dec_h = v->h;
        v->dec_w = v->w;
    } else if (!v->dec_in_set) {
        v->dec_c = c;
        v->dec_h = h;
        v->dec_w = w;
    }
    return AMEM_OK;
}

static int plan_decoder(const char *fn, amem_vae *v, counter *p, counter *s)
{
    size_t c = v->dec_c, h = v->dec_h, w = v->dec_w;
    int rc = plan_stack(fn, "decoder", v, v->dec, v->n_dec, 0, &c, &h, &w, p,
                        s);
    if (rc != AMEM_OK)
        return rc;
    if (c != v->c || h != v->h || w != v->w)
        return amem__fail(AMEM_E_DIM, fn,
                          "the decoder produces %zu x %zu x %zu, the images "
                          "are %zu x %zu x %zu", c, h, w, v->c, v->h, v->w);
    return AMEM_OK;
}

int amem__vae_check_encoder(const char *fn, const amem_vae *v)
{
    amem_vae probe = *v;
    counter p = {0, 0}, s = {0, 0};
    return plan_encoder(fn, &probe, &p, &s);
}

int amem__vae_plan(const char *fn, amem_vae *v)
{
    counter p = {0, 0}, s = {0, 0};
    size_t k = (size_t)AMEM__VP(v, LATENT);
    v->latent = k;
    int rc = plan_encoder(fn, v, &p, &s);
    if (rc != AMEM_OK)
        return rc;
    v->mu_w = take(&p, v->feat, k);
    v->mu_b = take(&p, k, 1);
    v->lv_w = take(&p, v->feat, k);
    v->lv_b = take(&p, k, 1);
    size_t d0 = v->dec_c * v->dec_h * v->dec_w;
    v->dd_w = take(&p, k, d0);
    v->dd_b = take(&p, d0, 1);
    rc = plan_decoder(fn, v, &p, &s);
    if (rc != AMEM_OK)
        return rc;
    if (p.overflow || s.overflow)
        return amem__fail(AMEM_E_DIM, fn, "more than %zu parameters",
                          MAX_PARAMS);
    v->n_params = p.n;
    v->n_stats = s.n;
    return AMEM_OK;
}

int amem__vae_alloc(const char *fn, amem_vae *v)
{
    float *params = amem__zalloc(v->n_params, 1, sizeof(float));
    float *grads = amem__zalloc(v->n_params, 1, sizeof(float));
    float *stats = amem__zalloc(v->n_stats, 1, sizeof(float));
    amem__graph *g = amem__graph_create((size_t)1 << 20);
    amem__adam *opt = NULL;
    int rc = amem__adam_create(v->n_params,
                               AMEM__VP(v, OPTIMIZER) == AMEM_VAE_OPT_AMSGRAD,
                               &opt);
    if (params == NULL || grads == NULL || stats == NULL || g == NULL ||
        rc != AMEM_OK) {
        free(params);
        free(grads);
        free(stats);
        amem__graph_free(g);
        amem__adam_free(opt);
        return amem__fail(AMEM_E_NOMEM, fn,
                          "cannot allocate %zu parameters", v->n_params);
    }
    g->rng = &v->rng;
    v->params = params;
    v->grads = grads;
    v->stats = stats;
    v->graph = g;
    v->opt = opt;
    return AMEM_OK;
}

/*
 * Initial weights as Keras gives them: Glorot-uniform kernels
 * U(-l, l), l = sqrt(6 / (fan_in + fan_out)) (fan = channels x kernel area
 * for convolutions), zero biases, batch-norm gamma 1 and beta 0, running
 * mean 0 and running variance 1. Drawn from the handle's RNG in parameter
 * order.
 */
#include <math.h>

#include "vae_impl.h"

static void glorot(amem__rng *rng, float *w, size_t n, double fan_in,
                   double fan_out)
{
    double limit = sqrt(6.0 / (fan_in + fan_out));
    for (size_t i = 0; i < n; i++)
        w[i] = (float)((2.0 * amem__rng_uniform(rng) - 1.0) * limit);
}

static void fill(float *x, size_t n, float value)
{
    for (size_t i = 0; i < n; i++)
        x[i] = value;
}

static void init_layer(amem_vae *v, const amem__vae_layer *l)
{
    double k2 = (double)l->kernel * l->kernel;
    size_t f = (size_t)l->filters;
    glorot(&v->rng, v->params + l->w_off, f * (size_t)l->in_c * (size_t)k2,
           l->in_c * k2, l->filters * k2);
    fill(v->params + l->b_off, f, 0.0f);
    if (l->bn) {
        fill(v->params + l->gamma_off, f, 1.0f);
        fill(v->params + l->beta_off, f, 0.0f);
        fill(v->stats + l->mean_off, f, 0.0f);
        fill(v->stats + l->var_off, f, 1.0f);
    }
}

void amem__vae_init_weights(amem_vae *v)
{
    size_t k = v->latent, d0 = v->dec_c * v->dec_h * v->dec_w;
    for (int i = 0; i < v->n_enc; i++)
        init_layer(v, &v->enc[i]);
    glorot(&v->rng, v->params + v->mu_w, v->feat * k, (double)v->feat,
           (double)k);
    fill(v->params + v->mu_b, k, 0.0f);
    glorot(&v->rng, v->params + v->lv_w, v->feat * k, (double)v->feat,
           (double)k);
    fill(v->params + v->lv_b, k, 0.0f);
    glorot(&v->rng, v->params + v->dd_w, k * d0, (double)k, (double)d0);
    fill(v->params + v->dd_b, d0, 0.0f);
    for (int i = 0; i < v->n_dec; i++)
        init_layer(v, &v->dec[i]);
}

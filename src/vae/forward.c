/*
 * The VAE as engine graphs: encoder, decoder and the loss of one batch
 * (Spens & Burgess 2022; the layers and loss of the authors' code, see
 * include/assocmem/vae.h).
 */
#include "assocmem/common.h"
#include "engine/ops.h"
#include "engine/bn_act.h"
#include "engine/conv_impl.h"
#include "engine/ops_image.h"
#include "vae_fast.h"

/* A parameter leaf; it carries a gradient only in training passes. */
static amem__node *param(amem_vae *v, amem__graph *g,
                         const amem__vae_pass *pass, size_t off, int ndim,
                         const int *shape)
{
    return amem__param(g, v->params + off,
                       pass->training ? v->grads + off : NULL, ndim, shape);
}

static amem__node *activation(amem_vae *v, amem__graph *g, amem__node *x)
{
    switch ((int)AMEM__VP(v, ACTIVATION)) {
    case AMEM_VAE_ACT_RELU: return amem__relu(g, x);
    case AMEM_VAE_ACT_TANH: return amem__tanh(g, x);
    case AMEM_VAE_ACT_SIGMOID: return amem__sigmoid(g, x);
    default: return amem__leaky_relu(g, x, (float)AMEM__VP(v, LEAKY_SLOPE));
    }
}

/*
 * conv2d with bias, then (hidden layers) batch norm and the activation.
 * With up2, x is the map before the layer's 2× upsampling and the two run
 * as one op (amem__vae_fused_upconv).
 */
static amem__node *conv_block(amem_vae *v, amem__graph *g,
                              const amem__vae_pass *pass,
                              const amem__vae_layer *l, amem__node *x,
                              int hidden, int up2)
{
    int f = l->filters, k = l->kernel;
    amem__node *w = param(v, g, pass, l->w_off, 4,
                          (int[]){f, l->in_c, k, k});
    amem__node *b = param(v, g, pass, l->b_off, 1, (int[]){f});
    amem__node *y = up2 ? amem__upsample2_conv3(g, x, w, b)
                        : amem__conv2d(g, x, w, b, l->stride, l->pad);
    if (!hidden)
        return y;
    if (!l->bn)
        return activation(v, g, y);
    amem__node *gamma = param(v, g, pass, l->gamma_off, 1, (int[]){f});
    amem__node *beta = param(v, g, pass, l->beta_off, 1, (int[]){f});
    int use_stats = !pass->training || pass->update_stats;
    float *mean = use_stats ? v->stats + l->mean_off : NULL;
    float *var = use_stats ? v->stats + l->var_off : NULL;
    float mom = (float)AMEM__VP(v, BN_MOMENTUM), eps = (float)AMEM__VP(v, BN_EPS);
    int act = (int)AMEM__VP(v, ACTIVATION);
    if (act == AMEM_VAE_ACT_RELU || act == AMEM_VAE_ACT_LEAKY_RELU) {
        float slope = act == AMEM_VAE_ACT_RELU ? 0.0f
                                               : (float)AMEM__VP(v, LEAKY_SLOPE);
        return amem__batchnorm_leaky(g, y, gamma, beta, mean, var, mom, eps,
                                     slope);
    }
    return activation(v, g, amem__batchnorm(g, y, gamma, beta, mean, var, mom, eps));
}

/* y = x W + b for x [N, in], W [in, out], b [out]. */
static amem__node *dense(amem_vae *v, amem__graph *g,
                         const amem__vae_pass *pass, amem__node *x,
                         size_t w_off, size_t b_off, int in, int out)
{
    amem__node *w = param(v, g, pass, w_off, 2, (int[]){in, out});
    amem__node *b = param(v, g, pass, b_off, 1, (int[]){out});
    return amem__add(g, amem__matmul(g, x, w, 0, 0), b);
}

int amem__vae_encoder(amem_vae *v, amem__graph *g, amem__node *x,
                      const amem__vae_pass *pass, amem__node **mu,
                      amem__node **logvar)
{
    int n = x->shape[0], k = (int)v->latent, feat = (int)v->feat;
    if (pass->training)
        x = amem__dropout(g, x, (float)AMEM__VP(v, DROPOUT));
    for (int i = 0; i < v->n_enc; i++)
        x = conv_block(v, g, pass, &v->enc[i], x, 1, 0);
    amem__node *f;
    if (v->n_enc > 0 && AMEM__VP(v, POOL) == AMEM_VAE_POOL_GLOBAL_AVG)
        f = amem__global_avg_pool(g, x);
    else
        f = amem__reshape(g, x, 2, (int[]){n, feat});
    *mu = dense(v, g, pass, f, v->mu_w, v->mu_b, feat, k);
    *logvar = dense(v, g, pass, f, v->lv_w, v->lv_b, feat, k);
    return g->status;
}

amem__node *amem__vae_decoder(amem_vae *v, amem__graph *g, amem__node *z,
                              const amem__vae_pass *pass, amem__node **pre)
{
    int n = z->shape[0];
    int d0 = (int)(v->dec_c * v->dec_h * v->dec_w);
    amem__node *h = dense(v, g, pass, z, v->dd_w, v->dd_b, (int)v->latent, d0);
    h = amem__reshape(g, h, 4,
                      (int[]){n, (int)v->dec_c, (int)v->dec_h, (int)v->dec_w});
    for (int i = 0; i < v->n_dec; i++) {
        const amem__vae_layer *l = &v->dec[i];
        int up2 = amem__vae_fused_upconv(l);
        if (l->upsample > 1 && !up2)
            h = amem__upsample_nearest(g, h, l->upsample);
        h = conv_block(v, g, pass, l, h, i + 1 < v->n_dec, up2);
    }
    if (pre != NULL)
        *pre = h;
    if (AMEM__VP(v, OUTPUT) == AMEM_VAE_OUTPUT_SIGMOID)
        h = amem__sigmoid(g, h);
    return h;
}

/* Reconstruction term R: mean over channels, sum over pixels, mean over
 * the batch (the authors' L1; MSE and BCE reduced the same way). BCE is
 * computed stably on the last layer's pre-activation as logits. */
static amem__node *recon_term(amem_vae *v, amem__graph *g, amem__node *out,
                              amem__node *pre, amem__node *x, size_t n)
{
    amem__node *r;
    switch ((int)AMEM__VP(v, LOSS)) {
    case AMEM_VAE_LOSS_MSE: r = amem__mse(g, out, x, AMEM__REDUCE_SUM); break;
    case AMEM_VAE_LOSS_BCE:
        r = amem__bce_logits(g, pre, x, AMEM__REDUCE_SUM);
        break;
    default: r = amem__l1(g, out, x, AMEM__REDUCE_SUM); break;
    }
    return amem__scale(g, r, (float)(1.0 / ((double)n * (double)v->c)));
}

/* z = mu + exp(logvar / 2) * eps (the reparameterisation trick). */
static amem__node *sample_z(amem__graph *g, amem__node *mu,
                            amem__node *logvar, const float *eps)
{
    if (eps == NULL)
        return mu;
    amem__node *e = amem__constant_view(g, eps, 2, mu->shape);
    amem__node *sd = amem__exp(g, amem__scale(g, logvar, 0.5f));
    return amem__add(g, mu, amem__mul(g, sd, e));
}

amem__node *amem__vae_loss_graph(amem_vae *v, amem__graph *g,
                                 const float *x, size_t n, const float *eps,
                                 const amem__vae_pass *pass, double *recon,
                                 double *kl)
{
    int shape[4] = {(int)n, (int)v->c, (int)v->h, (int)v->w};
    amem__node *xn = amem__constant_view(g, x, 4, shape);
    amem__node *mu = NULL, *logvar = NULL, *pre = NULL;
    if (xn == NULL ||
        amem__vae_encoder(v, g, xn, pass, &mu, &logvar) != AMEM_OK)
        return NULL;
    amem__node *out = amem__vae_decoder(v, g, sample_z(g, mu, logvar, eps),
                                        pass, &pre);
    if (out == NULL)
        return NULL;
    amem__node *r = recon_term(v, g, out, pre, xn, n);
    amem__node *k = amem__gauss_kl(g, mu, logvar);
    amem__node *total =
        amem__add(g, r, amem__scale(g, k, (float)AMEM__VP(v, KL_WEIGHT)));
    if (total == NULL)
        return NULL;
    if (recon)
        *recon = r->val[0];
    if (kl)
        *kl = k->val[0];
    return total;
}

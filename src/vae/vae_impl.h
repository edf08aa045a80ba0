/*
 * Private: the VAE handle and the functions its files share. The model and
 * its loss are described in include/assocmem/vae.h.
 */
#ifndef AMEM_VAE_IMPL_H
#define AMEM_VAE_IMPL_H

#include <stddef.h>

#include "assocmem/vae.h"

/* The number of settings (the public enum has no count member). */
#define AMEM__VAE_NPARAM (AMEM_VAE_ADAM_EPS + 1)
#include "engine/engine.h"
#include "core/optim.h"
#include "core/trainer.h"
#include "core/rng.h"
#include "core/settings.h"

/* One conv layer: its arguments, its shapes and where its numbers live. */
typedef struct amem__vae_layer {
    int filters, kernel, stride, pad, upsample; /* upsample: decoder only */
    int in_c, in_h, in_w;    /* conv input (after upsampling) */
    int out_c, out_h, out_w; /* conv output */
    int bn;                  /* batch norm + activation follow */
    size_t w_off, b_off;     /* weights [F,C,k,k] and bias [F] in params */
    size_t gamma_off, beta_off; /* BN scale and shift in params */
    size_t mean_off, var_off;   /* BN running statistics in stats */
} amem__vae_layer;

struct amem_vae {
    size_t c, h, w;               /* input image shape */
    double param[AMEM__VAE_NPARAM];
    amem__rng rng;
    int built;
    int n_enc, n_dec;
    amem__vae_layer enc[AMEM_VAE_MAX_LAYERS];
    amem__vae_layer dec[AMEM_VAE_MAX_LAYERS];
    int dec_in_set;               /* decoder input shape given explicitly */
    size_t dec_c, dec_h, dec_w;   /* decoder dense output shape */
    /* Filled by amem__vae_plan: */
    size_t latent, feat;          /* K and the pooled feature count */
    size_t mu_w, mu_b, lv_w, lv_b; /* encoder heads [feat,K], [K] */
    size_t dd_w, dd_b;            /* decoder dense [K, dec_c*dec_h*dec_w] */
    size_t n_params, n_stats;
    /* Allocated by build/load: */
    float *params, *grads, *stats;
    amem__adam *opt;
    amem__graph *graph;
    /* Training data (amem_vae_set_data; not saved) and the epoch position:
     * the current epoch's order of the rows, the rows its finished steps
     * used (0: the next step starts a new epoch) and their losses. */
    float *data;                  /* data_n x C*H*W */
    size_t data_n;
    size_t *order;                /* data_n */
    size_t epoch_pos, epoch_steps;
    double epoch_loss;            /* sum of the epoch's step losses */
    amem__data_parallel dp;       /* size 1: local training */
};

#define AMEM__VP(v, p) ((v)->param[AMEM_VAE_##p])

/* Settings table (settings.c). */
extern const amem__settings amem__vae_settings;
/* Setting 12 (EPOCHS) was retired in 0.2.0: its slot stays in files, where
 * its value is read and ignored; every public call refuses it. */
#define AMEM__VAE_RETIRED_EPOCHS 12
int amem__vae_check_file_param(const char *fn, int param, double value);
int amem__vae_param_is_arch(int param);

/* Shapes and parameter offsets from the layer list (plan.c): AMEM_OK or
 * AMEM_E_DIM with the detail recorded under fn. Changes only plan fields. */
int amem__vae_plan(const char *fn, amem_vae *v);
/* The encoder's shapes alone (on a copy): AMEM_OK or AMEM_E_DIM. */
int amem__vae_check_encoder(const char *fn, const amem_vae *v);
/* Allocate params/grads/stats/optimizer/graph for a planned model. */
int amem__vae_alloc(const char *fn, amem_vae *v);
/* Glorot-uniform weights, zero biases, BN 1/0, running 0/1 (init.c). */
void amem__vae_init_weights(amem_vae *v);
/* A handle with defaults and no layers (handle.c). */
int amem__vae_new(const char *fn, size_t c, size_t h, size_t w,
                  amem_vae **out);
/* Make the optimizer match the OPTIMIZER setting (train.c). */
int amem__vae_ensure_optimizer(const char *fn, amem_vae *v);

/*
 * Graph builders (forward.c). x is [N, C*H*W] rows. training selects batch
 * statistics and dropout; update_stats lets training batches move the
 * running statistics.
 */
typedef struct amem__vae_pass {
    int training, update_stats;
} amem__vae_pass;

int amem__vae_encoder(amem_vae *v, amem__graph *g, amem__node *x,
                      const amem__vae_pass *pass, amem__node **mu,
                      amem__node **logvar);
/* Returns the decoder output (after the output nonlinearity); *pre, when
 * not NULL, receives the last layer's pre-activation. Shape [N, C, H, W]. */
amem__node *amem__vae_decoder(amem_vae *v, amem__graph *g, amem__node *z,
                              const amem__vae_pass *pass, amem__node **pre);

/*
 * The loss graph of one batch of n images (rows) with the given standard
 * normal eps (n x K; NULL for z = mu). Returns the total loss node and the
 * values of its two terms in *recon and *kl (either may be NULL).
 */
amem__node *amem__vae_loss_graph(amem_vae *v, amem__graph *g,
                                 const float *x, size_t n, const float *eps,
                                 const amem__vae_pass *pass, double *recon,
                                 double *kl);

/* Replace the training data by data (n rows, malloc'd; taken over, freed
 * on failure) and start a new epoch at the next step (data.c). */
int amem__vae_attach(const char *fn, amem_vae *v, float *data, size_t n);

/*
 * The training run shared by amem_vae_train and amem_vae_consolidate
 * (train.c): `steps` steps on the attached data, early stopping within the
 * call. next_data (may be NULL) runs at every epoch start of the call but
 * the first, and may replace the attached data's rows in place.
 */
typedef int (*amem__vae_epoch_fn)(void *ctx);
int amem__vae_fit(const char *fn, amem_vae *v, size_t steps,
                  amem__vae_epoch_fn next_data, void *data_ctx,
                  amem_progress_fn progress, void *user, double *loss);

/* Run f over rows in chunks through the inference graph (infer.c). */
int amem__vae_encode_rows(const char *fn, amem_vae *v, const float *x,
                          size_t n, float *mu, float *logvar);
int amem__vae_decode_rows(const char *fn, amem_vae *v, const float *z,
                          size_t n, float *out);

/* Common argument checks for model calls (infer.c). */
int amem__vae_check_built(const char *fn, const amem_vae *v);
size_t amem__vae_dim(const amem_vae *v);

#endif

/*
 * Spens & Burgess 2022: the VAE student, trained epoch by epoch so that
 * the decoding accuracy and the reconstruction error can be measured
 * before every epoch (Figure 5, upper row), as the authors' DecodingHistory
 * callback does at epoch begin.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <assocmem/assocmem.h>
#include <assocmem/probes.h>

#include "parts.h"

#define RECON_ITEMS 300 /* held-out items for the reconstruction error */

/* COLOR64's layers for 64 x 64 images with the given channels and latent
 * size (the preset itself has 3 channels and latent 20). */
static int color64(size_t channels, size_t latent, uint64_t seed,
                   amem_vae **out)
{
    static const size_t enc[4] = {32, 64, 128, 256}, dec[3] = {128, 64, 32};
    amem_vae *v = NULL;
    int rc = amem_vae_create(channels, 64, 64, &v);
    if (rc == AMEM_OK) rc = amem_vae_set(v, AMEM_VAE_LATENT, (double)latent);
    if (rc == AMEM_OK) rc = amem_vae_set(v, AMEM_VAE_DROPOUT, 0.2);
    if (rc == AMEM_OK) rc = amem_vae_set(v, AMEM_VAE_SEED, (double)seed);
    for (int i = 0; i < 4 && rc == AMEM_OK; i++)
        rc = amem_vae_add_encoder_conv(v, enc[i], 4, 2, 0);
    if (rc == AMEM_OK) rc = amem_vae_set_decoder_input(v, 256, 4, 4);
    for (int i = 0; i < 3 && rc == AMEM_OK; i++)
        rc = amem_vae_add_decoder_conv(v, 2, dec[i], 3, 1, 1);
    if (rc == AMEM_OK)
        rc = amem_vae_add_decoder_conv(v, 2, channels, 3, 1, 1);
    if (rc == AMEM_OK) rc = amem_vae_build(v);
    if (rc != AMEM_OK) {
        amem_vae_free(v);
        return rc;
    }
    *out = v;
    return AMEM_OK;
}

int sb_student_create(const sb_config *cfg, const sb_data *d, uint64_t seed,
                      amem_vae **out)
{
    int rc;
    *out = NULL;
    if (cfg->model == SB_MODEL_PAPER)
        rc = amem_vae_create_preset(AMEM_VAE_PRESET_SEED2022, seed, out);
    else if (d->which == SB_MNIST || d->which == SB_FASHION ||
             d->which == SB_KMNIST)
        rc = amem_vae_create_preset(AMEM_VAE_PRESET_DIGITS28, seed, out);
    else if (d->which == SB_SHAPES && cfg->latent == 0)
        rc = amem_vae_create_preset(AMEM_VAE_PRESET_COLOR64, seed, out);
    else
        rc = color64(d->which == SB_SHAPES ? 3 : 1,
                     cfg->latent ? cfg->latent : 20, seed, out);
    if (rc == AMEM_OK) rc = amem_vae_set(*out, AMEM_VAE_PATIENCE, 0);
    if (rc == AMEM_OK)
        rc = amem_vae_set(*out, AMEM_VAE_REPLAY_NOISE,
                          cfg->noise_signs ? AMEM_VAE_NOISE_SIGNS
                                           : AMEM_VAE_NOISE_UNIFORM);
    if (rc != AMEM_OK) {
        amem_vae_free(*out);
        *out = NULL;
        return sb_fail("building the student", rc);
    }
    return 0;
}

double sb_decoding_accuracy(const float *features, const int32_t *labels,
                            size_t n, size_t dim, size_t fit)
{
    size_t half = n / 2;
    if (fit > half)
        fit = half;
    amem_probe *p = NULL;
    double acc = -1.0;
    int rc = amem_probe_create(AMEM_PROBE_SVC, &p);
    if (rc == AMEM_OK)
        rc = amem_probe_fit(p, features, labels, fit, dim, NULL, NULL);
    if (rc == AMEM_OK)
        rc = amem_probe_accuracy(p, features + half * dim, labels + half,
                                 n - half, dim, &acc);
    amem_probe_free(p);
    if (rc != AMEM_OK) {
        sb_fail("decoding probe", rc);
        return -1.0;
    }
    return acc;
}

/* Decoding accuracy and reconstruction error of the current model. */
static int measure(amem_vae *v, const sb_data *d, float *mu, size_t k,
                   size_t fit, double *acc, double *recon)
{
    size_t n_recon = d->n_test < RECON_ITEMS ? d->n_test : RECON_ITEMS;
    double r = 0.0;
    int rc = amem_vae_encode(v, d->test, d->n_test, mu, NULL);
    if (rc == AMEM_OK)
        rc = amem_vae_loss(v, d->test, n_recon, &r, NULL);
    if (rc != AMEM_OK)
        return sb_fail("measuring the student", rc);
    *acc = sb_decoding_accuracy(mu, d->test_labels, d->n_test, k, fit);
    /* R = sum |x - x_hat| / (N C): per entry, divide by H W. */
    *recon = r / (double)(d->height * d->width);
    return *acc < 0 ? -1 : 0;
}

static int curve_alloc(sb_curve *c, size_t points)
{
    c->points = 0;
    c->accuracy = malloc(points * sizeof(double));
    c->recon = malloc(points * sizeof(double));
    c->loss = malloc(points * sizeof(double));
    return c->accuracy && c->recon && c->loss ? 0 : -1;
}

void sb_curve_free(sb_curve *c)
{
    free(c->accuracy);
    free(c->recon);
    free(c->loss);
    c->accuracy = c->recon = c->loss = NULL;
    c->points = 0;
}

/* Sums the step losses of one train call (their mean is the epoch's). */
static int sum_losses(void *user, const char *stage, long done, long total,
                      double metric)
{
    (void)stage, (void)done, (void)total;
    *(double *)user += metric;
    return 0;
}

/* One epoch on the attached images; *loss: the mean of its step losses. */
static int train_epoch(amem_vae *v, double *loss)
{
    size_t steps = 0;
    double sum = 0.0;
    int rc = amem_vae_steps_per_epoch(v, &steps);
    if (rc == AMEM_OK)
        rc = amem_vae_train(v, steps, sum_losses, &sum, NULL);
    *loss = sum / (double)steps;
    return rc;
}

int sb_train_tracked(const sb_config *cfg, amem_vae *v, const sb_data *d,
                     const float *images, size_t n, sb_curve *curve)
{
    size_t epochs = cfg->epochs[d->which], k, since_best = 0;
    double best = INFINITY, t0 = sb_now();
    amem_vae_latent_dim(v, &k);
    float *mu = malloc(d->n_test * k * sizeof(float));
    if (!mu || curve_alloc(curve, epochs + 1) != 0) {
        free(mu);
        return sb_fail("allocating curves", AMEM_E_NOMEM);
    }
    int status = 0, rc = amem_vae_set_data(v, images, n);
    if (rc != AMEM_OK)
        status = sb_fail("attaching the training images", rc);
    for (size_t e = 0; e <= epochs && status == 0; e++) {
        double loss = NAN;
        if (e > 0) {
            rc = train_epoch(v, &loss);
            if (rc != AMEM_OK) {
                status = sb_fail("training", rc);
                break;
            }
        }
        size_t p = curve->points++;
        curve->loss[p] = loss;
        status = measure(v, d, mu, k, cfg->probe_fit, &curve->accuracy[p],
                         &curve->recon[p]);
        fprintf(stderr, "  epoch %zu/%zu: loss %.3f, held-out |x - x^| %.4f, "
                        "decoding %.3f (%.0f s)\n", e, epochs, loss, curve->recon[p],
                curve->accuracy[p], sb_now() - t0);
        if (e > 0 && loss < best) best = loss, since_best = 0;
        else if (e > 0 && cfg->patience > 0 && ++since_best >= (size_t)cfg->patience)
            break;
    }
    curve->seconds = sb_now() - t0;
    free(mu);
    return status;
}

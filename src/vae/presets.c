/*
 * Preset architectures (see enum amem_vae_preset in vae.h): the seed
 * paper's 128 x 128 greyscale model, the authors' later 64 x 64 colour
 * model (reference code facts §1) and a small 28 x 28 model.
 */
#include "core/error.h"
#include "vae_impl.h"

typedef struct conv_spec {
    int up, filters, kernel, stride, pad;
} conv_spec;

typedef struct preset {
    int c, hw, latent;
    int n_enc, n_dec;
    conv_spec enc[5], dec[5];
    int dec_c, dec_hw;
    int pool, optimizer, patience, batch;
    double dropout;
} preset;

static const preset presets[] = {
    /* SEED2022: 128 -> 63 -> 30 -> 14 -> 6 -> 2; decoder 4 -> 128. */
    {1, 128, 10, 5, 5,
     {{1, 32, 4, 2, 0}, {1, 64, 4, 2, 0}, {1, 128, 4, 2, 0},
      {1, 256, 4, 2, 0}, {1, 512, 4, 2, 0}},
     {{2, 128, 3, 1, 1}, {2, 64, 3, 1, 1}, {2, 32, 3, 1, 1},
      {2, 16, 3, 1, 1}, {2, 1, 3, 1, 1}},
     256, 4, AMEM_VAE_POOL_GLOBAL_AVG, AMEM_VAE_OPT_ADAM, 0, 32, 0.0},
    /* COLOR64: 64 -> 31 -> 14 -> 6 -> 2; decoder 4 -> 64. */
    {3, 64, 20, 4, 4,
     {{1, 32, 4, 2, 0}, {1, 64, 4, 2, 0}, {1, 128, 4, 2, 0},
      {1, 256, 4, 2, 0}},
     {{2, 128, 3, 1, 1}, {2, 64, 3, 1, 1}, {2, 32, 3, 1, 1},
      {2, 3, 3, 1, 1}},
     256, 4, AMEM_VAE_POOL_GLOBAL_AVG, AMEM_VAE_OPT_AMSGRAD, 3, 32, 0.2},
    /* DIGITS28: 28 -> 14 -> 7, flattened; decoder 7 -> 28. */
    {1, 28, 10, 2, 2,
     {{1, 32, 3, 2, 1}, {1, 64, 3, 2, 1}},
     {{2, 32, 3, 1, 1}, {2, 1, 3, 1, 1}},
     64, 7, AMEM_VAE_POOL_FLATTEN, AMEM_VAE_OPT_AMSGRAD, 3, 128, 0.0},
};

static int add_layers(amem_vae *v, const preset *p)
{
    int rc = AMEM_OK;
    for (int i = 0; i < p->n_enc && rc == AMEM_OK; i++) {
        const conv_spec *s = &p->enc[i];
        rc = amem_vae_add_encoder_conv(v, (size_t)s->filters,
                                       (size_t)s->kernel, (size_t)s->stride,
                                       (size_t)s->pad);
    }
    if (rc == AMEM_OK)
        rc = amem_vae_set_decoder_input(v, (size_t)p->dec_c,
                                        (size_t)p->dec_hw, (size_t)p->dec_hw);
    for (int i = 0; i < p->n_dec && rc == AMEM_OK; i++) {
        const conv_spec *s = &p->dec[i];
        rc = amem_vae_add_decoder_conv(v, (size_t)s->up, (size_t)s->filters,
                                       (size_t)s->kernel, (size_t)s->stride,
                                       (size_t)s->pad);
    }
    return rc;
}

static void apply_settings(amem_vae *v, const preset *p)
{
    AMEM__VP(v, LATENT) = p->latent;
    AMEM__VP(v, POOL) = p->pool;
    AMEM__VP(v, OPTIMIZER) = p->optimizer;
    AMEM__VP(v, PATIENCE) = p->patience;
    AMEM__VP(v, BATCH_SIZE) = p->batch;
    AMEM__VP(v, DROPOUT) = p->dropout;
}

int amem_vae_create_preset(int preset_id, uint64_t seed, amem_vae **out)
{
    static const char fn[] = "amem_vae_create_preset";
    AMEM__CHECK_NULL(out, fn);
    *out = NULL;
    if (preset_id < 0 ||
        preset_id >= (int)(sizeof presets / sizeof presets[0]))
        return amem__fail(AMEM_E_ARG, fn, "unknown preset %d", preset_id);
    if (seed > ((uint64_t)1 << 53))
        return amem__fail(AMEM_E_RANGE, fn, "seed %llu above 2^53",
                          (unsigned long long)seed);
    const preset *p = &presets[preset_id];
    amem_vae *v = NULL;
    int rc = amem__vae_new(fn, (size_t)p->c, (size_t)p->hw, (size_t)p->hw, &v);
    if (rc != AMEM_OK)
        return rc;
    apply_settings(v, p);
    rc = amem_vae_set(v, AMEM_VAE_SEED, (double)seed);
    if (rc == AMEM_OK)
        rc = add_layers(v, p);
    if (rc == AMEM_OK)
        rc = amem_vae_build(v);
    if (rc != AMEM_OK) {
        amem_vae_free(v);
        return rc;
    }
    *out = v;
    return AMEM_OK;
}

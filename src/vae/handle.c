/* Life cycle of the VAE handle: create, free, layers, queries. */
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "vae_impl.h"

#define MAX_EXTENT 4096
#define MAX_CHANNELS 1024

int amem__vae_new(const char *fn, size_t c, size_t h, size_t w,
                  amem_vae **out)
{
    amem_vae *v = calloc(1, sizeof *v);
    if (v == NULL)
        return amem__fail(AMEM_E_NOMEM, fn, "cannot allocate the handle");
    v->c = c;
    v->h = h;
    v->w = w;
    amem__settings_defaults(&amem__vae_settings, v->param);
    amem__rng_seed(&v->rng, (uint64_t)AMEM__VP(v, SEED));
    amem__dp_set(fn, &v->dp, NULL);
    *out = v;
    return AMEM_OK;
}

int amem_vae_create(size_t channels, size_t height, size_t width,
                    amem_vae **out)
{
    static const char fn[] = "amem_vae_create";
    AMEM__CHECK_NULL(out, fn);
    *out = NULL;
    if (channels == 0 || height == 0 || width == 0 ||
        channels > MAX_CHANNELS || height > MAX_EXTENT || width > MAX_EXTENT)
        return amem__fail(AMEM_E_DIM, fn,
                          "image shape %zu x %zu x %zu outside [1, %d] "
                          "channels and [1, %d] pixels",
                          channels, height, width, MAX_CHANNELS, MAX_EXTENT);
    return amem__vae_new(fn, channels, height, width, out);
}

void amem_vae_free(amem_vae *v)
{
    if (v == NULL)
        return;
    free(v->params);
    free(v->grads);
    free(v->stats);
    amem__adam_free(v->opt);
    amem__graph_free(v->graph);
    free(v->data);
    free(v->order);
    free(v);
}

static int check_unbuilt(const char *fn, const amem_vae *v)
{
    if (v->built)
        return amem__fail(AMEM_E_STATE, fn,
                          "the model is built; its layers are fixed");
    return AMEM_OK;
}

/* A conv layer may join a stack that has count layers: the model is not
 * built and the arguments are in range. */
static int check_conv_args(const char *fn, const amem_vae *v, int count,
                           size_t filters, size_t kernel, size_t stride,
                           size_t padding)
{
    int rc = check_unbuilt(fn, v);
    if (rc != AMEM_OK)
        return rc;
    if (count >= AMEM_VAE_MAX_LAYERS)
        return amem__fail(AMEM_E_RANGE, fn, "already %d layers (the most)",
                          AMEM_VAE_MAX_LAYERS);
    if (filters < 1 || filters > 4096)
        return amem__fail(AMEM_E_RANGE, fn, "filters %zu outside [1, 4096]",
                          filters);
    if (kernel < 1 || kernel > 64 || stride < 1 || stride > 64 ||
        padding > 64)
        return amem__fail(AMEM_E_RANGE, fn,
                          "kernel %zu, stride %zu outside [1, 64] or padding "
                          "%zu above 64", kernel, stride, padding);
    return AMEM_OK;
}

static void set_layer(amem__vae_layer *l, size_t filters, size_t kernel,
                      size_t stride, size_t padding, size_t upsample)
{
    memset(l, 0, sizeof *l);
    l->filters = (int)filters;
    l->kernel = (int)kernel;
    l->stride = (int)stride;
    l->pad = (int)padding;
    l->upsample = (int)upsample;
}

int amem_vae_add_encoder_conv(amem_vae *v, size_t filters, size_t kernel,
                              size_t stride, size_t padding)
{
    static const char fn[] = "amem_vae_add_encoder_conv";
    AMEM__CHECK_NULL(v, fn);
    int rc = check_conv_args(fn, v, v->n_enc, filters, kernel, stride, padding);
    if (rc != AMEM_OK)
        return rc;
    /* Check that the feature map survives, then keep the layer. */
    amem__vae_layer saved = v->enc[v->n_enc];
    set_layer(&v->enc[v->n_enc], filters, kernel, stride, padding, 1);
    v->n_enc++;
    rc = amem__vae_check_encoder(fn, v);
    if (rc != AMEM_OK) {
        v->n_enc--;
        v->enc[v->n_enc] = saved;
    }
    return rc;
}

int amem_vae_set_decoder_input(amem_vae *v, size_t channels, size_t height,
                               size_t width)
{
    static const char fn[] = "amem_vae_set_decoder_input";
    AMEM__CHECK_NULL(v, fn);
    int rc = check_unbuilt(fn, v);
    if (rc != AMEM_OK)
        return rc;
    if (channels == 0 || height == 0 || width == 0 || channels > MAX_EXTENT ||
        height > MAX_EXTENT || width > MAX_EXTENT)
        return amem__fail(AMEM_E_DIM, fn,
                          "decoder input %zu x %zu x %zu outside [1, %d]",
                          channels, height, width, MAX_EXTENT);
    v->dec_in_set = 1;
    v->dec_c = channels;
    v->dec_h = height;
    v->dec_w = width;
    return AMEM_OK;
}

int amem_vae_add_decoder_conv(amem_vae *v, size_t upsample, size_t filters,
                              size_t kernel, size_t stride, size_t padding)
{
    static const char fn[] = "amem_vae_add_decoder_conv";
    AMEM__CHECK_NULL(v, fn);
    int rc = check_conv_args(fn, v, v->n_dec, filters, kernel, stride, padding);
    if (rc != AMEM_OK)
        return rc;
    if (upsample < 1 || upsample > 16)
        return amem__fail(AMEM_E_RANGE, fn, "upsample %zu outside [1, 16]",
                          upsample);
    set_layer(&v->dec[v->n_dec++], filters, kernel, stride, padding,
              upsample);
    return AMEM_OK;
}

int amem_vae_build(amem_vae *v)
{
    static const char fn[] = "amem_vae_build";
    AMEM__CHECK_NULL(v, fn);
    int rc = check_unbuilt(fn, v);
    if (rc != AMEM_OK)
        return rc;
    /* The plan writes derived shapes into the handle; a failed build puts
     * them back (nothing is allocated when it fails). */
    amem_vae before = *v;
    rc = amem__vae_plan(fn, v);
    if (rc == AMEM_OK)
        rc = amem__vae_alloc(fn, v);
    if (rc != AMEM_OK) {
        *v = before;
        return rc;
    }
    amem__vae_init_weights(v);
    v->built = 1;
    return AMEM_OK;
}

/* ---- queries ---------------------------------------------------------- */

size_t amem__vae_dim(const amem_vae *v) { return v->c * v->h * v->w; }

AMEM__GETTER(amem_vae, is_built, int, v, v->built)

int amem_vae_input_shape(const amem_vae *v, size_t *channels, size_t *height,
                         size_t *width)
{
    static const char fn[] = "amem_vae_input_shape";
    AMEM__CHECK_NULL(v, fn);
    AMEM__CHECK_NULL(channels, fn);
    AMEM__CHECK_NULL(height, fn);
    AMEM__CHECK_NULL(width, fn);
    *channels = v->c;
    *height = v->h;
    *width = v->w;
    return AMEM_OK;
}

AMEM__GETTER(amem_vae, input_dim, size_t, v, amem__vae_dim(v))

AMEM__GETTER(amem_vae, latent_dim, size_t, v, (size_t)AMEM__VP(v, LATENT))

AMEM__GETTER(amem_vae, param_count, size_t, v, v->built ? v->n_params : 0)

int amem_vae_layer_count(const amem_vae *v, size_t *encoder, size_t *decoder)
{
    static const char fn[] = "amem_vae_layer_count";
    AMEM__CHECK_NULL(v, fn);
    AMEM__CHECK_NULL(encoder, fn);
    AMEM__CHECK_NULL(decoder, fn);
    *encoder = (size_t)v->n_enc;
    *decoder = (size_t)v->n_dec;
    return AMEM_OK;
}

/*
 * Save and load of the VAE in the shared model file format
 * (core/modelfile.h), piece kind AMEM__KIND_VAE. Payload, little-endian:
 *   u64 channels, height, width
 *   u32 setting count (AMEM__VAE_NPARAM), f64 x count settings
 *   u64 x 4 RNG state
 *   u32 built, u32 encoder layers, u32 decoder layers
 *   per layer (encoder then decoder): u32 filters, kernel, stride, padding,
 *       upsample
 *   u32 decoder input given, u64 x 3 decoder input shape
 *   built only: u64 parameter count, u64 statistics count,
 *       f32 parameters, f32 running statistics,
 *       u32 optimizer is AMSGrad, u64 optimizer step t,
 *       f32 first moment, f32 second moment, (AMSGrad) f32 max moment
 * Loading replays the layer calls through the same checks as the public
 * API and compares the planned parameter count with the file's before any
 * parameter is allocated.
 */
#include <stdlib.h>
#include <string.h>

#include "core/check.h"
#include "core/error.h"
#include "core/modelfile.h"
#include "core/piece.h"
#include "core/settings.h"
#include "core/optim.h"
#include "vae_impl.h"

static void put_layer(amem__wbuf *w, const amem__vae_layer *l)
{
    amem__put_u32(w, (uint32_t)l->filters);
    amem__put_u32(w, (uint32_t)l->kernel);
    amem__put_u32(w, (uint32_t)l->stride);
    amem__put_u32(w, (uint32_t)l->pad);
    amem__put_u32(w, (uint32_t)l->upsample);
}

static void write_payload(const void *handle, amem__wbuf *w)
{
    const amem_vae *v = handle;
    amem__put_u64(w, v->c);
    amem__put_u64(w, v->h);
    amem__put_u64(w, v->w);
    amem__settings_put(w, v->param, AMEM__VAE_NPARAM);
    amem__put_rng(w, &v->rng);
    amem__put_u32(w, (uint32_t)v->built);
    amem__put_u32(w, (uint32_t)v->n_enc);
    amem__put_u32(w, (uint32_t)v->n_dec);
    for (int i = 0; i < v->n_enc; i++)
        put_layer(w, &v->enc[i]);
    for (int i = 0; i < v->n_dec; i++)
        put_layer(w, &v->dec[i]);
    amem__put_u32(w, (uint32_t)v->dec_in_set);
    amem__put_u64(w, v->dec_c);
    amem__put_u64(w, v->dec_h);
    amem__put_u64(w, v->dec_w);
    if (!v->built)
        return;
    amem__put_u64(w, v->n_params);
    amem__put_u64(w, v->n_stats);
    amem__put_f32s(w, v->params, v->n_params);
    amem__put_f32s(w, v->stats, v->n_stats);
    amem__put_u32(w, v->opt->vmax != NULL);
    amem__put_u64(w, (uint64_t)v->opt->t);
    amem__adam_put_moments(w, v->opt);
}

static int read_settings(const char *fn, amem__rbuf *r, amem_vae *v)
{
    int rc = amem__settings_take(fn, r, &amem__vae_settings, v->param,
                                 amem__vae_check_file_param);
    if (rc != AMEM_OK)
        return rc;
    amem__get_rng(r, &v->rng);
    return r->failed ? amem__bad_file(fn, "truncated header") : AMEM_OK;
}

/* Replay one layer through the public call (same validation). */
static int read_layer(const char *fn, amem__rbuf *r, amem_vae *v, int enc)
{
    uint32_t a[5];
    for (int i = 0; i < 5; i++)
        a[i] = amem__get_u32(r);
    if (r->failed)
        return amem__bad_file(fn, "truncated layer list");
    int rc = enc ? (a[4] == 1 ? amem_vae_add_encoder_conv(v, a[0], a[1],
                                                          a[2], a[3])
                              : AMEM_E_FORMAT)
                 : amem_vae_add_decoder_conv(v, a[4], a[0], a[1], a[2], a[3]);
    return rc == AMEM_OK ? AMEM_OK : amem__bad_file(fn, "invalid layer");
}

static int read_architecture(const char *fn, amem__rbuf *r, amem_vae *v,
                             uint32_t *built)
{
    *built = amem__get_u32(r);
    uint32_t n_enc = amem__get_u32(r), n_dec = amem__get_u32(r);
    if (r->failed || *built > 1 || n_enc > AMEM_VAE_MAX_LAYERS ||
        n_dec > AMEM_VAE_MAX_LAYERS)
        return amem__bad_file(fn, "invalid layer counts");
    for (uint32_t i = 0; i < n_enc; i++)
        if (read_layer(fn, r, v, 1) != AMEM_OK)
            return AMEM_E_FORMAT;
    for (uint32_t i = 0; i < n_dec; i++)
        if (read_layer(fn, r, v, 0) != AMEM_OK)
            return AMEM_E_FORMAT;
    uint32_t given = amem__get_u32(r);
    uint64_t c = amem__get_u64(r), h = amem__get_u64(r), w = amem__get_u64(r);
    if (r->failed || given > 1)
        return amem__bad_file(fn, "truncated decoder input");
    if (given && amem_vae_set_decoder_input(v, c, h, w) != AMEM_OK)
        return amem__bad_file(fn, "invalid decoder input shape");
    return AMEM_OK;
}

static int read_f32(const char *fn, amem__rbuf *r, float *dst, size_t n)
{
    if (!amem__rbuf_has(r, n, 4))
        return amem__bad_file(fn, "array longer than the file");
    amem__get_f32s(r, dst, n);
    if (r->failed || !amem__all_finite(dst, n))
        return amem__bad_file(fn, "truncated or non-finite array");
    return AMEM_OK;
}

/* Parameter arrays: sizes checked against the plan and the file first. */
static int read_weights(const char *fn, amem__rbuf *r, amem_vae *v)
{
    uint64_t np = amem__get_u64(r), ns = amem__get_u64(r);
    if (r->failed || amem__vae_plan(fn, v) != AMEM_OK || np != v->n_params ||
        ns != v->n_stats)
        return amem__bad_file(fn,
                              "parameter counts do not match the architecture");
    if (!amem__rbuf_has(r, np, 4 * 3))
        return amem__bad_file(fn, "parameters longer than the file");
    int rc = amem__vae_alloc(fn, v);
    if (rc != AMEM_OK)
        return rc;
    rc = read_f32(fn, r, v->params, np);
    if (rc == AMEM_OK)
        rc = read_f32(fn, r, v->stats, ns);
    if (rc != AMEM_OK)
        return rc;
    uint32_t ams = amem__get_u32(r);
    uint64_t t = amem__get_u64(r);
    if (r->failed || ams > 1 || t > INT64_MAX / 2)
        return amem__bad_file(fn, "invalid optimizer state");
    amem__adam *opt = NULL;
    if (amem__adam_create(np, (int)ams, &opt) != AMEM_OK)
        return amem__fail(AMEM_E_NOMEM, fn, "cannot allocate the optimizer");
    amem__adam_free(v->opt);
    v->opt = opt;
    opt->t = (long)t;
    return amem__adam_get_moments(fn, r, opt);
}

static int read_payload(const char *fn, amem__rbuf *r, void **out)
{
    uint64_t c = amem__get_u64(r), h = amem__get_u64(r), w = amem__get_u64(r);
    amem_vae *v = NULL;
    int rc = r->failed ? AMEM_E_FORMAT : amem_vae_create(c, h, w, &v);
    if (rc == AMEM_E_NOMEM)
        return amem__fail(rc, fn, "cannot allocate the model");
    if (rc != AMEM_OK)
        return amem__bad_file(fn, "invalid image shape");
    *out = v;
    uint32_t built = 0;
    rc = read_settings(fn, r, v);
    amem__rng saved = v->rng;
    if (rc == AMEM_OK)
        rc = read_architecture(fn, r, v, &built);
    if (rc == AMEM_OK && built)
        rc = read_weights(fn, r, v);
    v->built = (int)built;
    v->rng = saved;
    return rc;
}

static void release(void *handle) { amem_vae_free(handle); }

static const amem__piece piece = {"amem_vae", AMEM__KIND_VAE, 0, write_payload,
                                  read_payload, release};

AMEM__PIECE_PERSISTENCE(amem_vae, piece)

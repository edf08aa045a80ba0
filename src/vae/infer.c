/*
 * Inference calls: encode, decode, reconstruct, recall from partial input,
 * loss. All run in chunks of rows through the handle's graph in inference
 * mode (z = mu, running batch-norm statistics, no dropout).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/check.h"
#include "core/error.h"
#include "vae_impl.h"

/* Rows per inference graph: bounds the arena for large images. */
#define CHUNK 64

static const amem__vae_pass inference = {0, 0};

static int graph_error(const char *fn, const amem__graph *g)
{
    return amem__fail(g->status, fn, "%s", g->error);
}

static amem__graph *fresh_graph(amem_vae *v)
{
    amem__graph_reset(v->graph);
    v->graph->training = 0;
    return v->graph;
}

static amem__node *image_node(amem_vae *v, amem__graph *g, const float *x,
                              size_t m)
{
    return amem__constant_view(g, x, 4,
                               (int[]){(int)m, (int)v->c, (int)v->h,
                                       (int)v->w});
}

int amem__vae_encode_rows(const char *fn, amem_vae *v, const float *x,
                          size_t n, float *mu, float *logvar)
{
    size_t dim = amem__vae_dim(v), k = v->latent;
    for (size_t s = 0; s < n; s += CHUNK) {
        size_t m = n - s < CHUNK ? n - s : CHUNK;
        amem__graph *g = fresh_graph(v);
        amem__node *mn = NULL, *lv = NULL;
        amem__vae_encoder(v, g, image_node(v, g, x + s * dim, m), &inference,
                          &mn, &lv);
        if (g->status != AMEM_OK)
            return graph_error(fn, g);
        memcpy(mu + s * k, mn->val, m * k * sizeof(float));
        if (logvar)
            memcpy(logvar + s * k, lv->val, m * k * sizeof(float));
    }
    return AMEM_OK;
}

int amem__vae_decode_rows(const char *fn, amem_vae *v, const float *z,
                          size_t n, float *out)
{
    size_t dim = amem__vae_dim(v), k = v->latent;
    for (size_t s = 0; s < n; s += CHUNK) {
        size_t m = n - s < CHUNK ? n - s : CHUNK;
        amem__graph *g = fresh_graph(v);
        amem__node *zn =
            amem__constant_view(g, z + s * k, 2, (int[]){(int)m, (int)k});
        amem__node *y = zn ? amem__vae_decoder(v, g, zn, &inference, NULL)
                           : NULL;
        if (y == NULL || g->status != AMEM_OK)
            return graph_error(fn, g);
        memcpy(out + s * dim, y->val, m * dim * sizeof(float));
    }
    return AMEM_OK;
}

/*
 * decode(mu(x)) per chunk. With mask, entries where mask is 0 are replaced
 * by fill in a copy of the chunk first. out may alias x: a chunk is read
 * completely before it is written.
 */
static int reconstruct_rows(const char *fn, amem_vae *v, const float *x,
                            const float *mask, float fill, size_t n,
                            float *out)
{
    size_t dim = amem__vae_dim(v);
    for (size_t s = 0; s < n; s += CHUNK) {
        size_t m = n - s < CHUNK ? n - s : CHUNK;
        amem__graph *g = fresh_graph(v);
        const float *in = x + s * dim;
        if (mask != NULL) {
            float *buf = amem__arena_alloc(g->arena, m * dim * sizeof(float));
            if (buf == NULL)
                return amem__fail(AMEM_E_NOMEM, fn, "graph arena exhausted");
            for (size_t i = 0; i < m * dim; i++)
                buf[i] = mask[s * dim + i] != 0.0f ? in[i] : fill;
            in = buf;
        }
        amem__node *mu = NULL, *lv = NULL;
        amem__vae_encoder(v, g, image_node(v, g, in, m), &inference, &mu, &lv);
        amem__node *y = amem__vae_decoder(v, g, mu, &inference, NULL);
        if (y == NULL || g->status != AMEM_OK)
            return graph_error(fn, g);
        memcpy(out + s * dim, y->val, m * dim * sizeof(float));
    }
    return AMEM_OK;
}

/* Built handle, finite n x dim input, non-NULL output. */
static int check_call(const char *fn, const amem_vae *v, const float *x,
                      const char *name, size_t n, size_t cols,
                      const void *out)
{
    AMEM__CHECK_NULL(v, fn);
    int rc = amem__vae_check_built(fn, v);
    if (rc == AMEM_OK)
        rc = amem__check_array(fn, name, x, n, cols);
    if (rc == AMEM_OK && out == NULL)
        rc = amem__fail(AMEM_E_NULL, fn, "the output buffer is NULL");
    return rc;
}

int amem_vae_encode(amem_vae *v, const float *images, size_t n, float *mu,
                    float *logvar)
{
    static const char fn[] = "amem_vae_encode";
    int rc = check_call(fn, v, images, "images", n,
                        v ? amem__vae_dim(v) : 1, mu);
    if (rc != AMEM_OK)
        return rc;
    return amem__vae_encode_rows(fn, v, images, n, mu, logvar);
}

int amem_vae_decode(amem_vae *v, const float *z, size_t n, float *images)
{
    static const char fn[] = "amem_vae_decode";
    int rc = check_call(fn, v, z, "z", n, v ? v->latent : 1, images);
    if (rc != AMEM_OK)
        return rc;
    return amem__vae_decode_rows(fn, v, z, n, images);
}

int amem_vae_reconstruct(amem_vae *v, const float *images, size_t n,
                         float *out)
{
    static const char fn[] = "amem_vae_reconstruct";
    int rc = check_call(fn, v, images, "images", n,
                        v ? amem__vae_dim(v) : 1, out);
    if (rc != AMEM_OK)
        return rc;
    return reconstruct_rows(fn, v, images, NULL, 0.0f, n, out);
}

int amem_vae_recall(amem_vae *v, const float *images, const float *mask,
                    float fill, size_t n, float *out)
{
    static const char fn[] = "amem_vae_recall";
    size_t dim = v ? amem__vae_dim(v) : 1;
    int rc = check_call(fn, v, images, "images", n, dim, out);
    if (rc == AMEM_OK && mask != NULL)
        for (size_t i = 0; i < n * dim; i++)
            if (mask[i] != 0.0f && mask[i] != 1.0f)
                return amem__fail(AMEM_E_ARG, fn,
                                  "mask[%zu] = %g is neither 0 nor 1", i,
                                  (double)mask[i]);
    if (rc == AMEM_OK && !isfinite(fill))
        rc = amem__fail(AMEM_E_ARG, fn, "fill value is not finite");
    if (rc != AMEM_OK)
        return rc;
    return reconstruct_rows(fn, v, images, mask, fill, n, out);
}

int amem_vae_loss(amem_vae *v, const float *images, size_t n, double *recon,
                  double *kl)
{
    static const char fn[] = "amem_vae_loss";
    int rc = check_call(fn, v, images, "images", n,
                        v ? amem__vae_dim(v) : 1, (void *)1);
    if (rc != AMEM_OK)
        return rc;
    size_t dim = amem__vae_dim(v);
    double rsum = 0.0, ksum = 0.0;
    for (size_t s = 0; s < n; s += CHUNK) {
        size_t m = n - s < CHUNK ? n - s : CHUNK;
        amem__graph *g = fresh_graph(v);
        double r, k;
        amem__vae_loss_graph(v, g, images + s * dim, m, NULL, &inference, &r,
                             &k);
        if (g->status != AMEM_OK)
            return graph_error(fn, g);
        rsum += r * (double)m;
        ksum += k * (double)m;
    }
    if (recon)
        *recon = rsum / (double)n;
    if (kl)
        *kl = ksum / (double)n;
    return AMEM_OK;
}

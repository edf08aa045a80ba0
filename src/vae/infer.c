/*
 * Inference calls: encode, decode, reconstruct, recall from partial input,
 * loss, in inference mode (z = mu, running batch-norm statistics, no
 * dropout). Encode, decode, reconstruct and recall run in chunks of rows
 * on the no-tape path (infer_fast.c), split over worker threads
 * (infer_threads.c); the loss builds the graph of forward.c per chunk.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/check.h"
#include "core/error.h"
#include "vae_fast.h"

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

/* What a chunk of an encode, decode or reconstruct call reads and writes. */
typedef struct rows_io {
    const float *in;          /* images or z */
    const float *mask;        /* reconstruct: 0 = replace by fill */
    float fill;
    float *out, *out2;        /* mu / images, logvar (may be NULL) */
} rows_io;

static void encode_chunk(void *ctx, amem_vae *v, amem__graph *g,
                         size_t first, size_t m)
{
    const rows_io *io = ctx;
    size_t dim = amem__vae_dim(v), k = v->latent;
    amem__vae_fast_encode(v, g, io->in + first * dim, (int)m,
                          io->out + first * k,
                          io->out2 ? io->out2 + first * k : NULL);
}

int amem__vae_encode_rows(const char *fn, amem_vae *v, const float *x,
                          size_t n, float *mu, float *logvar)
{
    rows_io io = {x, NULL, 0.0f, mu, logvar};
    return amem__vae_run_rows(fn, v, n, encode_chunk, &io);
}

static void decode_chunk(void *ctx, amem_vae *v, amem__graph *g,
                         size_t first, size_t m)
{
    const rows_io *io = ctx;
    amem__vae_fast_decode(v, g, io->in + first * v->latent, (int)m,
                          io->out + first * amem__vae_dim(v));
}

int amem__vae_decode_rows(const char *fn, amem_vae *v, const float *z,
                          size_t n, float *out)
{
    rows_io io = {z, NULL, 0.0f, out, NULL};
    return amem__vae_run_rows(fn, v, n, decode_chunk, &io);
}

/*
 * decode(mu(x)) of one chunk. With mask, entries where mask is 0 are
 * replaced by fill in a copy of the chunk first. out may alias x: a chunk
 * is read completely before it is written.
 */
static void reconstruct_chunk(void *ctx, amem_vae *v, amem__graph *g,
                              size_t first, size_t m)
{
    const rows_io *io = ctx;
    size_t dim = amem__vae_dim(v);
    const float *in = io->in + first * dim;
    float *mu = amem__arena_alloc(g->arena, m * v->latent * sizeof(float));
    float *buf = io->mask ? amem__arena_alloc(g->arena, m * dim * sizeof(float))
                          : NULL;
    if (mu == NULL || (io->mask != NULL && buf == NULL)) {
        amem__graph_fail(g, AMEM_E_NOMEM, "graph arena exhausted");
        return;
    }
    if (io->mask != NULL) {
        const float *mask = io->mask + first * dim;
        for (size_t i = 0; i < m * dim; i++)
            buf[i] = mask[i] != 0.0f ? in[i] : io->fill;
        in = buf;
    }
    if (amem__vae_fast_encode(v, g, in, (int)m, mu, NULL) == AMEM_OK)
        amem__vae_fast_decode(v, g, mu, (int)m, io->out + first * dim);
}

static int reconstruct_rows(const char *fn, amem_vae *v, const float *x,
                            const float *mask, float fill, size_t n,
                            float *out)
{
    rows_io io = {x, mask, fill, out, NULL};
    return amem__vae_run_rows(fn, v, n, reconstruct_chunk, &io);
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
    if (rc == AMEM_OK)
        rc = amem__array_bytes(fn, "images", n, amem__vae_dim(v),
                               sizeof(float), NULL);
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

int amem_vae_recall(amem_vae *v, const float *images, size_t n,
                    const float *mask, float fill, float *out)
{
    static const char fn[] = "amem_vae_recall";
    size_t dim = v ? amem__vae_dim(v) : 1;
    int rc = check_call(fn, v, images, "images", n, dim, out);
    if (rc == AMEM_OK && mask != NULL)
        rc = amem__check_mask(fn, "mask", mask, n * dim);
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
    for (size_t s = 0; s < n; s += AMEM__VAE_CHUNK) {
        size_t m = n - s < AMEM__VAE_CHUNK ? n - s : AMEM__VAE_CHUNK;
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

/*
 * The learned noise predictor eps(x, theta) of the diffusion handle: layout,
 * life cycle, initialisation and batched inference (the paper's Section 7:
 * fully connected ReLU layers with theta_t appended to every layer's input).
 *
 * Weight layer l computes z = [a ; theta] W_l + b_l = a W_l[0:n] +
 * (b_l + theta W_l[n]); with one theta for all rows the second term is one
 * effective bias vector, so a layer is one sgemm plus a bias/ReLU pass.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/blas.h"
#include "core/check.h"
#include "core/error.h"
#include "diffusion_impl.h"

/* Rows of queries per inference chunk. */
#define PREDICT_CHUNK ((size_t)512)

static size_t width_in(size_t dim, size_t hidden, size_t l)
{
    return l == 0 ? dim : hidden;
}

static size_t width_out(size_t dim, size_t hidden, size_t layers, size_t l)
{
    return l == layers ? dim : hidden;
}

/* Parameter count, or 0 on overflow (sizes are bounded by the settings). */
size_t amem__dmlp_param_count(size_t dim, size_t hidden, size_t layers)
{
    size_t total = 0;
    for (size_t l = 0; l <= layers; l++) {
        size_t n = width_in(dim, hidden, l);
        size_t m = width_out(dim, hidden, layers, l), w;
        if (amem__mul_size(n + 2, m, &w) != 0 || total + w < total)
            return 0;
        total += w; /* (n + 1) x m weights and m biases */
    }
    return total <= SIZE_MAX / (3 * sizeof(float)) ? total : 0;
}

void amem__dmlp_layer(const amem__dmlp *m, size_t l, size_t *w_off,
                      size_t *b_off, size_t *n_in, size_t *n_out)
{
    size_t off = 0;
    for (size_t k = 0; k < l; k++)
        off += (width_in(m->dim, m->hidden, k) + 2) *
               width_out(m->dim, m->hidden, m->layers, k);
    size_t n = width_in(m->dim, m->hidden, l);
    size_t o = width_out(m->dim, m->hidden, m->layers, l);
    *w_off = off;
    *b_off = off + (n + 1) * o;
    *n_in = n;
    *n_out = o;
}

int amem__dmlp_create(const char *fn, size_t dim, size_t hidden,
                      size_t layers, amem__dmlp **out)
{
    *out = NULL;
    size_t count = amem__dmlp_param_count(dim, hidden, layers);
    if (count == 0)
        return amem__fail(AMEM_E_DIM, fn, "network of %zu x %zu too large",
                          layers, hidden);
    amem__dmlp *m = calloc(1, sizeof *m);
    if (m == NULL)
        return amem__fail(AMEM_E_NOMEM, fn, "cannot allocate the network");
    m->dim = dim;
    m->hidden = hidden;
    m->layers = layers;
    m->n_params = count;
    m->params = calloc(count, sizeof(float));
    if (m->params == NULL || amem__adam_create(count, 0, &m->adam) != AMEM_OK) {
        amem__dmlp_free(m);
        return amem__fail(AMEM_E_NOMEM, fn,
                          "cannot allocate %zu parameters", count);
    }
    *out = m;
    return AMEM_OK;
}

void amem__dmlp_free(amem__dmlp *m)
{
    if (m == NULL)
        return;
    free(m->params);
    amem__adam_free(m->adam);
    free(m);
}

void amem__dmlp_init(amem__dmlp *m, amem__rng *rng)
{
    for (size_t l = 0; l <= m->layers; l++) {
        size_t w, b, n, o;
        amem__dmlp_layer(m, l, &w, &b, &n, &o);
        double bound = 1.0 / sqrt((double)(n + 1));
        for (size_t i = w; i < b + o; i++)
            m->params[i] =
                (float)(bound * (2.0 * amem__rng_uniform(rng) - 1.0));
    }
}

int amem__dmlp_clone(const char *fn, const amem__dmlp *m, amem__dmlp **out)
{
    int rc = amem__dmlp_create(fn, m->dim, m->hidden, m->layers, out);
    if (rc != AMEM_OK)
        return rc;
    amem__dmlp *c = *out;
    memcpy(c->params, m->params, m->n_params * sizeof(float));
    memcpy(c->adam->m, m->adam->m, m->n_params * sizeof(float));
    memcpy(c->adam->v, m->adam->v, m->n_params * sizeof(float));
    c->adam->t = m->adam->t;
    c->adam->lr = m->adam->lr;
    return AMEM_OK;
}

size_t amem__dmlp_chunk(size_t n)
{
    return n < PREDICT_CHUNK ? n : PREDICT_CHUNK;
}

/* Two activation buffers of chunk x max(hidden, d) and one bias vector. */
size_t amem__dmlp_ws_len(const amem__dmlp *m, size_t n)
{
    size_t wide = m->hidden > m->dim ? m->hidden : m->dim;
    return 2 * amem__dmlp_chunk(n) * wide + wide;
}

/* z = a W[0:n] + (b + theta W[n]), then ReLU unless `linear`. */
static void layer_forward(const amem__dmlp *m, size_t l, const float *a,
                          size_t rows, float theta, float *z, float *bias,
                          int linear)
{
    size_t w, b, n, o;
    amem__dmlp_layer(m, l, &w, &b, &n, &o);
    const float *W = m->params + w, *tw = W + n * o, *bb = m->params + b;
    for (size_t j = 0; j < o; j++)
        bias[j] = bb[j] + theta * tw[j];
    for (size_t i = 0; i < rows; i++)
        memcpy(z + i * o, bias, o * sizeof(float));
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows, (int)o,
                (int)n, 1.0f, a, (int)n, W, (int)o, 1.0f, z, (int)o);
    if (linear)
        return;
    for (size_t i = 0; i < rows * o; i++)
        z[i] = z[i] > 0.0f ? z[i] : 0.0f;
}

void amem__dmlp_predict(const amem__dmlp *m, const float *x, size_t n,
                        float theta, float *out, float *ws)
{
    const size_t chunk = amem__dmlp_chunk(n);
    const size_t wide = m->hidden > m->dim ? m->hidden : m->dim;
    float *buf[2] = {ws, ws + chunk * wide}, *bias = ws + 2 * chunk * wide;
    for (size_t r0 = 0; r0 < n; r0 += chunk) {
        size_t rows = n - r0 < chunk ? n - r0 : chunk;
        const float *a = x + r0 * m->dim;
        for (size_t l = 0; l <= m->layers; l++) {
            int last = l == m->layers;
            float *z = last ? out + r0 * m->dim : buf[l & 1];
            layer_forward(m, l, a, rows, theta, z, bias, last);
            a = z;
        }
    }
}

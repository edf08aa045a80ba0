/*
 * The learned noise predictor eps(x, theta) of the diffusion handle: layout,
 * life cycle and initialisation (the paper's Section 7: fully connected ReLU
 * layers with theta_t appended to every layer's input). Inference is in
 * mlp_predict.c, the training pass in mlp_train.c.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/check.h"
#include "core/error.h"
#include "diffusion_impl.h"

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
    return total <= AMEM__MAX_ELEMS / 3 ? total : 0; /* params, m, v */
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
    m->params = amem__zalloc(count, 1, sizeof(float));
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

/* TVT handle: life cycle, settings, writes in order, batched read. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/check.h"
#include "core/error.h"
#include "core/settings.h"
#include "kvmem_impl.h"
#include "train_batch.h"
#include "tvt_impl.h"

static const amem__setting table[AMEM__TVT_NPARAM] = {
    AMEM__SETTING_SEED,
    {"SIGN_OUTPUT", 0, 1, 0, 1},
    AMEM__KV_TRAIN_SETTINGS,
    AMEM__SETTINGS_ADAM,
};

const amem__settings amem__tvt_settings = {table, AMEM__TVT_NPARAM};

/* Initial read strength of a new handle (softplus(c) = 10). */
#define TVT_INIT_STRENGTH 10.0

size_t amem__tvt_theta_len(size_t d)
{
    return d * d + 2 * d + 1;
}

void amem__tvt_init_theta(amem_tvt *h)
{
    size_t d = h->d;
    memset(h->theta, 0, amem__tvt_theta_len(d) * sizeof(float));
    for (size_t j = 0; j < d; j++)
        h->theta[j * d + j] = 1.0f;
    h->theta[d * d + 2 * d] =
        (float)(TVT_INIT_STRENGTH + log1p(-exp(-TVT_INIT_STRENGTH)));
}

void amem_tvt_free(amem_tvt *h)
{
    if (h == NULL)
        return;
    free(h->keys);
    free(h->values);
    free(h->theta);
    amem__adam_free(h->adam);
    free(h);
}

int amem__tvt_alloc(const char *fn, size_t d, size_t N, size_t m,
                    amem_tvt **out)
{
    size_t a, b, c;
    if (d == 0 || N == 0 || m == 0 || d > 46340 || N > INT32_MAX ||
        m > INT32_MAX || amem__mul_size(N, d, &a) ||
        amem__mul_size(N, m, &b))
        return amem__fail(AMEM_E_DIM, fn,
                          "sizes d = %zu, N = %zu, m = %zu out of range", d,
                          N, m);
    c = amem__tvt_theta_len(d);
    amem_tvt *h = calloc(1, sizeof *h);
    if (h == NULL)
        return amem__fail(AMEM_E_NOMEM, fn, "cannot allocate the handle");
    h->d = d, h->N = N, h->m = m;
    amem__settings_defaults(&amem__tvt_settings, h->param);
    amem__rng_seed(&h->rng, 0);
    h->keys = amem__zalloc(a, 1, sizeof(float));
    h->values = amem__zalloc(b, 1, sizeof(float));
    h->theta = amem__alloc(c, 1, sizeof(float));
    if (!h->keys || !h->values || !h->theta ||
        amem__adam_create(c, 0, &h->adam) != AMEM_OK) {
        amem_tvt_free(h);
        return amem__fail(AMEM_E_NOMEM, fn, "cannot allocate the memory");
    }
    amem__tvt_init_theta(h);
    *out = h;
    return AMEM_OK;
}

int amem_tvt_create(size_t key_dim, size_t slots, size_t value_dim,
                    amem_tvt **out)
{
    AMEM__CHECK_NULL(out, "amem_tvt_create");
    *out = NULL;
    return amem__tvt_alloc("amem_tvt_create", key_dim, slots, value_dim, out);
}

AMEM__GETTER(amem_tvt, key_dim, size_t, h, h->d)
AMEM__GETTER(amem_tvt, slots, size_t, h, h->N)
AMEM__GETTER(amem_tvt, value_dim, size_t, h, h->m)
AMEM__GETTER(amem_tvt, count, size_t, h, h->count)

AMEM__PIECE_SETTINGS(amem_tvt, amem__tvt_settings, AMEM_TVT_SEED, amem__settings_admit_any)

static int check_items(const char *fn, const amem_tvt *h, const float *keys,
                       const float *values, size_t n)
{
    if (n == 0)
        return amem__fail(AMEM_E_DIM, fn, "n is 0");
    int rc = amem__check_array(fn, "keys", keys, n, h->d);
    if (rc == AMEM_OK && values == NULL && h->m != h->d)
        rc = amem__fail(AMEM_E_DIM, fn, "values NULL but m = %zu != d = %zu",
                        h->m, h->d);
    if (rc == AMEM_OK && values)
        rc = amem__check_array(fn, "values", values, n, h->m);
    return rc;
}

int amem_tvt_write_many(amem_tvt *h, const float *keys, const float *values,
                        size_t n)
{
    AMEM__CHECK_NULL(h, "amem_tvt_write_many");
    int rc = check_items("amem_tvt_write_many", h, keys, values, n);
    if (rc != AMEM_OK)
        return rc;
    for (size_t t = 0; t < n; t++) {
        size_t row = h->count % h->N;
        const float *x = keys + t * h->d;
        memcpy(h->keys + row * h->d, x, h->d * sizeof(float));
        memcpy(h->values + row * h->m, values ? values + t * h->m : x,
               h->m * sizeof(float));
        h->count++;
    }
    return AMEM_OK;
}

int amem_tvt_write(amem_tvt *h, const float *key, const float *value)
{
    AMEM__CHECK_NULL(h, "amem_tvt_write");
    int rc = check_items("amem_tvt_write", h, key, value, 1);
    return rc != AMEM_OK ? rc : amem_tvt_write_many(h, key, value, 1);
}

int amem_tvt_clear(amem_tvt *h)
{
    AMEM__CHECK_NULL(h, "amem_tvt_clear");
    memset(h->keys, 0, h->N * h->d * sizeof(float));
    memset(h->values, 0, h->N * h->m * sizeof(float));
    h->count = 0;
    return AMEM_OK;
}

int amem_tvt_read(amem_tvt *h, const float *queries, size_t n, float *out,
                  float *weights)
{
    static const char fn[] = "amem_tvt_read";
    AMEM__CHECK_NULL(h, fn);
    int rc = amem__kv_check_read(fn, queries, n, h->d, h->m, out);
    tvt_ws w;
    if (rc == AMEM_OK)
        rc = amem__tvt_ws_alloc(fn, h, n, &w);
    if (rc != AMEM_OK)
        return rc;
    amem__tvt_forward(h, h->keys, h->values, h->theta, queries, n, &w, out);
    if (weights)
        memcpy(weights, w.W, n * h->N * sizeof(float));
    amem__tvt_ws_free(&w);
    if (AMEM__TP(h, SIGN_OUTPUT) != 0)
        for (size_t k = 0; k < n * h->m; k++)
            out[k] = out[k] > 0 ? 1.0f : (out[k] < 0 ? -1.0f : 0.0f);
    return AMEM_OK;
}

int amem_tvt_get_read_params(const amem_tvt *h, float *A, float *a, float *u,
                         float *c)
{
    AMEM__CHECK_NULL(h, "amem_tvt_get_read_params");
    size_t d = h->d;
    if (A)
        memcpy(A, h->theta, d * d * sizeof(float));
    if (a)
        memcpy(a, h->theta + d * d, d * sizeof(float));
    if (u)
        memcpy(u, h->theta + d * d + d, d * sizeof(float));
    if (c)
        *c = h->theta[d * d + 2 * d];
    return AMEM_OK;
}

int amem_tvt_set_read_params(amem_tvt *h, const float *A, const float *a,
                             const float *u, const float *c)
{
    static const char fn[] = "amem_tvt_set_read_params";
    AMEM__CHECK_NULL(h, fn);
    size_t d = h->d;
    int rc = amem__check_array(fn, "A", A, d, d);
    if (rc == AMEM_OK)
        rc = amem__check_array(fn, "a", a, d, 1);
    if (rc == AMEM_OK)
        rc = amem__check_array(fn, "u", u, d, 1);
    if (rc == AMEM_OK)
        rc = amem__check_array(fn, "c", c, 1, 1);
    if (rc != AMEM_OK)
        return rc;
    memcpy(h->theta, A, d * d * sizeof(float));
    memcpy(h->theta + d * d, a, d * sizeof(float));
    memcpy(h->theta + d * d + d, u, d * sizeof(float));
    h->theta[d * d + 2 * d] = *c;
    amem__adam_reset(h->adam);
    return AMEM_OK;
}

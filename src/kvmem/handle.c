/* Life cycle and state queries of the key-value memory handle. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/check.h"
#include "core/error.h"
#include "kvmem_impl.h"

/* Largest size accepted for d, N, m (keeps every index in an int). */
#define KV_MAX_SIZE ((size_t)INT32_MAX)

static int sizes_ok(size_t d, size_t N, size_t m)
{
    size_t a, b;
    return d >= 1 && N >= 1 && m >= 1 && d <= KV_MAX_SIZE &&
           N <= KV_MAX_SIZE && m <= KV_MAX_SIZE &&
           amem__mul_size(N, d, &a) == 0 && amem__mul_size(N, m, &b) == 0;
}

void amem_kvmem_free(amem_kvmem *h)
{
    if (h == NULL)
        return;
    free(h->K);
    free(h->V);
    free(h->key_frozen);
    free(h->value_frozen);
    free(h->gated);
    free(h->scores);
    free(h->post);
    amem__adam_free(h->adam);
    free(h);
}

int amem__kvmem_alloc(const char *fn, size_t d, size_t N, size_t m,
                      amem_kvmem **out)
{
    if (!sizes_ok(d, N, m))
        return amem__fail(AMEM_E_DIM, fn,
                          "sizes d = %zu, N = %zu, m = %zu: each must be in "
                          "[1, 2^31) with N x d and N x m addressable",
                          d, N, m);
    amem_kvmem *h = calloc(1, sizeof *h);
    if (h == NULL)
        return amem__fail(AMEM_E_NOMEM, fn, "cannot allocate the handle");
    h->d = d;
    h->N = N;
    h->m = m;
    amem__settings_defaults(&amem__kvmem_settings, h->param);
    amem__rng_seed(&h->rng, 0);
    h->K = amem__zalloc(N, d, sizeof(float));
    h->V = amem__zalloc(N, m, sizeof(float));
    h->key_frozen = amem__zalloc(N, 1, 1);
    h->value_frozen = amem__zalloc(N, 1, 1);
    h->gated = amem__zalloc(N, 1, sizeof(size_t));
    h->scores = amem__zalloc(N, 1, sizeof(float));
    h->post = amem__zalloc(m, 1, sizeof(float));
    int rc = amem__adam_create(AMEM__KV_THETA, 0, &h->adam);
    if (rc != AMEM_OK || !h->K || !h->V || !h->key_frozen ||
        !h->value_frozen || !h->gated || !h->scores || !h->post) {
        amem_kvmem_free(h);
        return amem__fail(AMEM_E_NOMEM, fn,
                          "cannot allocate a memory of %zu slots", N);
    }
    *out = h;
    return AMEM_OK;
}

int amem_kvmem_create(size_t key_dim, size_t slots, size_t value_dim,
                      amem_kvmem **out)
{
    static const char fn[] = "amem_kvmem_create";
    AMEM__CHECK_NULL(out, fn);
    *out = NULL;
    return amem__kvmem_alloc(fn, key_dim, slots, value_dim, out);
}

AMEM__GETTER(amem_kvmem, key_dim, size_t, h, h->d)
AMEM__GETTER(amem_kvmem, slots, size_t, h, h->N)
AMEM__GETTER(amem_kvmem, value_dim, size_t, h, h->m)
AMEM__GETTER(amem_kvmem, count, size_t, h, h->count)
AMEM__GETTER(amem_kvmem, next_slot, size_t, h, h->pointer)

int amem_kvmem_clear(amem_kvmem *h)
{
    AMEM__CHECK_NULL(h, "amem_kvmem_clear");
    memset(h->K, 0, h->N * h->d * sizeof(float));
    memset(h->V, 0, h->N * h->m * sizeof(float));
    memset(h->key_frozen, 0, h->N);
    memset(h->value_frozen, 0, h->N);
    h->pointer = 0;
    h->count = 0;
    h->n_gated = 0;
    return AMEM_OK;
}

int amem_kvmem_get_last_gamma(const amem_kvmem *h, float *gamma)
{
    AMEM__CHECK_NULL(h, "amem_kvmem_get_last_gamma");
    AMEM__CHECK_NULL(gamma, "amem_kvmem_get_last_gamma");
    memset(gamma, 0, h->N * sizeof(float));
    for (size_t k = 0; k < h->n_gated; k++)
        gamma[h->gated[k]] = 1.0f;
    return AMEM_OK;
}

int amem_kvmem_get_keys(const amem_kvmem *h, float *keys)
{
    AMEM__CHECK_NULL(h, "amem_kvmem_get_keys");
    AMEM__CHECK_NULL(keys, "amem_kvmem_get_keys");
    memcpy(keys, h->K, h->N * h->d * sizeof(float));
    return AMEM_OK;
}

int amem_kvmem_get_values(const amem_kvmem *h, float *values)
{
    AMEM__CHECK_NULL(h, "amem_kvmem_get_values");
    AMEM__CHECK_NULL(values, "amem_kvmem_get_values");
    memcpy(values, h->V, h->N * h->m * sizeof(float));
    return AMEM_OK;
}

int amem_kvmem_stability(const amem_kvmem *h, int *key_frozen,
                         int *value_frozen)
{
    static const char fn[] = "amem_kvmem_stability";
    AMEM__CHECK_NULL(h, fn);
    if (key_frozen == NULL && value_frozen == NULL)
        return amem__fail(AMEM_E_NULL, fn, "both outputs are NULL");
    for (size_t i = 0; i < h->N; i++) {
        if (key_frozen)
            key_frozen[i] = h->key_frozen[i];
        if (value_frozen)
            value_frozen[i] = h->value_frozen[i];
    }
    return AMEM_OK;
}

int amem_kvmem_reset(amem_kvmem *h)
{
    AMEM__CHECK_NULL(h, "amem_kvmem_reset");
    amem__adam_reset(h->adam);
    h->has_last_step = 0;
    return AMEM_OK;
}

/* Life cycle of the diffusion handle: create, free, store, queries. */
#include <stdlib.h>
#include <string.h>

#include "core/check.h"
#include "core/error.h"
#include "diffusion_impl.h"

/* Largest dimension accepted: keeps every d-sized product far from overflow
 * and within the int shapes of the engine path. */
#define MAX_DIM ((size_t)1 << 24)

int amem_diffusion_create(size_t dim, amem_diffusion **out)
{
    static const char fn[] = "amem_diffusion_create";
    AMEM__CHECK_NULL(out, fn);
    *out = NULL;
    if (dim == 0 || dim > MAX_DIM)
        return amem__fail(AMEM_E_DIM, fn, "dimension %zu outside [1, %zu]",
                          dim, MAX_DIM);
    amem_diffusion *h = calloc(1, sizeof *h);
    if (h == NULL)
        return amem__fail(AMEM_E_NOMEM, fn, "cannot allocate the handle");
    h->dim = dim;
    amem__diffusion_default_params(dim, h->param);
    amem__rng_seed(&h->rng, (uint64_t)AMEM__DP(h, SEED));
    *out = h;
    return AMEM_OK;
}

void amem_diffusion_free(amem_diffusion *h)
{
    if (h == NULL)
        return;
    free(h->patterns);
    amem__dmlp_free(h->net);
    amem__semantic_free(h->sem);
    free(h);
}

AMEM__GETTER(amem_diffusion, dim, size_t, h, h->dim)

AMEM__GETTER(amem_diffusion, count, size_t, h, h->count)

/* Make room for `more` rows, keeping the stored ones (geometric growth). */
static int reserve(const char *fn, amem_diffusion *h, size_t more)
{
    size_t need, floats;
    if (amem__add_size(h->count, more, &need) != 0 ||
        amem__mul_size(need, h->dim, &floats) != 0 ||
        need > (size_t)INT32_MAX)
        return amem__fail(AMEM_E_DIM, fn, "%zu + %zu patterns too many",
                          h->count, more);
    if (need <= h->capacity)
        return AMEM_OK;
    size_t cap = h->capacity * 2 > need ? h->capacity * 2 : need;
    if (cap > (size_t)INT32_MAX || amem__mul_size(cap, h->dim, &floats) != 0)
        cap = need;
    float *p = amem__realloc(h->patterns, cap, h->dim, sizeof(float));
    if (p == NULL)
        return amem__fail(AMEM_E_NOMEM, fn, "cannot grow to %zu patterns",
                          cap);
    h->patterns = p;
    h->capacity = cap;
    return AMEM_OK;
}

int amem_diffusion_store(amem_diffusion *h, const float *patterns, size_t n)
{
    static const char fn[] = "amem_diffusion_store";
    AMEM__CHECK_NULL(h, fn);
    AMEM__CHECK_NULL(patterns, fn);
    if (n == 0)
        return amem__fail(AMEM_E_DIM, fn, "no patterns (n = 0)");
    int rc = amem__check_array(fn, "patterns", patterns, n, h->dim);
    if (rc == AMEM_OK)
        rc = reserve(fn, h, n);
    if (rc != AMEM_OK)
        return rc;
    memcpy(h->patterns + h->count * h->dim, patterns,
           n * h->dim * sizeof(float));
    h->count += n;
    return AMEM_OK;
}

int amem_diffusion_clear(amem_diffusion *h)
{
    AMEM__CHECK_NULL(h, "amem_diffusion_clear");
    h->count = 0;
    return AMEM_OK;
}

int amem_diffusion_get_patterns(const amem_diffusion *h, float *out)
{
    static const char fn[] = "amem_diffusion_get_patterns";
    AMEM__CHECK_NULL(h, fn);
    AMEM__CHECK_NULL(out, fn);
    if (h->count == 0)
        return amem__fail(AMEM_E_STATE, fn, "nothing stored");
    memcpy(out, h->patterns, h->count * h->dim * sizeof(float));
    return AMEM_OK;
}

int amem_diffusion_network_info(const amem_diffusion *h, size_t *hidden,
                                size_t *layers, size_t *params)
{
    AMEM__CHECK_NULL(h, "amem_diffusion_network_info");
    const amem__dmlp *m = h->net;
    if (hidden)
        *hidden = m ? m->hidden : 0;
    if (layers)
        *layers = m ? m->layers : 0;
    if (params)
        *params = m ? m->n_params : 0;
    return AMEM_OK;
}

int amem_diffusion_reset(amem_diffusion *h)
{
    AMEM__CHECK_NULL(h, "amem_diffusion_reset");
    amem__dmlp_free(h->net);
    h->net = NULL;
    return AMEM_OK;
}

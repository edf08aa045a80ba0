/* Life cycle of the dense associative memory handle and its weights. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/check.h"
#include "core/error.h"
#include "dam_impl.h"

/* Largest N or M accepted (int arguments of sgemm). */
#define DIM_MAX ((size_t)1 << 24)

int amem__dam_alloc(const char *fn, size_t n_vis, size_t n_hid,
                    amem_dam **out)
{
    amem_dam *h = calloc(1, sizeof *h);
    if (h == NULL)
        return amem__fail(AMEM_E_NOMEM, fn, "cannot allocate the handle");
    h->n_vis = n_vis;
    h->n_hid = n_hid;
    amem__settings_defaults(&amem__dam_settings, h->param);
    amem__rng_seed(&h->rng, (uint64_t)AMEM__DP(h, SEED));
    amem__dp_set("amem__dam_alloc", &h->dp, NULL);
    h->w = amem__zalloc(n_vis, n_hid, sizeof(float));
    if (h->w == NULL || amem__adam_create(n_vis * n_hid, 0, &h->adam)) {
        amem_dam_free(h);
        return amem__fail(AMEM_E_NOMEM, fn, "cannot allocate %zu x %zu weights",
                          n_hid, n_vis);
    }
    amem__dam_clear_trainer(h);
    *out = h;
    return AMEM_OK;
}

void amem__dam_clear_records(amem_dam *h)
{
    for (size_t i = 0; i < h->count; i++) {
        float *r = h->raw + i * AMEM__RAW_COUNT;
        for (int k = 0; k < AMEM__RAW_COUNT; k++)
            r[k] = NAN;
        r[AMEM__RAW_USES] = 0.0f;
    }
}

void amem__dam_clear_trainer(amem_dam *h)
{
    amem__adam_reset(h->adam);
    h->epochs = 0;
    h->epoch_pos = 0;
    for (int s = 0; s < AMEM__DAM_NSIGNAL; s++) {
        h->smin[s] = INFINITY;
        h->smax[s] = -INFINITY;
    }
    amem__dam_clear_records(h);
}

void amem__dam_init_weights(amem_dam *h)
{
    double bound = 1.0 / sqrt((double)h->n_vis);
    for (size_t i = 0; i < h->n_vis * h->n_hid; i++)
        h->w[i] = (float)((2.0 * amem__rng_uniform(&h->rng) - 1.0) * bound);
    amem__dam_clear_trainer(h);
}

int amem_dam_create(size_t visible, size_t hidden, amem_dam **out)
{
    static const char fn[] = "amem_dam_create";
    AMEM__CHECK_NULL(out, fn);
    *out = NULL;
    if (visible == 0 || hidden == 0)
        return amem__fail(AMEM_E_DIM, fn, "visible %zu, hidden %zu: need >= 1",
                          visible, hidden);
    if (visible > DIM_MAX || hidden > DIM_MAX ||
        visible * hidden > SIZE_MAX / 4 / sizeof(float))
        return amem__fail(AMEM_E_DIM, fn, "sizes %zu x %zu too large", hidden,
                          visible);
    int rc = amem__dam_alloc(fn, visible, hidden, out);
    if (rc == AMEM_OK)
        amem__dam_init_weights(*out);
    return rc;
}

void amem_dam_free(amem_dam *h)
{
    if (h == NULL)
        return;
    free(h->w);
    amem__adam_free(h->adam);
    free(h->items);
    free(h->labels);
    free(h->raw);
    free(h->order);
    amem__arena_free(h->arena);
    free(h);
}

AMEM__GETTER(amem_dam, visible, size_t, h, h->n_vis)

AMEM__GETTER(amem_dam, hidden, size_t, h, h->n_hid)

int amem_dam_reset(amem_dam *h)
{
    AMEM__CHECK_NULL(h, "amem_dam_reset");
    amem__dam_init_weights(h);
    return AMEM_OK;
}

int amem_dam_set_weights(amem_dam *h, const float *w)
{
    static const char fn[] = "amem_dam_set_weights";
    AMEM__CHECK_NULL(h, fn);
    int rc = amem__check_array(fn, "w", w, h->n_hid, h->n_vis);
    if (rc != AMEM_OK)
        return rc;
    for (size_t r = 0; r < h->n_hid; r++)
        if (amem__l2_norm(w + r * h->n_vis, h->n_vis) <= AMEM__DAM_EPS)
            return amem__fail(AMEM_E_ARG, fn, "row %zu is zero", r);
    memcpy(h->w, w, h->n_vis * h->n_hid * sizeof(float));
    amem__dam_clear_trainer(h);
    return AMEM_OK;
}

int amem_dam_get_weights(const amem_dam *h, float *w, int normalized)
{
    static const char fn[] = "amem_dam_get_weights";
    AMEM__CHECK_NULL(h, fn);
    AMEM__CHECK_NULL(w, fn);
    if (normalized != 0 && normalized != 1)
        return amem__fail(AMEM_E_ARG, fn, "normalized = %d, need 0 or 1",
                          normalized);
    if (!normalized) {
        memcpy(w, h->w, h->n_vis * h->n_hid * sizeof(float));
        return AMEM_OK;
    }
    for (size_t r = 0; r < h->n_hid; r++)
        amem__l2_normalize_row(h->w + r * h->n_vis, w + r * h->n_vis,
                               h->n_vis, AMEM__DAM_EPS);
    return AMEM_OK;
}

AMEM__GETTER(amem_dam, data_count, size_t, h, h->count)

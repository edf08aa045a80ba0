/*
 * Save and load of the dense associative memory in the shared model file
 * format (core/modelfile.h), piece kind AMEM__KIND_DAM. Payload, all
 * little-endian:
 *   u64 N, u64 M,
 *   u32 setting count (AMEM__DAM_NPARAM), f64 x count settings,
 *   u64 x 4 RNG state,
 *   f32 weights M x N,
 *   u64 Adam step t, f32 Adam m (M x N), f32 Adam v (M x N),
 *   u64 epochs, u32 signal count, f64 x count minima, f64 x count maxima,
 *   u64 n (training items, 0 = none), u32 has_labels,
 *   f32 items n x N, u32 x n labels (if has_labels),
 *   f32 records n x AMEM__RAW_COUNT,
 * then (since 0.2.0; files without it load with a new epoch next):
 *   u32 2 (epoch-state version), u64 epoch position p,
 *   u64 x n the epoch's order of the rows (only when p > 0).
 * Every size is checked against what remains before anything is allocated.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/check.h"
#include "core/error.h"
#include "core/modelfile.h"
#include "core/piece.h"
#include "core/settings.h"
#include "core/optim.h"
#include "dam_impl.h"

#define EPOCH_STATE_VERSION 2u

static void write_payload(const void *handle, amem__wbuf *w)
{
    const amem_dam *h = handle;
    size_t mn = h->n_vis * h->n_hid;
    amem__put_u64(w, h->n_vis);
    amem__put_u64(w, h->n_hid);
    amem__settings_put(w, h->param, AMEM__DAM_NPARAM);
    amem__put_rng(w, &h->rng);
    amem__put_f32s(w, h->w, mn);
    amem__put_u64(w, (uint64_t)h->adam->t);
    amem__adam_put_moments(w, h->adam);
    amem__put_u64(w, (uint64_t)h->epochs);
    amem__put_u32(w, AMEM__DAM_NSIGNAL);
    for (int s = 0; s < AMEM__DAM_NSIGNAL; s++)
        amem__put_f64(w, h->smin[s]);
    for (int s = 0; s < AMEM__DAM_NSIGNAL; s++)
        amem__put_f64(w, h->smax[s]);
    amem__put_u64(w, h->count);
    amem__put_u32(w, h->labels != NULL);
    amem__put_f32s(w, h->items, h->count * h->n_vis);
    for (size_t i = 0; h->labels && i < h->count; i++)
        amem__put_u32(w, (uint32_t)h->labels[i]);
    amem__put_f32s(w, h->raw, h->count * AMEM__RAW_COUNT);
    amem__put_u32(w, EPOCH_STATE_VERSION);
    amem__put_u64(w, h->epoch_pos);
    for (size_t i = 0; h->epoch_pos > 0 && i < h->count; i++)
        amem__put_u64(w, h->order[i]);
}

/* Read n floats into dst (already allocated) after checking they exist. */
static int read_floats(const char *fn, amem__rbuf *r, float *dst, size_t n,
                       int finite)
{
    if (!amem__rbuf_has(r, n, 4))
        return amem__bad_file(fn, "array longer than the file");
    amem__get_f32s(r, dst, n);
    if (r->failed || (finite && !amem__all_finite(dst, n)))
        return amem__bad_file(fn, "truncated or non-finite array");
    return AMEM_OK;
}

static int read_head(const char *fn, amem__rbuf *r, uint64_t *n, uint64_t *m,
                     double *param, amem__rng *rng)
{
    *n = amem__get_u64(r);
    *m = amem__get_u64(r);
    amem__settings_defaults(&amem__dam_settings, param);
    int rc = amem__settings_take(fn, r, &amem__dam_settings, param, NULL);
    if (rc != AMEM_OK)
        return rc;
    amem__get_rng(r, rng);
    if (r->failed)
        return amem__bad_file(fn, "truncated header");
    if (*n == 0 || *m == 0 || *n > (1u << 24) || *m > (1u << 24))
        return amem__bad_file(fn, "dimensions out of range");
    size_t mn;
    if (amem__mul_size((size_t)*n, (size_t)*m, &mn) != 0 ||
        !amem__rbuf_has(r, mn, 12))
        return amem__bad_file(fn, "weights longer than the file");
    return AMEM_OK;
}

static int read_trainer(const char *fn, amem__rbuf *r, amem_dam *h)
{
    size_t mn = h->n_vis * h->n_hid;
    int rc = read_floats(fn, r, h->w, mn, 1);
    uint64_t t = amem__get_u64(r);
    if (rc == AMEM_OK)
        rc = amem__adam_get_moments(fn, r, h->adam);
    uint64_t ep = amem__get_u64(r);
    uint32_t ns = amem__get_u32(r);
    if (rc != AMEM_OK)
        return rc;
    if (r->failed || t > INT32_MAX || ep > INT32_MAX ||
        ns != AMEM__DAM_NSIGNAL)
        return amem__bad_file(fn, "trainer state");
    h->adam->t = (long)t;
    h->epochs = (long)ep;
    for (int s = 0; s < AMEM__DAM_NSIGNAL; s++)
        h->smin[s] = amem__get_f64(r);
    for (int s = 0; s < AMEM__DAM_NSIGNAL; s++)
        h->smax[s] = amem__get_f64(r);
    for (int s = 0; s < AMEM__DAM_NSIGNAL; s++)
        if (isnan(h->smin[s]) || isnan(h->smax[s]))
            return amem__bad_file(fn, "signal range");
    return r->failed ? amem__bad_file(fn, "truncated trainer state") : AMEM_OK;
}

static int read_data(const char *fn, amem__rbuf *r, amem_dam *h)
{
    uint64_t n = amem__get_u64(r);
    uint32_t has_labels = amem__get_u32(r);
    size_t len;
    if (r->failed || has_labels > 1)
        return amem__bad_file(fn, "data header");
    if (n == 0)
        return AMEM_OK;
    if (n > INT32_MAX || amem__mul_size((size_t)n, h->n_vis, &len) != 0 ||
        !amem__rbuf_has(r, len, 4) ||
        !amem__rbuf_has(r, (size_t)n, AMEM__RAW_COUNT * 4))
        return amem__bad_file(fn, "data longer than the file");
    h->items = amem__alloc(len, 1, sizeof(float));
    h->raw = amem__alloc((size_t)n, AMEM__RAW_COUNT, sizeof(float));
    h->labels = has_labels ? amem__alloc((size_t)n, 1, sizeof(int32_t)) : NULL;
    h->order = amem__zalloc((size_t)n, 1, sizeof(size_t));
    if (!h->items || !h->raw || !h->order || (has_labels && !h->labels))
        return amem__fail(AMEM_E_NOMEM, fn, "cannot allocate %zu items",
                          (size_t)n);
    h->count = (size_t)n;
    int rc = read_floats(fn, r, h->items, len, 1);
    for (size_t i = 0; rc == AMEM_OK && has_labels && i < n; i++) {
        uint32_t v = amem__get_u32(r);
        if (r->failed || v > 1)
            return amem__bad_file(fn, "label");
        h->labels[i] = (int32_t)v;
    }
    if (rc == AMEM_OK)
        rc = read_floats(fn, r, h->raw, (size_t)n * AMEM__RAW_COUNT, 0);
    return rc;
}

/* The epoch position, absent from files written before 0.2.0. */
static int read_epoch_state(const char *fn, amem__rbuf *r, amem_dam *h)
{
    if (r->pos == r->len)
        return AMEM_OK;
    uint32_t version = amem__get_u32(r);
    uint64_t pos = amem__get_u64(r);
    if (r->failed || version != EPOCH_STATE_VERSION ||
        (pos > 0 && pos >= h->count) ||
        (pos > 0 && !amem__rbuf_has(r, h->count, 8)))
        return amem__bad_file(fn, "epoch state");
    h->epoch_pos = (size_t)pos;
    for (size_t i = 0; pos > 0 && i < h->count; i++) {
        uint64_t row = amem__get_u64(r);
        if (row >= h->count)
            return amem__bad_file(fn, "epoch order");
        h->order[i] = (size_t)row;
    }
    return r->failed ? amem__bad_file(fn, "truncated epoch state") : AMEM_OK;
}

static int read_payload(const char *fn, amem__rbuf *r, void **out)
{
    uint64_t n, m;
    amem__rng rng;
    double param[AMEM__DAM_NPARAM];
    int rc = read_head(fn, r, &n, &m, param, &rng);
    amem_dam *h = NULL;
    if (rc == AMEM_OK)
        rc = amem__dam_alloc(fn, (size_t)n, (size_t)m, &h);
    *out = h;
    if (rc != AMEM_OK)
        return rc;
    memcpy(h->param, param, sizeof h->param);
    h->rng = rng;
    rc = read_trainer(fn, r, h);
    if (rc == AMEM_OK)
        rc = read_data(fn, r, h);
    return rc == AMEM_OK ? read_epoch_state(fn, r, h) : rc;
}

static void release(void *handle) { amem_dam_free(handle); }

static const amem__piece piece = {"amem_dam", AMEM__KIND_DAM, 0, write_payload,
                                  read_payload, release};

AMEM__PIECE_PERSISTENCE(amem_dam, piece)

/*
 * Save and load of the key-value memory in the shared model file format
 * (core/modelfile.h), piece kind AMEM__KIND_KVMEM. Payload, little-endian:
 *   u32 variant (0 = kvmem; 1 = TVT, see tvt_persist.c),
 *   u64 d, u64 N, u64 m,
 *   u32 setting count (AMEM__KVMEM_NPARAM), f64 x count settings,
 *   u64 x 4 RNG state, u64 pointer, u64 count,
 *   u64 n_gated, u64 x n_gated gated slots of the last write,
 *   f32 K (N x d), f32 V (N x m),
 *   u32 x N stability flags (bit 0 key row, bit 1 value slot),
 *   u64 Adam step, f32 x 12 first moments, f32 x 12 second moments.
 * Every size is checked against the remaining payload before allocating.
 */
#include <stdlib.h>
#include <string.h>

#include "core/check.h"
#include "core/error.h"
#include "core/modelfile.h"
#include "core/piece.h"
#include "core/settings.h"
#include "core/optim.h"
#include "kvmem_impl.h"

#define KV_VARIANT 0u

static void write_payload(const void *handle, amem__wbuf *w)
{
    const amem_kvmem *h = handle;
    amem__put_u32(w, KV_VARIANT);
    amem__put_u64(w, h->d);
    amem__put_u64(w, h->N);
    amem__put_u64(w, h->m);
    amem__settings_put(w, h->param, AMEM__KVMEM_NPARAM);
    amem__put_rng(w, &h->rng);
    amem__put_u64(w, h->pointer);
    amem__put_u64(w, h->count);
    amem__put_u64(w, h->n_gated);
    for (size_t k = 0; k < h->n_gated; k++)
        amem__put_u64(w, h->gated[k]);
    amem__put_f32s(w, h->K, h->N * h->d);
    amem__put_f32s(w, h->V, h->N * h->m);
    for (size_t i = 0; i < h->N; i++)
        amem__put_u32(w, (uint32_t)(h->key_frozen[i] |
                                    (h->value_frozen[i] << 1)));
    amem__adam_put_state(w, h->adam);
}

static int read_head(const char *fn, amem__rbuf *r, amem_kvmem **out)
{
    if (amem__get_u32(r) != KV_VARIANT || r->failed)
        return amem__bad_file(
            fn, "not a key-value memory (TVT or unknown variant)");
    uint64_t d = amem__get_u64(r), N = amem__get_u64(r);
    uint64_t m = amem__get_u64(r);
    double param[AMEM__KVMEM_NPARAM];
    amem__settings_defaults(&amem__kvmem_settings, param);
    int rc = amem__settings_take(fn, r, &amem__kvmem_settings, param, NULL);
    if (rc != AMEM_OK)
        return rc;
    size_t nd, nm;
    if (d == 0 || N == 0 || m == 0 || d > INT32_MAX || N > INT32_MAX ||
        m > INT32_MAX || amem__mul_size(N, d, &nd) ||
        amem__mul_size(N, m, &nm) || nd + nm < nd ||
        !amem__rbuf_has(r, nd + nm, 4))
        return amem__bad_file(fn, "sizes out of range or longer than the file");
    rc = amem__kvmem_alloc(fn, d, N, m, out);
    if (rc == AMEM_OK)
        memcpy((*out)->param, param, sizeof param);
    return rc;
}

static int read_state(const char *fn, amem__rbuf *r, amem_kvmem *h)
{
    amem__get_rng(r, &h->rng);
    uint64_t pointer = amem__get_u64(r);
    h->count = amem__get_u64(r);
    uint64_t n_gated = amem__get_u64(r);
    if (r->failed || pointer >= h->N || n_gated > h->N ||
        !amem__rbuf_has(r, n_gated, 8))
        return amem__bad_file(fn, "pointer or gated slots out of range");
    h->pointer = pointer;
    h->n_gated = n_gated;
    for (size_t k = 0; k < n_gated; k++) {
        uint64_t i = amem__get_u64(r);
        if (i >= h->N)
            return amem__bad_file(fn, "gated slot out of range");
        h->gated[k] = i;
    }
    amem__get_f32s(r, h->K, h->N * h->d);
    amem__get_f32s(r, h->V, h->N * h->m);
    if (r->failed || !amem__all_finite(h->K, h->N * h->d) ||
        !amem__all_finite(h->V, h->N * h->m))
        return amem__bad_file(fn, "truncated or non-finite weights");
    if (!amem__rbuf_has(r, h->N, 4))
        return amem__bad_file(fn, "stability flags longer than the file");
    for (size_t i = 0; i < h->N; i++) {
        uint32_t f = amem__get_u32(r);
        if (f > 3)
            return amem__bad_file(fn, "invalid stability flag");
        h->key_frozen[i] = f & 1;
        h->value_frozen[i] = (unsigned char)(f >> 1);
    }
    return AMEM_OK;
}

static int read_payload(const char *fn, amem__rbuf *r, void **out)
{
    amem_kvmem *h = NULL;
    int rc = read_head(fn, r, &h);
    *out = h;
    if (rc == AMEM_OK)
        rc = read_state(fn, r, h);
    if (rc == AMEM_OK)
        rc = amem__adam_get_state(fn, r, h->adam);
    return rc;
}

static void release(void *handle) { amem_kvmem_free(handle); }

static const amem__piece piece = {"amem_kvmem", AMEM__KIND_KVMEM, 0,
                                  write_payload, read_payload, release};

AMEM__PIECE_PERSISTENCE(amem_kvmem, piece)

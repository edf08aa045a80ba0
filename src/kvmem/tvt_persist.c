/*
 * Save and load of the TVT memory, piece kind AMEM__KIND_TVT (files written
 * before 0.2 carry the key-value memory's kind, AMEM__KIND_KVMEM, with the
 * same payload, and still load). Payload, little-endian:
 *   u32 variant (1), u64 d, u64 N, u64 m,
 *   u32 setting count (AMEM__TVT_NPARAM), f64 x count,
 *   u64 x 4 RNG state, u64 count,
 *   f32 keys (N x d), f32 values (N x m), f32 theta (d^2 + 2d + 1),
 *   u64 Adam step, f32 first moments, f32 second moments (theta length).
 */
#include <stdlib.h>
#include <string.h>

#include "core/check.h"
#include "core/error.h"
#include "core/modelfile.h"
#include "core/piece.h"
#include "core/settings.h"
#include "core/optim.h"
#include "tvt_impl.h"

#define TVT_VARIANT 1u

static void write_payload(const void *handle, amem__wbuf *w)
{
    const amem_tvt *h = handle;
    size_t th = amem__tvt_theta_len(h->d);
    amem__put_u32(w, TVT_VARIANT);
    amem__put_u64(w, h->d);
    amem__put_u64(w, h->N);
    amem__put_u64(w, h->m);
    amem__settings_put(w, h->param, AMEM__TVT_NPARAM);
    amem__put_rng(w, &h->rng);
    amem__put_u64(w, h->count);
    amem__put_f32s(w, h->keys, h->N * h->d);
    amem__put_f32s(w, h->values, h->N * h->m);
    amem__put_f32s(w, h->theta, th);
    amem__adam_put_state(w, h->adam);
}

static int read_head(const char *fn, amem__rbuf *r, amem_tvt **out)
{
    if (amem__get_u32(r) != TVT_VARIANT || r->failed)
        return amem__bad_file(fn, "not a TVT memory");
    uint64_t d = amem__get_u64(r), N = amem__get_u64(r);
    uint64_t m = amem__get_u64(r);
    double param[AMEM__TVT_NPARAM];
    amem__settings_defaults(&amem__tvt_settings, param);
    int rc = amem__settings_take(fn, r, &amem__tvt_settings, param, NULL);
    if (rc != AMEM_OK)
        return rc;
    size_t nd, nm;
    if (d == 0 || N == 0 || m == 0 || d > 46340 || N > INT32_MAX ||
        m > INT32_MAX || amem__mul_size(N, d, &nd) ||
        amem__mul_size(N, m, &nm) || nd + nm < nd ||
        !amem__rbuf_has(r, nd + nm + 3 * amem__tvt_theta_len(d), 4))
        return amem__bad_file(fn, "sizes out of range or longer than the file");
    rc = amem__tvt_alloc(fn, d, N, m, out);
    if (rc == AMEM_OK)
        memcpy((*out)->param, param, sizeof param);
    return rc;
}

static int read_body(const char *fn, amem__rbuf *r, amem_tvt *h)
{
    size_t th = amem__tvt_theta_len(h->d);
    amem__get_rng(r, &h->rng);
    h->count = amem__get_u64(r);
    amem__get_f32s(r, h->keys, h->N * h->d);
    amem__get_f32s(r, h->values, h->N * h->m);
    amem__get_f32s(r, h->theta, th);
    if (r->failed)
        return amem__bad_file(fn, "truncated body");
    if (!amem__all_finite(h->keys, h->N * h->d) ||
        !amem__all_finite(h->values, h->N * h->m) ||
        !amem__all_finite(h->theta, th))
        return amem__bad_file(fn, "non-finite values");
    return amem__adam_get_state(fn, r, h->adam);
}

static int read_payload(const char *fn, amem__rbuf *r, void **out)
{
    amem_tvt *h = NULL;
    int rc = read_head(fn, r, &h);
    *out = h;
    return rc == AMEM_OK ? read_body(fn, r, h) : rc;
}

static void release(void *handle) { amem_tvt_free(handle); }

static const amem__piece piece = {"amem_tvt", AMEM__KIND_TVT, AMEM__KIND_KVMEM,
                                  write_payload, read_payload, release};

AMEM__PIECE_PERSISTENCE(amem_tvt, piece)

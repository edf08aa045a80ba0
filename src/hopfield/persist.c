/*
 * Save and load of the Hopfield handle in the shared model file format
 * (core/modelfile.h), piece kind AMEM__KIND_HOPFIELD. Payload, all
 * little-endian:
 *   u32 kind, u64 dim, u64 value_dim,
 *   u32 setting count (AMEM__HOPFIELD_NPARAM), f64 x count settings
 *   (core/settings.h: files written before SIMILARITY and SEPARATION
 *   existed have 12; the missing settings load at their defaults),
 *   u64 x 4 RNG state, u64 count,
 *   CLASSICAL: f32 weights, (m ? m : d) x d
 *   others, files with DTYPE among their settings (15 or more):
 *     u64 next id to assign, then each of these blocks starting at a file
 *     offset that is a multiple of 64 (zero bytes before it), so that a
 *     mapping of the file (mapped.c) can use them in place:
 *       keys    count x d in the DTYPE's encoding (f32, bf16, int8)
 *       scales  f32 x count (INT8 only)
 *       values  f32 count x m (hetero MODERN only)
 *       ids     u64 x count
 *   others, older files: f32 keys count x d, then (hetero MODERN) f32
 *     values count x m; the rows get ids 0 .. count-1.
 * Nothing else follows. Every size is checked against what remains of the
 * payload (overflow-safe) before anything is allocated; keys, scales and
 * values must be finite, ids unique and below the next id. The squared
 * norms of the MODERN keys are derived data, recomputed on load.
 */
#include <stdlib.h>
#include <string.h>

#include "core/check.h"
#include "core/error.h"
#include "core/modelfile.h"
#include "core/piece.h"
#include "core/settings.h"
#include "hopfield_impl.h"
#include "mapped.h"
#include "quant.h"

static void put_aligned(amem__wbuf *w, const void *src, size_t n)
{
    static const unsigned char zeros[AMEM__ROW_ALIGN];
    amem__put_raw(w, zeros, amem__row_pad(w->len));
    amem__put_raw(w, src, n);
}

static void write_rows(const amem_hopfield *h, amem__wbuf *w)
{
    size_t N = h->count, d = h->dim;
    int dtype = amem__hopfield_dtype(h);
    amem__put_u64(w, h->next_id);
    put_aligned(w, h->keys ? (const void *)h->keys : h->qkeys,
                N * d * amem__dtype_size(dtype));
    if (dtype == AMEM_HOPFIELD_DTYPE_INT8)
        put_aligned(w, h->qscale, N * sizeof(float));
    if (h->value_dim > 0)
        put_aligned(w, h->values, N * h->value_dim * sizeof(float));
    put_aligned(w, h->ids, N * sizeof(uint64_t));
}

static void write_payload(const void *handle, amem__wbuf *w)
{
    const amem_hopfield *h = handle;
    amem__put_u32(w, (uint32_t)h->kind);
    amem__put_u64(w, h->dim);
    amem__put_u64(w, h->value_dim);
    amem__settings_put(w, h->param, AMEM__HOPFIELD_NPARAM);
    amem__put_rng(w, &h->rng);
    amem__put_u64(w, h->count);
    if (h->kind == AMEM_HOPFIELD_CLASSICAL) {
        size_t rows = h->value_dim ? h->value_dim : h->dim;
        amem__put_f32s(w, h->weights, rows * h->dim);
        return;
    }
    write_rows(h, w);
}

/* The fixed-size head of the payload, validated. */
typedef struct head {
    uint32_t kind;
    uint64_t dim, value_dim, count;
    double param[AMEM__HOPFIELD_NPARAM];
    amem__rng rng;
} head;

static int read_head(const char *fn, amem__rbuf *r, head *hd)
{
    hd->kind = amem__get_u32(r);
    hd->dim = amem__get_u64(r);
    hd->value_dim = amem__get_u64(r);
    amem__hopfield_default_params((int)hd->kind, hd->param);
    int rc = amem__settings_take(fn, r, &amem__hopfield_settings, hd->param,
                                 amem__hopfield_check_param);
    if (rc != AMEM_OK)
        return rc;
    amem__get_rng(r, &hd->rng);
    hd->count = amem__get_u64(r);
    if (r->failed)
        return amem__bad_file(fn, "truncated header");
    if (hd->kind > AMEM_HOPFIELD_MODERN)
        return amem__bad_file(fn, "unknown network kind");
    if (hd->dim == 0 || hd->dim > INT32_MAX || hd->value_dim > INT32_MAX ||
        hd->count > INT32_MAX)
        return amem__bad_file(fn, "dimension or count out of range");
    if (hd->value_dim > 0 && hd->kind != AMEM_HOPFIELD_CLASSICAL &&
        hd->kind != AMEM_HOPFIELD_MODERN)
        return amem__bad_file(fn,
                              "value dimension for an autoassociative kind");
    for (int i = 0; i < AMEM__HOPFIELD_NPARAM; i++)
        if (amem__hopfield_check_kind_param(fn, (int)hd->kind, i,
                                            hd->param[i]) != AMEM_OK)
            return amem__bad_file(fn, "setting the kind does not have");
    return AMEM_OK;
}

/* Read n floats into a new array after checking they are all present. */
static int read_floats(const char *fn, amem__rbuf *r, size_t rows,
                       size_t cols, float **dst)
{
    size_t n;
    if (amem__mul_size(rows, cols, &n) != 0 || !amem__rbuf_has(r, n, 4))
        return amem__bad_file(fn, "array longer than the file");
    if (n == 0)
        return AMEM_OK;
    float *buf = amem__alloc(n, 1, sizeof(float));
    if (buf == NULL)
        return amem__fail(AMEM_E_NOMEM, fn, "cannot allocate %zu floats", n);
    amem__get_f32s(r, buf, n);
    if (r->failed || !amem__all_finite(buf, n)) {
        free(buf);
        return amem__bad_file(fn, "truncated or non-finite array");
    }
    free(*dst);
    *dst = buf;
    return AMEM_OK;
}

/* Old layout: f32 keys and values, ids 0 .. count-1. */
static int read_old_rows(const char *fn, amem__rbuf *r, amem_hopfield *h)
{
    int rc = read_floats(fn, r, h->count, h->dim, &h->keys);
    if (rc == AMEM_OK && h->value_dim > 0)
        rc = read_floats(fn, r, h->count, h->value_dim, &h->values);
    h->ids = amem__alloc(h->count ? h->count : 1, 1, sizeof(uint64_t));
    if (rc == AMEM_OK && h->ids == NULL)
        rc = amem__fail(AMEM_E_NOMEM, fn, "cannot allocate %zu ids",
                        h->count);
    for (size_t i = 0; rc == AMEM_OK && i < h->count; i++)
        h->ids[i] = i;
    h->next_id = h->count;
    return rc;
}

static int read_body(const char *fn, amem__rbuf *r, amem_hopfield *h,
                     int has_ids, int borrow)
{
    if (h->kind == AMEM_HOPFIELD_CLASSICAL)
        return read_floats(fn, r, h->value_dim ? h->value_dim : h->dim,
                           h->dim, &h->weights);
    int rc = has_ids ? amem__hopfield_read_rows(fn, r, h, borrow)
             : borrow ? amem__fail(AMEM_E_UNSUPPORTED, fn, "the file "
                                   "predates the mappable layout; load and "
                                   "save it once")
                      : read_old_rows(fn, r, h);
    h->capacity = borrow ? 0 : h->count;
    if (rc == AMEM_OK)
        h->idmap_ready = 0;
    if (rc == AMEM_OK && !borrow)
        rc = amem__hopfield_index_ids(h);
    if (rc != AMEM_OK || h->kind != AMEM_HOPFIELD_MODERN || h->count == 0)
        return rc;
    h->key_norm_sq = amem__alloc(h->count, 1, sizeof(float));
    if (h->key_norm_sq == NULL)
        return amem__fail(AMEM_E_NOMEM, fn, "cannot allocate %zu norms",
                          h->count);
    amem__hopfield_square_keys(h, 0);
    return AMEM_OK;
}

/* The CLASSICAL weights must be present before the handle allocates them. */
static int check_body_size(const char *fn, const amem__rbuf *r,
                           const head *hd)
{
    size_t rows = hd->value_dim ? hd->value_dim : hd->dim, n;
    if (hd->kind == AMEM_HOPFIELD_CLASSICAL &&
        (amem__mul_size(rows, hd->dim, &n) != 0 || !amem__rbuf_has(r, n, 4)))
        return amem__bad_file(fn, "weight matrix longer than the file");
    return AMEM_OK;
}

/* The setting count of the payload at r (0 when too short to say). */
static uint32_t peek_setting_count(const amem__rbuf *r)
{
    const size_t at = 4 + 8 + 8; /* after kind, dim, value_dim */
    if (r->len < r->pos + at + 4)
        return 0;
    const unsigned char *p = r->data + r->pos + at;
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

int amem__hopfield_read(const char *fn, amem__rbuf *r, int borrow,
                        amem_hopfield **out)
{
    head hd;
    int has_ids = peek_setting_count(r) > AMEM_HOPFIELD_DTYPE;
    int rc = read_head(fn, r, &hd);
    if (rc == AMEM_OK)
        rc = check_body_size(fn, r, &hd);
    amem_hopfield *h = NULL;
    if (rc == AMEM_OK)
        rc = amem__hopfield_alloc(fn, (int)hd.kind, hd.dim, hd.value_dim, &h);
    *out = h;
    if (rc != AMEM_OK)
        return rc;
    memcpy(h->param, hd.param, sizeof h->param);
    h->rng = hd.rng;
    h->count = hd.count;
    return read_body(fn, r, h, has_ids, borrow);
}

static int read_payload(const char *fn, amem__rbuf *r, void **out)
{
    amem_hopfield *h = NULL;
    int rc = amem__hopfield_read(fn, r, 0, &h);
    *out = h;
    return rc;
}

static void release(void *handle) { amem_hopfield_free(handle); }

static const amem__piece piece = {"amem_hopfield", AMEM__KIND_HOPFIELD, 0,
                                  write_payload, read_payload, release};

AMEM__PIECE_PERSISTENCE(amem_hopfield, piece)

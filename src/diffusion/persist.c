/*
 * Save and load of the diffusion handle in the shared model file format
 * (core/modelfile.h), piece kind AMEM__KIND_DIFFUSION. Payload, all
 * little-endian:
 *   u64 dim,
 *   u32 setting count (AMEM__DIFFUSION_NPARAM), f64 x count settings,
 *   u64 x 4 RNG state,
 *   u64 count, f32 patterns count x dim,
 *   u32 has_network (0/1); when 1:
 *     u64 hidden, u64 layers, u64 Adam step t,
 *     f32 parameters, f32 Adam first moments, f32 second moments
 *     (n_params each, n_params given by dim, hidden and layers),
 *   only when the semantic density has a mean or a manifold
 *   (amem_diffusion_set_semantic; absent in older files, which load with
 *   none, and in every file of a handle without one):
 *     u64 rank r (<= dim), f64 mean m x dim, f64 directions r x dim
 *     (orthonormal), f64 spreads r (>= 0).
 * Nothing else follows. Sizes are checked against what remains of the
 * payload (overflow-safe) before anything is allocated; a manifold whose
 * directions are not orthonormal (within 1e-6), or with a negative or
 * non-finite entry, is a corrupted file.
 */
#include <stdlib.h>
#include <string.h>

#include "core/check.h"
#include "core/error.h"
#include "core/modelfile.h"
#include "core/piece.h"
#include "core/settings.h"
#include "core/optim.h"
#include "diffusion_impl.h"

#define MAX_FILE_DIM ((uint64_t)1 << 24)

static void write_payload(const void *handle, amem__wbuf *w)
{
    const amem_diffusion *h = handle;
    amem__put_u64(w, h->dim);
    amem__settings_put(w, h->param, AMEM__DIFFUSION_NPARAM);
    amem__put_rng(w, &h->rng);
    amem__put_u64(w, h->count);
    amem__put_f32s(w, h->patterns, h->count * h->dim);
    const amem__dmlp *m = h->net;
    amem__put_u32(w, m != NULL);
    if (m != NULL) {
        amem__put_u64(w, m->hidden);
        amem__put_u64(w, m->layers);
        amem__put_u64(w, (uint64_t)m->adam->t);
        amem__put_f32s(w, m->params, m->n_params);
        amem__adam_put_moments(w, m->adam);
    }
    if (h->sem == NULL)
        return;
    const size_t len = (h->sem->rank + 1) * h->dim + h->sem->rank;
    amem__put_u64(w, h->sem->rank);
    for (size_t i = 0; i < len; i++) /* basis, then spreads (contiguous) */
        amem__put_f64(w, h->sem->basis[i]);
}

/* Read rows x cols finite floats into dst (allocated by the caller). */
static int read_floats(const char *fn, amem__rbuf *r, float *dst, size_t n)
{
    amem__get_f32s(r, dst, n);
    if (r->failed || !amem__all_finite(dst, n))
        return amem__bad_file(fn, "truncated or non-finite array");
    return AMEM_OK;
}

static int read_head(const char *fn, amem__rbuf *r, amem_diffusion **out)
{
    uint64_t dim = amem__get_u64(r);
    if (r->failed || dim == 0 || dim > MAX_FILE_DIM)
        return amem__bad_file(fn, "truncated header or dimension out of range");
    double param[AMEM__DIFFUSION_NPARAM];
    amem__diffusion_default_params((size_t)dim, param);
    int rc = amem__settings_take(fn, r, &amem__diffusion_settings, param, NULL);
    if (rc != AMEM_OK)
        return rc;
    rc = amem_diffusion_create((size_t)dim, out);
    if (rc != AMEM_OK)
        return rc;
    memcpy((*out)->param, param, sizeof param);
    amem__get_rng(r, &(*out)->rng);
    return r->failed ? amem__bad_file(fn, "truncated RNG state") : AMEM_OK;
}

static int read_patterns(const char *fn, amem__rbuf *r, amem_diffusion *h)
{
    uint64_t count = amem__get_u64(r);
    size_t n;
    if (r->failed || count > INT32_MAX ||
        amem__mul_size((size_t)count, h->dim, &n) != 0 ||
        !amem__rbuf_has(r, n, 4))
        return amem__bad_file(fn, "pattern array longer than the file");
    if (count == 0)
        return AMEM_OK;
    h->patterns = amem__alloc(n, 1, sizeof(float));
    if (h->patterns == NULL)
        return amem__fail(AMEM_E_NOMEM, fn, "cannot allocate %zu floats", n);
    h->count = h->capacity = (size_t)count;
    return read_floats(fn, r, h->patterns, n);
}

static int read_network(const char *fn, amem__rbuf *r, amem_diffusion *h)
{
    uint32_t has = amem__get_u32(r);
    if (r->failed || has > 1)
        return amem__bad_file(fn, "invalid network flag");
    if (has == 0)
        return AMEM_OK;
    uint64_t hidden = amem__get_u64(r), layers = amem__get_u64(r);
    uint64_t t = amem__get_u64(r);
    if (r->failed || hidden < 1 || hidden > 65536 || layers < 1 ||
        layers > 16 || t > (uint64_t)INT32_MAX * 1024)
        return amem__bad_file(fn, "network shape out of range");
    size_t count = amem__dmlp_param_count(h->dim, hidden, layers), n3;
    if (count == 0 || amem__mul_size(count, 3, &n3) != 0 ||
        !amem__rbuf_has(r, n3, 4))
        return amem__bad_file(fn, "network longer than the file");
    int rc = amem__dmlp_create(fn, h->dim, hidden, layers, &h->net);
    if (rc != AMEM_OK)
        return rc;
    h->net->adam->t = (long)t;
    rc = read_floats(fn, r, h->net->params, count);
    if (rc == AMEM_OK)
        rc = amem__adam_get_moments(fn, r, h->net->adam);
    return rc;
}

/* The optional semantic manifold at the end of the payload. */
static int read_semantic(const char *fn, amem__rbuf *r, amem_diffusion *h)
{
    if (r->pos == r->len)
        return AMEM_OK;
    uint64_t rank = amem__get_u64(r);
    size_t rows, len;
    if (r->failed || rank > h->dim ||
        amem__mul_size((size_t)rank + 1, h->dim, &rows) != 0 ||
        amem__add_size(rows, (size_t)rank, &len) != 0 ||
        !amem__rbuf_has(r, len, 8))
        return amem__bad_file(fn, "semantic manifold longer than the file");
    h->sem = amem__semantic_new(h->dim, (size_t)rank);
    if (h->sem == NULL)
        return amem__fail(AMEM_E_NOMEM, fn, "cannot allocate %zu doubles",
                          len);
    for (size_t i = 0; i < len; i++)
        h->sem->basis[i] = amem__get_f64(r);
    if (r->failed || !amem__semantic_valid(h->sem, h->dim, 1e-6))
        return amem__bad_file(fn, "invalid semantic manifold");
    amem__semantic_finish(h->sem, h->dim);
    if (rank == 0 && h->sem->m2 == 0.0) { /* the isotropic case */
        amem__semantic_free(h->sem);
        h->sem = NULL;
    }
    return AMEM_OK;
}

static int read_payload(const char *fn, amem__rbuf *r, void **out)
{
    amem_diffusion *h = NULL;
    int rc = read_head(fn, r, &h);
    *out = h;
    if (rc == AMEM_OK)
        rc = read_patterns(fn, r, h);
    if (rc == AMEM_OK)
        rc = read_network(fn, r, h);
    return rc == AMEM_OK ? read_semantic(fn, r, h) : rc;
}

static void release(void *handle) { amem_diffusion_free(handle); }

static const amem__piece piece = {"amem_diffusion", AMEM__KIND_DIFFUSION, 0,
                                  write_payload, read_payload, release};

AMEM__PIECE_PERSISTENCE(amem_diffusion, piece)

/* Life cycle of the Hopfield handle: create, free, queries, clear. */
#include <stdlib.h>
#include <string.h>

#include "core/check.h"
#include "core/error.h"
#include "hopfield_impl.h"
#include "mapped.h"
#include "quant.h"

int amem__hopfield_keeps_patterns(int kind)
{
    return kind != AMEM_HOPFIELD_CLASSICAL;
}

size_t amem__hopfield_out_dim(const amem_hopfield *h)
{
    return h->value_dim ? h->value_dim : h->dim;
}

static int kind_known(int kind)
{
    return kind >= AMEM_HOPFIELD_CLASSICAL && kind <= AMEM_HOPFIELD_MODERN;
}

/* Size of the CLASSICAL weight matrix in floats, or 0 on overflow. */
static size_t weight_len(size_t dim, size_t value_dim)
{
    size_t n;
    if (amem__mul_size(value_dim ? value_dim : dim, dim, &n) != 0)
        return 0;
    return n;
}

int amem__hopfield_alloc(const char *fn, int kind, size_t dim,
                         size_t value_dim, amem_hopfield **out)
{
    amem_hopfield *h = calloc(1, sizeof *h);
    if (h == NULL)
        return amem__fail(AMEM_E_NOMEM, fn, "cannot allocate the handle");
    h->kind = kind;
    h->idmap_ready = 1;
    h->dim = dim;
    h->value_dim = value_dim;
    amem__hopfield_default_params(kind, h->param);
    amem__rng_seed(&h->rng, (uint64_t)h->param[AMEM_HOPFIELD_SEED]);
    if (kind == AMEM_HOPFIELD_CLASSICAL) {
        h->weights = amem__zalloc(weight_len(dim, value_dim), 1, sizeof(float));
        if (h->weights == NULL) {
            free(h);
            return amem__fail(AMEM_E_NOMEM, fn,
                              "cannot allocate the %zu x %zu weights",
                              value_dim ? value_dim : dim, dim);
        }
    }
    *out = h;
    return AMEM_OK;
}

int amem_hopfield_create(int kind, size_t dim, size_t value_dim,
                         amem_hopfield **out)
{
    static const char fn[] = "amem_hopfield_create";
    AMEM__CHECK_NULL(out, fn);
    *out = NULL;
    if (!kind_known(kind))
        return amem__fail(AMEM_E_ARG, fn, "unknown kind %d", kind);
    if (dim == 0)
        return amem__fail(AMEM_E_DIM, fn, "dimension is 0");
    if (value_dim > 0 && kind != AMEM_HOPFIELD_CLASSICAL &&
        kind != AMEM_HOPFIELD_MODERN)
        return amem__fail(AMEM_E_UNSUPPORTED, fn,
                          "kind %d is autoassociative only (value_dim %zu)",
                          kind, value_dim);
    if (weight_len(dim, value_dim) == 0 ||
        weight_len(dim + value_dim, 1) == 0 || dim + value_dim < dim)
        return amem__fail(AMEM_E_DIM, fn, "dimensions %zu, %zu too large",
                          dim, value_dim);
    return amem__hopfield_alloc(fn, kind, dim, value_dim, out);
}

/* Free the row arrays the handle owns (a mapped store's point into the
 * mapping, which is released instead). */
static void free_rows(amem_hopfield *h)
{
    if (h->map != NULL) {
        amem__hopfield_unmap(h);
    } else {
        free(h->keys);
        free(h->qkeys);
        free(h->qscale);
        free(h->values);
        free(h->ids);
    }
    free(h->key_norm_sq);
    h->keys = h->values = h->qscale = h->key_norm_sq = NULL;
    h->qkeys = NULL;
    h->ids = NULL;
    amem__idmap_clear(&h->idmap);
    h->idmap_ready = 1;
}

void amem_hopfield_free(amem_hopfield *h)
{
    if (h == NULL)
        return;
    free(h->weights);
    free_rows(h);
    amem__idmap_free(&h->idmap);
    amem__ivf_drop(h);
    free(h);
}

AMEM__GETTER(amem_hopfield, kind, int, h, h->kind)

AMEM__GETTER(amem_hopfield, dim, size_t, h, h->dim)

AMEM__GETTER(amem_hopfield, value_dim, size_t, h, h->value_dim)

AMEM__GETTER(amem_hopfield, count, size_t, h, h->count)

void amem__hopfield_drop_rows(amem_hopfield *h)
{
    free_rows(h);
    h->capacity = 0;
}

int amem_hopfield_clear(amem_hopfield *h)
{
    AMEM__CHECK_NULL(h, "amem_hopfield_clear");
    int rc = amem__hopfield_check_writable("amem_hopfield_clear", h);
    if (rc != AMEM_OK)
        return rc;
    if (h->weights)
        memset(h->weights, 0,
               weight_len(h->dim, h->value_dim) * sizeof(float));
    free_rows(h);
    h->capacity = 0;
    h->count = 0;
    h->next_id = 0;
    amem__ivf_drop(h);
    return AMEM_OK;
}

int amem__hopfield_check_writable(const char *fn, const amem_hopfield *h)
{
    if (h->map == NULL)
        return AMEM_OK;
    return amem__fail(AMEM_E_STATE, fn,
                      "the store is mapped read-only from its file; load "
                      "it with amem_hopfield_load to change it");
}

AMEM__GETTER(amem_hopfield, is_mapped, int, h, h->map != NULL)

int amem__hopfield_dtype(const amem_hopfield *h)
{
    return (int)AMEM__HP(h, DTYPE);
}

const float *amem__hopfield_key_rows(const amem_hopfield *h, size_t j0,
                                     size_t rows, float *scratch)
{
    if (h->keys != NULL)
        return h->keys + j0 * h->dim;
    amem__qrows q = {h->qkeys, h->qscale, amem__hopfield_dtype(h), h->dim};
    amem__quant_decode(&q, j0, rows, scratch);
    return scratch;
}

/* Grow one row array to cap rows of width w (elements of elem bytes),
 * keeping its contents. */
static int grow(void *rows, size_t cap, size_t w, size_t elem)
{
    void **p = rows;
    void *grown = amem__realloc(*p, cap, w, elem);
    if (grown == NULL)
        return -1;
    *p = grown;
    return 0;
}

static int grow_rows(float **rows, size_t cap, size_t w)
{
    return grow(rows, cap, w, sizeof(float));
}

/* Grow the key storage of the store's dtype. */
static int grow_keys(amem_hopfield *h, size_t cap)
{
    int dtype = amem__hopfield_dtype(h);
    if (dtype == AMEM_HOPFIELD_DTYPE_F32)
        return grow_rows(&h->keys, cap, h->dim);
    if (grow(&h->qkeys, cap, h->dim, amem__dtype_size(dtype)) != 0)
        return -1;
    return dtype == AMEM_HOPFIELD_DTYPE_INT8 ? grow_rows(&h->qscale, cap, 1)
                                             : 0;
}

int amem__hopfield_reserve(const char *fn, amem_hopfield *h, size_t more)
{
    size_t need;
    if (amem__add_size(h->count, more, &need) != 0)
        return amem__fail(AMEM_E_DIM, fn, "%zu more patterns overflow", more);
    if (need <= h->capacity)
        return AMEM_OK;
    size_t cap = h->capacity < 16 ? 16 : h->capacity;
    while (cap < need)
        cap = cap > AMEM__MAX_ELEMS / 2 ? need : cap * 2;
    /* Grow both arrays before recording the new capacity, so a failure
     * leaves the handle's contents and count as they were. */
    int modern = h->kind == AMEM_HOPFIELD_MODERN;
    if (grow_keys(h, cap) != 0 ||
        grow(&h->ids, cap, 1, sizeof(uint64_t)) != 0 ||
        amem__idmap_reserve(&h->idmap, cap) != 0 ||
        (modern && h->value_dim > 0 &&
         grow_rows(&h->values, cap, h->value_dim) != 0) ||
        (modern && grow_rows(&h->key_norm_sq, cap, 1) != 0))
        return amem__fail(AMEM_E_NOMEM, fn,
                          "cannot grow storage to %zu patterns", cap);
    h->capacity = cap;
    return AMEM_OK;
}

void amem__hopfield_square_keys(amem_hopfield *h, size_t from)
{
    if (h->kind != AMEM_HOPFIELD_MODERN)
        return;
    amem__qrows q = {h->keys ? (const void *)h->keys : h->qkeys, h->qscale,
                     amem__hopfield_dtype(h), h->dim};
    for (size_t mu = from; mu < h->count; mu++)
        h->key_norm_sq[mu] = (float)amem__quant_norm_sq(&q, mu);
}

const char *amem__hopfield_kind_name(int kind)
{
    static const char *const names[] = {"CLASSICAL", "DENSE_POLY",
                                        "DENSE_RECT", "DENSE_EXP", "MODERN"};
    return kind_known(kind) ? names[kind] : "unknown";
}

int amem__hopfield_check_modern(const char *fn, const amem_hopfield *h,
                                const char *what)
{
    if (h->kind == AMEM_HOPFIELD_MODERN)
        return AMEM_OK;
    return amem__fail(AMEM_E_UNSUPPORTED, fn,
                      "%s exists for the MODERN kind only; this network is %s",
                      what, amem__hopfield_kind_name(h->kind));
}

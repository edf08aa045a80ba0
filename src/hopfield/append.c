/*
 * Appending rows to a pattern-keeping store (dense kinds and MODERN): the
 * keys in the store's encoding, the values, and one id per row, given or
 * assigned (hopfield.h, "Stable ids"). Amortised O(d + m) per row: the row
 * arrays and the id map grow by doubling.
 */
#include <string.h>

#include "core/check.h"
#include "core/error.h"
#include "hopfield_impl.h"
#include "quant.h"

/* Put the caller's ids into the map for rows count .. count+n-1; on a
 * repeat or an id already stored take them out again. */
static int claim_ids(const char *fn, amem_hopfield *h, const uint64_t *ids,
                     size_t n)
{
    size_t row;
    for (size_t i = 0; i < n; i++) {
        int bad = ids[i] == UINT64_MAX || amem__idmap_find(&h->idmap, ids[i],
                                                           &row);
        if (!bad) {
            amem__idmap_put(&h->idmap, ids[i], h->count + i);
            continue;
        }
        for (size_t k = 0; k < i; k++)
            amem__idmap_del(&h->idmap, ids[k]);
        if (ids[i] == UINT64_MAX)
            return amem__fail(AMEM_E_ARG, fn, "id %zu is 2^64 - 1, which "
                              "is reserved", i);
        return amem__fail(AMEM_E_ARG, fn, "id %llu (entry %zu) is %s",
                          (unsigned long long)ids[i], i,
                          row >= h->count ? "repeated in ids"
                                          : "already stored");
    }
    return AMEM_OK;
}

/* Assigned ids: next_id .. next_id+n-1, all below 2^64 - 1. */
static int check_assignable(const char *fn, const amem_hopfield *h, size_t n)
{
    if ((uint64_t)n > UINT64_MAX - 1 - h->next_id)
        return amem__fail(AMEM_E_RANGE, fn, "no more ids to assign after "
                          "%llu", (unsigned long long)h->next_id);
    return AMEM_OK;
}

/* Copy keys (encoded), values and ids into rows count .. count+n-1. */
static void write_rows(amem_hopfield *h, const float *keys,
                       const float *values, const uint64_t *ids, size_t n)
{
    size_t d = h->dim, at = h->count;
    int dtype = amem__hopfield_dtype(h);
    if (h->keys != NULL || dtype == AMEM_HOPFIELD_DTYPE_F32)
        memcpy(h->keys + at * d, keys, n * d * sizeof(float));
    else
        amem__quant_encode(dtype, keys, n, d,
                           (char *)h->qkeys + at * d * amem__dtype_size(dtype),
                           h->qscale ? h->qscale + at : NULL);
    if (values != NULL)
        memcpy(h->values + at * h->value_dim, values,
               n * h->value_dim * sizeof(float));
    for (size_t i = 0; i < n; i++) {
        uint64_t id = ids ? ids[i] : h->next_id + i;
        h->ids[at + i] = id;
        if (ids == NULL)
            amem__idmap_put(&h->idmap, id, at + i);
    }
}

/* next_id past every id in rows from .. count-1. */
static void advance_next_id(amem_hopfield *h, size_t from)
{
    for (size_t r = from; r < h->count; r++)
        if (h->ids[r] >= h->next_id)
            h->next_id = h->ids[r] + 1;
}

int amem__hopfield_append_rows(const char *fn, amem_hopfield *h,
                               const float *keys, const float *values,
                               const uint64_t *ids, size_t n,
                               uint64_t *ids_out)
{
    int rc = amem__hopfield_check_writable(fn, h);
    if (rc == AMEM_OK)
        rc = amem__hopfield_index_ids(h);
    if (rc == AMEM_OK)
        rc = amem__hopfield_check_blas_size(fn, h, n);
    if (rc == AMEM_OK)
        rc = amem__quant_check(fn, amem__hopfield_dtype(h), keys, n, h->dim);
    if (rc == AMEM_OK && ids == NULL)
        rc = check_assignable(fn, h, n);
    if (rc == AMEM_OK)
        rc = amem__hopfield_reserve(fn, h, n);
    if (rc == AMEM_OK && ids != NULL)
        rc = claim_ids(fn, h, ids, n);
    if (rc != AMEM_OK)
        return rc;
    write_rows(h, keys, values, ids, n);
    h->count += n;
    advance_next_id(h, h->count - n);
    amem__hopfield_square_keys(h, h->count - n);
    for (size_t i = 0; ids_out != NULL && i < n; i++)
        ids_out[i] = h->ids[h->count - n + i];
    amem__ivf_drop(h); /* a stale index would miss the new rows */
    return AMEM_OK;
}

int amem_hopfield_append(amem_hopfield *h, const float *keys,
                         const float *values, const uint64_t *ids, size_t n,
                         uint64_t *ids_out)
{
    static const char fn[] = "amem_hopfield_append";
    AMEM__CHECK_NULL(h, fn);
    if (!amem__hopfield_keeps_patterns(h->kind))
        return amem__fail(AMEM_E_UNSUPPORTED, fn, "a CLASSICAL network "
                          "keeps no patterns: use store");
    if ((values == NULL) != (h->value_dim == 0))
        return amem__fail(AMEM_E_ARG, fn, h->value_dim ? "values are "
                          "required by a heteroassociative store"
                          : "values given to an autoassociative store");
    int rc = amem__check_array(fn, "keys", keys, n, h->dim);
    if (rc == AMEM_OK && values != NULL)
        rc = amem__check_array(fn, "values", values, n, h->value_dim);
    if (rc != AMEM_OK)
        return rc;
    return amem__hopfield_append_rows(fn, h, keys, values, ids, n, ids_out);
}

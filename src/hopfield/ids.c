/*
 * Stable ids of the pattern-keeping stores: remove by id (the last row
 * moves into the freed one, its id re-pointed in the map), get patterns by
 * id, ids by row, and the lazily built id index of a mapped store.
 */
#include <stdlib.h>
#include <string.h>

#include "core/check.h"
#include "core/error.h"
#include "hopfield_impl.h"
#include "quant.h"

int amem__hopfield_index_ids(amem_hopfield *h)
{
    static const char fn[] = "amem_hopfield (id index)";
    if (h->idmap_ready)
        return AMEM_OK;
    if (amem__idmap_reserve(&h->idmap, h->count) != 0)
        return amem__fail(AMEM_E_NOMEM, fn, "cannot index %zu ids",
                          h->count);
    amem__idmap_clear(&h->idmap);
    size_t row;
    for (size_t r = 0; r < h->count; r++) {
        if (amem__idmap_find(&h->idmap, h->ids[r], &row)) {
            amem__idmap_clear(&h->idmap);
            return amem__fail(AMEM_E_FORMAT, fn, "id %llu is held by rows "
                              "%zu and %zu", (unsigned long long)h->ids[r],
                              row, r);
        }
        amem__idmap_put(&h->idmap, h->ids[r], r);
    }
    h->idmap_ready = 1;
    return AMEM_OK;
}

static int check_pattern_kind(const char *fn, const amem_hopfield *h)
{
    if (!amem__hopfield_keeps_patterns(h->kind))
        return amem__fail(AMEM_E_UNSUPPORTED, fn, "a CLASSICAL network "
                          "keeps no patterns and no ids");
    return AMEM_OK;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* AMEM_E_ARG when an id appears twice in ids (sorted copy). */
static int check_unique(const char *fn, const uint64_t *ids, size_t n)
{
    uint64_t *sorted = amem__alloc(n, 1, sizeof *sorted);
    if (sorted == NULL)
        return amem__fail(AMEM_E_NOMEM, fn, "cannot allocate %zu ids", n);
    memcpy(sorted, ids, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, cmp_u64);
    int rc = AMEM_OK;
    for (size_t i = 1; i < n && rc == AMEM_OK; i++)
        if (sorted[i] == sorted[i - 1])
            rc = amem__fail(AMEM_E_ARG, fn, "id %llu is repeated",
                            (unsigned long long)sorted[i]);
    free(sorted);
    return rc;
}

/* Validate ids (n >= 1): each stored; with unique = 1 none repeated. */
static int check_ids(const char *fn, amem_hopfield *h, const uint64_t *ids,
                     size_t n, int unique)
{
    AMEM__CHECK_NULL(ids, fn);
    if (n == 0)
        return amem__fail(AMEM_E_DIM, fn, "n is 0");
    int rc = amem__array_bytes(fn, "ids", n, 1, sizeof *ids, NULL);
    if (rc == AMEM_OK)
        rc = amem__hopfield_index_ids(h);
    size_t row;
    for (size_t i = 0; rc == AMEM_OK && i < n; i++)
        if (!amem__idmap_find(&h->idmap, ids[i], &row))
            rc = amem__fail(AMEM_E_ARG, fn, "id %llu (entry %zu) is not "
                            "stored", (unsigned long long)ids[i], i);
    if (rc == AMEM_OK && unique && n > 1)
        rc = check_unique(fn, ids, n);
    return rc;
}

/* Move row `from` into row `to` (every row array). */
static void move_row(amem_hopfield *h, size_t from, size_t to)
{
    size_t d = h->dim, m = h->value_dim;
    int dtype = amem__hopfield_dtype(h);
    if (h->keys != NULL) {
        memcpy(h->keys + to * d, h->keys + from * d, d * sizeof(float));
    } else {
        size_t bytes = d * amem__dtype_size(dtype);
        memcpy((char *)h->qkeys + to * bytes,
               (const char *)h->qkeys + from * bytes, bytes);
    }
    if (h->qscale != NULL)
        h->qscale[to] = h->qscale[from];
    if (h->values != NULL)
        memcpy(h->values + to * m, h->values + from * m, m * sizeof(float));
    if (h->key_norm_sq != NULL)
        h->key_norm_sq[to] = h->key_norm_sq[from];
    h->ids[to] = h->ids[from];
    amem__idmap_put(&h->idmap, h->ids[to], to);
}

int amem_hopfield_remove(amem_hopfield *h, const uint64_t *ids, size_t n)
{
    static const char fn[] = "amem_hopfield_remove";
    AMEM__CHECK_NULL(h, fn);
    int rc = check_pattern_kind(fn, h);
    if (rc == AMEM_OK)
        rc = amem__hopfield_check_writable(fn, h);
    if (rc == AMEM_OK)
        rc = check_ids(fn, h, ids, n, 1);
    if (rc != AMEM_OK)
        return rc;
    for (size_t i = 0; i < n; i++) {
        size_t row;
        amem__idmap_find(&h->idmap, ids[i], &row);
        amem__idmap_del(&h->idmap, ids[i]);
        if (row != h->count - 1)
            move_row(h, h->count - 1, row);
        h->count--;
    }
    amem__ivf_drop(h); /* the index lists rows that moved */
    return AMEM_OK;
}

int amem_hopfield_get_patterns(const amem_hopfield *h, const uint64_t *ids,
                               size_t n, float *keys_out, float *values_out)
{
    static const char fn[] = "amem_hopfield_get_patterns";
    AMEM__CHECK_NULL(h, fn);
    AMEM__CHECK_NULL(keys_out, fn);
    /* The id index is a cache: building it does not change the store. */
    amem_hopfield *cache = (amem_hopfield *)(uintptr_t)h;
    int rc = check_pattern_kind(fn, h);
    if (rc == AMEM_OK)
        rc = check_ids(fn, cache, ids, n, 0);
    if (rc == AMEM_OK)
        rc = amem__array_bytes(fn, "keys_out", n, h->dim, sizeof(float), NULL);
    if (rc != AMEM_OK)
        return rc;
    size_t d = h->dim, m = h->value_dim, row;
    for (size_t i = 0; i < n; i++) {
        amem__idmap_find(&h->idmap, ids[i], &row);
        const float *key = amem__hopfield_key_rows(h, row, 1,
                                                   keys_out + i * d);
        if (key != keys_out + i * d)
            memcpy(keys_out + i * d, key, d * sizeof(float));
        if (values_out != NULL && m > 0)
            memcpy(values_out + i * m, h->values + row * m,
                   m * sizeof(float));
    }
    return AMEM_OK;
}

int amem_hopfield_get_ids(const amem_hopfield *h, size_t first,
                          size_t count, uint64_t *out)
{
    static const char fn[] = "amem_hopfield_get_ids";
    AMEM__CHECK_NULL(h, fn);
    AMEM__CHECK_NULL(out, fn);
    int rc = check_pattern_kind(fn, h);
    if (rc != AMEM_OK)
        return rc;
    if (count == 0 || first > h->count || count > h->count - first)
        return amem__fail(AMEM_E_DIM, fn, "rows %zu + %zu of %zu", first,
                          count, h->count);
    memcpy(out, h->ids + first, count * sizeof *out);
    return AMEM_OK;
}

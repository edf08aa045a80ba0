/*
 * Reading the aligned row blocks of a store file (layout in persist.c):
 * each block's size is checked against what remains before it is touched,
 * its padding must be zero, and its contents are validated (finite keys,
 * scales and values; bfloat16 codes finite; int8 scales 0 or normal and
 * not negative; ids below the next id and not 2^64 - 1). A loaded store
 * copies the blocks; a mapped one (borrow) points into the mapping.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/check.h"
#include "core/error.h"
#include "mapped.h"
#include "quant.h"

/* The next block of count x width elements of elem bytes, after its
 * zero padding. */
static int take_block(const char *fn, amem__rbuf *r, size_t count,
                      size_t width, size_t elem, const void **at)
{
    size_t pad = amem__row_pad(r->pos), n;
    const unsigned char *z = amem__get_raw(r, pad);
    if (z == NULL)
        return amem__bad_file(fn, "truncated before a row block");
    for (size_t i = 0; i < pad; i++)
        if (z[i] != 0)
            return amem__bad_file(fn, "nonzero padding before a row block");
    if (amem__mul_size(count, width, &n) != 0 || !amem__rbuf_has(r, n, elem))
        return amem__bad_file(fn, "row block longer than the file");
    *at = amem__get_raw(r, n * elem);
    return AMEM_OK;
}

/* *dst = the block itself (borrow) or a copy of its bytes. */
static int keep_block(const char *fn, const void *src, size_t bytes,
                      int borrow, void *dst)
{
    void **slot = dst;
    if (borrow) {
        *slot = (void *)(uintptr_t)src;
        return AMEM_OK;
    }
    void *copy = amem__alloc(bytes ? bytes : 1, 1, 1);
    if (copy == NULL)
        return amem__fail(AMEM_E_NOMEM, fn, "cannot allocate %zu bytes",
                          bytes);
    memcpy(copy, src, bytes);
    *slot = copy;
    return AMEM_OK;
}

static int take_keep(const char *fn, amem__rbuf *r, size_t count,
                     size_t width, size_t elem, int borrow, void *dst)
{
    const void *at = NULL;
    int rc = take_block(fn, r, count, width, elem, &at);
    return rc == AMEM_OK ? keep_block(fn, at, count * width * elem, borrow,
                                      dst)
                         : rc;
}

static int codes_valid(const amem_hopfield *h, size_t n)
{
    int dtype = amem__hopfield_dtype(h);
    if (dtype == AMEM_HOPFIELD_DTYPE_F32)
        return amem__all_finite(h->keys, n);
    if (dtype == AMEM_HOPFIELD_DTYPE_BF16) {
        const uint16_t *c = h->qkeys;
        for (size_t i = 0; i < n; i++)
            if ((c[i] & 0x7f80u) == 0x7f80u)
                return 0;
        return 1;
    }
    for (size_t j = 0; j < h->count; j++)
        if (!(h->qscale[j] == 0.0f ||
              (isnormal(h->qscale[j]) && h->qscale[j] > 0.0f)))
            return 0;
    return 1;
}

static int ids_valid(const amem_hopfield *h)
{
    for (size_t j = 0; j < h->count; j++)
        if (h->ids[j] >= h->next_id)
            return 0;
    return 1;
}

static int take_keys(const char *fn, amem__rbuf *r, amem_hopfield *h,
                     int borrow)
{
    int dtype = amem__hopfield_dtype(h);
    size_t N = h->count, d = h->dim;
    if (dtype == AMEM_HOPFIELD_DTYPE_F32)
        return take_keep(fn, r, N, d, sizeof(float), borrow, &h->keys);
    int rc = take_keep(fn, r, N, d, amem__dtype_size(dtype), borrow,
                       &h->qkeys);
    if (rc == AMEM_OK && dtype == AMEM_HOPFIELD_DTYPE_INT8)
        rc = take_keep(fn, r, N, 1, sizeof(float), borrow, &h->qscale);
    return rc;
}

int amem__hopfield_read_rows(const char *fn, amem__rbuf *r, amem_hopfield *h,
                             int borrow)
{
    size_t N = h->count, d = h->dim, m = h->value_dim;
    h->next_id = amem__get_u64(r);
    if (r->failed)
        return amem__bad_file(fn, "truncated before the rows");
    int rc = take_keys(fn, r, h, borrow);
    if (rc == AMEM_OK && m > 0)
        rc = take_keep(fn, r, N, m, sizeof(float), borrow, &h->values);
    if (rc == AMEM_OK)
        rc = take_keep(fn, r, N, 1, sizeof(uint64_t), borrow, &h->ids);
    if (rc != AMEM_OK)
        return rc;
    if (!codes_valid(h, N * d))
        return amem__bad_file(fn, "non-finite key or invalid int8 scale");
    if (m > 0 && !amem__all_finite(h->values, N * m))
        return amem__bad_file(fn, "non-finite value");
    if (!ids_valid(h))
        return amem__bad_file(fn, "an id is not below the next id");
    return AMEM_OK;
}

/* Validation of a plain IDX header against the data actually present. */
#include "core/check.h"
#include "core/error.h"
#include "idx.h"

#include "assocmem/data.h"

static size_t type_size(unsigned type)
{
    switch (type) {
    case AMEM__IDX_U8:
    case AMEM__IDX_I8: return 1;
    case AMEM__IDX_I16: return 2;
    case AMEM__IDX_I32:
    case AMEM__IDX_F32: return 4;
    case AMEM__IDX_F64: return 8;
    default: return 0;
    }
}

static size_t read_be32(const unsigned char *p)
{
    return ((size_t)p[0] << 24) | ((size_t)p[1] << 16) | ((size_t)p[2] << 8) |
           (size_t)p[3];
}

/* Dimension sizes and their product; the header must be fully present. */
static int parse_dims(const char *fn, const unsigned char *data, size_t len,
                      amem__idx_view *view)
{
    size_t header = 4 + 4 * (size_t)view->ndim;
    if (len < header)
        return amem__fail(AMEM_E_FORMAT, fn,
                          "truncated header: %zu bytes, need %zu", len, header);
    view->elems = 1;
    for (unsigned d = 0; d < view->ndim; d++) {
        view->dims[d] = read_be32(data + 4 + 4 * d);
        if (view->dims[d] == 0)
            return amem__fail(AMEM_E_FORMAT, fn, "dimension %u is 0", d);
        if (amem__mul_size(view->elems, view->dims[d], &view->elems) != 0)
            return amem__fail(AMEM_E_FORMAT, fn, "dimension product overflows");
    }
    view->body = data + header;
    return AMEM_OK;
}

/* The body must hold exactly elems elements: no truncation, no trailer. */
static int check_length(const char *fn, size_t len, const amem__idx_view *view)
{
    size_t header = 4 + 4 * (size_t)view->ndim, body;
    if (amem__mul_size(view->elems, view->elem_size, &body) != 0 ||
        body > AMEM_IDX_MAX_BYTES)
        return amem__fail(AMEM_E_FORMAT, fn,
                          "header declares %zu elements, more than %zu bytes",
                          view->elems, AMEM_IDX_MAX_BYTES);
    if (len - header < body)
        return amem__fail(AMEM_E_FORMAT, fn,
                          "truncated data: %zu bytes after the header, need %zu",
                          len - header, body);
    if (len - header > body)
        return amem__fail(AMEM_E_FORMAT, fn,
                          "%zu trailing bytes after the last element",
                          len - header - body);
    return AMEM_OK;
}

int amem__idx_parse(const char *fn, const unsigned char *data, size_t len,
                    amem__idx_view *view)
{
    if (len < 4)
        return amem__fail(AMEM_E_FORMAT, fn, "truncated header: %zu bytes", len);
    if (data[0] != 0 || data[1] != 0)
        return amem__fail(AMEM_E_FORMAT, fn,
                          "bad magic 0x%02x%02x, an IDX file starts with 0x0000",
                          data[0], data[1]);
    view->type = data[2];
    view->ndim = data[3];
    view->elem_size = type_size(view->type);
    if (view->elem_size == 0)
        return amem__fail(AMEM_E_FORMAT, fn, "unknown type code 0x%02x",
                          view->type);
    if (view->ndim == 0 || view->ndim > AMEM__IDX_MAX_DIMS)
        return amem__fail(AMEM_E_FORMAT, fn, "%u dimensions, supported 1..%d",
                          view->ndim, AMEM__IDX_MAX_DIMS);
    int rc = parse_dims(fn, data, len, view);
    if (rc != AMEM_OK)
        return rc;
    return check_length(fn, len, view);
}

int amem__idx_expect(const char *fn, const amem__idx_view *view,
                     unsigned ndim, const unsigned *types)
{
    if (view->ndim != ndim)
        return amem__fail(AMEM_E_FORMAT, fn, "%u dimensions, expected %u",
                          view->ndim, ndim);
    for (const unsigned *t = types; *t != 0; t++)
        if (*t == view->type)
            return AMEM_OK;
    return amem__fail(AMEM_E_FORMAT, fn, "type code 0x%02x not accepted here",
                      view->type);
}

int amem__idx_expect_alloc(const char *fn, const amem__idx_view *view,
                           unsigned ndim, const unsigned *types,
                           size_t elem_size, const char *what, void **out)
{
    int rc = amem__idx_expect(fn, view, ndim, types);
    if (rc != AMEM_OK)
        return rc;
    /* elems*elem_size cannot overflow: elems <= AMEM_IDX_MAX_BYTES (parse
     * checked) and elem_size <= 8. */
    *out = amem__alloc(view->elems, 1, elem_size);
    if (*out == NULL)
        return amem__fail(AMEM_E_NOMEM, fn, "out of memory for %zu %s",
                          view->elems, what);
    return AMEM_OK;
}

/* amem_idx_read_labels[_mem]: one-dimensional integer label files as int32. */
#include <stdlib.h>

#include "core/check.h"
#include "core/error.h"
#include "core/modelfile.h"
#include "idx.h"

#include "assocmem/data.h"

/* Big-endian element i of an integer view, sign-extended as its type says. */
static int32_t label_at(const amem__idx_view *v, size_t i)
{
    const unsigned char *p = v->body + i * v->elem_size;
    switch (v->type) {
    case AMEM__IDX_U8: return p[0];
    case AMEM__IDX_I8: return (int8_t)p[0];
    case AMEM__IDX_I16: return (int16_t)(uint16_t)((p[0] << 8) | p[1]);
    default:
        return (int32_t)(((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
                         ((uint32_t)p[2] << 8) | (uint32_t)p[3]);
    }
}

static int labels_from_view(const char *fn, const amem__idx_view *v,
                            int32_t **labels, size_t *count)
{
    static const unsigned types[] = {AMEM__IDX_U8, AMEM__IDX_I8, AMEM__IDX_I16,
                                     AMEM__IDX_I32, 0};
    int rc = amem__idx_expect(fn, v, 1, types);
    if (rc != AMEM_OK)
        return rc;
    /* elems*4 cannot overflow: elems <= AMEM_IDX_MAX_BYTES (parse checked). */
    int32_t *out = amem__alloc(v->elems, 1, sizeof *out);
    if (out == NULL)
        return amem__fail(AMEM_E_NOMEM, fn, "out of memory for %zu labels",
                          v->elems);
    for (size_t i = 0; i < v->elems; i++)
        out[i] = label_at(v, i);
    *labels = out;
    *count = v->elems;
    return AMEM_OK;
}

static int read_labels_mem(const char *fn, const void *data, size_t len,
                           int32_t **labels, size_t *count)
{
    amem__idx_view view;
    unsigned char *owned;
    int rc = amem__idx_open_mem(fn, data, len, &view, &owned);
    if (rc == AMEM_OK)
        rc = labels_from_view(fn, &view, labels, count);
    free(owned);
    return rc;
}

static int begin(const char *fn, int32_t **labels, size_t *count)
{
    if (labels) *labels = NULL;
    if (count) *count = 0;
    AMEM__CHECK_NULL(labels, fn);
    AMEM__CHECK_NULL(count, fn);
    return AMEM_OK;
}

AMEM_API int amem_idx_read_labels_mem(const void *data, size_t len,
                                      int32_t **labels, size_t *count)
{
    static const char fn[] = "amem_idx_read_labels_mem";
    int rc = begin(fn, labels, count);
    if (rc != AMEM_OK)
        return rc;
    AMEM__CHECK_NULL(data, fn);
    return read_labels_mem(fn, data, len, labels, count);
}

AMEM_API int amem_idx_read_labels(const char *path, int32_t **labels,
                                  size_t *count)
{
    static const char fn[] = "amem_idx_read_labels";
    int rc = begin(fn, labels, count);
    if (rc != AMEM_OK)
        return rc;
    AMEM__CHECK_NULL(path, fn);
    unsigned char *file;
    size_t len;
    rc = amem__read_whole_file(fn, path, &file, &len);
    if (rc != AMEM_OK)
        return rc;
    rc = read_labels_mem(fn, file, len, labels, count);
    free(file);
    return rc;
}

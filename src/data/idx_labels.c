/* amem_idx_read_labels[_mem]: one-dimensional integer label files as int32. */
#include <stdlib.h>

#include "core/check.h"
#include "core/error.h"
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

typedef struct labels_out {
    int32_t **labels;
    size_t *count;
} labels_out;

static int labels_from_view(const char *fn, const amem__idx_view *v,
                            void *out)
{
    static const unsigned types[] = {AMEM__IDX_U8, AMEM__IDX_I8, AMEM__IDX_I16,
                                     AMEM__IDX_I32, 0};
    labels_out *o = out;
    int32_t *labels;
    int rc = amem__idx_expect_alloc(fn, v, 1, types, sizeof *labels,
                                    "labels", (void **)&labels);
    if (rc != AMEM_OK)
        return rc;
    for (size_t i = 0; i < v->elems; i++)
        labels[i] = label_at(v, i);
    *o->labels = labels;
    *o->count = v->elems;
    return AMEM_OK;
}

/* From the file at path (from_file) or the bytes data[0, len). */
static int read_labels(const char *fn, int from_file, const char *path,
                       const void *data, size_t len, int32_t **labels,
                       size_t *count)
{
    if (labels) *labels = NULL;
    if (count) *count = 0;
    AMEM__CHECK_NULL(labels, fn);
    AMEM__CHECK_NULL(count, fn);
    if (from_file)
        AMEM__CHECK_NULL(path, fn);
    else
        AMEM__CHECK_NULL(data, fn);
    labels_out o = {labels, count};
    return amem__idx_read(fn, path, data, len, labels_from_view, &o);
}

AMEM_API int amem_idx_read_labels_mem(const void *data, size_t len,
                                      int32_t **labels, size_t *count)
{
    return read_labels("amem_idx_read_labels_mem", 0, NULL, data, len, labels,
                       count);
}

AMEM_API int amem_idx_read_labels(const char *path, int32_t **labels,
                                  size_t *count)
{
    return read_labels("amem_idx_read_labels", 1, path, NULL, 0, labels,
                       count);
}

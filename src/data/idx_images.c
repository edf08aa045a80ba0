/* amem_idx_read_images[_mem]: unsigned-byte image files as floats in [0, 1]. */
#include <stdlib.h>

#include "core/check.h"
#include "core/error.h"
#include "core/modelfile.h"
#include "idx.h"

#include "assocmem/data.h"

static void reset_outputs(float **images, size_t *count, size_t *height,
                          size_t *width)
{
    if (images) *images = NULL;
    if (count) *count = 0;
    if (height) *height = 0;
    if (width) *width = 0;
}

static int check_outputs(const char *fn, float **images, size_t *count,
                         size_t *height, size_t *width)
{
    AMEM__CHECK_NULL(images, fn);
    AMEM__CHECK_NULL(count, fn);
    AMEM__CHECK_NULL(height, fn);
    AMEM__CHECK_NULL(width, fn);
    return AMEM_OK;
}

static int images_from_view(const char *fn, const amem__idx_view *v,
                            float **images, size_t *count, size_t *height,
                            size_t *width)
{
    static const unsigned types[] = {AMEM__IDX_U8, 0};
    int rc = amem__idx_expect(fn, v, 3, types);
    if (rc != AMEM_OK)
        return rc;
    /* elems*4 cannot overflow: elems <= AMEM_IDX_MAX_BYTES (parse checked). */
    float *pixels = amem__alloc(v->elems, 1, sizeof *pixels);
    if (pixels == NULL)
        return amem__fail(AMEM_E_NOMEM, fn, "out of memory for %zu pixels",
                          v->elems);
    for (size_t i = 0; i < v->elems; i++)
        pixels[i] = (float)v->body[i] / 255.0f;
    *images = pixels;
    *count = v->dims[0];
    *height = v->dims[1];
    *width = v->dims[2];
    return AMEM_OK;
}

static int read_images_mem(const char *fn, const void *data, size_t len,
                           float **images, size_t *count, size_t *height,
                           size_t *width)
{
    amem__idx_view view;
    unsigned char *owned;
    int rc = amem__idx_open_mem(fn, data, len, &view, &owned);
    if (rc == AMEM_OK)
        rc = images_from_view(fn, &view, images, count, height, width);
    free(owned);
    return rc;
}

AMEM_API int amem_idx_read_images_mem(const void *data, size_t len,
                                      float **images, size_t *count,
                                      size_t *height, size_t *width)
{
    static const char fn[] = "amem_idx_read_images_mem";
    reset_outputs(images, count, height, width);
    int rc = check_outputs(fn, images, count, height, width);
    if (rc != AMEM_OK)
        return rc;
    AMEM__CHECK_NULL(data, fn);
    return read_images_mem(fn, data, len, images, count, height, width);
}

AMEM_API int amem_idx_read_images(const char *path, float **images,
                                  size_t *count, size_t *height,
                                  size_t *width)
{
    static const char fn[] = "amem_idx_read_images";
    reset_outputs(images, count, height, width);
    int rc = check_outputs(fn, images, count, height, width);
    if (rc != AMEM_OK)
        return rc;
    AMEM__CHECK_NULL(path, fn);
    unsigned char *file;
    size_t len;
    rc = amem__read_whole_file(fn, path, &file, &len);
    if (rc != AMEM_OK)
        return rc;
    rc = read_images_mem(fn, file, len, images, count, height, width);
    free(file);
    return rc;
}

/* amem_idx_read_images[_mem]: unsigned-byte image files as floats in [0, 1]. */
#include <stdlib.h>

#include "core/check.h"
#include "core/error.h"
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

typedef struct images_out {
    float **images;
    size_t *count, *height, *width;
} images_out;

static int images_from_view(const char *fn, const amem__idx_view *v,
                            void *out)
{
    static const unsigned types[] = {AMEM__IDX_U8, 0};
    images_out *o = out;
    float *pixels;
    int rc = amem__idx_expect_alloc(fn, v, 3, types, sizeof *pixels,
                                    "pixels", (void **)&pixels);
    if (rc != AMEM_OK)
        return rc;
    for (size_t i = 0; i < v->elems; i++)
        pixels[i] = (float)v->body[i] / 255.0f;
    *o->images = pixels;
    *o->count = v->dims[0];
    *o->height = v->dims[1];
    *o->width = v->dims[2];
    return AMEM_OK;
}

/* From the file at path (from_file) or the bytes data[0, len). */
static int read_images(const char *fn, int from_file, const char *path,
                       const void *data, size_t len, float **images,
                       size_t *count, size_t *height, size_t *width)
{
    reset_outputs(images, count, height, width);
    int rc = check_outputs(fn, images, count, height, width);
    if (rc != AMEM_OK)
        return rc;
    if (from_file)
        AMEM__CHECK_NULL(path, fn);
    else
        AMEM__CHECK_NULL(data, fn);
    images_out o = {images, count, height, width};
    return amem__idx_read(fn, path, data, len, images_from_view, &o);
}

AMEM_API int amem_idx_read_images_mem(const void *data, size_t len,
                                      float **images, size_t *count,
                                      size_t *height, size_t *width)
{
    return read_images("amem_idx_read_images_mem", 0, NULL, data, len,
                       images, count, height, width);
}

AMEM_API int amem_idx_read_images(const char *path, float **images,
                                  size_t *count, size_t *height,
                                  size_t *width)
{
    return read_images("amem_idx_read_images", 1, path, NULL, 0, images,
                       count, height, width);
}

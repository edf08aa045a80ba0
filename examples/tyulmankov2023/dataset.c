/* MNIST zeros (regular items) and ones (exceptions), scaled as in the paper. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <assocmem/assocmem.h>
#include <assocmem/data.h>

#include "dataset.h"

typedef struct mnist_raw {
    float *images;
    int32_t *labels;
    size_t count, height, width;
} mnist_raw;

static int read_raw(mnist_raw *raw, const char *data_dir)
{
    char img[1200], lab[1200];
    snprintf(img, sizeof img, "%s/mnist/images-idx3-ubyte", data_dir);
    snprintf(lab, sizeof lab, "%s/mnist/labels-idx1-ubyte", data_dir);
    size_t nlab = 0;
    int st = amem_idx_read_images(img, &raw->images, &raw->count,
                                  &raw->height, &raw->width);
    if (st == AMEM_OK)
        st = amem_idx_read_labels(lab, &raw->labels, &nlab);
    if (st != AMEM_OK || nlab != raw->count) {
        fprintf(stderr, "tyulmankov2023: cannot read MNIST under %s/mnist "
                "(run `make data`): %s\n", data_dir,
                st != AMEM_OK ? amem_last_error() : "label count mismatch");
        return -1;
    }
    return 0;
}

/* Count the images of one class, capped at cap (0 = no cap). */
static size_t count_class(const mnist_raw *raw, int32_t cls, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < raw->count; i++)
        if (raw->labels[i] == cls && (cap == 0 || n < cap))
            n++;
    return n;
}

/* Min-max scale x to [0, 1], then divide by its L2 norm. */
static void scale_image(float *x, size_t dim)
{
    float lo = x[0], hi = x[0];
    for (size_t j = 1; j < dim; j++) {
        lo = x[j] < lo ? x[j] : lo;
        hi = x[j] > hi ? x[j] : hi;
    }
    float range = hi > lo ? hi - lo : 1.0f;
    double norm2 = 0.0;
    for (size_t j = 0; j < dim; j++) {
        x[j] = (x[j] - lo) / range;
        norm2 += (double)x[j] * x[j];
    }
    float inv = norm2 > 0.0 ? (float)(1.0 / sqrt(norm2)) : 1.0f;
    for (size_t j = 0; j < dim; j++)
        x[j] *= inv;
}

/* Copy the first n images of class cls into dst, scaled. */
static void copy_class(const mnist_raw *raw, int32_t cls, size_t n, float *dst)
{
    size_t dim = raw->height * raw->width, k = 0;
    for (size_t i = 0; i < raw->count && k < n; i++) {
        if (raw->labels[i] != cls)
            continue;
        memcpy(dst + k * dim, raw->images + i * dim, dim * sizeof *dst);
        scale_image(dst + k * dim, dim);
        k++;
    }
}

static int fill(ty_dataset *ds, const mnist_raw *raw, size_t max_regular,
                size_t n_exception)
{
    ds->height = raw->height;
    ds->width = raw->width;
    ds->dim = raw->height * raw->width;
    ds->n_regular = count_class(raw, 0, max_regular);
    ds->zeros_available = count_class(raw, 0, 0);
    ds->n_exception = count_class(raw, 1, n_exception);
    size_t n = ty_dataset_count(ds);
    if (ds->n_regular == 0 || ds->n_exception < n_exception) {
        fprintf(stderr, "tyulmankov2023: too few zeros or ones in MNIST\n");
        return -1;
    }
    ds->items = malloc(n * ds->dim * sizeof *ds->items);
    ds->is_exception = calloc(n, 1);
    if (!ds->items || !ds->is_exception) {
        fprintf(stderr, "tyulmankov2023: out of memory\n");
        return -1;
    }
    copy_class(raw, 0, ds->n_regular, ds->items);
    copy_class(raw, 1, ds->n_exception, ds->items + ds->n_regular * ds->dim);
    memset(ds->is_exception + ds->n_regular, 1, ds->n_exception);
    return 0;
}

int ty_dataset_load(ty_dataset *ds, const char *data_dir, size_t max_regular,
                    size_t n_exception)
{
    mnist_raw raw = {0};
    memset(ds, 0, sizeof *ds);
    int rc = read_raw(&raw, data_dir);
    if (rc == 0)
        rc = fill(ds, &raw, max_regular, n_exception);
    amem_free(raw.images);
    amem_free(raw.labels);
    if (rc != 0)
        ty_dataset_free(ds);
    return rc;
}

size_t ty_dataset_count(const ty_dataset *ds)
{
    return ds->n_regular + ds->n_exception;
}

void ty_dataset_free(ty_dataset *ds)
{
    free(ds->items);
    free(ds->is_exception);
    ds->items = NULL;
    ds->is_exception = NULL;
}

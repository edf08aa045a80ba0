/*
 * Spens & Burgess 2022 example: loading (or generating the stand-ins of)
 * the data sets and converting them to the student's shape.
 */
#define AMEM_EXPERIMENTAL_API /* the scene generators (docs/api.md, C17) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <assocmem/assocmem.h>
#include <assocmem/data.h>
#include <assocmem/scenes.h>

#include "dataset.h"
#include "kmnist.h"
#include "shapes3d.h"
#include "solids.h"

void sb_data_shape(const sb_config *cfg, int which, size_t *c, size_t *h,
                   size_t *w)
{
    if (cfg->model == SB_MODEL_PAPER) {
        *c = 1, *h = 128, *w = 128;
    } else if (which == SB_MNIST || which == SB_FASHION || which == SB_KMNIST) {
        *c = 1, *h = 28, *w = 28;
    } else {
        *c = which == SB_SHAPES ? 3 : 1, *h = 64, *w = 64;
    }
}

static int fail(const char *what, int rc)
{
    fprintf(stderr, "spens2022: %s: %s (%s)\n", what, amem_strerror(rc),
            amem_last_error());
    return -1;
}

/* Raw 28 x 28 images and labels from an IDX pair. */
static int read_idx(const ex_args *args, const char *img_file,
                    const char *lab_file, float **images, int32_t **labels,
                    size_t *count)
{
    char path[1200];
    size_t h, w, n_labels;
    int rc = amem_idx_read_images(
        ex_data_path(args, img_file, path, sizeof path), images, count, &h, &w);
    if (rc == AMEM_OK)
        rc = amem_idx_read_labels(
            ex_data_path(args, lab_file, path, sizeof path), labels, &n_labels);
    if (rc == AMEM_OK && (h != 28 || w != 28 || n_labels != *count))
        rc = AMEM_E_FORMAT;
    if (rc != AMEM_OK) {
        fprintf(stderr, "spens2022: run `make data` first\n");
        return fail(img_file, rc);
    }
    return 0;
}

/* Shuffle n raw images (dim floats each) and their labels in place with a
 * seeded Fisher-Yates (the authors shuffle before choosing items). */
static void shuffle_raw(float *raw, int32_t *labels, size_t n, size_t dim,
                        uint64_t seed)
{
    uint64_t s = seed * 0x9E3779B97F4A7C15ull + 0x632BE59BD9B4E019ull;
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)(sb_xorshift(&s) % i);
        for (size_t k = 0; k < dim; k++) {
            float t = raw[(i - 1) * dim + k];
            raw[(i - 1) * dim + k] = raw[j * dim + k];
            raw[j * dim + k] = t;
        }
        int32_t t = labels[i - 1];
        labels[i - 1] = labels[j];
        labels[j] = t;
    }
}

/* Copy `count` raw images starting at `first` into the student's shape. */
static int take(sb_data *d, const float *raw, const int32_t *raw_labels,
                size_t first, size_t count, size_t sc, size_t sh, size_t sw,
                float **images, int32_t **labels)
{
    *images = malloc(count * d->dim * sizeof(float));
    *labels = malloc(count * sizeof(int32_t));
    if (!*images || !*labels)
        return fail("allocating images", AMEM_E_NOMEM);
    sb_convert(raw + first * sc * sh * sw, count, sc, sh, sw, *images,
               d->channels, d->height, d->width);
    memcpy(*labels, raw_labels + first, count * sizeof(int32_t));
    return 0;
}

/* KMNIST's split `test` from --kmnist DIR (malloc memory). */
static int read_kmnist(const sb_config *cfg, int test, float **images,
                       int32_t **labels, size_t *count)
{
    char err[512] = "";
    if (!cfg->path[SB_KMNIST][0]) {
        fprintf(stderr, "spens2022: kmnist: give the folder of its files "
                        "with --kmnist DIR (docs/data.md)\n");
        return -1;
    }
    int rc = sb_kmnist_read(cfg->path[SB_KMNIST], test, images, labels, count,
                            err, sizeof err);
    if (rc != AMEM_OK)
        fprintf(stderr, "spens2022: kmnist: %s (%s)\n", amem_strerror(rc), err);
    return rc == AMEM_OK ? 0 : -1;
}

/* Train and test files of Fashion-MNIST (IDX) or KMNIST (npz or IDX). */
static int read_split_set(const sb_config *cfg, const ex_args *args,
                          const sb_data *d, float **raw, int32_t **lab,
                          size_t *n, float **raw_test, int32_t **lab_test,
                          size_t *n_test)
{
    if (d->which == SB_KMNIST)
        return read_kmnist(cfg, 0, raw, lab, n) ||
               read_kmnist(cfg, 1, raw_test, lab_test, n_test) ? -1 : 0;
    return read_idx(args, "fashion-mnist/train-images-idx3-ubyte.gz",
                    "fashion-mnist/train-labels-idx1-ubyte.gz", raw, lab, n) ||
                   read_idx(args, "fashion-mnist/t10k-images-idx3-ubyte.gz",
                            "fashion-mnist/t10k-labels-idx1-ubyte.gz", raw_test,
                            lab_test, n_test) ? -1 : 0;
}

/* MNIST: 10,000 digits, items from the front, test items from the back.
 * Fashion-MNIST and KMNIST: items from the training file, test items from
 * the test file. */
static int load_idx_set(const sb_config *cfg, const ex_args *args, sb_data *d)
{
    float *raw = NULL, *raw_test = NULL;
    int32_t *lab = NULL, *lab_test = NULL;
    size_t n = 0, n_test = 0;
    int split = d->which != SB_MNIST, status = -1;
    void (*release)(void *) = d->which == SB_KMNIST ? free : amem_free;
    if (split ? read_split_set(cfg, args, d, &raw, &lab, &n, &raw_test,
                               &lab_test, &n_test)
              : read_idx(args, "mnist/images-idx3-ubyte",
                         "mnist/labels-idx1-ubyte", &raw, &lab, &n))
        goto done;
    shuffle_raw(raw, lab, n, 28 * 28, cfg->seed);
    if (split)
        shuffle_raw(raw_test, lab_test, n_test, 28 * 28, cfg->seed + 1);
    if (!split) {
        d->n_test = cfg->test < n / 2 ? cfg->test : n / 2;
        d->n_items = cfg->items[d->which] < n - d->n_test
                         ? cfg->items[d->which] : n - d->n_test;
    } else {
        d->n_items = cfg->items[d->which] < n ? cfg->items[d->which] : n;
        d->n_test = cfg->test < n_test ? cfg->test : n_test;
    }
    if (take(d, raw, lab, 0, d->n_items, 1, 28, 28, &d->items,
             &d->item_labels) == 0 &&
        take(d, split ? raw_test : raw, split ? lab_test : lab,
             split ? 0 : n - d->n_test, d->n_test, 1, 28, 28, &d->test,
             &d->test_labels) == 0)
        status = 0;
done:
    release(raw);
    release(raw_test);
    release(lab);
    release(lab_test);
    return status;
}

/* n rows of 3dshapes.h5 chosen with the seed (fewer when it has fewer). */
static int read_shapes3d(const sb_config *cfg, const sb_data *d, size_t n,
                         float *raw, int32_t *labels, size_t *got, char *err,
                         size_t err_size)
{
    const char *path = cfg->path[SB_SHAPES];
    size_t rows = 0, *pick = NULL;
    int rc = sb_shapes3d_count(path, &rows, err, err_size);
    *got = rc == AMEM_OK && rows < n ? rows : n;
    if (rc == AMEM_OK && (!(pick = malloc(*got * sizeof *pick)) ||
                          sb_choose(rows, *got, cfg->seed, pick) != 0))
        rc = AMEM_E_NOMEM;
    if (rc == AMEM_OK)
        rc = sb_shapes3d_read(path, pick, *got, d->channels, d->height,
                              d->width, raw, labels, NULL, err, err_size);
    free(pick);
    return rc;
}

/* The real Shapes3D or Symmetric Solids: items + test images chosen with
 * the seed, read in the student's shape, then shuffled (the files are in
 * factor order) and split. */
static int load_real_scenes(const sb_config *cfg, sb_data *d)
{
    size_t n = cfg->items[d->which] + cfg->test, got = 0;
    float *raw = malloc(n * d->dim * sizeof(float));
    int32_t *labels = malloc(n * sizeof(int32_t));
    char err[512] = "";
    int status = -1, rc = raw && labels ? AMEM_OK : AMEM_E_NOMEM;
    if (rc == AMEM_OK)
        rc = d->which == SB_SHAPES
                 ? read_shapes3d(cfg, d, n, raw, labels, &got, err, sizeof err)
                 : sb_solids_read(cfg->path[SB_SOLIDS], cfg->seed, n,
                                  d->channels, d->height, d->width, raw, labels,
                                  &got, err, sizeof err);
    if (rc == AMEM_OK && got < 4) {
        snprintf(err, sizeof err, "only %zu images", got);
        rc = AMEM_E_FORMAT;
    }
    if (rc != AMEM_OK) {
        fprintf(stderr, "spens2022: %s: %s: %s (%s)\n", sb_dataset_name[d->which],
                cfg->path[d->which], amem_strerror(rc), err);
        goto done;
    }
    shuffle_raw(raw, labels, got, d->dim, cfg->seed + 2);
    d->n_test = cfg->test < got / 2 ? cfg->test : got / 2;
    d->n_items = cfg->items[d->which] < got - d->n_test ? cfg->items[d->which]
                                                        : got - d->n_test;
    if (take(d, raw, labels, 0, d->n_items, d->channels, d->height, d->width,
             &d->items, &d->item_labels) == 0 &&
        take(d, raw, labels, got - d->n_test, d->n_test, d->channels,
             d->height, d->width, &d->test, &d->test_labels) == 0)
        status = 0;
done:
    free(raw);
    free(labels);
    return status;
}

/* The stand-ins: generated at their native size (Shapes3D-like 64 x 64
 * colour, solids at the student's size), then converted. */
static int load_scenes(const sb_config *cfg, sb_data *d)
{
    size_t n = cfg->items[d->which] + cfg->test;
    int shapes = d->which == SB_SHAPES;
    size_t sc = shapes ? 3 : 1, sh = shapes ? 64 : d->height, sw = sh;
    float *raw = malloc(n * sc * sh * sw * sizeof(float));
    int32_t *labels = malloc(n * sizeof(int32_t)), *factors = NULL;
    int status = -1, rc = AMEM_E_NOMEM;
    if (shapes)
        factors = malloc(n * AMEM_SHAPES3D_FACTOR_COUNT * sizeof(int32_t));
    if (raw && labels && (!shapes || factors))
        rc = shapes ? amem_shapes3d_generate(n, cfg->seed, raw, factors)
                    : amem_solids_generate(n, sh, cfg->seed, raw, labels, NULL);
    if (rc != AMEM_OK) {
        fail(shapes ? "generating scenes" : "rendering solids", rc);
        goto done;
    }
    for (size_t i = 0; shapes && i < n; i++)
        labels[i] = factors[i * AMEM_SHAPES3D_FACTOR_COUNT + AMEM_SHAPES3D_SHAPE];
    d->n_items = cfg->items[d->which];
    d->n_test = cfg->test;
    if (take(d, raw, labels, 0, d->n_items, sc, sh, sw, &d->items,
             &d->item_labels) == 0 &&
        take(d, raw, labels, d->n_items, d->n_test, sc, sh, sw, &d->test,
             &d->test_labels) == 0)
        status = 0;
done:
    free(raw);
    free(labels);
    free(factors);
    return status;
}

int sb_data_load(const sb_config *cfg, const ex_args *args, int which,
                 sb_data *d)
{
    static const int classes[SB_DATASETS] = {10, 10, 4, AMEM_SOLID_COUNT, 10};
    static const char *const label[SB_DATASETS] = {
        "digit", "clothing class", "object shape", "solid", "character"};
    memset(d, 0, sizeof *d);
    d->which = which;
    sb_data_shape(cfg, which, &d->channels, &d->height, &d->width);
    d->dim = d->channels * d->height * d->width;
    d->classes = classes[which];
    d->label_name = label[which];
    if (which == SB_SOLIDS && sb_dataset_real(cfg, which))
        d->classes = SB_SOLIDS_SHAPES, d->label_name = "shape";
    int rc = which <= SB_FASHION || which == SB_KMNIST
                 ? load_idx_set(cfg, args, d)
             : sb_dataset_real(cfg, which) ? load_real_scenes(cfg, d)
                                           : load_scenes(cfg, d);
    if (rc != 0)
        sb_data_free(d);
    return rc;
}

void sb_data_free(sb_data *d)
{
    free(d->items);
    free(d->test);
    free(d->item_labels);
    free(d->test_labels);
    memset(d, 0, sizeof *d);
}

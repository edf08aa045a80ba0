/*
 * Quickstart: store Fashion-MNIST images one-shot in a modern Hopfield
 * network, recall them from half-masked cues and from pure noise.
 *
 *   make demo            (or: build/examples/quickstart [--quick] [--out DIR])
 *
 * Writes out/quickstart/masked.png (rows: cue, recall, original) and
 * out/quickstart/noise.png (rows: noise cue, replayed memory).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <assocmem/assocmem.h>
#include <assocmem/hopfield.h>

#include "common/args.h"
#include "common/png_grid.h"

#define SHOW 10 /* images per row in the PNG grids */

/* Report a failed library call; returns -1. */
static int fail(const char *what, int status)
{
    fprintf(stderr, "quickstart: %s: %s (%s)\n", what, amem_strerror(status),
            amem_last_error());
    return -1;
}

/* Index of the stored pattern nearest (in squared distance) to x. */
static size_t nearest(const float *stored, size_t n, size_t d, const float *x)
{
    size_t best = 0;
    double best_dist = INFINITY;
    for (size_t i = 0; i < n; i++) {
        double dist = 0.0;
        for (size_t j = 0; j < d; j++) {
            double diff = (double)stored[i * d + j] - x[j];
            dist += diff * diff;
        }
        if (dist < best_dist) {
            best_dist = dist;
            best = i;
        }
    }
    return best;
}

/* Mean absolute pixel error between a and b, on the [-1, 1] scale. */
static double mean_abs_error(const float *a, const float *b, size_t len)
{
    double sum = 0.0;
    for (size_t i = 0; i < len; i++)
        sum += fabs((double)a[i] - b[i]);
    return sum / (double)len;
}

/* Index of the largest of x[0..n). */
static size_t argmax(const float *x, size_t n)
{
    size_t best = 0;
    for (size_t i = 1; i < n; i++)
        if (x[i] > x[best])
            best = i;
    return best;
}

typedef struct buffers {
    float *cues, *known, *recalled, *weights, *grid;
} buffers;

/* Stack up to three sets of SHOW images, one per grid row. */
static void stack_rows(float *grid, size_t d, const float *r0, const float *r1,
                       const float *r2)
{
    memcpy(grid, r0, SHOW * d * sizeof *grid);
    memcpy(grid + SHOW * d, r1, SHOW * d * sizeof *grid);
    if (r2)
        memcpy(grid + 2 * SHOW * d, r2, SHOW * d * sizeof *grid);
}

/* Half the pixels of every image zeroed, the other half clamped. */
static int masked_recall(const ex_args *args, amem_hopfield *net,
                         const float *images, size_t n, size_t h, size_t w,
                         buffers *b)
{
    size_t d = h * w, retrieved = 0;
    char path[1200];
    int rc = amem_corrupt_zero(images, b->cues, n, d, 0.5, 7, b->known);
    if (rc == AMEM_OK)
        rc = amem_hopfield_recall(net, b->cues, n, b->known, b->recalled, NULL,
                                  b->weights);
    if (rc != AMEM_OK)
        return fail("masked recall", rc);
    for (size_t i = 0; i < n; i++) /* the memory the softmax settled on */
        retrieved += argmax(&b->weights[i * n], n) == i;
    printf("masked cues (50%% of pixels zeroed, the rest clamped):\n"
           "  mean |pixel error| on [-1,1]: cue %.4f, recall %.4f\n"
           "  %zu of %zu cues retrieved their own image (%.1f%%)\n",
           mean_abs_error(b->cues, images, n * d),
           mean_abs_error(b->recalled, images, n * d), retrieved, n,
           100.0 * (double)retrieved / (double)n);
    stack_rows(b->grid, d, b->cues, b->recalled, images);
    return ex_png_grid_gray(ex_out_path(args, "masked.png", path, sizeof path),
                            b->grid, 3 * SHOW, 3, SHOW, h, w, -1.0f, 1.0f);
}

/* Replay: pure uniform(-1, 1) noise in, stored memories out. */
static int noise_replay(const ex_args *args, amem_hopfield *net,
                        const float *images, size_t n, size_t h, size_t w,
                        buffers *b)
{
    size_t d = h * w;
    char path[1200];
    int rc = amem_hopfield_replay(net, SHOW, b->recalled, b->cues, NULL);
    if (rc != AMEM_OK)
        return fail("replay", rc);
    double error = 0.0;
    for (size_t i = 0; i < SHOW; i++) {
        size_t k = nearest(images, n, d, &b->recalled[i * d]);
        error += mean_abs_error(&b->recalled[i * d], &images[k * d], d) / SHOW;
    }
    printf("noise cues: %d replays, mean |pixel error| to the nearest stored image %.4f\n",
           SHOW, error);
    stack_rows(b->grid, d, b->cues, b->recalled, NULL);
    return ex_png_grid_gray(ex_out_path(args, "noise.png", path, sizeof path),
                            b->grid, 2 * SHOW, 2, SHOW, h, w, -1.0f, 1.0f);
}

static int run(const ex_args *args, amem_hopfield *net, const float *images,
               size_t n, size_t h, size_t w)
{
    size_t d = h * w;
    buffers b = {malloc(n * d * sizeof(float)), malloc(n * d * sizeof(float)),
                 malloc(n * d * sizeof(float)), malloc(n * n * sizeof(float)),
                 malloc(3 * SHOW * d * sizeof(float))};
    int status = EXIT_FAILURE;
    if (!b.cues || !b.known || !b.recalled || !b.weights || !b.grid)
        fail("allocating buffers", AMEM_E_NOMEM);
    else if (masked_recall(args, net, images, n, h, w, &b) == 0 &&
             noise_replay(args, net, images, n, h, w, &b) == 0) {
        printf("wrote %s/masked.png and %s/noise.png\n", args->out_dir,
               args->out_dir);
        status = EXIT_SUCCESS;
    }
    free(b.cues);
    free(b.known);
    free(b.recalled);
    free(b.weights);
    free(b.grid);
    return status;
}

int main(int argc, char **argv)
{
    ex_args args;
    int parsed = ex_args_parse(&args, "quickstart", argc, argv);
    if (parsed != 0)
        return parsed > 0 ? EXIT_SUCCESS : EXIT_FAILURE;
    char path[1200];
    float *images = NULL;
    size_t count, h, w;
    int rc = amem_idx_read_images(
        ex_data_path(&args, "fashion-mnist/train-images-idx3-ubyte.gz", path, sizeof path),
        &images, &count, &h, &w);
    if (rc != AMEM_OK) {
        fail("loading Fashion-MNIST", rc);
        fprintf(stderr, "quickstart: run `make data` first\n");
        return EXIT_FAILURE;
    }
    size_t n = args.quick ? 200 : 1000, d = h * w;
    if (n > count)
        n = count;
    for (size_t i = 0; i < n * d; i++) /* pixels [0, 1] -> [-1, 1] */
        images[i] = 2.0f * images[i] - 1.0f;

    amem_hopfield *net = NULL;
    rc = amem_hopfield_create(AMEM_HOPFIELD_MODERN, d, 0, &net);
    if (rc == AMEM_OK)
        rc = amem_hopfield_set(net, AMEM_HOPFIELD_BETA, 1.0);
    if (rc == AMEM_OK)
        rc = amem_hopfield_store(net, images, n);
    if (rc != AMEM_OK) {
        amem_free(images);
        amem_hopfield_free(net);
        fail("building the network", rc);
        return EXIT_FAILURE;
    }
    printf("libassocmem %s: stored %zu Fashion-MNIST images (%zux%zu) in a modern Hopfield network\n",
           amem_version_string(), n, h, w);
    int status = run(&args, net, images, n, h, w);
    amem_hopfield_free(net);
    amem_free(images);
    return status;
}

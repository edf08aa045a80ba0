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

static int fail(const char *what, int status)
{
    fprintf(stderr, "quickstart: %s: %s (%s)\n", what, amem_strerror(status),
            amem_last_error());
    return EXIT_FAILURE;
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

/* Stack three sets of SHOW images row by row for one PNG grid. */
static void stack_rows(float *grid, size_t d, const float *r0, const float *r1,
                       const float *r2)
{
    memcpy(grid, r0, SHOW * d * sizeof *grid);
    memcpy(grid + SHOW * d, r1, SHOW * d * sizeof *grid);
    if (r2)
        memcpy(grid + 2 * SHOW * d, r2, SHOW * d * sizeof *grid);
}

static int run(const ex_args *args, amem_hopfield *net, const float *images,
               size_t n, size_t h, size_t w)
{
    size_t d = h * w;
    float *cues = malloc(n * d * sizeof *cues);
    float *known = malloc(n * d * sizeof *known);
    float *recalled = malloc(n * d * sizeof *recalled);
    float *grid = malloc(3 * SHOW * d * sizeof *grid);
    int rc = cues && known && recalled && grid ? AMEM_OK : AMEM_E_NOMEM;
    char path[1200];

    /* Half the pixels of every image zeroed; the other half clamped. */
    if (rc == AMEM_OK)
        rc = amem_corrupt_zero(images, cues, n, d, 0.5, 7, known);
    if (rc == AMEM_OK)
        rc = amem_hopfield_recall(net, cues, n, known, recalled, NULL, NULL);
    if (rc != AMEM_OK)
        return fail("masked recall", rc);
    size_t correct = 0;
    for (size_t i = 0; i < n; i++)
        correct += nearest(images, n, d, &recalled[i * d]) == i;
    printf("masked cues (50%% of pixels zeroed, rest clamped):\n"
           "  cue error %.4f -> recall error %.4f (mean |pixel| difference on [-1,1])\n"
           "  %zu of %zu recalls are nearest to their own image (%.1f%%)\n",
           mean_abs_error(cues, images, n * d), mean_abs_error(recalled, images, n * d),
           correct, n, 100.0 * (double)correct / (double)n);
    stack_rows(grid, d, cues, recalled, images);
    if (ex_png_grid_gray(ex_out_path(args, "masked.png", path, sizeof path),
                         grid, 3 * SHOW, 3, SHOW, h, w, -1.0f, 1.0f) != 0)
        return EXIT_FAILURE;

    /* Replay: pure uniform(-1, 1) noise in, stored memories out. */
    rc = amem_hopfield_replay(net, SHOW, recalled, cues, NULL);
    if (rc != AMEM_OK)
        return fail("replay", rc);
    double replay_error = 0.0;
    for (size_t i = 0; i < SHOW; i++) {
        size_t k = nearest(images, n, d, &recalled[i * d]);
        replay_error += mean_abs_error(&recalled[i * d], &images[k * d], d) / SHOW;
    }
    printf("noise cues: %d replays, mean error to the nearest stored image %.4f\n",
           SHOW, replay_error);
    stack_rows(grid, d, cues, recalled, NULL);
    if (ex_png_grid_gray(ex_out_path(args, "noise.png", path, sizeof path),
                         grid, 2 * SHOW, 2, SHOW, h, w, -1.0f, 1.0f) != 0)
        return EXIT_FAILURE;
    printf("wrote %s/masked.png and %s/noise.png\n", args->out_dir, args->out_dir);
    free(cues);
    free(known);
    free(recalled);
    free(grid);
    return EXIT_SUCCESS;
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
        fprintf(stderr, "quickstart: run `make data` first\n");
        return fail("loading Fashion-MNIST", rc);
    }
    size_t n = args.quick ? 200 : 1000, d = h * w;
    if (n > count)
        n = count;
    for (size_t i = 0; i < n * d; i++) /* pixels [0, 1] -> [-1, 1] */
        images[i] = 2.0f * images[i] - 1.0f;

    amem_hopfield *net = NULL;
    rc = amem_hopfield_create(AMEM_HOPFIELD_MODERN, d, 0, &net);
    if (rc == AMEM_OK)
        rc = amem_hopfield_set(net, AMEM_HOPFIELD_BETA, 0.05);
    if (rc == AMEM_OK)
        rc = amem_hopfield_store(net, images, n);
    if (rc != AMEM_OK) {
        amem_free(images);
        amem_hopfield_free(net);
        return fail("building the network", rc);
    }
    printf("libassocmem %s: stored %zu Fashion-MNIST images (%zux%zu) in a modern Hopfield network\n",
           amem_version_string(), n, h, w);
    int status = run(&args, net, images, n, h, w);
    amem_hopfield_free(net);
    amem_free(images);
    return status;
}

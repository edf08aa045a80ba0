/*
 * Quickstart: store Fashion-MNIST images one-shot in a modern Hopfield
 * network, recall them from half-masked cues and from pure noise. Masked
 * cues are compared with the stored images over their known pixels only
 * (masked similarity), by Euclidean distance; the dot product is shown
 * beside it. A second store of 10,000 images is cued with 90% hidden.
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

#define CHUNK 500 /* queries per recall call: weights are CHUNK x n */

/*
 * Recall n masked cues (known = clamp mask) with the given similarity, in
 * chunks; *retrieved counts the cues whose largest softmax weight is on
 * their own image. recalled (n x d) receives the completed images.
 */
static int own_image_retrieval(amem_hopfield *net, int similarity,
                               const buffers *b, size_t n, size_t d,
                               size_t *retrieved)
{
    int rc = amem_hopfield_set(net, AMEM_HOPFIELD_SIMILARITY, similarity);
    *retrieved = 0;
    for (size_t first = 0; rc == AMEM_OK && first < n; first += CHUNK) {
        size_t m = n - first < CHUNK ? n - first : CHUNK;
        rc = amem_hopfield_recall(net, b->cues + first * d, m,
                                  b->known + first * d,
                                  b->recalled + first * d, NULL, b->weights);
        for (size_t i = 0; rc == AMEM_OK && i < m; i++)
            *retrieved += argmax(&b->weights[i * n], n) == first + i;
    }
    return rc;
}

/*
 * Hide a fraction of the pixels of every stored image (set to 0) and clamp
 * the rest; compare the stores' own-image retrieval with the dot product
 * and with Euclidean distance, both over the known pixels only (masked
 * similarity). Leaves the Euclidean recall in b->recalled.
 */
static int masked_retrieval(amem_hopfield *net, const float *images, size_t n,
                            size_t d, double hidden, buffers *b)
{
    size_t dot_hits, euclid_hits;
    int rc = amem_corrupt_zero(images, b->cues, n, d, hidden, 7, b->known);
    if (rc == AMEM_OK)
        rc = own_image_retrieval(net, AMEM_HOPFIELD_SIM_DOT, b, n, d,
                                 &dot_hits);
    if (rc == AMEM_OK)
        rc = own_image_retrieval(net, AMEM_HOPFIELD_SIM_EUCLIDEAN, b, n, d,
                                 &euclid_hits);
    if (rc != AMEM_OK)
        return fail("masked recall", rc);
    printf("  %zu stored, %.0f%% of the pixels hidden: own image retrieved "
           "for %.1f%% of the cues with the dot product, %.1f%% with "
           "Euclidean distance\n", n, 100.0 * hidden,
           100.0 * (double)dot_hits / (double)n,
           100.0 * (double)euclid_hits / (double)n);
    return 0;
}

/* Half the pixels of every image zeroed, the other half clamped. */
static int masked_recall(const ex_args *args, amem_hopfield *net,
                         const float *images, size_t n, size_t h, size_t w,
                         buffers *b)
{
    size_t d = h * w;
    char path[1200];
    printf("masked cues (hidden pixels zeroed, the rest clamped; "
           "similarities over the known pixels):\n");
    if (masked_retrieval(net, images, n, d, 0.5, b) != 0)
        return -1;
    printf("  mean |pixel error| on [-1,1] (Euclidean): cue %.4f, recall "
           "%.4f\n", mean_abs_error(b->cues, images, n * d),
           mean_abs_error(b->recalled, images, n * d));
    stack_rows(b->grid, d, b->cues, b->recalled, images);
    static const char *const labels[] = {"cue", "recall", "original"};
    ex_grid_style style = {"Masked cues: half the pixels hidden", labels, 0};
    return ex_png_grid(ex_out_path(args, "masked.png", path, sizeof path),
                       b->grid, 3 * SHOW, 3, SHOW, 1, h, w, -1.0f, 1.0f,
                       &style);
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
    static const char *const labels[] = {"noise cue", "recall"};
    ex_grid_style style = {"Replay from uniform noise", labels, 0};
    return ex_png_grid(ex_out_path(args, "noise.png", path, sizeof path),
                       b->grid, 2 * SHOW, 2, SHOW, 1, h, w, -1.0f, 1.0f,
                       &style);
}

/* Buffers for n stored images; weights for one chunk of queries. */
static int alloc_buffers(buffers *b, size_t n, size_t d)
{
    size_t chunk = n < CHUNK ? n : CHUNK;
    b->cues = malloc(n * d * sizeof(float));
    b->known = malloc(n * d * sizeof(float));
    b->recalled = malloc(n * d * sizeof(float));
    b->weights = malloc(chunk * n * sizeof(float));
    b->grid = malloc(3 * SHOW * d * sizeof(float));
    return b->cues && b->known && b->recalled && b->weights && b->grid
               ? 0 : fail("allocating buffers", AMEM_E_NOMEM);
}

static void free_buffers(buffers *b)
{
    free(b->cues);
    free(b->known);
    free(b->recalled);
    free(b->weights);
    free(b->grid);
}

/* A modern store of n images (rows of images) with Euclidean similarity. */
static int make_store(const float *images, size_t n, size_t d,
                      amem_hopfield **net)
{
    int rc = amem_hopfield_create(AMEM_HOPFIELD_MODERN, d, 0, net);
    if (rc == AMEM_OK)
        rc = amem_hopfield_set(*net, AMEM_HOPFIELD_BETA, 1.0);
    if (rc == AMEM_OK)
        rc = amem_hopfield_set(*net, AMEM_HOPFIELD_SIMILARITY,
                               AMEM_HOPFIELD_SIM_EUCLIDEAN);
    if (rc == AMEM_OK)
        rc = amem_hopfield_store(*net, images, n);
    return rc == AMEM_OK ? 0 : fail("building the network", rc);
}

static int run(const ex_args *args, const float *images, size_t n, size_t h,
               size_t w)
{
    size_t d = h * w;
    buffers b;
    amem_hopfield *net = NULL;
    int status = alloc_buffers(&b, n, d) == 0 && make_store(images, n, d, &net) == 0
                     ? EXIT_SUCCESS : EXIT_FAILURE;
    if (status == EXIT_SUCCESS)
        printf("libassocmem %s: stored %zu Fashion-MNIST images (%zux%zu) in "
               "a modern Hopfield network\n", amem_version_string(), n, h, w);
    if (status == EXIT_SUCCESS &&
        (masked_recall(args, net, images, n, h, w, &b) != 0 ||
         noise_replay(args, net, images, n, h, w, &b) != 0))
        status = EXIT_FAILURE;
    amem_hopfield_free(net);
    free_buffers(&b);
    return status;
}

/* The same comparison with many more images and most pixels hidden. */
static int run_large(const float *images, size_t n, size_t d, double hidden)
{
    buffers b;
    amem_hopfield *net = NULL;
    int status = alloc_buffers(&b, n, d) == 0 && make_store(images, n, d, &net) == 0
                     ? 0 : -1;
    if (status == 0) {
        printf("a larger store, most pixels hidden:\n");
        status = masked_retrieval(net, images, n, d, hidden, &b);
    }
    amem_hopfield_free(net);
    free_buffers(&b);
    return status == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
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
    size_t n = args.quick ? 200 : 1000, large = args.quick ? 1000 : 10000;
    size_t d = h * w;
    n = n < count ? n : count;
    large = large < count ? large : count;
    for (size_t i = 0; i < large * d; i++) /* pixels [0, 1] -> [-1, 1] */
        images[i] = 2.0f * images[i] - 1.0f;
    int status = run(&args, images, n, h, w);
    if (status == EXIT_SUCCESS)
        status = run_large(images, large, d, 0.9);
    if (status == EXIT_SUCCESS)
        printf("wrote %s/masked.png and %s/noise.png\n", args.out_dir,
               args.out_dir);
    amem_free(images);
    return status;
}

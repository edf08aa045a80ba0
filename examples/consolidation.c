/*
 * Consolidation in one minute (Spens & Burgess 2022): a modern Hopfield
 * network (the hippocampal "teacher") stores Fashion-MNIST images one-shot
 * and replays them from random noise; a small VAE (the neocortical
 * "student") is trained only on those replays; then both recall from
 * partial cues, for stored images and for new ones.
 *
 *   make demo   (or: build/examples/consolidation [--quick] [--out DIR])
 *
 * Writes into out/consolidation/:
 *   replay.png         noise cue / what the teacher replays
 *   recall_stored.png  stored images: cue / teacher / student / original
 *                      (the teacher compares the known pixels only, by
 *                      Euclidean distance; its own-image retrieval is
 *                      printed beside the dot product's)
 *   recall_new.png     new images:    cue / teacher / student / original
 *   imagination.png    the student decoding random latent vectors
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <assocmem/assocmem.h>
#include <assocmem/data.h>
#include <assocmem/hopfield.h>
#include <assocmem/vae.h>

#include "common/args.h"
#include "common/png_grid.h"
#include "common/progress.h"

#define SHOW 10       /* images per row in the PNG grids */
#define NEW_ITEMS 200 /* images the teacher never stored */
#define HIDDEN 0.25   /* fraction of pixels hidden in a partial cue */

static int fail(const char *what, int status)
{
    fprintf(stderr, "consolidation: %s: %s (%s)\n", what,
            amem_strerror(status), amem_last_error());
    return -1;
}

static double mean_abs_error(const float *a, const float *b, size_t len)
{
    double sum = 0.0;
    for (size_t i = 0; i < len; i++)
        sum += fabs((double)a[i] - b[i]);
    return sum / (double)len;
}

static int grid(const ex_args *args, const char *file, const float *images,
                size_t rows, const char *title, const char *const *labels)
{
    char path[1200];
    ex_grid_style style = {title, labels, 0};
    return ex_png_grid(ex_out_path(args, file, path, sizeof path), images,
                       rows * SHOW, rows, SHOW, 1, 28, 28, 0.0f, 1.0f, &style);
}

/* The teacher: patterns stored one-shot on the [-1, 1] scale; one step
 * xi <- X softmax(beta X^T xi / sqrt(d)) (Ramsauer et al. 2020, eq. 3). */
static int make_teacher(const float *images, size_t n, size_t d,
                        amem_hopfield **out)
{
    float *stored = malloc(n * d * sizeof(float));
    int rc = stored ? amem_hopfield_create(AMEM_HOPFIELD_MODERN, d, 0, out)
                    : AMEM_E_NOMEM;
    for (size_t i = 0; stored && i < n * d; i++)
        stored[i] = 2.0f * images[i] - 1.0f;
    if (rc == AMEM_OK) rc = amem_hopfield_set(*out, AMEM_HOPFIELD_BETA, 10.0);
    if (rc == AMEM_OK)
        rc = amem_hopfield_set(*out, AMEM_HOPFIELD_SCALE_SQRT_D, 1);
    if (rc == AMEM_OK)
        rc = amem_hopfield_set(*out, AMEM_HOPFIELD_NOISE,
                               AMEM_HOPFIELD_NOISE_SIGNS);
    if (rc == AMEM_OK) rc = amem_hopfield_store(*out, stored, n);
    free(stored);
    return rc == AMEM_OK ? 0 : fail("storing in the teacher", rc);
}

/* Panel 1: +-1 noise in, stored memories out. */
static int replay_panel(const ex_args *args, amem_hopfield *teacher)
{
    float buf[2 * SHOW * 784];
    int rc = amem_hopfield_replay(teacher, SHOW, buf + SHOW * 784, buf, NULL);
    if (rc != AMEM_OK)
        return fail("replay", rc);
    for (size_t i = 0; i < 2 * SHOW * 784; i++)
        buf[i] = 0.5f * buf[i] + 0.5f;
    printf("1. the teacher replays its memories from pure noise "
           "(replay.png)\n");
    static const char *const labels[] = {"noise cue", "replay"};
    return grid(args, "replay.png", buf, 2,
                "Teacher replays from noise (modern Hopfield)", labels);
}

static int progress(void *user, const char *stage, long done, long total,
                    double metric)
{
    (void)user;
    if (strcmp(stage, "epoch") == 0)
        printf("   epoch %ld/%ld  loss %.1f\n", done, total, metric);
    return ex_progress(NULL, stage, done, total, metric);
}

/* The student, a DIGITS28 VAE trained only on fresh replays every epoch. */
static int make_student(const ex_args *args, amem_hopfield *teacher,
                        size_t n, amem_vae **out)
{
    int rc = amem_vae_create_preset(AMEM_VAE_PRESET_DIGITS28, 1, out);
    if (rc == AMEM_OK)
        rc = amem_vae_set(*out, AMEM_VAE_EPOCHS, args->quick ? 1 : 25);
    if (rc == AMEM_OK) rc = amem_vae_set(*out, AMEM_VAE_PATIENCE, 0);
    if (rc == AMEM_OK)
        rc = amem_vae_set(*out, AMEM_VAE_REPLAY_NOISE, AMEM_VAE_NOISE_SIGNS);
    if (rc != AMEM_OK)
        return fail("building the student", rc);
    printf("2. the student (a VAE) learns from %zu fresh replays per epoch, "
           "never from the images themselves\n", n);
    rc = amem_vae_consolidate(*out, teacher, n, progress, NULL, NULL, NULL);
    return rc == AMEM_OK ? 0 : fail("consolidation", rc);
}

/* Fraction of cues whose largest teacher weight is on their own image
 * (cue i is stored image i), with the given similarity over the known
 * entries (masked similarity); the recall goes to out. */
static int own_image_rate(amem_hopfield *teacher, int similarity,
                          const float *cue, const float *known, size_t n,
                          float *out, double *rate)
{
    size_t stored;
    int rc = amem_hopfield_count(teacher, &stored);
    float *w = rc == AMEM_OK ? malloc(n * stored * sizeof(float)) : NULL;
    if (rc == AMEM_OK && w == NULL) rc = AMEM_E_NOMEM;
    if (rc == AMEM_OK)
        rc = amem_hopfield_set(teacher, AMEM_HOPFIELD_SIMILARITY, similarity);
    if (rc == AMEM_OK)
        rc = amem_hopfield_recall(teacher, cue, n, known, out, NULL, w);
    size_t hits = 0;
    for (size_t i = 0; rc == AMEM_OK && i < n; i++) {
        size_t best = 0;
        for (size_t j = 1; j < stored; j++)
            best = w[i * stored + j] > w[i * stored + best] ? j : best;
        hits += best == i;
    }
    *rate = (double)hits / (double)n;
    free(w);
    return rc;
}

/* The teacher's recall of partial cues on its [-1, 1] scale (hidden
 * entries 0, known entries clamped), by masked Euclidean similarity; for
 * stored images also the own-image retrieval with the dot product. The
 * teacher is left with dot similarity (for its replay). */
static int teacher_recall(amem_hopfield *teacher, const float *cue,
                          const float *known, size_t n, int stored, float *t)
{
    double dot = 0.0, euclid = 0.0;
    int rc = AMEM_OK;
    if (stored)
        rc = own_image_rate(teacher, AMEM_HOPFIELD_SIM_DOT, cue, known, n, t,
                            &dot);
    if (rc == AMEM_OK)
        rc = own_image_rate(teacher, AMEM_HOPFIELD_SIM_EUCLIDEAN, cue, known,
                            n, t, &euclid);
    int reset = amem_hopfield_set(teacher, AMEM_HOPFIELD_SIMILARITY,
                                  AMEM_HOPFIELD_SIM_DOT);
    if (rc == AMEM_OK && stored)
        printf("   stored images: the teacher retrieves the cue's own image "
               "for %.1f%% with the dot product, %.1f%% with masked "
               "Euclidean similarity\n", 100.0 * dot, 100.0 * euclid);
    return rc == AMEM_OK ? reset : rc;
}

/* Rows: partial cue, teacher recall, student recall, original. Hidden
 * pixels are black (0) for the student, as the authors do; the teacher
 * gets 0 ("unknown", mid-grey on its [-1, 1] scale) there and keeps the
 * known pixels clamped. */
static int recall_panel(const ex_args *args, const char *file,
                        const char *title, amem_hopfield *teacher,
                        amem_vae *student, const float *images, size_t n,
                        int stored)
{
    size_t d = 784;
    size_t bytes = n * d * sizeof(float);
    float *cue = malloc(bytes), *t = malloc(bytes), *s = malloc(bytes);
    float *known = malloc(bytes), *rows = malloc(4 * SHOW * d * sizeof(float));
    int rc = cue && t && s && known && rows
                 ? amem_corrupt_zero(images, cue, n, d, HIDDEN, 11, known)
                 : AMEM_E_NOMEM;
    for (size_t i = 0; rc == AMEM_OK && i < n * d; i++)
        s[i] = known[i] != 0.0f ? 2.0f * cue[i] - 1.0f : 0.0f;
    if (rc == AMEM_OK)
        rc = teacher_recall(teacher, s, known, n, stored, t);
    for (size_t i = 0; rc == AMEM_OK && i < n * d; i++)
        t[i] = 0.5f * t[i] + 0.5f;
    if (rc == AMEM_OK) rc = amem_vae_recall(student, cue, n, NULL, 0.0f, s);
    int status = rc == AMEM_OK ? 0 : fail("recall", rc);
    if (status == 0) {
        size_t exact = 0;
        for (size_t i = 0; i < n; i++)
            exact += mean_abs_error(t + i * d, images + i * d, d) < 0.01;
        printf("   %s: mean |pixel error| cue %.3f, teacher %.3f, student "
               "%.3f; teacher exact on %zu of %zu\n", title,
               mean_abs_error(cue, images, n * d),
               mean_abs_error(t, images, n * d),
               mean_abs_error(s, images, n * d), exact, n);
        const float *src[4] = {cue, t, s, images};
        for (int r = 0; r < 4; r++)
            memcpy(rows + r * SHOW * d, src[r], SHOW * d * sizeof(float));
        static const char *const labels[] = {"cue", "teacher", "student",
                                             "original"};
        char heading[64];
        int len = snprintf(heading, sizeof heading, "Recall of %s", title);
        while (len > 0 && heading[len - 1] == ' ')
            heading[--len] = '\0';
        status = grid(args, file, rows, 4, heading, labels);
    }
    free(cue);
    free(t);
    free(s);
    free(known);
    free(rows);
    return status;
}

static int imagination_panel(const ex_args *args, amem_vae *student)
{
    float buf[2 * SHOW * 784];
    int rc = amem_vae_sample(student, 2 * SHOW, buf, NULL);
    if (rc != AMEM_OK)
        return fail("sampling", rc);
    printf("4. imagination: the student decodes random latent vectors "
           "(imagination.png)\n");
    return grid(args, "imagination.png", buf, 2,
                "Student imagination: decoded random latents", NULL);
}

static int story(const ex_args *args, const float *images, size_t n)
{
    amem_hopfield *teacher = NULL;
    amem_vae *student = NULL;
    const float *fresh = images + n * 784;
    int status = make_teacher(images, n, 784, &teacher);
    printf("libassocmem %s: the teacher stored %zu Fashion-MNIST images "
           "one-shot\n", amem_version_string(), n);
    if (status == 0) status = replay_panel(args, teacher);
    if (status == 0) status = make_student(args, teacher, n, &student);
    if (status == 0)
        printf("3. recall from cues with %.0f%% of the pixels hidden\n",
               100.0 * HIDDEN);
    if (status == 0)
        status = recall_panel(args, "recall_stored.png", "stored images",
                              teacher, student, images, 200 < n ? 200 : n, 1);
    if (status == 0)
        status = recall_panel(args, "recall_new.png", "new images   ", teacher,
                              student, fresh, NEW_ITEMS, 0);
    if (status == 0)
        printf("   the teacher completes stored images (exactly, when it "
               "settles on the right memory)\n   but fills a new image's "
               "hidden pixels from the nearest stored one; the student does "
               "equally well on\n"
               "   stored and new images, blurred: it learned a generative "
               "model of the events, not copies\n");
    if (status == 0) status = imagination_panel(args, student);
    if (status == 0)
        printf("wrote replay.png, recall_stored.png, recall_new.png, "
               "imagination.png in %s\n", args->out_dir);
    amem_vae_free(student);
    amem_hopfield_free(teacher);
    return status;
}

int main(int argc, char **argv)
{
    ex_args args;
    int parsed = ex_args_parse(&args, "consolidation", argc, argv);
    if (parsed != 0)
        return parsed > 0 ? EXIT_SUCCESS : EXIT_FAILURE;
    char path[1200];
    float *images = NULL;
    size_t count, h, w;
    int rc = amem_idx_read_images(
        ex_data_path(&args, "fashion-mnist/train-images-idx3-ubyte.gz", path,
                     sizeof path),
        &images, &count, &h, &w);
    if (rc != AMEM_OK) {
        fail("loading Fashion-MNIST", rc);
        fprintf(stderr, "consolidation: run `make data` first\n");
        return EXIT_FAILURE;
    }
    size_t n = args.quick ? 200 : 2000;
    if (h != 28 || w != 28 || count < n + NEW_ITEMS) {
        amem_free(images);
        fprintf(stderr, "consolidation: unexpected Fashion-MNIST file\n");
        return EXIT_FAILURE;
    }
    int status = story(&args, images, n);
    amem_free(images);
    return status == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

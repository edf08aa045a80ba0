/*
 * Spens & Burgess 2022: the image grids of Figures 4 and 6 and the
 * latent-space data of Figure 5 (lower row).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <assocmem/assocmem.h>
#include <assocmem/data.h>
#include <assocmem/probes.h>

#include "common/png_grid.h"
#include "parts.h"

#define INTERP_ROWS 5
#define INTERP_STEPS 10

int sb_grid(const char *out_dir, const char *prefix, const sb_data *d,
            const float *images, size_t n, size_t rows, const char *title,
            const char *const *labels)
{
    char heading[160];
    snprintf(heading, sizeof heading, "%s (%s)", title ? title : "",
             sb_dataset_name[d->which]);
    ex_grid_style style = {title ? heading : NULL, labels, 0};
    char path[1400];
    snprintf(path, sizeof path, "%s/%s_%s.png", out_dir, prefix,
             sb_dataset_name[d->which]);
    return ex_png_grid(path, images, n, rows, SB_SHOW, d->channels,
                       d->height, d->width, 0.0f, 1.0f, &style);
}

static double mean_abs(const float *a, const float *b, size_t len)
{
    double s = 0.0;
    for (size_t i = 0; i < len; i++)
        s += fabs((double)a[i] - b[i]);
    return s / (double)len;
}

/* The teacher's recall of partial inputs (unknown entries are black,
 * i.e. -1 on its scale; nothing clamped), mapped back to [0, 1]. */
static int teacher_recall(amem_hopfield *h, const float *partial, size_t n,
                          size_t dim, float *out)
{
    float *cues = malloc(n * dim * sizeof(float));
    if (!cues)
        return AMEM_E_NOMEM;
    for (size_t i = 0; i < n * dim; i++)
        cues[i] = 2.0f * partial[i] - 1.0f;
    int rc = amem_hopfield_recall(h, cues, n, NULL, out, NULL, NULL);
    for (size_t i = 0; rc == AMEM_OK && i < n * dim; i++)
        out[i] = 0.5f * out[i] + 0.5f;
    free(cues);
    return rc;
}

/* Fraction of cues (cue i is item i) whose largest teacher weight falls
 * on their own item; the teacher's similarity is reset to DOT after. */
static int teacher_top1(amem_hopfield *h, int similarity, const float *cues,
                        const float *known, size_t n, size_t stored,
                        float *out, double *rate)
{
    float *w = malloc(n * stored * sizeof(float));
    int rc = w ? amem_hopfield_set(h, AMEM_HOPFIELD_SIMILARITY, similarity)
               : AMEM_E_NOMEM;
    if (rc == AMEM_OK)
        rc = amem_hopfield_recall(h, cues, n, known, out, NULL, w);
    size_t hits = 0;
    for (size_t i = 0; rc == AMEM_OK && i < n; i++) {
        size_t best = 0;
        for (size_t j = 1; j < stored; j++)
            best = w[i * stored + j] > w[i * stored + best] ? j : best;
        hits += best == i;
    }
    *rate = (double)hits / (double)n;
    int reset = amem_hopfield_set(h, AMEM_HOPFIELD_SIMILARITY,
                                  AMEM_HOPFIELD_SIM_DOT);
    free(w);
    return rc == AMEM_OK ? reset : rc;
}

/* Top-1 retrieval from the partial inputs, dot product (the paper's cue:
 * hidden entries -1, nothing clamped) and masked Euclidean (hidden entries
 * 0, the known ones clamped and compared). */
static int teacher_accuracy(amem_hopfield *h, const float *partial,
                            const float *known, size_t n, const sb_data *d,
                            sb_result *res)
{
    size_t len = n * d->dim;
    float *cues = malloc(len * sizeof(float)), *out = malloc(len * sizeof(float));
    int rc = cues && out ? AMEM_OK : AMEM_E_NOMEM;
    for (size_t i = 0; rc == AMEM_OK && i < len; i++)
        cues[i] = 2.0f * partial[i] - 1.0f;
    if (rc == AMEM_OK)
        rc = teacher_top1(h, AMEM_HOPFIELD_SIM_DOT, cues, NULL, n,
                          d->n_items, out, &res->top1_dot);
    for (size_t i = 0; rc == AMEM_OK && i < len; i++)
        cues[i] = known[i] != 0.0f ? cues[i] : 0.0f;
    if (rc == AMEM_OK)
        rc = teacher_top1(h, AMEM_HOPFIELD_SIM_EUCLIDEAN, cues, known, n,
                          d->n_items, out, &res->top1_euclid);
    free(cues);
    free(out);
    return rc;
}

/* Rows of the grid: partial, teacher, student, [baseline], original. */
int sb_recall_figure(const sb_config *cfg, const char *out_dir,
                     const sb_data *d, amem_hopfield *teacher,
                     amem_vae *student, amem_vae *baseline, sb_result *res)
{
    size_t n = d->n_items < 200 ? d->n_items : 200, dim = d->dim;
    size_t rows = baseline ? 5 : 4;
    float *partial = malloc(n * dim * sizeof(float));
    float *known = malloc(n * dim * sizeof(float));
    float *out = malloc(4 * n * dim * sizeof(float));
    float *grid = malloc(rows * SB_SHOW * dim * sizeof(float));
    int rc = partial && known && out && grid ? AMEM_OK : AMEM_E_NOMEM;
    if (rc == AMEM_OK) /* the authors' partial input: a fraction zeroed */
        rc = amem_corrupt_zero(d->items, partial, n, dim, cfg->mask_fraction,
                               cfg->seed + 7, known);
    if (rc == AMEM_OK)
        rc = teacher_accuracy(teacher, partial, known, n, d, res);
    if (rc == AMEM_OK) rc = teacher_recall(teacher, partial, n, dim, out);
    if (rc == AMEM_OK)
        rc = amem_vae_recall(student, partial, n, NULL, 0.0f, out + n * dim);
    if (rc == AMEM_OK) /* intact items, for the blur of the VAE alone */
        rc = amem_vae_reconstruct(student, d->items, n, out + 3 * n * dim);
    if (rc == AMEM_OK && baseline)
        rc = amem_vae_recall(baseline, partial, n, NULL, 0.0f,
                             out + 2 * n * dim);
    int status = rc == AMEM_OK ? 0 : sb_fail("recall from partial input", rc);
    if (status == 0) {
        res->err_partial = mean_abs(partial, d->items, n * dim);
        res->err_teacher = mean_abs(out, d->items, n * dim);
        res->err_student = mean_abs(out + n * dim, d->items, n * dim);
        res->err_student_full = mean_abs(out + 3 * n * dim, d->items, n * dim);
        res->err_baseline = baseline ? mean_abs(out + 2 * n * dim, d->items,
                                                n * dim) : NAN;
        const float *row[5] = {partial, out, out + n * dim, out + 2 * n * dim,
                               d->items};
        for (size_t r = 0, k = 0; r < 5; r++) {
            if (r == 3 && !baseline)
                continue;
            memcpy(grid + k++ * SB_SHOW * dim, row[r],
                   SB_SHOW * dim * sizeof(float));
        }
        static const char *const with_base[] = {"cue", "teacher", "student",
                                                "baseline", "original"};
        static const char *const no_base[] = {"cue", "teacher", "student",
                                              "original"};
        status = sb_grid(out_dir, "fig4_recall", d, grid, rows * SB_SHOW, rows,
                         "Recall from partial input",
                         baseline ? with_base : no_base);
    }
    free(partial);
    free(known);
    free(out);
    free(grid);
    return status;
}

/* Figure 6 left: rows between pairs of training items (i, i + 1). */
static int interpolation(const char *out_dir, const sb_data *d, amem_vae *v)
{
    size_t dim = d->dim, n = INTERP_ROWS * INTERP_STEPS;
    float *grid = malloc(n * dim * sizeof(float));
    int rc = grid ? AMEM_OK : AMEM_E_NOMEM;
    for (size_t r = 0; rc == AMEM_OK && r < INTERP_ROWS; r++) {
        size_t a = (2 * r) % d->n_items, b = (2 * r + 1) % d->n_items;
        rc = amem_vae_interpolate(v, d->items + a * dim, d->items + b * dim,
                                  INTERP_STEPS, grid + r * INTERP_STEPS * dim);
    }
    int status = rc == AMEM_OK
                     ? sb_grid(out_dir, "fig6_interpolation", d, grid, n,
                               INTERP_ROWS,
                               "Latent interpolation between item pairs", NULL)
                     : sb_fail("interpolation", rc);
    free(grid);
    return status;
}

/* Imagination: decoded samples from the prior. */
static int samples(const char *out_dir, const sb_data *d, amem_vae *v)
{
    size_t n = 2 * SB_SHOW;
    float *grid = malloc(n * d->dim * sizeof(float));
    int rc = grid ? amem_vae_sample(v, n, grid, NULL) : AMEM_E_NOMEM;
    int status = rc == AMEM_OK ? sb_grid(out_dir, "samples", d, grid, n, 2,
                                         "Student samples from the prior",
                                         NULL)
                               : sb_fail("sampling", rc);
    free(grid);
    return status;
}

/* Figure 5 lower row: t-SNE of the latent means, x,y,label per line. */
static int tsne_csv(const sb_config *cfg, const char *out_dir,
                    const sb_data *d, amem_vae *v)
{
    size_t n = d->n_test < cfg->tsne_points ? d->n_test : cfg->tsne_points, k;
    amem_vae_latent_dim(v, &k);
    float *mu = malloc(n * k * sizeof(float)), *y = malloc(n * 2 * sizeof(float));
    int rc = mu && y ? amem_vae_encode(v, d->test, n, mu, NULL) : AMEM_E_NOMEM;
    double perplexity = n >= 100 ? 30.0 : (double)(n - 1) / 3.0;
    if (rc == AMEM_OK)
        rc = amem_tsne(mu, n, k, 2, perplexity, 1000, cfg->seed, y, NULL, NULL);
    char path[1400];
    snprintf(path, sizeof path, "%s/tsne_%s.csv", out_dir,
             sb_dataset_name[d->which]);
    FILE *f = rc == AMEM_OK ? fopen(path, "w") : NULL;
    if (f) {
        fprintf(f, "x,y,label\n");
        for (size_t i = 0; i < n; i++)
            fprintf(f, "%.5g,%.5g,%d\n", y[2 * i], y[2 * i + 1],
                    (int)d->test_labels[i]);
        fclose(f);
    }
    free(mu);
    free(y);
    if (rc != AMEM_OK)
        return sb_fail("t-SNE", rc);
    return f ? 0 : (fprintf(stderr, "spens2022: cannot write %s\n", path), -1);
}

int sb_latent_figures(const sb_config *cfg, const char *out_dir,
                      const sb_data *d, amem_vae *student)
{
    if (interpolation(out_dir, d, student) != 0 ||
        samples(out_dir, d, student) != 0)
        return -1;
    return tsne_csv(cfg, out_dir, d, student);
}

static void curve_rows(FILE *f, const char *model, const sb_curve *c)
{
    for (size_t e = 0; e < c->points; e++)
        fprintf(f, "%s,%zu,%.5f,%.6f,%.6g\n", model, e, c->accuracy[e],
                c->recon[e], c->loss[e]);
}

int sb_write_curves(const char *out_dir, const sb_data *d,
                    const sb_result *res)
{
    char path[1400];
    snprintf(path, sizeof path, "%s/curves_%s.csv", out_dir,
             sb_dataset_name[d->which]);
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "spens2022: cannot write %s\n", path);
        return -1;
    }
    fprintf(f, "model,epoch,accuracy,recon,loss\n");
    curve_rows(f, "student", &res->student);
    curve_rows(f, "baseline", &res->baseline);
    fclose(f);
    return 0;
}

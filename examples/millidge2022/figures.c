/*
 * A picture of single-shot recall: for ten images of a store of 100, rows
 * original / half cue / recall with dot, Euclidean and Manhattan
 * similarity (softmax) / recall with masked dot similarity / noise cue /
 * its recall with dot and with Euclidean similarity.
 */
#include <stdlib.h>
#include <string.h>

#include "common/png_grid.h"
#include "uhn.h"

#define SHOW 10
#define ROWS 9

typedef struct row_spec {
    int cue, sim; /* sim < 0: show the cue itself (or the original) */
} row_spec;

static const row_spec rows[ROWS] = {
    {-1, -1}, {UHN_CUE_HALF, -1}, {UHN_CUE_HALF, AMEM_HOPFIELD_SIM_DOT},
    {UHN_CUE_HALF, AMEM_HOPFIELD_SIM_EUCLIDEAN},
    {UHN_CUE_HALF, AMEM_HOPFIELD_SIM_MANHATTAN},
    {UHN_CUE_MASKED, AMEM_HOPFIELD_SIM_DOT}, {UHN_CUE_NOISE, -1},
    {UHN_CUE_NOISE, AMEM_HOPFIELD_SIM_DOT},
    {UHN_CUE_NOISE, AMEM_HOPFIELD_SIM_EUCLIDEAN}};

/* Row r of the grid (SHOW images) into dst; n images stored in h. */
static int fill_row(const uhn_config *cfg, const uhn_data *d, amem_hopfield *h,
                    size_t n, int r, float *cues, float *known, float *dst)
{
    size_t bytes = SHOW * d->dim * sizeof(float);
    if (rows[r].cue < 0) {
        memcpy(dst, d->images, bytes);
        return 0;
    }
    if (uhn_make_cues(cfg, d, rows[r].cue, d->images, n, 7, cues, known) != 0)
        return -1;
    if (rows[r].sim < 0) {
        memcpy(dst, cues, bytes);
        return 0;
    }
    const float *clamp = rows[r].cue == UHN_CUE_MASKED ? known : NULL;
    int rc = amem_hopfield_set(h, AMEM_HOPFIELD_SIMILARITY, rows[r].sim);
    if (rc == AMEM_OK) /* recall the first SHOW of the n cues */
        rc = amem_hopfield_recall(h, cues, SHOW, clamp, dst, NULL, NULL);
    return rc == AMEM_OK ? 0 : uhn_fail("example recall", rc);
}

int uhn_examples_png(const ex_args *args, const uhn_config *cfg,
                     const uhn_data *d)
{
    size_t n = 100, len = n * d->dim;
    float *cues = malloc(len * sizeof(float)), *known = malloc(len * sizeof(float));
    float *grid = malloc(ROWS * SHOW * d->dim * sizeof(float));
    amem_hopfield *h = NULL;
    int rc = cues && known && grid
                 ? amem_hopfield_create(AMEM_HOPFIELD_MODERN, d->dim, 0, &h)
                 : AMEM_E_NOMEM;
    if (rc == AMEM_OK) rc = amem_hopfield_set(h, AMEM_HOPFIELD_BETA, cfg->beta);
    if (rc == AMEM_OK) rc = amem_hopfield_set(h, AMEM_HOPFIELD_MAX_STEPS, 1);
    if (rc == AMEM_OK) rc = amem_hopfield_store(h, d->images, n);
    int status = rc == AMEM_OK ? 0 : uhn_fail("example store", rc);
    for (int r = 0; status == 0 && r < ROWS; r++)
        status = fill_row(cfg, d, h, n, r, cues, known,
                          grid + (size_t)r * SHOW * d->dim);
    char file[64], path[1200];
    snprintf(file, sizeof file, "examples_%s.png", d->name);
    if (status == 0)
    {
        static const char *const labels[ROWS] = {
            "original", "half cue", "dot", "euclidean", "manhattan",
            "masked dot", "noise cue", "noise dot", "noise eucl."};
        char title[96];
        snprintf(title, sizeof title, "Single-shot recall, %s (100 stored)",
                 d->name);
        ex_grid_style style = {title, labels, 0};
        status = ex_png_grid(ex_out_path(args, file, path, sizeof path), grid,
                             ROWS * SHOW, ROWS, SHOW, 1, d->height, d->width,
                             0.0f, 1.0f, &style);
    }
    amem_hopfield_free(h);
    free(cues);
    free(known);
    free(grid);
    return status;
}

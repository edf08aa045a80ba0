/*
 * Figure 1: energy landscapes of three kinds of memory in two dimensions,
 * from the exact score of the library's diffusion handle at one time t
 * (theta_t = 0.9): (a) point memories, (b) extended memories (each stored
 * pattern a blob of radius EXTENT, Eq. 23), (c) the same point memories
 * beside a continuous "semantic" density N(0, SEMANTIC_VAR I) of weight
 * SEMANTIC_WEIGHT (Eqs. 24-25). Writes fig1_landscape.csv (case, x, y,
 * log p_t, score) on a grid; plot.py draws the density and the flow lines.
 */
#include <stdio.h>
#include <stdlib.h>

#include <assocmem/diffusion.h>

#include "recall.h"
#include "results.h"

enum { GRID = 41, CASES = 3 };
static const char *const case_name[CASES] = {"points", "extended",
                                             "semantic"};
/* Three memories of the panels (2-D). */
static const float memories[6] = {1.2f, 0.6f, -1.0f, 0.9f, 0.1f, -1.1f};

static int configure(amem_diffusion *h, int c)
{
    int st = amem_diffusion_set(h, AMEM_DIFFUSION_EXTENT, c == 1 ? 0.35 : 0);
    if (st == AMEM_OK)
        st = amem_diffusion_set(h, AMEM_DIFFUSION_SEMANTIC_WEIGHT,
                                c == 2 ? 0.5 : 0);
    if (st == AMEM_OK)
        st = amem_diffusion_set(h, AMEM_DIFFUSION_SEMANTIC_VAR, 1.0);
    return st;
}

/* log p_t and the score on the grid [-2, 2]^2 for one case, as CSV rows. */
static int write_case(FILE *f, amem_diffusion *h, int c, double t,
                      float *grid, float *score, double *logp)
{
    int st = configure(h, c);
    if (st == AMEM_OK)
        st = amem_diffusion_log_density(h, grid, GRID * GRID, t, logp);
    if (st == AMEM_OK)
        st = amem_diffusion_score(h, grid, GRID * GRID, t, score);
    if (st != AMEM_OK)
        return amb_fail("fig1 landscape", st);
    for (size_t i = 0; i < GRID * GRID; i++)
        fprintf(f, "%s,%.4f,%.4f,%.6g,%.6g,%.6g\n", case_name[c], grid[2 * i],
                grid[2 * i + 1], logp[i], score[2 * i], score[2 * i + 1]);
    return 0;
}

static void fill_grid(float *grid)
{
    for (int i = 0; i < GRID; i++)
        for (int j = 0; j < GRID; j++) {
            grid[2 * (i * GRID + j)] = -2.0f + 4.0f * (float)j / (GRID - 1);
            grid[2 * (i * GRID + j) + 1] = -2.0f + 4.0f * (float)i / (GRID - 1);
        }
}

int amb_landscape(const amb_config *cfg, const char *out_dir,
                  amb_results *res)
{
    (void)cfg;
    char path[1200];
    snprintf(path, sizeof path, "%s/fig1_landscape.csv", out_dir);
    amem_diffusion *h = NULL;
    float *grid = malloc(2 * GRID * GRID * sizeof(float));
    float *score = malloc(2 * GRID * GRID * sizeof(float));
    double *logp = malloc(GRID * GRID * sizeof(double)), t;
    FILE *f = fopen(path, "w");
    int rc = grid && score && logp && f ? 0 : -1;
    int st = rc == 0 ? amem_diffusion_create(2, &h) : AMEM_OK;
    if (st == AMEM_OK && rc == 0)
        st = amem_diffusion_store(h, memories, 3);
    if (st == AMEM_OK && rc == 0)
        st = amem_diffusion_t_start(h, 0.9, &t);
    if (st != AMEM_OK)
        rc = amb_fail("fig1 setup", st);
    if (rc == 0) {
        fill_grid(grid);
        fprintf(f, "case,x,y,logp,score_x,score_y\n");
    }
    for (int c = 0; c < CASES && rc == 0; c++)
        rc = write_case(f, h, c, t, grid, score, logp);
    if (f && fclose(f) != 0)
        rc = -1;
    res->f1_done = rc == 0;
    amem_diffusion_free(h);
    free(grid), free(score), free(logp);
    return rc;
}

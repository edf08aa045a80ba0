/*
 * Figure 1: energy landscapes of three kinds of memory in two dimensions,
 * from the exact score of the library's diffusion handle at one time t
 * (theta_t = 0.9): (a) point memories, (b) extended memories (each stored
 * pattern a blob of radius EXTENT, Eq. 23), (c) the same point memories
 * beside a non-localised "semantic" manifold (Section 6.1, Eqs. 24-25): a
 * line through SEM_MEAN at 30 degrees, N(m, c I + sigma^2 q q^T) with a
 * large spread sigma along it and a small variance c across it, of weight
 * SEMANTIC_WEIGHT (amem_diffusion_set_semantic). Writes
 *   fig1_landscape.csv     case, x, y, log p_t, score on a grid;
 *   fig1_recall.csv        case, start, step, x, y: probability-flow ODE
 *                          recall from a grid of starts, theta 0.9 down to
 *                          T_END, every TRAJ_EVERY-th state;
 *   fig1_manifold.csv      the line of panel (c);
 * plot.py draws the density, the flow lines and the recall paths.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <assocmem/diffusion.h>

#include "common/provenance.h"
#include "recall.h"
#include "results.h"

enum { GRID = 41, CASES = 3, STARTS_SIDE = 6, STEPS = 300, TRAJ_EVERY = 5 };
enum { STARTS = STARTS_SIDE * STARTS_SIDE };
static const char *const case_name[CASES] = {"points", "extended",
                                             "semantic"};
/* Three memories of the panels (2-D). */
static const float memories[6] = {1.2f, 0.6f, -1.0f, 0.9f, 0.1f, -1.1f};

/* Panel (c): a line at 30 degrees through SEM_MEAN, 0.68 from the two
 * upper memories (on either side) and 1.6 from the lower one. */
static const float sem_mean[2] = {-0.3f, 0.52f};
#define SEM_ANGLE_DEG 30.0
#define SEM_SPREAD 5.0f  /* sigma along the line: wider than the grid */
#define SEM_VAR 1e-3    /* c across it */
#define SEM_WEIGHT 0.8

static int configure(amem_diffusion *h, int c)
{
    const double a = SEM_ANGLE_DEG * 3.14159265358979 / 180.0;
    const float dir[2] = {(float)cos(a), (float)sin(a)}, spread = SEM_SPREAD;
    int st = amem_diffusion_set(h, AMEM_DIFFUSION_EXTENT, c == 1 ? 0.35 : 0);
    if (st == AMEM_OK)
        st = amem_diffusion_set(h, AMEM_DIFFUSION_SEMANTIC_WEIGHT,
                                c == 2 ? SEM_WEIGHT : 0);
    if (st == AMEM_OK)
        st = amem_diffusion_set(h, AMEM_DIFFUSION_SEMANTIC_VAR,
                                c == 2 ? SEM_VAR : 1.0);
    if (st == AMEM_OK)
        st = c == 2 ? amem_diffusion_set_semantic(h, sem_mean, dir, &spread, 1)
                    : amem_diffusion_set_semantic(h, NULL, NULL, NULL, 0);
    return st;
}

/* log p_t and the score on the grid [-2, 2]^2 for one case, as CSV rows. */
static int write_case(FILE *f, amem_diffusion *h, int c, double t,
                      float *grid, float *score, double *logp)
{
    int st = amem_diffusion_log_density(h, grid, GRID * GRID, t, logp);
    if (st == AMEM_OK)
        st = amem_diffusion_score(h, grid, GRID * GRID, t, score);
    if (st != AMEM_OK)
        return amb_fail("fig1 landscape", st);
    for (size_t i = 0; i < GRID * GRID; i++)
        fprintf(f, "%s,%.4f,%.4f,%.6g,%.6g,%.6g\n", case_name[c], grid[2 * i],
                grid[2 * i + 1], logp[i], score[2 * i], score[2 * i + 1]);
    return 0;
}

/* ODE recall from the starts (STARTS x 2) at theta 0.9, every TRAJ_EVERY-th
 * state and the last one as CSV rows. traj: (STEPS + 1) x STARTS x 2. */
static int write_recall(FILE *f, amem_diffusion *h, int c,
                        const float *starts, float *traj)
{
    float out[2 * STARTS];
    int st = amem_diffusion_recall(h, starts, STARTS, NULL, out, traj);
    if (st != AMEM_OK)
        return amb_fail("fig1 recall", st);
    for (int q = 0; q < STARTS; q++)
        for (int k = 0; k <= STEPS; k++) {
            if (k % TRAJ_EVERY != 0 && k != STEPS)
                continue;
            const float *x = traj + ((size_t)k * STARTS + q) * 2;
            fprintf(f, "%s,%d,%d,%.5f,%.5f\n", case_name[c], q, k, x[0], x[1]);
        }
    return 0;
}

/* The landscape grid [-2, 2]^2 and the recall starts, a grid on
 * [-1.75, 1.75]^2. */
static void fill_grids(float *grid, float *starts)
{
    for (int i = 0; i < GRID; i++)
        for (int j = 0; j < GRID; j++) {
            grid[2 * (i * GRID + j)] = -2.0f + 4.0f * (float)j / (GRID - 1);
            grid[2 * (i * GRID + j) + 1] = -2.0f + 4.0f * (float)i / (GRID - 1);
        }
    for (int i = 0; i < STARTS_SIDE; i++)
        for (int j = 0; j < STARTS_SIDE; j++) {
            starts[2 * (i * STARTS_SIDE + j)] =
                -1.75f + 3.5f * (float)j / (STARTS_SIDE - 1);
            starts[2 * (i * STARTS_SIDE + j) + 1] =
                -1.75f + 3.5f * (float)i / (STARTS_SIDE - 1);
        }
}

static int write_manifold(const char *out_dir)
{
    FILE *f = ex_csv_create(out_dir, "fig1_manifold.csv",
                            "mean_x,mean_y,angle_deg,spread,var,weight");
    if (f == NULL)
        return -1;
    fprintf(f, "%.4f,%.4f,%.1f,%.3f,%.4f,%.3f\n", sem_mean[0], sem_mean[1],
            SEM_ANGLE_DEG, (double)SEM_SPREAD, SEM_VAR, SEM_WEIGHT);
    return ex_csv_finish(f);
}

/* A handle with the three memories, recall from theta 0.9 (the landscape's
 * time, *t) in STEPS ODE steps. */
static int make_handle(amem_diffusion **h, double *t)
{
    int st = amem_diffusion_create(2, h);
    if (st == AMEM_OK)
        st = amem_diffusion_store(*h, memories, 3);
    if (st == AMEM_OK)
        st = amem_diffusion_set(*h, AMEM_DIFFUSION_START_THETA, 0.9);
    if (st == AMEM_OK)
        st = amem_diffusion_set(*h, AMEM_DIFFUSION_STEPS, STEPS);
    if (st == AMEM_OK)
        st = amem_diffusion_t_start(*h, 0.9, t);
    return st == AMEM_OK ? 0 : amb_fail("fig1 setup", st);
}

int amb_landscape(const amb_config *cfg, const char *out_dir,
                  amb_results *res)
{
    (void)cfg;
    amem_diffusion *h = NULL;
    float *grid = malloc(2 * GRID * GRID * sizeof(float)), starts[2 * STARTS];
    float *score = malloc(2 * GRID * GRID * sizeof(float));
    float *traj = malloc((size_t)(STEPS + 1) * STARTS * 2 * sizeof(float));
    double *logp = malloc(GRID * GRID * sizeof(double)), t = 0;
    FILE *f = ex_csv_create(out_dir, "fig1_landscape.csv",
                            "case,x,y,logp,score_x,score_y");
    FILE *g = ex_csv_create(out_dir, "fig1_recall.csv", "case,start,step,x,y");
    int rc = grid && score && traj && logp && f && g ? make_handle(&h, &t)
                                                     : -1;
    if (rc == 0)
        fill_grids(grid, starts);
    for (int c = 0; c < CASES && rc == 0; c++) {
        int st = configure(h, c);
        rc = st == AMEM_OK ? write_case(f, h, c, t, grid, score, logp)
                           : amb_fail("fig1 configure", st);
        if (rc == 0)
            rc = write_recall(g, h, c, starts, traj);
    }
    int closed_f = ex_csv_finish(f), closed_g = ex_csv_finish(g);
    if (closed_f != 0 || closed_g != 0)
        rc = -1;
    if (rc == 0)
        rc = write_manifold(out_dir);
    res->f1_done = rc == 0;
    amem_diffusion_free(h);
    free(grid), free(score), free(traj), free(logp);
    return rc;
}

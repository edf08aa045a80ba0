/*
 * Figure 2: denoising trajectories in d = 5 with 4 random ±1 patterns
 * (Section 7): the exact-score probability-flow ODE, the learned-score ODE
 * (an MLP of f2_hidden = 750 units per hidden layer trained for 5,000
 * iterations), the exact-score SDE (Euler–Maruyama), all with 2,000 Euler
 * steps of the process x(t - dt) = (1 - α dt) x + σ √dt δ, α = 0.5, σ = 1,
 * from the time of the corruption level θ = 0.68 down to t = 1e-3; and
 * four modern Hopfield updates (β = 5). Writes fig2_trajectories.csv
 * (method, cue, step, progress in [0, 1], coordinates) and fig2_patterns.csv.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <assocmem/data.h>
#include <assocmem/diffusion.h>
#include <assocmem/hopfield.h>

#include "common/provenance.h"
#include "learned.h"
#include "recall.h"
#include "results.h"
#include "trial.h"

#define CSV_POINTS 200 /* trajectory points written per curve */

enum { F2_EXACT_ODE, F2_LEARNED_ODE, F2_EXACT_SDE, F2_MODERN, F2_METHODS };
static const char *const f2_name[F2_METHODS] = {
    "exact_ode", "learned_ode", "exact_sde", "modern_hopfield"};

typedef struct f2_data {
    size_t d, n, q;
    float *patterns, *targets, *cues;
    float *traj[F2_METHODS]; /* (points) x q x d */
    int points[F2_METHODS];  /* states per trajectory, cue included */
} f2_data;

static amb_learned_spec f2_spec(const amb_config *cfg)
{
    amb_learned_spec s = {cfg->f2_dim, (size_t)cfg->f2_hidden,
                          cfg->f2_iterations, 1, cfg->f2_gamma, cfg->theta,
                          cfg->f2_steps, amb_seed(cfg->seed, 300, 0, 0)};
    return s;
}

/* Exact score, ODE or SDE sampler: record the whole trajectory. */
static int exact_trajectory(const amb_config *cfg, f2_data *fd, int sampler,
                            float *traj)
{
    amb_learned_spec spec = f2_spec(cfg);
    amem_diffusion *h = NULL;
    float *out = malloc(fd->q * fd->d * sizeof *out);
    int st = out ? amem_diffusion_create(fd->d, &h) : AMEM_E_NOMEM;
    if (st == AMEM_OK && amb_diffusion_setup(h, &spec) != 0)
        st = AMEM_E_ARG;
    if (st == AMEM_OK)
        st = amem_diffusion_set(h, AMEM_DIFFUSION_SAMPLER, sampler);
    if (st == AMEM_OK)
        st = amem_diffusion_store(h, fd->patterns, fd->n);
    if (st == AMEM_OK)
        st = amem_diffusion_recall(h, fd->cues, fd->q, NULL, out, traj);
    amem_diffusion_free(h);
    free(out);
    return st == AMEM_OK ? 0 : amb_fail("exact trajectory", st);
}

static int learned_trajectory(const amb_config *cfg, f2_data *fd,
                              double *loss)
{
    amb_learned_spec spec = f2_spec(cfg);
    amem_diffusion *h = amb_learned_train(&spec, fd->patterns, fd->n, loss);
    float *out = malloc(fd->q * fd->d * sizeof *out);
    int st = h && out ? amem_diffusion_recall(h, fd->cues, fd->q, NULL, out,
                                              fd->traj[F2_LEARNED_ODE])
                      : AMEM_E_NOMEM;
    amem_diffusion_free(h);
    free(out);
    return st == AMEM_OK ? 0 : amb_fail("learned trajectory", st);
}

/* Modern Hopfield: the cue, then the state after 1, 2, ... updates. */
static int modern_updates(const amb_config *cfg, f2_data *fd)
{
    amem_hopfield *h = NULL;
    size_t len = fd->q * fd->d;
    float *traj = fd->traj[F2_MODERN];
    int st = amem_hopfield_create(AMEM_HOPFIELD_MODERN, fd->d, 0, &h);
    if (st == AMEM_OK)
        st = amem_hopfield_set(h, AMEM_HOPFIELD_BETA, cfg->mh_beta);
    if (st == AMEM_OK)
        st = amem_hopfield_set(h, AMEM_HOPFIELD_TOLERANCE, 0.0);
    if (st == AMEM_OK)
        st = amem_hopfield_store(h, fd->patterns, fd->n);
    for (size_t i = 0; i < len; i++)
        traj[i] = fd->cues[i];
    for (int k = 1; k <= cfg->f2_mh_steps && st == AMEM_OK; k++) {
        st = amem_hopfield_set(h, AMEM_HOPFIELD_MAX_STEPS, k);
        if (st == AMEM_OK)
            st = amem_hopfield_recall(h, fd->cues, fd->q, NULL,
                                      traj + (size_t)k * len, NULL, NULL);
    }
    amem_hopfield_free(h);
    return st == AMEM_OK ? 0 : amb_fail("modern Hopfield updates", st);
}

static void write_point(FILE *f, const f2_data *fd, int m, size_t c, int k)
{
    const float *x = fd->traj[m] + ((size_t)k * fd->q + c) * fd->d;
    fprintf(f, "%s,%zu,%d,%.5f", f2_name[m], c, k,
            (double)k / (fd->points[m] - 1));
    for (size_t j = 0; j < fd->d; j++)
        fprintf(f, ",%.5f", x[j]);
    fprintf(f, "\n");
}

/* About CSV_POINTS states of each cue's trajectory, always the last one. */
static void write_curve(FILE *f, const f2_data *fd, int m)
{
    int pts = fd->points[m];
    int stride = pts > CSV_POINTS ? (pts - 1) / CSV_POINTS : 1;
    for (size_t c = 0; c < fd->q; c++) {
        for (int k = 0; k < pts - 1; k += stride)
            write_point(f, fd, m, c, k);
        write_point(f, fd, m, c, pts - 1);
    }
}

static int write_csvs(const char *out_dir, const f2_data *fd)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/fig2_trajectories.csv", out_dir);
    FILE *f = fopen(path, "w");
    snprintf(path, sizeof path, "%s/fig2_patterns.csv", out_dir);
    FILE *p = fopen(path, "w");
    int rc = f && p ? 0 : -1;
    if (rc == 0) {
        ex_provenance_csv(f), ex_provenance_csv(p);
        fprintf(f, "method,cue,step,progress");
        fprintf(p, "pattern");
        for (size_t j = 0; j < fd->d; j++)
            fprintf(f, ",x%zu", j + 1), fprintf(p, ",x%zu", j + 1);
        fprintf(f, "\n"), fprintf(p, "\n");
        for (int m = 0; m < F2_METHODS; m++)
            write_curve(f, fd, m);
        for (size_t i = 0; i < fd->n; i++) {
            fprintf(p, "%zu", i);
            for (size_t j = 0; j < fd->d; j++)
                fprintf(p, ",%g", fd->patterns[i * fd->d + j]);
            fprintf(p, "\n");
        }
    }
    if (ex_csv_finish(f) != 0)
        rc = -1;
    if (ex_csv_finish(p) != 0)
        rc = -1;
    return rc;
}

/* Mean |x - y| per entry from x (d entries) to the nearest pattern y. */
static double nearest_gap(const f2_data *fd, const float *x)
{
    double best = INFINITY;
    for (size_t i = 0; i < fd->n; i++) {
        double gap = 0.0;
        for (size_t j = 0; j < fd->d; j++)
            gap += fabs(x[j] - fd->patterns[i * fd->d + j]);
        best = fmin(best, gap / (double)fd->d);
    }
    return best;
}

/* End-point summary: distance to the nearest stored pattern, and whether
 * the sign output is the exact ODE's. */
static void summarise(const f2_data *fd, amb_results *res)
{
    size_t d = fd->d, q = fd->q;
    const float *ref = fd->traj[F2_EXACT_ODE] +
                       (size_t)(fd->points[F2_EXACT_ODE] - 1) * q * d;
    for (int m = 0; m < F2_METHODS; m++) {
        const float *end = fd->traj[m] + (size_t)(fd->points[m] - 1) * q * d;
        double gap = 0.0;
        int agree = 0;
        for (size_t c = 0; c < q; c++) {
            int same = 1;
            for (size_t j = 0; j < d; j++)
                same &= (end[c * d + j] > 0) == (ref[c * d + j] > 0);
            agree += same;
            gap += nearest_gap(fd, end + c * d);
        }
        res->f2_final_gap[m] = gap / (double)q;
        res->f2_agree[m] = agree;
    }
}

static int alloc_data(const amb_config *cfg, f2_data *fd)
{
    fd->d = cfg->f2_dim, fd->n = cfg->f2_count, fd->q = cfg->f2_cues;
    size_t len = fd->q * fd->d;
    fd->patterns = malloc(fd->n * fd->d * sizeof(float));
    fd->targets = malloc(len * sizeof(float));
    fd->cues = malloc(len * sizeof(float));
    int ok = fd->patterns && fd->targets && fd->cues;
    for (int m = 0; m < F2_METHODS; m++) {
        fd->points[m] = m == F2_MODERN ? cfg->f2_mh_steps + 1
                                       : cfg->f2_steps + 1;
        fd->traj[m] = malloc((size_t)fd->points[m] * len * sizeof(float));
        ok = ok && fd->traj[m];
    }
    return ok ? 0 : -1;
}

static void free_data(f2_data *fd)
{
    free(fd->patterns), free(fd->targets), free(fd->cues);
    for (int m = 0; m < F2_METHODS; m++)
        free(fd->traj[m]);
}

int amb_trajectories(const amb_config *cfg, const char *out_dir,
                     amb_results *res)
{
    f2_data fd = {0};
    int rc = alloc_data(cfg, &fd);
    if (rc == 0)
        rc = amb_trial_data(cfg, fd.n, fd.d, fd.q,
                            amb_seed(cfg->seed, 301, 0, 0), fd.patterns,
                            fd.targets, fd.cues);
    if (rc == 0)
        rc = exact_trajectory(cfg, &fd, AMEM_DIFFUSION_SAMPLER_ODE,
                              fd.traj[F2_EXACT_ODE]);
    if (rc == 0)
        rc = exact_trajectory(cfg, &fd, AMEM_DIFFUSION_SAMPLER_SDE,
                              fd.traj[F2_EXACT_SDE]);
    if (rc == 0)
        rc = learned_trajectory(cfg, &fd, &res->f2_loss);
    if (rc == 0)
        rc = modern_updates(cfg, &fd);
    if (rc == 0)
        rc = write_csvs(out_dir, &fd);
    if (rc == 0)
        summarise(&fd, res);
    res->f2_done = rc == 0;
    free_data(&fd);
    return rc;
}

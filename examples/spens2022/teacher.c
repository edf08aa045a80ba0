/*
 * Spens & Burgess 2022, Figure 3: random noise into a modern Hopfield
 * network retrieves its stored memories. The teacher stores the items
 * one-shot as 2x - 1 (entries in [-1, 1]); replay cues are +-1 or
 * uniform(-1, 1) noise; one step is xi <- X softmax(beta X^T xi / sqrt(d))
 * (Ramsauer et al. 2020, eq. 3; the authors keep hopfield-layers' 1/sqrt(d)).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <assocmem/assocmem.h>

#include "parts.h"

static int teacher_create(const sb_config *cfg, const sb_data *d,
                          amem_hopfield **out)
{
    amem_hopfield *h = NULL;
    float *stored = malloc(d->n_items * d->dim * sizeof(float));
    int rc = stored ? amem_hopfield_create(AMEM_HOPFIELD_MODERN, d->dim, 0, &h)
                    : AMEM_E_NOMEM;
    for (size_t i = 0; stored && i < d->n_items * d->dim; i++)
        stored[i] = 2.0f * d->items[i] - 1.0f;
    if (rc == AMEM_OK) rc = amem_hopfield_set(h, AMEM_HOPFIELD_BETA, cfg->beta);
    if (rc == AMEM_OK)
        rc = amem_hopfield_set(h, AMEM_HOPFIELD_SCALE_SQRT_D, cfg->scale_sqrt_d);
    if (rc == AMEM_OK)
        rc = amem_hopfield_set(h, AMEM_HOPFIELD_MAX_STEPS, cfg->teacher_steps);
    if (rc == AMEM_OK)
        rc = amem_hopfield_set(h, AMEM_HOPFIELD_NOISE,
                               cfg->noise_signs ? AMEM_HOPFIELD_NOISE_SIGNS
                                                : AMEM_HOPFIELD_NOISE_UNIFORM);
    if (rc == AMEM_OK)
        rc = amem_hopfield_set(h, AMEM_HOPFIELD_SEED, (double)cfg->seed);
    if (rc == AMEM_OK)
        rc = amem_hopfield_store(h, stored, d->n_items);
    free(stored);
    if (rc != AMEM_OK) {
        amem_hopfield_free(h);
        return sb_fail("building the teacher", rc);
    }
    *out = h;
    return 0;
}

/* Noise cues and what the teacher retrieves from them, as a 2-row grid
 * (both mapped from [-1, 1] to [0, 1]). */
static int noise_grid(const char *out_dir, const sb_data *d,
                      amem_hopfield *h)
{
    size_t n = SB_SHOW, dim = d->dim;
    float *grid = malloc(2 * n * dim * sizeof(float));
    if (!grid)
        return sb_fail("allocating", AMEM_E_NOMEM);
    int rc = amem_hopfield_replay(h, n, grid + n * dim, grid, NULL);
    if (rc != AMEM_OK) {
        free(grid);
        return sb_fail("teacher replay", rc);
    }
    for (size_t i = 0; i < 2 * n * dim; i++)
        grid[i] = 0.5f * grid[i] + 0.5f;
    static const char *const labels[] = {"noise cue", "replay"};
    int status = sb_grid(out_dir, "fig3_noise_replay", d, grid, 2 * n, 2,
                         "Teacher replay from noise", labels);
    free(grid);
    return status;
}

int sb_teacher(const sb_config *cfg, const char *out_dir, const sb_data *d,
               sb_result *res, amem_hopfield **teacher)
{
    double t0 = sb_now();
    if (teacher_create(cfg, d, teacher) != 0)
        return -1;
    if (noise_grid(out_dir, d, *teacher) != 0)
        return -1;
    res->teacher_seconds = sb_now() - t0;
    return 0;
}

/* The stored memory each replay settled on: argmax of the softmax weights
 * at the replay (a fixed point puts almost all weight on one memory). */
static int attractors(amem_hopfield *h, const float *replays, size_t n,
                      size_t dim, size_t stored, size_t *which)
{
    enum { CHUNK = 128 };
    float *states = malloc(CHUNK * dim * sizeof(float));
    float *weights = malloc(CHUNK * stored * sizeof(float));
    int rc = states && weights ? AMEM_OK : AMEM_E_NOMEM;
    for (size_t first = 0; rc == AMEM_OK && first < n; first += CHUNK) {
        size_t m = n - first < CHUNK ? n - first : CHUNK;
        for (size_t i = 0; i < m * dim; i++)
            states[i] = 2.0f * replays[first * dim + i] - 1.0f;
        rc = amem_hopfield_weights(h, states, m, weights);
        for (size_t i = 0; rc == AMEM_OK && i < m; i++) {
            size_t best = 0;
            for (size_t j = 1; j < stored; j++)
                if (weights[i * stored + j] > weights[i * stored + best])
                    best = j;
            which[first + i] = best;
        }
    }
    free(states);
    free(weights);
    return rc == AMEM_OK ? 0 : sb_fail("teacher weights", rc);
}

int sb_replay_stats(amem_hopfield *teacher, const sb_data *d,
                    const float *replays, size_t n, sb_result *res)
{
    size_t *which = malloc(n * sizeof *which);
    unsigned char *seen = calloc(d->n_items, 1);
    if (!which || !seen || attractors(teacher, replays, n, d->dim, d->n_items,
                                      which) != 0) {
        free(which);
        free(seen);
        return -1;
    }
    double total = 0.0;
    size_t hits = 0, distinct = 0;
    for (size_t i = 0; i < n; i++) {
        const float *r = replays + i * d->dim, *m = d->items + which[i] * d->dim;
        double err = 0.0;
        for (size_t k = 0; k < d->dim; k++)
            err += fabs((double)r[k] - m[k]);
        err /= (double)d->dim;
        total += err;
        hits += err < 0.02;
        distinct += !seen[which[i]];
        seen[which[i]] = 1;
    }
    res->replay_error = total / (double)n;
    res->replay_hit = (double)hits / (double)n;
    res->replay_distinct = distinct;
    free(which);
    free(seen);
    return 0;
}

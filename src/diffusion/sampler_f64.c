/*
 * Recall with PRECISION = FLOAT64: the sampler of sampler.c (the paper's
 * Eq. A2 / 28 / 29, the same grid, clamping and RNG draws in the same
 * order) with the iterate, the score and every update in double; the
 * exact score from exact_f64.c. Only the final state and the trajectory
 * are rounded to float32.
 */
#include <math.h>
#include <stdlib.h>

#include "core/check.h"
#include "core/error.h"
#include "diffusion_impl.h"

typedef struct run64 {
    amem_diffusion *h;
    const float *cue, *clamp;
    size_t len; /* n x d */
    int sde;
    double a, b2;
} run64;

/* Clamped entries at time t: theta c (ODE) or theta c + s z (SDE); at the
 * final time exactly c. */
static void clamp64(const run64 *r, double *x, double t, int final)
{
    double theta, s;
    amem__diffusion_marginal(r->h, t, &theta, &s);
    for (size_t i = 0; r->clamp != NULL && i < r->len; i++) {
        if (r->clamp[i] == 0.0f)
            continue;
        x[i] = final ? r->cue[i] : theta * r->cue[i];
        if (!final && r->sde)
            x[i] += s * amem__rng_normal(&r->h->rng);
    }
}

/* x <- x + (a x + k b^2 score) dt (+ b sqrt(dt) z for the SDE), k = 1/2
 * for the ODE and 1 for the SDE. */
static void step64(const run64 *r, double *x, const double *sc, double dt)
{
    const double k = (r->sde ? 1.0 : 0.5) * r->b2 * dt;
    const double noise = sqrt(r->b2 * dt);
    for (size_t i = 0; i < r->len; i++) {
        x[i] += r->a * dt * x[i] + k * sc[i];
        if (r->sde)
            x[i] += noise * amem__rng_normal(&r->h->rng);
    }
}

static void to_float(const double *x, float *out, size_t len)
{
    for (size_t i = 0; i < len; i++)
        out[i] = (float)x[i];
}

static void integrate64(const run64 *r, size_t n, double *x, double *sc,
                        double *ws, float *traj, double t0, double t1)
{
    const long steps = (long)AMEM__DP(r->h, STEPS);
    clamp64(r, x, t0, 0);
    if (traj)
        to_float(x, traj, r->len);
    for (long k = 0; k < steps; k++) {
        double t = t0 + (t1 - t0) * (double)k / (double)steps;
        double t_next = t0 + (t1 - t0) * (double)(k + 1) / (double)steps;
        double theta, s;
        amem__diffusion_marginal(r->h, t, &theta, &s);
        amem__exact64_eval(r->h, x, n, theta, s, NULL, sc, NULL, ws);
        step64(r, x, sc, t - t_next);
        clamp64(r, x, t_next, k + 1 == steps);
        if (traj)
            to_float(x, traj + (size_t)(k + 1) * r->len, r->len);
    }
}

int amem__diffusion_recall_f64(const char *fn, amem_diffusion *h,
                               const float *cue, size_t n,
                               const float *clamp, double scale,
                               float *out, float *trajectory, double t0,
                               double t1)
{
    run64 r = {h, cue, clamp, n * h->dim,
               (int)AMEM__DP(h, SAMPLER) == AMEM_DIFFUSION_SAMPLER_SDE, 0, 0};
    amem__diffusion_ab(h, &r.a, &r.b2);
    size_t wlen = amem__exact64_ws_len(h, n), len;
    double *block = NULL;
    if (wlen != 0 && amem__add_size(wlen, 2 * r.len, &len) == 0)
        block = amem__alloc(len, 1, sizeof(double));
    if (block == NULL)
        return amem__fail(AMEM_E_NOMEM, fn, "cannot allocate the double "
                          "workspace");
    double *x = block, *sc = x + r.len, *ws = sc + r.len;
    amem__exact64_prepare(h, ws);
    for (size_t i = 0; i < r.len; i++)
        x[i] = scale * cue[i];
    integrate64(&r, n, x, sc, ws, trajectory, t0, t1);
    to_float(x, out, r.len);
    free(block);
    return AMEM_OK;
}

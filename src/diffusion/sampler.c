/*
 * Recall by the reverse-time dynamics (Ambrogioni 2024, Eq. A2 / 28 / 29),
 * batched over queries, from t_start(START_THETA) to T_END in STEPS Euler
 * steps on a linear grid; see diffusion.h for the update rules and for how
 * clamped (known) entries follow their forward-process value.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/check.h"
#include "core/error.h"
#include "diffusion_impl.h"

typedef struct run {
    amem_diffusion *h;
    const float *cue;    /* n x d queries: the known values c */
    const float *clamp;  /* n x d mask or NULL */
    size_t n;
    int sde;
    double a, b2;
} run;

/* Clamped entries at time t: theta c (ODE) or theta c + s z (SDE); at the
 * final time (final = 1) exactly c. */
static void apply_clamp(const run *r, float *x, double t, int final)
{
    if (r->clamp == NULL)
        return;
    double theta, s;
    amem__diffusion_marginal(r->h, t, &theta, &s);
    for (size_t i = 0; i < r->n * r->h->dim; i++) {
        if (r->clamp[i] == 0.0f)
            continue;
        if (final)
            x[i] = r->cue[i];
        else if (r->sde)
            x[i] = (float)(theta * r->cue[i] + s * amem__rng_normal(&r->h->rng));
        else
            x[i] = (float)(theta * r->cue[i]);
    }
}

/* One Euler (ODE) or Euler–Maruyama (SDE) step of size dt, score in sc. */
static void euler_step(const run *r, float *x, const float *sc, double dt)
{
    const size_t len = r->n * r->h->dim;
    const float drift = (float)(r->a * dt);
    if (!r->sde) {
        const float k = (float)(0.5 * r->b2 * dt);
        for (size_t i = 0; i < len; i++)
            x[i] += drift * x[i] + k * sc[i];
        return;
    }
    const float k = (float)(r->b2 * dt), noise = (float)sqrt(r->b2 * dt);
    for (size_t i = 0; i < len; i++)
        x[i] += drift * x[i] + k * sc[i] +
                noise * (float)amem__rng_normal(&r->h->rng);
}

static int check_mask(const char *fn, const float *clamp, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (clamp[i] != 0.0f && clamp[i] != 1.0f)
            return amem__fail(AMEM_E_ARG, fn,
                              "clamp[%zu] = %g is not 0 or 1", i,
                              (double)clamp[i]);
    return AMEM_OK;
}

static int check_recall(const char *fn, const amem_diffusion *h,
                        const float *queries, size_t n, const float *clamp,
                        const float *out, float *traj, double t0)
{
    size_t len;
    if (n == 0)
        return amem__fail(AMEM_E_DIM, fn, "no queries (n = 0)");
    int rc = amem__check_array(fn, "queries", queries, n, h->dim);
    if (rc != AMEM_OK)
        return rc;
    amem__mul_size(n, h->dim, &len);
    if (out == queries)
        return amem__fail(AMEM_E_ARG, fn, "out may not alias queries");
    if (clamp && (rc = check_mask(fn, clamp, len)) != AMEM_OK)
        return rc;
    if (traj && (rc = amem__array_bytes(fn, "trajectory",
                                        (size_t)AMEM__DP(h, STEPS) + 1, len,
                                        sizeof(float), NULL)) != AMEM_OK)
        return rc;
    if (!(AMEM__DP(h, T_END) < t0))
        return amem__fail(AMEM_E_RANGE, fn,
                          "T_END %g is not below t_start %g (START_THETA %g)",
                          AMEM__DP(h, T_END), t0, AMEM__DP(h, START_THETA));
    return AMEM_OK;
}

static void integrate(const run *r, amem__score_ctx *ctx, float *x,
                      float *sc, float *traj, double t0, double t1)
{
    const size_t len = r->n * r->h->dim;
    const long steps = (long)AMEM__DP(r->h, STEPS);
    apply_clamp(r, x, t0, 0);
    if (traj)
        memcpy(traj, x, len * sizeof(float));
    for (long k = 0; k < steps; k++) {
        double t = t0 + (t1 - t0) * (double)k / (double)steps;
        double t_next = t0 + (t1 - t0) * (double)(k + 1) / (double)steps;
        amem__score_eval(ctx, x, r->n, t, sc);
        euler_step(r, x, sc, t - t_next);
        apply_clamp(r, x, t_next, k + 1 == steps);
        if (traj)
            memcpy(traj + (size_t)(k + 1) * len, x, len * sizeof(float));
    }
}

int amem_diffusion_recall(amem_diffusion *h, const float *queries, size_t n,
                          const float *clamp, float *out, float *trajectory)
{
    static const char fn[] = "amem_diffusion_recall";
    AMEM__CHECK_NULL(h, fn);
    AMEM__CHECK_NULL(queries, fn);
    AMEM__CHECK_NULL(out, fn);
    run r = {h, queries, clamp, n,
             (int)AMEM__DP(h, SAMPLER) == AMEM_DIFFUSION_SAMPLER_SDE, 0, 0};
    amem__diffusion_ab(h, &r.a, &r.b2);
    double theta0 = AMEM__DP(h, START_THETA);
    double t0 = amem__diffusion_time_of_theta(h, theta0);
    int rc = check_recall(fn, h, queries, n, clamp, out, trajectory, t0);
    /* VE: the cue theta y + sqrt(1 - theta^2) eps at the same SNR */
    double scale = r.a == 0.0 ? 1.0 / theta0 : 1.0;
    if (rc == AMEM_OK && (rc = amem__score_ready(fn, h)) == AMEM_OK &&
        amem__diffusion_f64(h))
        return amem__diffusion_recall_f64(fn, h, queries, n, clamp, scale,
                                          out, trajectory, t0,
                                          AMEM__DP(h, T_END));
    amem__score_ctx ctx;
    if (rc != AMEM_OK || (rc = amem__score_ctx_init(fn, h, n, &ctx)) != AMEM_OK)
        return rc;
    float *sc = amem__alloc(n, h->dim, sizeof(float));
    if (sc == NULL) {
        amem__score_ctx_free(&ctx);
        return amem__fail(AMEM_E_NOMEM, fn, "cannot allocate the score");
    }
    for (size_t i = 0; i < n * h->dim; i++)
        out[i] = (float)scale * queries[i];
    integrate(&r, &ctx, out, sc, trajectory, t0, AMEM__DP(h, T_END));
    free(sc);
    amem__score_ctx_free(&ctx);
    return AMEM_OK;
}

/*
 * Public evaluation of the score, the exact softmax weights h_t and the
 * exact log-density log p_t (the negative of the diffusion energy u_DM up
 * to the factor b^2; Ambrogioni 2024, Eq. 11-14).
 */
#include <math.h>
#include <stdlib.h>

#include "core/check.h"
#include "core/error.h"
#include "diffusion_impl.h"

static int check_eval(const char *fn, const amem_diffusion *h,
                      const float *states, size_t n, double t)
{
    if (n == 0)
        return amem__fail(AMEM_E_DIM, fn, "no states (n = 0)");
    int rc = amem__check_array(fn, "states", states, n, h->dim);
    if (rc != AMEM_OK)
        return rc;
    if (!isfinite(t))
        return amem__fail(AMEM_E_NONFINITE, fn, "t is not finite");
    if (!(t > 0))
        return amem__fail(AMEM_E_RANGE, fn,
                          "t = %g: the score needs t > 0", t);
    return AMEM_OK;
}

/* The pointer checks every evaluation starts with. */
static int check_pointers(const char *fn, const amem_diffusion *h,
                          const float *states, const char *out_name,
                          const void *out)
{
    AMEM__CHECK_NULL(h, fn);
    AMEM__CHECK_NULL(states, fn);
    if (out == NULL)
        return amem__fail(AMEM_E_NULL, fn, "%s is NULL", out_name);
    return AMEM_OK;
}

int amem_diffusion_score(amem_diffusion *h, const float *states, size_t n,
                         double t, float *out)
{
    static const char fn[] = "amem_diffusion_score";
    int rc = check_pointers(fn, h, states, "out", out);
    if (rc == AMEM_OK)
        rc = check_eval(fn, h, states, n, t);
    if (rc == AMEM_OK && (rc = amem__score_ready(fn, h)) == AMEM_OK &&
        amem__diffusion_f64(h))
        return amem__exact64_at(fn, h, states, n, t, NULL, out, NULL);
    amem__score_ctx ctx;
    if (rc != AMEM_OK || (rc = amem__score_ctx_init(fn, h, n, &ctx)) != AMEM_OK)
        return rc;
    amem__score_eval(&ctx, states, n, t, out);
    amem__score_ctx_free(&ctx);
    return AMEM_OK;
}

/* Shared body of the exact-only evaluations: weights or logp, the one
 * output the caller wants (named out_name in messages). */
static int exact_eval(const char *fn, amem_diffusion *h, const float *states,
                      size_t n, double t, const char *out_name,
                      float *weights, double *logp)
{
    const void *out = logp ? (const void *)logp : (const void *)weights;
    int rc = check_pointers(fn, h, states, out_name, out);
    if (rc == AMEM_OK)
        rc = check_eval(fn, h, states, n, t);
    if (rc != AMEM_OK)
        return rc;
    size_t wlen;
    if (h->count == 0)
        return amem__fail(AMEM_E_STATE, fn, "nothing stored");
    if (amem__diffusion_f64(h))
        return amem__exact64_at(fn, h, states, n, t, weights, NULL, logp);
    if (weights && amem__mul_size(n, h->count, &wlen) != 0)
        return amem__fail(AMEM_E_DIM, fn, "%zu x %zu weights overflow", n,
                          h->count);
    float *ws = amem__alloc(amem__exact_ws_len(h, n), 1, sizeof(float));
    if (ws == NULL)
        return amem__fail(AMEM_E_NOMEM, fn, "cannot allocate workspace");
    double theta, s;
    amem__diffusion_marginal(h, t, &theta, &s);
    amem__exact_eval(h, states, n, theta, s, weights, NULL, logp, ws);
    free(ws);
    return AMEM_OK;
}

int amem_diffusion_weights(amem_diffusion *h, const float *states, size_t n,
                           double t, float *weights)
{
    return exact_eval("amem_diffusion_weights", h, states, n, t, "weights",
                      weights, NULL);
}

int amem_diffusion_log_density(amem_diffusion *h, const float *states,
                               size_t n, double t, double *out)
{
    return exact_eval("amem_diffusion_log_density", h, states, n, t, "out",
                      NULL, out);
}

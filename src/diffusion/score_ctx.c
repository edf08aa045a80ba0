/*
 * The score used by recall and amem_diffusion_score, behind one call:
 *   EXACT:   (theta_t Y^T h_t(x) - x) / s_t^2           (exact.c)
 *   LEARNED: -eps(x, theta_t) / s_t, the scale folded into the last layer
 *            (the paper's Eq. 10)
 * with a workspace sized once for n rows.
 */
#include <stdlib.h>

#include "core/check.h"
#include "core/error.h"
#include "diffusion_impl.h"

/* The state a score needs: patterns for EXACT, a network for LEARNED. */
int amem__score_ready(const char *fn, const amem_diffusion *h)
{
    int learned = (int)AMEM__DP(h, SCORE) == AMEM_DIFFUSION_SCORE_LEARNED;
    if (learned && amem__diffusion_check_learned(fn, h) != AMEM_OK)
        return AMEM_E_UNSUPPORTED;
    if (learned && h->net == NULL)
        return amem__fail(AMEM_E_STATE, fn,
                          "SCORE is LEARNED but no network is trained");
    if (!learned && h->count == 0)
        return amem__fail(AMEM_E_STATE, fn,
                          "SCORE is EXACT but nothing is stored");
    return AMEM_OK;
}

int amem__score_ctx_init(const char *fn, const amem_diffusion *h, size_t n,
                         amem__score_ctx *c)
{
    c->h = h;
    c->learned = (int)AMEM__DP(h, SCORE) == AMEM_DIFFUSION_SCORE_LEARNED;
    c->ws = NULL;
    c->window = 0;
    c->jobs = 1;
    int rc = amem__score_ready(fn, h);
    if (rc != AMEM_OK)
        return rc;
    /* Rows enough for several jobs: jobs of single-threaded BLAS
     * (core/jobs.h); one job keeps BLAS's own threads for its products. */
    if (c->learned && amem__dmlp_jobs(n, amem_get_num_threads()) > 1) {
        c->window = 1;
        c->jobs = amem__dmlp_jobs(n, amem__blas_window_begin(AMEM__DJOBS_MAX));
    }
    size_t len = c->learned ? amem__dmlp_ws_len(h->net, n, c->jobs)
                            : amem__exact_ws_len(h, n);
    c->ws = amem__alloc(len ? len : 1, 1, sizeof(float));
    if (c->ws == NULL) {
        amem__score_ctx_free(c);
        return amem__fail(AMEM_E_NOMEM, fn, "cannot allocate %zu floats",
                          len);
    }
    return AMEM_OK;
}

void amem__score_ctx_free(amem__score_ctx *c)
{
    free(c->ws);
    c->ws = NULL;
    if (c->window)
        amem__blas_window_end();
    c->window = 0;
}

void amem__score_eval(amem__score_ctx *c, const float *x, size_t n, double t,
                      float *out)
{
    double theta, s;
    amem__diffusion_marginal(c->h, t, &theta, &s);
    if (!c->learned) {
        amem__exact_eval(c->h, x, n, theta, s, NULL, out, NULL, c->ws);
        return;
    }
    amem__dmlp_predict(c->h->net, x, n, (float)theta, (float)(-1.0 / s), out,
                       c->ws, c->jobs);
}

/* The compared recall methods behind one call (see recall.h). */
#include <stdio.h>

#include <assocmem/diffusion.h>
#include <assocmem/hopfield.h>

#include "recall.h"

int amb_fail(const char *what, int status)
{
    fprintf(stderr, "ambrogioni2024: %s: %s (%s)\n", what,
            amem_strerror(status), amem_last_error());
    return -1;
}

const char *amb_method_name(amb_method m)
{
    static const char *const names[AMB_METHOD_COUNT] = {
        "exact_dm", "modern_hopfield", "classical_hopfield",
        "classical_hopfield_zero_diag", "exact_dm_ve"};
    return m < AMB_METHOD_COUNT ? names[m] : "?";
}

void amb_binarise(float *x, size_t len)
{
    for (size_t i = 0; i < len; i++)
        x[i] = (float)((x[i] > 0.0f) - (x[i] < 0.0f));
}

/* Settings of a Hopfield network of method m (Appendix A for MODERN). */
static int hopfield_settings(amem_hopfield *h, amb_method m,
                             const amb_config *cfg)
{
    int st;
    if (m == AMB_MODERN) {
        if ((st = amem_hopfield_set(h, AMEM_HOPFIELD_BETA, cfg->mh_beta)) ||
            (st = amem_hopfield_set(h, AMEM_HOPFIELD_MAX_STEPS, cfg->mh_steps)) ||
            (st = amem_hopfield_set(h, AMEM_HOPFIELD_PRECISION,
                                    cfg->f64 ? AMEM_HOPFIELD_PRECISION_FLOAT64
                                             : AMEM_HOPFIELD_PRECISION_FLOAT32)))
            return st;
        return amem_hopfield_set(h, AMEM_HOPFIELD_TOLERANCE, 0.0);
    }
    int update = cfg->classical_sync ? AMEM_HOPFIELD_UPDATE_SYNC
                                     : AMEM_HOPFIELD_UPDATE_ASYNC;
    if ((st = amem_hopfield_set(h, AMEM_HOPFIELD_UPDATE, update)) ||
        (st = amem_hopfield_set(h, AMEM_HOPFIELD_MAX_STEPS,
                                cfg->classical_steps)))
        return st;
    return amem_hopfield_set(h, AMEM_HOPFIELD_ZERO_DIAGONAL,
                             m == AMB_CLASSICAL_ZD ? 1.0 : 0.0);
}

static int recall_hopfield(amb_method m, const amb_config *cfg,
                           const float *patterns, size_t n, size_t d,
                           const float *cues, size_t q, float *out)
{
    amem_hopfield *h = NULL;
    int kind = m == AMB_MODERN ? AMEM_HOPFIELD_MODERN : AMEM_HOPFIELD_CLASSICAL;
    int st = amem_hopfield_create(kind, d, 0, &h);
    if (st == AMEM_OK)
        st = hopfield_settings(h, m, cfg);
    if (st == AMEM_OK)
        st = amem_hopfield_store(h, patterns, n);
    if (st == AMEM_OK)
        st = amem_hopfield_recall(h, cues, q, NULL, out, NULL, NULL);
    amem_hopfield_free(h);
    return st == AMEM_OK ? 0 : amb_fail(amb_method_name(m), st);
}

/* Appendix A: VP SDE with gamma = 0.8, 300 Euler steps of the ODE (A2)
 * from t_start = -2 log(theta) / gamma, exact score (A3)-(A4); or the
 * VE process of the main text (sigma = 1) from the same cues. In float32,
 * or in double when cfg->f64. */
static int recall_exact_dm(const amb_config *cfg, int process,
                           const float *patterns, size_t n, size_t d,
                           const float *cues, size_t q, float *out)
{
    amem_diffusion *h = NULL;
    int st = amem_diffusion_create(d, &h);
    if (st == AMEM_OK)
        st = amem_diffusion_set(h, AMEM_DIFFUSION_PROCESS, process);
    if (st == AMEM_OK)
        st = amem_diffusion_set(h, AMEM_DIFFUSION_GAMMA, cfg->gamma);
    if (st == AMEM_OK)
        st = amem_diffusion_set(h, AMEM_DIFFUSION_STEPS, cfg->ode_steps);
    if (st == AMEM_OK)
        st = amem_diffusion_set(h, AMEM_DIFFUSION_START_THETA, cfg->theta);
    if (st == AMEM_OK && cfg->f64)
        st = amem_diffusion_set(h, AMEM_DIFFUSION_PRECISION,
                                AMEM_DIFFUSION_PRECISION_FLOAT64);
    if (st == AMEM_OK)
        st = amem_diffusion_store(h, patterns, n);
    if (st == AMEM_OK)
        st = amem_diffusion_recall(h, cues, q, NULL, out, NULL);
    amem_diffusion_free(h);
    return st == AMEM_OK ? 0 : amb_fail("exact diffusion recall", st);
}

int amb_recall(amb_method m, const amb_config *cfg, const float *patterns,
               size_t n, size_t d, const float *cues, size_t q, float *out)
{
    int rc;
    if (m == AMB_EXACT_DM || m == AMB_EXACT_VE)
        rc = recall_exact_dm(cfg,
                             m == AMB_EXACT_VE ? AMEM_DIFFUSION_PROCESS_VE
                                               : AMEM_DIFFUSION_PROCESS_VP,
                             patterns, n, d, cues, q, out);
    else
        rc = recall_hopfield(m, cfg, patterns, n, d, cues, q, out);
    if (rc == 0)
        amb_binarise(out, q * d);
    return rc;
}

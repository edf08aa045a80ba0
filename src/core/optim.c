/* Adam and AMSGrad over one contiguous parameter vector; see optim.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "assocmem/common.h"
#include "core/check.h"
#include "core/error.h"
#include "optim.h"

static const char FN[] = "amem__adam_step";

int amem__adam_create(size_t n, int amsgrad, amem__adam **out)
{
    if (out == NULL)
        return amem__fail(AMEM_E_NULL, "amem__adam_create", "out is NULL");
    *out = NULL;
    if (n == 0)
        return amem__fail(AMEM_E_ARG, "amem__adam_create", "no parameters");
    size_t vecs = amsgrad ? 3 : 2, floats, bytes;
    if (amem__mul_size(n, vecs, &floats) ||
        amem__mul_size(floats, sizeof(float), &bytes) ||
        bytes > SIZE_MAX - sizeof(amem__adam))
        return amem__fail(AMEM_E_NOMEM, "amem__adam_create",
                          "%zu parameters overflow the state size", n);
    /* The struct's size is a multiple of its pointer alignment ≥ float's. */
    amem__adam *opt = calloc(1, sizeof *opt + bytes);
    if (opt == NULL)
        return amem__fail(AMEM_E_NOMEM, "amem__adam_create",
                          "cannot allocate state for %zu parameters", n);
    float *state = (float *)(opt + 1);
    opt->n = n;
    opt->m = state;
    opt->v = state + n;
    opt->vmax = amsgrad ? state + 2 * n : NULL;
    opt->lr = 1e-3;
    opt->beta1 = 0.9;
    opt->beta2 = 0.999;
    opt->eps = 1e-8;
    *out = opt;
    return AMEM_OK;
}

void amem__adam_set(amem__adam *opt, double lr, double beta1, double beta2,
                    double eps)
{
    opt->lr = lr;
    opt->beta1 = beta1;
    opt->beta2 = beta2;
    opt->eps = eps;
}

void amem__adam_free(amem__adam *opt) { free(opt); }

void amem__adam_reset(amem__adam *opt)
{
    if (opt == NULL)
        return;
    memset(opt->m, 0, opt->n * sizeof(float));
    memset(opt->v, 0, opt->n * sizeof(float));
    if (opt->vmax)
        memset(opt->vmax, 0, opt->n * sizeof(float));
    opt->t = 0;
}

static int settings_ok(const amem__adam *o)
{
    if (!(isfinite(o->lr) && o->lr > 0.0))
        return amem__fail(AMEM_E_RANGE, FN, "lr %g must be finite and > 0", o->lr);
    if (!(o->beta1 >= 0.0 && o->beta1 < 1.0) || !(o->beta2 >= 0.0 && o->beta2 < 1.0))
        return amem__fail(AMEM_E_RANGE, FN, "betas (%g, %g) must lie in [0, 1)",
                          o->beta1, o->beta2);
    if (!(isfinite(o->eps) && o->eps > 0.0))
        return amem__fail(AMEM_E_RANGE, FN, "eps %g must be finite and > 0", o->eps);
    return AMEM_OK;
}

/* vmax ← max(vmax, v), then use vmax as the second moment (AMSGrad). */
static void amsgrad_max(float *restrict vmax, const float *restrict v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        vmax[i] = v[i] > vmax[i] ? v[i] : vmax[i];
}

int amem__adam_step(amem__adam *opt, float *param, const float *grad)
{
    if (opt == NULL || param == NULL || grad == NULL)
        return amem__fail(AMEM_E_NULL, FN, "%s is NULL",
                          opt == NULL ? "optimizer" : param == NULL ? "param" : "grad");
    int rc = settings_ok(opt);
    if (rc != AMEM_OK)
        return rc;
    if (!amem__all_finite(grad, opt->n))
        return amem__fail(AMEM_E_NONFINITE, FN, "gradient holds NaN or inf");
    long t = opt->t + 1;
    float b1 = (float)opt->beta1, c1 = (float)(1.0 - opt->beta1);
    float b2 = (float)opt->beta2, c2 = (float)(1.0 - opt->beta2);
    float eps = (float)opt->eps;
    float step = (float)(opt->lr / (1.0 - pow(opt->beta1, (double)t)));
    float sqrt_bc2 = (float)sqrt(1.0 - pow(opt->beta2, (double)t));
    float *restrict m = opt->m, *restrict v = opt->v;
    size_t n = opt->n;
    for (size_t i = 0; i < n; i++) {
        m[i] = b1 * m[i] + c1 * grad[i];
        v[i] = b2 * v[i] + c2 * grad[i] * grad[i];
    }
    const float *second = v;
    if (opt->vmax) {
        amsgrad_max(opt->vmax, v, n);
        second = opt->vmax;
    }
    for (size_t i = 0; i < n; i++)
        param[i] -= step * (m[i] / (sqrtf(second[i]) / sqrt_bc2 + eps));
    opt->t = t;
    return AMEM_OK;
}

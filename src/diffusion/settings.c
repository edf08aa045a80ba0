/* Settings of the diffusion handle: table of bounds, defaults, set/get. */
#include <math.h>

#include "core/error.h"
#include "diffusion_impl.h"

typedef struct param_info {
    const char *name;
    double min, max, def;
    int integer;
} param_info;

/* Indexed by enum amem_diffusion_param; see the table in diffusion.h. */
static const param_info params[AMEM_DIFFUSION_PARAM_COUNT] = {
    {"PROCESS", 0, 1, AMEM_DIFFUSION_PROCESS_VP, 1},
    {"GAMMA", 1e-6, 1e3, 0.8, 0},
    {"ALPHA", 1e-6, 1e3, 0.5, 0},
    {"SIGMA", 1e-6, 1e3, 1.0, 0},
    {"SCORE", 0, 1, AMEM_DIFFUSION_SCORE_EXACT, 1},
    {"SAMPLER", 0, 1, AMEM_DIFFUSION_SAMPLER_ODE, 1},
    {"STEPS", 1, 1e7, 300, 1},
    {"START_THETA", 1e-6, 1 - 1e-6, 0.68, 0},
    {"T_END", 0, 1e3, 1e-3, 0},
    {"HIDDEN", 1, 65536, 80, 1},
    {"HIDDEN_LAYERS", 1, 16, 2, 1},
    {"LEARNING_RATE", 1e-9, 10, 1e-3, 0},
    {"TRAIN_THETA_MIN", 1e-6, 1, 0.6, 0},
    {"TRAIN_THETA_MAX", 1e-6, 1, 1.0, 0},
    {"SEED", 0, 9007199254740992.0, 0, 1},
};

/* The hidden width default is 80 d, capped at the setting's maximum. */
#define HIDDEN_PER_DIM 80

void amem__diffusion_default_params(size_t dim, double *param)
{
    for (int i = 0; i < AMEM_DIFFUSION_PARAM_COUNT; i++)
        param[i] = params[i].def;
    double hidden = (double)HIDDEN_PER_DIM * (double)dim;
    param[AMEM_DIFFUSION_HIDDEN] =
        hidden > params[AMEM_DIFFUSION_HIDDEN].max
            ? params[AMEM_DIFFUSION_HIDDEN].max
            : hidden;
}

static int param_known(int param)
{
    return param >= 0 && param < AMEM_DIFFUSION_PARAM_COUNT;
}

int amem__diffusion_check_param(const char *fn, int param, double value)
{
    if (!param_known(param))
        return amem__fail(AMEM_E_ARG, fn, "unknown setting %d", param);
    const param_info *p = &params[param];
    if (!isfinite(value))
        return amem__fail(AMEM_E_NONFINITE, fn, "%s value is not finite",
                          p->name);
    if (value < p->min || value > p->max)
        return amem__fail(AMEM_E_RANGE, fn, "%s = %g outside [%g, %g]",
                          p->name, value, p->min, p->max);
    if (p->integer && value != floor(value))
        return amem__fail(AMEM_E_RANGE, fn, "%s = %g must be a whole number",
                          p->name, value);
    return AMEM_OK;
}

int amem_diffusion_param_bounds(int param, double *min, double *max,
                                int *integer)
{
    if (!param_known(param))
        return amem__fail(AMEM_E_ARG, "amem_diffusion_param_bounds",
                          "unknown setting %d", param);
    if (min)
        *min = params[param].min;
    if (max)
        *max = params[param].max;
    if (integer)
        *integer = params[param].integer;
    return AMEM_OK;
}

int amem_diffusion_set(amem_diffusion *h, int param, double value)
{
    static const char fn[] = "amem_diffusion_set";
    AMEM__CHECK_NULL(h, fn);
    int rc = amem__diffusion_check_param(fn, param, value);
    if (rc != AMEM_OK)
        return rc;
    h->param[param] = value;
    if (param == AMEM_DIFFUSION_SEED)
        amem__rng_seed(&h->rng, (uint64_t)value);
    return AMEM_OK;
}

int amem_diffusion_get(const amem_diffusion *h, int param, double *value)
{
    static const char fn[] = "amem_diffusion_get";
    AMEM__CHECK_NULL(h, fn);
    AMEM__CHECK_NULL(value, fn);
    if (!param_known(param))
        return amem__fail(AMEM_E_ARG, fn, "unknown setting %d", param);
    *value = h->param[param];
    return AMEM_OK;
}

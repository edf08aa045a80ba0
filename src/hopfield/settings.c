/* Settings of the Hopfield handle: table of bounds, defaults, set/get. */
#include <math.h>

#include "core/error.h"
#include "hopfield_impl.h"

typedef struct param_info {
    const char *name;
    double min, max, def;
    int integer;
} param_info;

/* Indexed by enum amem_hopfield_param; see the table in hopfield.h. */
static const param_info params[AMEM_HOPFIELD_PARAM_COUNT] = {
    {"BETA", 1e-6, 1e6, 1.0, 0},
    {"MAX_STEPS", 1, 1e6, 100, 1},
    {"TOLERANCE", 0, 1e6, 1e-6, 0},
    {"SCALE_SQRT_D", 0, 1, 0, 1},
    {"UPDATE", 0, 1, AMEM_HOPFIELD_UPDATE_ASYNC, 1},
    {"ORDER", 0, 1, AMEM_HOPFIELD_ORDER_SEQUENTIAL, 1},
    {"ZERO_DIAGONAL", 0, 1, 1, 1},
    {"DECAY", 0, 1, 1.0, 0},
    {"WRITE_STRENGTH", 1e-6, 1e6, 1.0, 0},
    {"DEGREE", 2, 30, 3, 1},
    {"SEED", 0, 9007199254740992.0, 0, 1},
    {"NOISE", 0, 1, AMEM_HOPFIELD_NOISE_UNIFORM, 1},
};

#define MODERN_DEFAULT_STEPS 10

void amem__hopfield_default_params(int kind, double *param)
{
    for (int i = 0; i < AMEM_HOPFIELD_PARAM_COUNT; i++)
        param[i] = params[i].def;
    if (kind == AMEM_HOPFIELD_MODERN)
        param[AMEM_HOPFIELD_MAX_STEPS] = MODERN_DEFAULT_STEPS;
}

static int param_known(int param)
{
    return param >= 0 && param < AMEM_HOPFIELD_PARAM_COUNT;
}

int amem__hopfield_check_param(const char *fn, int param, double value)
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

int amem_hopfield_param_bounds(int param, double *min, double *max,
                               int *integer)
{
    if (!param_known(param))
        return amem__fail(AMEM_E_ARG, "amem_hopfield_param_bounds",
                          "unknown setting %d", param);
    if (min)
        *min = params[param].min;
    if (max)
        *max = params[param].max;
    if (integer)
        *integer = params[param].integer;
    return AMEM_OK;
}

int amem_hopfield_set(amem_hopfield *h, int param, double value)
{
    static const char fn[] = "amem_hopfield_set";
    AMEM__CHECK_NULL(h, fn);
    int rc = amem__hopfield_check_param(fn, param, value);
    if (rc != AMEM_OK)
        return rc;
    h->param[param] = value;
    if (param == AMEM_HOPFIELD_SEED)
        amem__rng_seed(&h->rng, (uint64_t)value);
    return AMEM_OK;
}

int amem_hopfield_get(const amem_hopfield *h, int param, double *value)
{
    static const char fn[] = "amem_hopfield_get";
    AMEM__CHECK_NULL(h, fn);
    AMEM__CHECK_NULL(value, fn);
    if (!param_known(param))
        return amem__fail(AMEM_E_ARG, fn, "unknown setting %d", param);
    *value = h->param[param];
    return AMEM_OK;
}

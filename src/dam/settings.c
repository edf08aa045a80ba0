/* Settings of the dense associative memory: bounds, defaults, set/get. */
#include <math.h>

#include "core/error.h"
#include "dam_impl.h"

typedef struct param_info {
    const char *name;
    double min, max, def;
    int integer;
} param_info;

/* Indexed by enum amem_dam_param; see the table in dam.h. */
static const param_info params[AMEM_DAM_PARAM_COUNT] = {
    {"BETA", 1e-6, 1e6, 5.0, 0},
    {"DT", 1e-6, 1.0, 0.05, 0},
    {"TOLERANCE", 0.0, 1e6, 1e-6, 0},
    {"MAX_STEPS", 1, 1e6, 1000, 1},
    {"DYNAMICS", 0, 1, AMEM_DAM_DYNAMICS_PAPER, 1},
    {"SEED", 0, 9007199254740992.0, 0, 1},
    {"LEARNING_RATE", 1e-12, 10.0, 1e-3, 0},
    {"BATCH_SIZE", 1, 1e6, 100, 1},
    {"MASK_FRACTION", 0.0, 1.0, 0.5, 0},
    {"BALANCE", 0, 2, AMEM_DAM_BALANCE_NONE, 1},
    {"SIGNAL", 0, AMEM_DAM_SIGNAL_COUNT - 1, AMEM_DAM_SIGNAL_GROUND_TRUTH, 1},
    {"GAMMA", 0.0, 1e3, 0.0, 0},
    {"WEIGHT_NORM", 0, 1, AMEM_DAM_WEIGHT_NORM_DATASET, 1},
    {"ADAM_BETA1", 0.0, 0.9999999, 0.9, 0},
    {"ADAM_BETA2", 0.0, 0.9999999, 0.999, 0},
    {"ADAM_EPS", 1e-30, 1.0, 1e-8, 0},
};

void amem__dam_default_params(double *param)
{
    for (int i = 0; i < AMEM_DAM_PARAM_COUNT; i++)
        param[i] = params[i].def;
}

static int param_known(int param)
{
    return param >= 0 && param < AMEM_DAM_PARAM_COUNT;
}

int amem__dam_check_param(const char *fn, int param, double value)
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

int amem_dam_param_bounds(int param, double *min, double *max, int *integer)
{
    if (!param_known(param))
        return amem__fail(AMEM_E_ARG, "amem_dam_param_bounds",
                          "unknown setting %d", param);
    if (min)
        *min = params[param].min;
    if (max)
        *max = params[param].max;
    if (integer)
        *integer = params[param].integer;
    return AMEM_OK;
}

int amem_dam_set(amem_dam *h, int param, double value)
{
    static const char fn[] = "amem_dam_set";
    AMEM__CHECK_NULL(h, fn);
    int rc = amem__dam_check_param(fn, param, value);
    if (rc != AMEM_OK)
        return rc;
    h->param[param] = value;
    if (param == AMEM_DAM_SEED)
        amem__rng_seed(&h->rng, (uint64_t)value);
    return AMEM_OK;
}

int amem_dam_get(const amem_dam *h, int param, double *value)
{
    static const char fn[] = "amem_dam_get";
    AMEM__CHECK_NULL(h, fn);
    AMEM__CHECK_NULL(value, fn);
    if (!param_known(param))
        return amem__fail(AMEM_E_ARG, fn, "unknown setting %d", param);
    *value = h->param[param];
    return AMEM_OK;
}

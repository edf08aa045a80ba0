/* Settings of the VAE handle: table of bounds, defaults, set/get. */
#include <math.h>

#include "core/error.h"
#include "vae_impl.h"

typedef struct param_info {
    const char *name;
    double min, max, def;
    int integer, arch;
} param_info;

/* Indexed by enum amem_vae_param; see the table in vae.h. */
static const param_info params[AMEM_VAE_PARAM_COUNT] = {
    {"LATENT", 1, 4096, 20, 1, 1},
    {"POOL", 0, 1, AMEM_VAE_POOL_GLOBAL_AVG, 1, 1},
    {"ACTIVATION", 0, 3, AMEM_VAE_ACT_LEAKY_RELU, 1, 1},
    {"LEAKY_SLOPE", 0, 1, 0.3, 0, 1},
    {"BATCH_NORM", 0, 1, 1, 1, 1},
    {"OUTPUT", 0, 1, AMEM_VAE_OUTPUT_SIGMOID, 1, 1},
    {"DROPOUT", 0, 0.95, 0, 0, 0},
    {"LOSS", 0, 2, AMEM_VAE_LOSS_L1, 1, 0},
    {"KL_WEIGHT", 0, 1e6, 1, 0, 0},
    {"OPTIMIZER", 0, 1, AMEM_VAE_OPT_AMSGRAD, 1, 0},
    {"LEARNING_RATE", 1e-8, 10, 1e-3, 0, 0},
    {"BATCH_SIZE", 1, 65536, 32, 1, 0},
    {"EPOCHS", 1, 1e6, 50, 1, 0},
    {"PATIENCE", 0, 1e6, 3, 1, 0},
    {"SEED", 0, 9007199254740992.0, 0, 1, 0},
    {"BN_MOMENTUM", 0, 1, 0.99, 0, 0},
    {"BN_EPS", 1e-12, 1, 1e-3, 0, 0},
    {"REPLAY_NOISE", 0, 1, AMEM_VAE_NOISE_UNIFORM, 1, 0},
    {"REPLAY_FRESH", 0, 1, 1, 1, 0},
    {"REPLAY_GAIN", -1e6, 1e6, 0.5, 0, 0},
    {"REPLAY_OFFSET", -1e6, 1e6, 0.5, 0, 0},
};

void amem__vae_default_params(double *param)
{
    for (int i = 0; i < AMEM_VAE_PARAM_COUNT; i++)
        param[i] = params[i].def;
}

static int param_known(int param)
{
    return param >= 0 && param < AMEM_VAE_PARAM_COUNT;
}

int amem__vae_param_is_arch(int param)
{
    return param_known(param) && params[param].arch;
}

int amem__vae_check_param(const char *fn, int param, double value)
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

int amem_vae_param_bounds(int param, double *min, double *max, int *integer)
{
    if (!param_known(param))
        return amem__fail(AMEM_E_ARG, "amem_vae_param_bounds",
                          "unknown setting %d", param);
    if (min)
        *min = params[param].min;
    if (max)
        *max = params[param].max;
    if (integer)
        *integer = params[param].integer;
    return AMEM_OK;
}

int amem_vae_set(amem_vae *v, int param, double value)
{
    static const char fn[] = "amem_vae_set";
    AMEM__CHECK_NULL(v, fn);
    int rc = amem__vae_check_param(fn, param, value);
    if (rc != AMEM_OK)
        return rc;
    if (v->built && params[param].arch)
        return amem__fail(AMEM_E_STATE, fn,
                          "%s is an architecture setting and the model is "
                          "already built", params[param].name);
    v->param[param] = value;
    if (param == AMEM_VAE_SEED)
        amem__rng_seed(&v->rng, (uint64_t)value);
    return AMEM_OK;
}

int amem_vae_get(const amem_vae *v, int param, double *value)
{
    static const char fn[] = "amem_vae_get";
    AMEM__CHECK_NULL(v, fn);
    AMEM__CHECK_NULL(value, fn);
    if (!param_known(param))
        return amem__fail(AMEM_E_ARG, fn, "unknown setting %d", param);
    *value = v->param[param];
    return AMEM_OK;
}

/* Settings of the key-value memory: table of bounds, defaults, set/get. */
#include <math.h>

#include "core/error.h"
#include "kvmem_impl.h"

typedef struct param_info {
    const char *name;
    double min, max, def;
    int integer;
} param_info;

#define RULE_MAX 1e6

/* Indexed by enum amem_kvmem_param; see the table in kvmem.h. */
static const param_info params[AMEM_KVMEM_PARAM_COUNT] = {
    {"LOCAL_FACTOR", 0, 1, AMEM_KVMEM_LOCAL_SEQUENTIAL, 1},
    {"P", 0, 1, 0.1, 0},
    {"VALUE_DECAY", 0, 1, AMEM_KVMEM_DECAY_RAPID, 1},
    {"ETA_K", -RULE_MAX, RULE_MAX, 1, 0},
    {"ETA_V", -RULE_MAX, RULE_MAX, 1, 0},
    {"LAMBDA", 0, 1, 0.95, 0},
    {"KEY_PRE_SLOPE", -RULE_MAX, RULE_MAX, 1, 0},
    {"KEY_PRE_OFFSET", -RULE_MAX, RULE_MAX, 0, 0},
    {"KEY_POST_SLOPE", -RULE_MAX, RULE_MAX, 0, 0},
    {"KEY_POST_OFFSET", -RULE_MAX, RULE_MAX, 1, 0},
    {"VALUE_PRE_SLOPE", -RULE_MAX, RULE_MAX, 1, 0},
    {"VALUE_PRE_OFFSET", -RULE_MAX, RULE_MAX, 0, 0},
    {"VALUE_POST_SLOPE", -RULE_MAX, RULE_MAX, 1, 0},
    {"VALUE_POST_OFFSET", -RULE_MAX, RULE_MAX, 0, 0},
    {"BETA", 1e-6, 1e6, 1, 0},
    {"META_PLASTICITY", 0, 1, 0, 1},
    {"STABILITY_THRESHOLD", 0, 1e12, 1, 0},
    {"SIGN_OUTPUT", 0, 1, 0, 1},
    {"ADVANCE", 0, 1, AMEM_KVMEM_ADVANCE_EVERY_WRITE, 1},
    {"SEED", 0, 9007199254740992.0, 0, 1},
    {"TRAIN_LR", 1e-8, 10, 1e-3, 0},
    {"TRAIN_BATCH", 1, 1e6, 1, 1},
    {"TRAIN_MIN_LEN", 0, 1e9, 0, 1},
    {"TRAIN_MAX_LEN", 0, 1e9, 0, 1},
    {"TRAIN_ZERO_FRACTION", 0, 1, 0.6, 0},
    {"TRAIN_P", 0, 1, 0, 1},
    {"TRAIN_MASK", 0, 2047, 2047, 1},
};

void amem__kvmem_default_params(double *param)
{
    for (int i = 0; i < AMEM_KVMEM_PARAM_COUNT; i++)
        param[i] = params[i].def;
}

static int param_known(int param)
{
    return param >= 0 && param < AMEM_KVMEM_PARAM_COUNT;
}

int amem__kvmem_check_param(const char *fn, int param, double value)
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

int amem_kvmem_param_bounds(int param, double *min, double *max, int *integer)
{
    if (!param_known(param))
        return amem__fail(AMEM_E_ARG, "amem_kvmem_param_bounds",
                          "unknown setting %d", param);
    if (min)
        *min = params[param].min;
    if (max)
        *max = params[param].max;
    if (integer)
        *integer = params[param].integer;
    return AMEM_OK;
}

int amem_kvmem_set(amem_kvmem *h, int param, double value)
{
    static const char fn[] = "amem_kvmem_set";
    AMEM__CHECK_NULL(h, fn);
    int rc = amem__kvmem_check_param(fn, param, value);
    if (rc != AMEM_OK)
        return rc;
    h->param[param] = value;
    if (param == AMEM_KVMEM_SEED)
        amem__rng_seed(&h->rng, (uint64_t)value);
    return AMEM_OK;
}

int amem_kvmem_get(const amem_kvmem *h, int param, double *value)
{
    static const char fn[] = "amem_kvmem_get";
    AMEM__CHECK_NULL(h, fn);
    AMEM__CHECK_NULL(value, fn);
    if (!param_known(param))
        return amem__fail(AMEM_E_ARG, fn, "unknown setting %d", param);
    *value = h->param[param];
    return AMEM_OK;
}

void amem__kv_rule_from(const amem_kvmem *h, amem__kv_rule *r)
{
    r->eta_k = (float)AMEM__KP(h, ETA_K);
    r->eta_v = (float)AMEM__KP(h, ETA_V);
    r->lambda = (float)AMEM__KP(h, LAMBDA);
    r->a_fk = (float)AMEM__KP(h, KEY_PRE_SLOPE);
    r->b_fk = (float)AMEM__KP(h, KEY_PRE_OFFSET);
    r->a_gk = (float)AMEM__KP(h, KEY_POST_SLOPE);
    r->b_gk = (float)AMEM__KP(h, KEY_POST_OFFSET);
    r->a_fv = (float)AMEM__KP(h, VALUE_PRE_SLOPE);
    r->b_fv = (float)AMEM__KP(h, VALUE_PRE_OFFSET);
    r->a_gv = (float)AMEM__KP(h, VALUE_POST_SLOPE);
    r->b_gv = (float)AMEM__KP(h, VALUE_POST_OFFSET);
    r->beta = (float)AMEM__KP(h, BETA);
    r->threshold = (float)AMEM__KP(h, STABILITY_THRESHOLD);
    r->p = (float)AMEM__KP(h, P);
    r->random = AMEM__KP(h, LOCAL_FACTOR) == AMEM_KVMEM_LOCAL_RANDOM;
    r->passive = AMEM__KP(h, VALUE_DECAY) == AMEM_KVMEM_DECAY_PASSIVE;
    r->meta = AMEM__KP(h, META_PLASTICITY) != 0;
}

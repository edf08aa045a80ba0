/*
 * The key-value memory (amem_kvmem) behind the model interface: the
 * simplified rules of Section 2 (sequential or random local third factor,
 * rapid decay on both layers) and a meta-learned rule of Section 3.2.
 */
#include <math.h>
#include <stdlib.h>

#include <assocmem/kvmem.h>

#include "fail.h"
#include "model.h"

typedef struct kv_setting { int param; double value; } kv_setting;

static int apply(amem_kvmem *h, const kv_setting *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int st = amem_kvmem_set(h, s[i].param, s[i].value);
        if (st != 0)
            return tf_fail("amem_kvmem_set", st);
    }
    return 0;
}

static double random_p(const tf_model_spec *spec)
{
    return spec->p > 0 ? spec->p : 4.0 / (double)spec->slots;
}

static int apply_rule(amem_kvmem *h, const tf_rule *rule, size_t slots)
{
    double p = rule->p_times_n / (double)slots;
    kv_setting s[3 + TF_RULE_PARAMS] = {
        {AMEM_KVMEM_LOCAL_FACTOR, rule->random ? AMEM_KVMEM_LOCAL_RANDOM
                                               : AMEM_KVMEM_LOCAL_SEQUENTIAL},
        {AMEM_KVMEM_P, p > 1 ? 1 : p},
        {AMEM_KVMEM_VALUE_DECAY, rule->passive ? AMEM_KVMEM_DECAY_PASSIVE
                                               : AMEM_KVMEM_DECAY_RAPID},
    };
    for (int k = 0; k < TF_RULE_PARAMS; k++)
        s[3 + k] = (kv_setting){AMEM_KVMEM_RULE_FIRST + k, rule->params[k]};
    return apply(h, s, sizeof s / sizeof s[0]);
}

static int apply_spec(amem_kvmem *h, const tf_model_spec *spec,
                      uint64_t seed)
{
    kv_setting base[] = {
        {AMEM_KVMEM_SEED, (double)(seed & ((1ULL << 53) - 1))},
        {AMEM_KVMEM_META_PLASTICITY, spec->meta_threshold > 0},
        {AMEM_KVMEM_STABILITY_THRESHOLD,
         spec->meta_threshold > 0 ? spec->meta_threshold : 1.0},
        {AMEM_KVMEM_LOCAL_FACTOR, spec->kind == TF_KV_RANDOM
                                      ? AMEM_KVMEM_LOCAL_RANDOM
                                      : AMEM_KVMEM_LOCAL_SEQUENTIAL},
        {AMEM_KVMEM_P, random_p(spec)},
        {AMEM_KVMEM_WRITE_MODE, spec->saturating
                                    ? AMEM_KVMEM_WRITE_SATURATING
                                    : AMEM_KVMEM_WRITE_LINEAR},
    };
    if (apply(h, base, sizeof base / sizeof base[0]) != 0)
        return -1;
    if (spec->kind == TF_KV_TRAINED)
        return apply_rule(h, spec->rule, spec->slots);
    return 0;
}

int tf_kv_create(const tf_model_spec *spec, size_t d, size_t m, uint64_t seed,
                 tf_model *out)
{
    amem_kvmem *h = NULL;
    int st = amem_kvmem_create(d, spec->slots, m ? m : d, &h);
    if (st != 0)
        return tf_fail("amem_kvmem_create", st);
    out->impl = h;
    if (apply_spec(h, spec, seed) != 0) {
        tf_kv_free(out);
        return -1;
    }
    return 0;
}

void tf_kv_free(tf_model *model)
{
    amem_kvmem_free(model->impl);
    model->impl = NULL;
}

int tf_kv_step(tf_model *model, const float *key, const float *value,
               double q)
{
    int st = amem_kvmem_write(model->impl, key, model->hetero ? value : NULL,
                              q);
    return st == 0 ? 0 : tf_fail("amem_kvmem_write", st);
}

int tf_kv_read(tf_model *model, const float *queries, size_t n, float *out)
{
    int st = amem_kvmem_read(model->impl, queries, n, out, NULL);
    return st == 0 ? 0 : tf_fail("amem_kvmem_read", st);
}

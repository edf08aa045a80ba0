/* Settings of the key-value memory: table of bounds, defaults, set/get. */
#include "core/error.h"
#include "core/settings.h"
#include "kvmem_impl.h"
#include "train_batch.h"

#define RULE_MAX 1e6

/* Indexed by enum amem_kvmem_param; see the table in kvmem.h. */
static const amem__setting table[AMEM__KVMEM_NPARAM] = {
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
    AMEM__SETTING_SEED,
    AMEM__KV_TRAIN_SETTINGS,
    {"TRAIN_P", 0, 1, 0, 1},
    {"TRAIN_MASK", 0, 2047, 2047, 1},
    AMEM__SETTINGS_ADAM,
    {"WRITE_MODE", 0, 1, AMEM_KVMEM_WRITE_LINEAR, 1},
};

const amem__settings amem__kvmem_settings = {table, AMEM__KVMEM_NPARAM};

AMEM__PIECE_SETTINGS(amem_kvmem, amem__kvmem_settings, AMEM_KVMEM_SEED, amem__settings_admit_any)

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
    r->saturate = AMEM__KP(h, WRITE_MODE) == AMEM_KVMEM_WRITE_SATURATING;
}

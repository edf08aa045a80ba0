/* Meta-learning one plasticity rule with amem_kvmem_train. */
#include <stdlib.h>

#include "fail.h"
#include "log.h"
#include "train.h"

/* The training run being reported: its label, handle and history. */
typedef struct train_run {
    const char *label;
    const amem_kvmem *h;
    float *history; /* NULL or steps x AMEM_KVMEM_HISTORY_COLS */
} train_run;

/* Keeps each step's record in the history; progress on stderr at every
 * tenth of the steps. */
static int train_progress(void *user, const char *stage, long done,
                          long total, double metric)
{
    const train_run *run = user;
    long tenth = total >= 10 ? total / 10 : 1;
    if (run->history &&
        amem_kvmem_get_last_step(run->h, run->history + (size_t)(done - 1) *
                                                            AMEM_KVMEM_HISTORY_COLS) != 0)
        return 1;
    if (done % tenth == 0 || done == total)
        tf_log("%s %s: step %ld/%ld loss %.3f", stage, run->label, done,
               total, metric);
    return 0;
}

static int init_rule(amem_kvmem *h, const tf_config *cfg,
                     const tf_train_spec *ts, uint64_t seed)
{
    double p = ts->random ? ts->p_times_n / (double)ts->n : 0.1;
    const struct { int param; double value; } s[] = {
        {AMEM_KVMEM_SEED, (double)(seed & 0xffffffffu)},
        {AMEM_KVMEM_LOCAL_FACTOR, ts->random ? AMEM_KVMEM_LOCAL_RANDOM
                                             : AMEM_KVMEM_LOCAL_SEQUENTIAL},
        {AMEM_KVMEM_P, p > 1 ? 1 : p},
        {AMEM_KVMEM_VALUE_DECAY, AMEM_KVMEM_DECAY_PASSIVE},
        {AMEM_KVMEM_ETA_K, 0.5}, {AMEM_KVMEM_ETA_V, 0.5},
        {AMEM_KVMEM_LAMBDA, 0.95},
        {AMEM_KVMEM_KEY_PRE_SLOPE, 1}, {AMEM_KVMEM_KEY_PRE_OFFSET, 0},
        {AMEM_KVMEM_KEY_POST_SLOPE, 1}, {AMEM_KVMEM_KEY_POST_OFFSET, 0},
        {AMEM_KVMEM_VALUE_PRE_SLOPE, 1}, {AMEM_KVMEM_VALUE_PRE_OFFSET, 0},
        {AMEM_KVMEM_VALUE_POST_SLOPE, 1}, {AMEM_KVMEM_VALUE_POST_OFFSET, 0},
        {AMEM_KVMEM_LEARNING_RATE, cfg->train_lr},
        {AMEM_KVMEM_BATCH_SIZE, (double)cfg->train_batch},
        {AMEM_KVMEM_TRAIN_ZERO_FRACTION, cfg->zeroed},
    };
    for (size_t i = 0; i < sizeof s / sizeof s[0]; i++) {
        int st = amem_kvmem_set(h, s[i].param, s[i].value);
        if (st != 0)
            return tf_fail("amem_kvmem_set", st);
    }
    for (int k = 0; ts->init && k < TF_RULE_PARAMS; k++) {
        int st = amem_kvmem_set(h, AMEM_KVMEM_RULE_FIRST + k,
                                ts->init->params[k]);
        if (st != 0)
            return tf_fail("amem_kvmem_set", st);
    }
    return 0;
}

static int read_rule(const amem_kvmem *h, const tf_train_spec *ts,
                     tf_rule *rule)
{
    rule->random = ts->random;
    rule->p_times_n = ts->random ? ts->p_times_n : 0;
    rule->passive = 1;
    for (int k = 0; k < TF_RULE_PARAMS; k++) {
        int st = amem_kvmem_get(h, AMEM_KVMEM_RULE_FIRST + k,
                                &rule->params[k]);
        if (st != 0)
            return tf_fail("amem_kvmem_get", st);
    }
    return 0;
}

int tf_meta_train(const tf_config *cfg, const tf_train_spec *ts,
                  uint64_t seed, tf_rule *rule, float *history)
{
    amem_kvmem *h = NULL;
    size_t m = ts->value_dim ? ts->value_dim : ts->n;
    int st = amem_kvmem_create(ts->n, ts->n, m, &h);
    if (st != 0)
        return tf_fail("amem_kvmem_create", st);
    int bad = init_rule(h, cfg, ts, seed);
    if (!bad) {
        size_t steps = ts->steps ? ts->steps : cfg->train_steps;
        train_run run = {ts->label, h, history};
        st = amem_kvmem_train(h, steps, train_progress, &run, NULL);
        bad = st != 0 ? tf_fail("amem_kvmem_train", st) : 0;
    }
    if (!bad)
        bad = read_rule(h, ts, rule);
    amem_kvmem_free(h);
    return bad;
}

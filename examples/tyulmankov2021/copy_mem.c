/* The copy task's memory: key-value (on the library's episode tape) or
 * BAM, behind one interface. */
#include <stdlib.h>
#include <string.h>

#include "copy_mem.h"
#include "fail.h"

/* Settings of the key-value kinds: the simplified rule (the handle's
 * defaults) with the chosen local factor, or the general rule with
 * passive value decay for TRAINED. */
static int kv_settings(amem_kvmem *h, int kind, size_t d, uint64_t seed)
{
    int random = kind != TF_COPY_SEQUENTIAL;
    int st = amem_kvmem_set(h, AMEM_KVMEM_LOCAL_FACTOR,
                            random ? AMEM_KVMEM_LOCAL_RANDOM
                                   : AMEM_KVMEM_LOCAL_SEQUENTIAL);
    if (st == 0)
        st = amem_kvmem_set(h, AMEM_KVMEM_P, 4.0 / (double)d);
    if (st == 0)
        st = amem_kvmem_set(h, AMEM_KVMEM_SEED, (double)(seed % 1000));
    if (st == 0 && kind == TF_COPY_TRAINED)
        st = amem_kvmem_set(h, AMEM_KVMEM_VALUE_DECAY,
                            AMEM_KVMEM_DECAY_PASSIVE);
    return st == 0 ? 0 : tf_fail("copy task memory settings", st);
}

static int kv_create(tf_copy_mem *m, size_t steps, uint64_t seed)
{
    size_t d = m->d;
    int st = amem_kvmem_create(d, d, d, &m->kv);
    if (st != 0)
        return tf_fail("amem_kvmem_create", st);
    if (kv_settings(m->kv, m->kind, d, seed) != 0)
        return -1;
    if (m->kind == TF_COPY_TRAINED) {
        float rule[AMEM_KVMEM_RULE_COUNT];
        tf_copy_mem_rule_start(rule);
        if (tf_copy_mem_set_rule(m, rule) != 0)
            return -1;
    }
    /* each step reads once and writes once */
    st = amem_kvmem_tape_create(m->kv, steps, steps, &m->tape);
    return st == 0 ? 0 : tf_fail("amem_kvmem_tape_create", st);
}

int tf_copy_mem_create(tf_copy_mem *m, int kind, size_t d, size_t steps,
                       uint64_t seed)
{
    memset(m, 0, sizeof *m);
    m->kind = kind;
    m->d = d;
    m->dk_share = malloc(d * sizeof *m->dk_share);
    int bad = m->dk_share ? 0 : tf_nomem();
    if (!bad)
        bad = kind == TF_COPY_BAM ? tf_bam_alloc(&m->bam, d, steps)
                                  : kv_create(m, steps, seed);
    if (bad)
        tf_copy_mem_free(m);
    return bad;
}

void tf_copy_mem_free(tf_copy_mem *m)
{
    amem_kvmem_tape_free(m->tape);
    amem_kvmem_free(m->kv);
    free(m->dk_share);
    if (m->kind == TF_COPY_BAM)
        tf_bam_free(&m->bam);
    memset(m, 0, sizeof *m);
}

void tf_copy_mem_rule_start(float *rule)
{
    /* eta_k, eta_v, lambda, then the slopes (1) and offsets (0) of f_k,
     * g_k, f_v, g_v: the reference start of meta-learning (train.h) */
    static const float start[AMEM_KVMEM_RULE_COUNT] = {
        0.5f, 0.5f, 0.95f, 1, 0, 1, 0, 1, 0, 1, 0};
    memcpy(rule, start, sizeof start);
}

int tf_copy_mem_set_rule(tf_copy_mem *m, float *rule)
{
    for (int k = 0; k < AMEM_KVMEM_RULE_COUNT; k++) {
        int param = AMEM_KVMEM_RULE_FIRST + k;
        double lo, hi;
        int st = amem_kvmem_param_bounds(param, &lo, &hi, NULL);
        if (st == 0) {
            rule[k] = rule[k] < lo ? (float)lo
                                   : rule[k] > hi ? (float)hi : rule[k];
            st = amem_kvmem_set(m->kv, param, rule[k]);
        }
        if (st != 0)
            return tf_fail("copy task rule", st);
    }
    return 0;
}

int tf_copy_mem_begin(tf_copy_mem *m)
{
    memset(m->rule_grad, 0, sizeof m->rule_grad);
    if (m->kind == TF_COPY_BAM) {
        tf_bam_begin(&m->bam);
        return 0;
    }
    int st = amem_kvmem_tape_begin(m->tape, m->kv);
    return st == 0 ? 0 : tf_fail("amem_kvmem_tape_begin", st);
}

int tf_copy_mem_step(tf_copy_mem *m, const float *k, const float *v,
                     float q, float *o)
{
    if (m->kind == TF_COPY_BAM)
        return tf_bam_step(&m->bam, k, v, q, o) == 0
                   ? 0 : tf_fail("copy task BAM step", AMEM_E_RANGE);
    int st = amem_kvmem_tape_read(m->tape, k, 1, o, NULL);
    if (st == 0)
        st = amem_kvmem_tape_write(m->tape, k, v, q);
    return st == 0 ? 0 : tf_fail("copy task memory step", st);
}

/* The write (k, v, q) first, then the read with k; each share of dL/dk
 * is added to dk in that order. */
static int kv_back(tf_copy_mem *m, const float *d_o, float *dk, float *dv,
                   double *dq)
{
    double *rule_grad = m->kind == TF_COPY_TRAINED ? m->rule_grad : NULL;
    float *share = m->dk_share;
    int st = amem_kvmem_tape_back_write(m->tape, share, dv, dq, rule_grad);
    for (size_t i = 0; st == 0 && i < m->d; i++)
        dk[i] += share[i];
    if (st == 0)
        st = amem_kvmem_tape_back_read(m->tape, d_o, share);
    for (size_t i = 0; st == 0 && i < m->d; i++)
        dk[i] += share[i];
    return st == 0 ? 0 : tf_fail("copy task memory backward", st);
}

int tf_copy_mem_back(tf_copy_mem *m, const float *d_o, float *dk,
                     float *dv, double *dq)
{
    if (m->kind != TF_COPY_BAM)
        return kv_back(m, d_o, dk, dv, dq);
    if (tf_bam_back(&m->bam, d_o, m->dk_share, dv, dq) != 0)
        return tf_fail("copy task BAM backward", AMEM_E_STATE);
    for (size_t i = 0; i < m->d; i++)
        dk[i] += m->dk_share[i];
    return 0;
}

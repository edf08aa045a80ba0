/*
 * Meta-learning of the general plasticity rule (Section 3.2, Eq. 12-16)
 * with the library's trainer (amem_kvmem_train): the rule parameters
 * eta_k, eta_v, lambda and the slopes/offsets of f_k, g_k, f_v, g_v are
 * trained by backpropagation through write-then-read episodes with Adam on
 * the paper's task (T uniform in [N/2, 2N], 60% of query entries zeroed).
 * Initial values as in the reference code: passive value decay with
 * lambda = 0.95, eta = 0.5, every affine transform the identity (slope 1,
 * offset 0; so the key rule starts Hebbian). p is not trained.
 */
#ifndef TF_TRAIN_H
#define TF_TRAIN_H

#include <stddef.h>
#include <stdint.h>

#include <assocmem/kvmem.h>

#include "config.h"
#include "model.h"

typedef struct tf_train_spec {
    size_t n;          /* d = N (= m unless value_dim is set) */
    size_t value_dim;  /* 0: autoassociative */
    int random;        /* local factor: 0 sequential, 1 random */
    double p_times_n;  /* random: p = p_times_n / N */
    const char *label; /* for progress lines */
    size_t steps;      /* 0: cfg->train_steps */
    const tf_rule *init; /* NULL: the reference start; else warm start from
                            these rule parameters */
} tf_train_spec;

/*
 * Train one rule for ts->steps (or cfg->train_steps) steps. history
 * (optional) receives that many rows of AMEM_KVMEM_HISTORY_COLS floats. The learned rule goes to
 * *rule. 0 or -1.
 */
int tf_meta_train(const tf_config *cfg, const tf_train_spec *ts,
                  uint64_t seed, tf_rule *rule, float *history);

#endif

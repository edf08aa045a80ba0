/* Training the copy-task controller with Adam, one episode per step. */
#include <math.h>

#include "copy_train.h"
#include "fail.h"
#include "log.h"
#include "rng.h"

int tf_copy_net_create(tf_copy_net *net, const tf_config *cfg, int kind,
                       const char *label, uint64_t seed)
{
    net->dims = (tf_copy_dims){cfg->copy_dim, cfg->n};
    net->label = label;
    size_t rules = kind == TF_COPY_TRAINED ? AMEM_KVMEM_RULE_COUNT : 0;
    if (tf_ctrl_create(&net->ctrl, &net->dims, rules, seed) != 0)
        return -1;
    size_t steps = 2 * cfg->copy_test_max + 1;
    int bad = tf_copy_mem_create(&net->mem, kind, cfg->n, steps, seed);
    if (!bad)
        bad = tf_copy_trace_alloc(&net->trace, &net->dims, steps);
    if (bad) {
        tf_ctrl_free(&net->ctrl);
        tf_copy_mem_free(&net->mem);
    }
    return bad;
}

void tf_copy_net_free(tf_copy_net *net)
{
    tf_ctrl_free(&net->ctrl);
    tf_copy_mem_free(&net->mem);
    tf_copy_trace_free(&net->trace);
}

/* A TRAINED memory takes the controller's rule block (clamped into the
 * settings' bounds) for the next episodes. */
static int sync_rule(tf_copy_net *net)
{
    if (!net->ctrl.rule_count)
        return 0;
    return tf_copy_mem_set_rule(&net->mem, net->ctrl.rule);
}

/* One training step on a fresh episode of length n. */
static int train_step(tf_copy_net *net, size_t n, uint64_t seed, double lr,
                      double clip, double *loss, double *acc)
{
    tf_copy_episode ep;
    if (tf_copy_episode_make(&ep, &net->dims, n, seed) != 0)
        return -1;
    int bad = tf_copy_forward(&net->ctrl, &net->mem, &ep, &net->trace,
                              loss, acc);
    if (!bad)
        bad = tf_copy_backward(&net->ctrl, &net->mem, &ep, &net->trace);
    tf_copy_episode_free(&ep);
    if (!bad) {
        tf_ctrl_adam(&net->ctrl, lr, clip);
        bad = sync_rule(net);
    }
    return bad;
}

int tf_copy_train(tf_copy_net *net, const tf_config *cfg, FILE *csv,
                  uint64_t seed)
{
    tf_rng rng = {seed};
    size_t steps = cfg->copy_steps, block = steps > 200 ? steps / 200 : 1;
    double loss_sum = 0, acc_sum = 0;
    for (size_t s = 1; s <= steps; s++) {
        double loss = 0, acc = 0;
        size_t n = tf_rng_between(&rng, 1, cfg->copy_train_max);
        if (train_step(net, n, seed + 7919u * s, cfg->copy_lr, cfg->copy_clip,
                       &loss, &acc))
            return -1;
        loss_sum += loss;
        acc_sum += acc;
        if (s % block == 0) {
            fprintf(csv, "%s,%zu,%.5f,%.5f\n", net->label, s,
                    loss_sum / block, acc_sum / block);
            if (s % (block * 20) == 0)
                tf_log("fig5c %s: step %zu/%zu loss %.3f accuracy %.3f",
                       net->label, s, steps, loss_sum / block,
                       acc_sum / block);
            loss_sum = acc_sum = 0;
        }
    }
    return 0;
}

int tf_copy_eval(tf_copy_net *net, size_t n, size_t tests, uint64_t seed,
                 double *accuracy)
{
    double sum = 0.0;
    for (size_t i = 0; i < tests; i++) {
        tf_copy_episode ep;
        double loss = 0, acc = 0;
        if (tf_copy_episode_make(&ep, &net->dims, n, seed + 31u * i) != 0)
            return -1;
        int bad = tf_copy_forward(&net->ctrl, &net->mem, &ep, &net->trace,
                                  &loss, &acc);
        tf_copy_episode_free(&ep);
        if (bad)
            return -1;
        sum += acc;
    }
    *accuracy = sum / (double)tests;
    return 0;
}

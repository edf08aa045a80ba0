/*
 * The copy task's gradient against central finite differences of its
 * loss, for each memory kind: in every parameter block of the controller
 * (and a TRAINED memory's rule block) the entries with the largest
 * analytic gradient and a few others are perturbed by +-h. Random local
 * factors are redrawn from the same seed for every episode, so the loss is
 * a smooth function of the parameters.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "copy_train.h"
#include "fail.h"
#include "log.h"
#include "rng.h"

#define CHECK_LEN 3      /* patterns in the checked episode */
#define CHECK_STEP 3e-3 /* h: larger than float noise, small for O(h^2) */
#define CHECK_PER_BLOCK 3
#define CHECK_FLOOR 5e-2 /* below this size a difference is float noise */

/* The loss of ep with the memory's random draws reset. */
static int loss_of(tf_copy_net *net, const tf_copy_episode *ep,
                   double *loss)
{
    double acc;
    if (net->mem.kv) {
        int st = amem_kvmem_set(net->mem.kv, AMEM_KVMEM_SEED, 17);
        if (st != 0)
            return tf_fail("amem_kvmem_set", st);
    }
    if (net->ctrl.rule_count &&
        tf_copy_mem_set_rule(&net->mem, net->ctrl.rule) != 0)
        return -1;
    return tf_copy_forward(&net->ctrl, &net->mem, ep, &net->trace, loss,
                           &acc);
}

/* Relative error of the analytic gradient g at entry i. */
static int check_entry(tf_copy_net *net, const tf_copy_episode *ep,
                       const float *g, size_t i, double *err)
{
    float *theta = net->ctrl.theta, keep = theta[i];
    double up, down;
    theta[i] = keep + (float)CHECK_STEP;
    double h_up = (double)theta[i] - keep;
    int bad = loss_of(net, ep, &up);
    theta[i] = keep - (float)CHECK_STEP;
    double h_down = keep - (double)theta[i];
    bad = bad || loss_of(net, ep, &down);
    theta[i] = keep;
    if (bad)
        return -1;
    double fd = (up - down) / (h_up + h_down);
    *err = fabs(fd - g[i]) / (fabs(fd) + fabs(g[i]) + CHECK_FLOOR);
    return 0;
}

/* The block [from, from + len): its largest |g| entries, then random
 * ones; the worst relative error into *worst. */
static int check_block(tf_copy_net *net, const tf_copy_episode *ep,
                       const float *g, size_t from, size_t len,
                       tf_rng *rng, double *worst)
{
    size_t best = from;
    for (size_t i = from; i < from + len; i++)
        if (fabsf(g[i]) > fabsf(g[best]))
            best = i;
    for (int j = 0; j < CHECK_PER_BLOCK; j++) {
        size_t i = j == 0 ? best
                          : from + tf_rng_between(rng, 0, len - 1);
        double err;
        if (check_entry(net, ep, g, i, &err) != 0)
            return -1;
        if (err > *worst)
            *worst = err;
    }
    return 0;
}

static int check_blocks(tf_copy_net *net, const tf_copy_episode *ep,
                        const float *g, uint64_t seed, double *worst)
{
    const tf_ctrl *c = &net->ctrl;
    const float *starts[] = {c->Wk, c->bk, c->Wv, c->bv, c->wg,
                             c->cg, c->Wr, c->br, c->rule};
    size_t blocks = sizeof starts / sizeof starts[0] - !c->rule;
    tf_rng rng = {seed};
    *worst = 0.0;
    for (size_t b = 0; b < blocks; b++) {
        size_t from = (size_t)(starts[b] - c->theta);
        size_t end = b + 1 < blocks ? (size_t)(starts[b + 1] - c->theta)
                                    : c->count;
        if (check_block(net, ep, g, from, end - from, &rng, worst) != 0)
            return -1;
    }
    return 0;
}

int tf_copy_gradient_check(const tf_config *cfg, int kind, uint64_t seed,
                           double *worst)
{
    tf_copy_net net;
    tf_copy_episode ep;
    if (tf_copy_net_create(&net, cfg, kind, "check", seed) != 0)
        return -1;
    if (tf_copy_episode_make(&ep, &net.dims, CHECK_LEN, seed + 1) != 0) {
        tf_copy_net_free(&net);
        return -1;
    }
    float *g = malloc(net.ctrl.count * sizeof *g);
    double loss;
    int bad = g ? loss_of(&net, &ep, &loss) : tf_nomem();
    if (!bad)
        bad = tf_copy_backward(&net.ctrl, &net.mem, &ep, &net.trace);
    if (!bad) {
        memcpy(g, net.ctrl.grad, net.ctrl.count * sizeof *g);
        bad = check_blocks(&net, &ep, g, seed + 2, worst);
    }
    free(g);
    tf_copy_episode_free(&ep);
    tf_copy_net_free(&net);
    return bad;
}

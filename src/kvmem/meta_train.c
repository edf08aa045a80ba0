/*
 * Meta-learning of the plasticity rule (Section 3.2): Adam on the rule
 * parameters, with gradients from whole write-then-read episodes of the
 * task distribution (task.c) through the fused backward pass.
 */
#include <math.h>
#include <string.h>

#include "core/check.h"
#include "core/error.h"
#include "episode.h"

typedef struct trainer {
    amem_kvmem *h;
    amem__kv_task task;
    kv_ep ep;
    size_t lo, hi;
    double zero_fraction;
    int mask, train_p, advance_every;
} trainer;

/* Mean loss, accuracy and gradient over one batch of episodes. */
static void batch_gradient(trainer *tr, const amem__kv_rule *r, double *g,
                           double *loss, double *acc)
{
    amem_kvmem *h = tr->h;
    size_t B = (size_t)AMEM__KP(h, BATCH_SIZE);
    double one[AMEM__KV_THETA];
    memset(g, 0, AMEM__KV_THETA * sizeof(double));
    *loss = *acc = 0;
    for (size_t b = 0; b < B; b++) {
        amem__kv_task_sample(&h->rng, h->d, h->m, tr->lo, tr->hi,
                             tr->zero_fraction, &tr->task);
        amem__kv_episode_in in = {tr->task.keys, tr->task.values, NULL,
                                  tr->task.T, tr->task.queries,
                                  tr->task.targets, tr->task.R};
        double l, a;
        tr->ep.T = in.T;
        tr->ep.R = in.R;
        tr->ep.r = r;
        tr->ep.in = &in;
        amem__kv_ep_forward(&tr->ep, &h->rng, tr->advance_every);
        amem__kv_ep_loss(&tr->ep, &l, &a);
        amem__kv_ep_backward(&tr->ep, one);
        for (int k = 0; k < AMEM__KV_THETA; k++)
            g[k] += one[k] / (double)B;
        *loss += l / (double)B;
        *acc += a / (double)B;
    }
}

/* One Adam step on the masked parameters; writes them back as settings. */
static int adam_update(trainer *tr, const double *g)
{
    amem_kvmem *h = tr->h;
    float theta[AMEM__KV_THETA], grad[AMEM__KV_THETA];
    for (int k = 0; k < AMEM_KVMEM_RULE_COUNT; k++) {
        theta[k] = (float)h->param[AMEM_KVMEM_RULE_FIRST + k];
        grad[k] = (tr->mask >> k) & 1 ? (float)g[k] : 0.0f;
    }
    theta[AMEM_KVMEM_RULE_COUNT] = (float)AMEM__KP(h, P);
    grad[AMEM_KVMEM_RULE_COUNT] =
        tr->train_p ? (float)g[AMEM_KVMEM_RULE_COUNT] : 0.0f;
    amem__adam_set(h->adam, AMEM__KP(h, LEARNING_RATE), AMEM__KP(h, ADAM_BETA1),
                   AMEM__KP(h, ADAM_BETA2), AMEM__KP(h, ADAM_EPS));
    int rc = amem__adam_step(h->adam, theta, grad);
    if (rc != AMEM_OK)
        return rc;
    for (int k = 0; k < AMEM_KVMEM_RULE_COUNT; k++) {
        double lim = k == AMEM_KVMEM_LAMBDA - AMEM_KVMEM_RULE_FIRST ? 1 : 1e6;
        double lo = k == AMEM_KVMEM_LAMBDA - AMEM_KVMEM_RULE_FIRST ? 0 : -1e6;
        double v = theta[k];
        h->param[AMEM_KVMEM_RULE_FIRST + k] = v < lo ? lo : (v > lim ? lim : v);
    }
    double p = theta[AMEM_KVMEM_RULE_COUNT], pmin = 1.0 / (double)h->N;
    if (tr->train_p)
        AMEM__KP(h, P) = p < pmin ? pmin : (p > 1 ? 1 : p);
    return AMEM_OK;
}

static void history_row(const amem_kvmem *h, size_t step, double loss,
                        double acc, float *row)
{
    row[0] = (float)step;
    row[1] = (float)loss;
    row[2] = (float)acc;
    for (int k = 0; k < AMEM_KVMEM_RULE_COUNT; k++)
        row[3 + k] = (float)h->param[AMEM_KVMEM_RULE_FIRST + k];
    row[3 + AMEM_KVMEM_RULE_COUNT] = (float)AMEM__KP(h, P);
}

static int trainer_open(const char *fn, amem_kvmem *h, trainer *tr)
{
    memset(tr, 0, sizeof *tr);
    tr->h = h;
    int rc = amem__kv_task_lengths(fn, AMEM__KP(h, TRAIN_MIN_LEN),
                                   AMEM__KP(h, TRAIN_MAX_LEN), h->N, &tr->lo,
                                   &tr->hi);
    if (rc == AMEM_OK)
        rc = amem__kv_task_alloc(fn, h->d, h->m, tr->hi, &tr->task);
    if (rc == AMEM_OK) {
        rc = amem__kv_ep_alloc(fn, &tr->ep, h->d, h->N, h->m, tr->hi, tr->hi);
        if (rc != AMEM_OK)
            amem__kv_task_free(&tr->task);
    }
    tr->zero_fraction = AMEM__KP(h, TRAIN_ZERO_FRACTION);
    tr->mask = (int)AMEM__KP(h, TRAIN_MASK);
    tr->train_p = AMEM__KP(h, TRAIN_P) != 0 &&
                  AMEM__KP(h, LOCAL_FACTOR) == AMEM_KVMEM_LOCAL_RANDOM;
    tr->advance_every =
        AMEM__KP(h, ADVANCE) == AMEM_KVMEM_ADVANCE_EVERY_WRITE;
    return rc;
}

int amem_kvmem_train(amem_kvmem *h, size_t steps, float *history,
                          amem_progress_fn progress, void *user)
{
    static const char fn[] = "amem_kvmem_train";
    AMEM__CHECK_NULL(h, fn);
    if (steps == 0)
        return amem__fail(AMEM_E_DIM, fn, "steps is 0");
    if (steps > (size_t)AMEM_MAX_STEPS_PER_CALL)
        return amem__fail(AMEM_E_RANGE, fn,
                          "steps %zu above AMEM_MAX_STEPS_PER_CALL = %ld",
                          steps, AMEM_MAX_STEPS_PER_CALL);
    if (history != NULL &&
        amem__array_bytes(fn, "history", steps, AMEM_KVMEM_HISTORY_COLS,
                          sizeof *history, NULL) != AMEM_OK)
        return AMEM_E_DIM;
    trainer tr;
    int rc = trainer_open(fn, h, &tr);
    if (rc != AMEM_OK)
        return rc;
    for (size_t s = 0; s < steps && rc == AMEM_OK; s++) {
        amem__kv_rule r;
        double g[AMEM__KV_THETA], loss, acc;
        amem__kv_rule_from(h, &r);
        batch_gradient(&tr, &r, g, &loss, &acc);
        rc = adam_update(&tr, g);
        if (rc != AMEM_OK) {
            rc = amem__fail(rc, fn, "gradient not finite at step %zu", s + 1);
            break;
        }
        if (history)
            history_row(h, s + 1, loss, acc,
                        history + s * AMEM_KVMEM_HISTORY_COLS);
        if (progress && progress(user, "meta_train", (long)(s + 1),
                                 (long)steps, loss) != 0)
            rc = amem__fail(AMEM_E_CANCELLED, fn, "cancelled after step %zu",
                            s + 1);
    }
    amem__kv_ep_free(&tr.ep);
    amem__kv_task_free(&tr.task);
    return rc;
}

/*
 * Meta-learning of the plasticity rule (Section 3.2): Adam on the rule
 * parameters through the one trainer loop (core/trainer.h), with gradients
 * from whole write-then-read episodes of the task distribution (task.c)
 * through the fused backward pass. The trainer's parameter vector is the
 * rule in float, then p; after each step LAMBDA is clamped to [0, 1] and p
 * to [1/N, 1] and the values are written back as settings.
 */
#include <math.h>
#include <string.h>

#include "core/check.h"
#include "core/error.h"
#include "episode.h"
#include "train_batch.h"

typedef struct kv_trainer {
    amem_kvmem *h;
    amem__kv_sampler s;
    kv_ep ep;
    amem__kv_rule rule;
    double g[AMEM__KV_THETA], loss, acc; /* of this worker's episodes */
    float theta[AMEM__KV_THETA];         /* the trainer's parameters */
    float grad[AMEM__KV_THETA];          /* and their gradient */
    size_t batch;
    int mask, train_p, advance_every;
} kv_trainer;

/* Point the episode workspace at one sampled task. */
static void ep_bind(kv_trainer *tr, const amem__kv_task *t,
                    amem__kv_episode_in *in)
{
    *in = (amem__kv_episode_in){t->keys, t->values, NULL, t->T, t->queries,
                                t->targets, t->R};
    tr->ep.T = in->T;
    tr->ep.R = in->R;
    tr->ep.r = &tr->rule;
    tr->ep.in = in;
}

/* One episode of this worker's slice: forward, loss, backward; adds its
 * share (1 / batch) to the step's gradient, loss and accuracy. */
static void run_episode(void *ctx, const amem__kv_task *t)
{
    kv_trainer *tr = ctx;
    amem__kv_episode_in in;
    double one[AMEM__KV_THETA], l, a, B = (double)tr->batch;
    ep_bind(tr, t, &in);
    amem__kv_ep_forward(&tr->ep, &tr->h->rng, tr->advance_every);
    amem__kv_ep_loss(&tr->ep, &l, &a);
    amem__kv_ep_backward(&tr->ep, one);
    for (int k = 0; k < AMEM__KV_THETA; k++)
        tr->g[k] += one[k] / B;
    tr->loss += l / B;
    tr->acc += a / B;
}

/* Another worker's episode: only its random draws. */
static void skip_episode(void *ctx, const amem__kv_task *t)
{
    kv_trainer *tr = ctx;
    amem__kv_episode_in in;
    ep_bind(tr, t, &in);
    amem__kv_ep_skip(&tr->ep, &tr->h->rng);
}

/* The trainer's gradient: one batch of episodes, the untrained
 * parameters' entries zero. */
static int gradient(void *piece, float *grad, double *loss)
{
    kv_trainer *tr = piece;
    amem_kvmem *h = tr->h;
    memset(tr->g, 0, sizeof tr->g);
    tr->loss = tr->acc = 0;
    amem__kv_rule_from(h, &tr->rule);
    amem__kv_sampler_batch(&tr->s, &h->rng, tr->batch, &h->dp, run_episode,
                           skip_episode, tr);
    for (int k = 0; k < AMEM_KVMEM_RULE_COUNT; k++)
        grad[k] = (tr->mask >> k) & 1 ? (float)tr->g[k] : 0.0f;
    grad[AMEM_KVMEM_RULE_COUNT] =
        tr->train_p ? (float)tr->g[AMEM_KVMEM_RULE_COUNT] : 0.0f;
    *loss = tr->loss;
    return AMEM_OK;
}

static double clamp(double v, double lo, double hi)
{
    return v < lo ? lo : (v > hi ? hi : v);
}

/* The trainer vector from the settings (the rule in float, then p). */
static void load_theta(kv_trainer *tr)
{
    const amem_kvmem *h = tr->h;
    for (int k = 0; k < AMEM_KVMEM_RULE_COUNT; k++)
        tr->theta[k] = (float)h->param[AMEM_KVMEM_RULE_FIRST + k];
    tr->theta[AMEM_KVMEM_RULE_COUNT] = (float)AMEM__KP(h, P);
}

/* Projections after the step: LAMBDA in [0, 1], the others in
 * [-1e6, 1e6], p in [1/N, 1]; written back as settings; then the step's
 * record (AMEM_KVMEM_HISTORY_COLS). */
static int after_step(void *piece, double loss)
{
    kv_trainer *tr = piece;
    amem_kvmem *h = tr->h;
    const int lambda = AMEM_KVMEM_LAMBDA - AMEM_KVMEM_RULE_FIRST;
    for (int k = 0; k < AMEM_KVMEM_RULE_COUNT; k++)
        h->param[AMEM_KVMEM_RULE_FIRST + k] =
            k == lambda ? clamp(tr->theta[k], 0, 1)
                        : clamp(tr->theta[k], -1e6, 1e6);
    if (tr->train_p)
        AMEM__KP(h, P) = clamp(tr->theta[AMEM_KVMEM_RULE_COUNT],
                               1.0 / (double)h->N, 1);
    load_theta(tr);
    float *row = h->last_step;
    row[0] = (float)h->adam->t;
    row[1] = (float)loss;
    row[2] = (float)tr->acc;
    for (int k = 0; k < AMEM__KV_THETA; k++)
        row[3 + k] = tr->theta[k];
    h->has_last_step = 1;
    return AMEM_OK;
}

static void trainer_close(kv_trainer *tr)
{
    amem__kv_ep_free(&tr->ep);
    amem__kv_task_free(&tr->s.task);
}

static int trainer_open(const char *fn, amem_kvmem *h, kv_trainer *tr)
{
    memset(tr, 0, sizeof *tr);
    tr->h = h;
    int rc = amem__kv_sampler_open(
        fn, AMEM__KP(h, TRAIN_MIN_LEN), AMEM__KP(h, TRAIN_MAX_LEN),
        AMEM__KP(h, TRAIN_ZERO_FRACTION), h->d, h->N, h->m, &tr->s);
    if (rc == AMEM_OK)
        rc = amem__kv_ep_alloc(fn, &tr->ep, h->d, h->N, h->m, tr->s.hi,
                               tr->s.hi);
    if (rc != AMEM_OK) {
        trainer_close(tr);
        return rc;
    }
    tr->batch = (size_t)AMEM__KP(h, BATCH_SIZE);
    tr->mask = (int)AMEM__KP(h, TRAIN_MASK);
    tr->train_p = AMEM__KP(h, TRAIN_P) != 0 &&
                  AMEM__KP(h, LOCAL_FACTOR) == AMEM_KVMEM_LOCAL_RANDOM;
    tr->advance_every =
        AMEM__KP(h, ADVANCE) == AMEM_KVMEM_ADVANCE_EVERY_WRITE;
    load_theta(tr);
    amem__adam_set(h->adam, AMEM__KP(h, LEARNING_RATE),
                   AMEM__KP(h, ADAM_BETA1), AMEM__KP(h, ADAM_BETA2),
                   AMEM__KP(h, ADAM_EPS));
    return AMEM_OK;
}

static const amem__train_ops KV_OPS = {"train", gradient, after_step, 0};

int amem_kvmem_train(amem_kvmem *h, size_t steps, amem_progress_fn progress,
                     void *user, double *loss)
{
    static const char fn[] = "amem_kvmem_train";
    if (loss)
        *loss = NAN;
    AMEM__CHECK_NULL(h, fn);
    kv_trainer tr;
    int rc = amem__train_check_steps(fn, steps);
    if (rc == AMEM_OK)
        rc = trainer_open(fn, h, &tr);
    if (rc != AMEM_OK)
        return rc;
    amem__trainer t = {&tr, &KV_OPS, tr.theta, tr.grad,
                       AMEM__KV_THETA, h->adam, &h->dp, NULL};
    rc = amem__train_run(fn, &t, steps, progress, user, loss, NULL);
    trainer_close(&tr);
    return rc;
}

AMEM__KV_TRAINED_API(amem_kvmem, AMEM_KVMEM_HISTORY_COLS)

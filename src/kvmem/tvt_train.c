/*
 * TVT training: Adam on the read parameters (the trainer's parameter
 * vector is h->theta) through the one trainer loop (core/trainer.h), over
 * episodes of the same task distribution as the key-value memory's
 * meta-learning (task.c, train_batch.c).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/check.h"
#include "core/error.h"
#include "core/numerics.h"
#include "train_batch.h"
#include "tvt_impl.h"

typedef struct tvt_trainer {
    amem_tvt *h;
    amem__kv_sampler s;
    tvt_ws ws;
    float *Mk, *Mv, *Y, *g, *grad;
    float *sum;                 /* the step's gradient (trainer's) */
    double loss, acc, strength; /* of this worker's episodes */
    size_t batch;
} tvt_trainer;

static void trainer_close(tvt_trainer *tr)
{
    amem__kv_task_free(&tr->s.task);
    amem__tvt_ws_free(&tr->ws);
    free(tr->Mk);
}

static int trainer_open(const char *fn, amem_tvt *h, tvt_trainer *tr)
{
    memset(tr, 0, sizeof *tr);
    tr->h = h;
    tr->batch = (size_t)AMEM__TP(h, BATCH_SIZE);
    int rc = amem__kv_sampler_open(
        fn, AMEM__TP(h, TRAIN_MIN_LEN), AMEM__TP(h, TRAIN_MAX_LEN),
        AMEM__TP(h, TRAIN_ZERO_FRACTION), h->d, h->N, h->m, &tr->s);
    if (rc == AMEM_OK)
        rc = amem__tvt_ws_alloc(fn, h, tr->s.hi, &tr->ws);
    size_t th = amem__tvt_theta_len(h->d);
    if (rc == AMEM_OK) {
        tr->Mk = amem__alloc(h->N * (h->d + h->m) + tr->s.hi * h->m + 2 * th,
                             1, sizeof(float));
        if (tr->Mk == NULL)
            rc = amem__fail(AMEM_E_NOMEM, fn, "cannot allocate training data");
    }
    if (rc != AMEM_OK) {
        trainer_close(tr);
        return rc;
    }
    tr->Mv = tr->Mk + h->N * h->d;
    tr->Y = tr->Mv + h->N * h->m;
    tr->g = tr->Y + tr->s.hi * h->m;
    tr->grad = tr->g + th;
    amem__adam_set(h->adam, AMEM__TP(h, LEARNING_RATE),
                   AMEM__TP(h, ADAM_BETA1), AMEM__TP(h, ADAM_BETA2),
                   AMEM__TP(h, ADAM_EPS));
    return AMEM_OK;
}

/* Store the episode's items in order (row t mod N) into empty rows. */
static void fill_memory(const amem_tvt *h, tvt_trainer *tr,
                        const amem__kv_task *task)
{
    memset(tr->Mk, 0, h->N * (h->d + h->m) * sizeof(float));
    for (size_t t = 0; t < task->T; t++) {
        size_t row = t % h->N;
        memcpy(tr->Mk + row * h->d, task->keys + t * h->d,
               h->d * sizeof(float));
        memcpy(tr->Mv + row * h->m, task->values + t * h->m,
               h->m * sizeof(float));
    }
}

/* One episode of this worker's slice: its share (1 / batch) of the step's
 * gradient, loss, accuracy and mean read strength. */
static void run_episode(void *ctx, const amem__kv_task *task)
{
    tvt_trainer *tr = ctx;
    amem_tvt *h = tr->h;
    size_t R = task->R, n = R * h->m, th = amem__tvt_theta_len(h->d);
    double B = (double)tr->batch, sq = 0, right = 0, s = 0;
    fill_memory(h, tr, task);
    amem__tvt_forward(h, tr->Mk, tr->Mv, h->theta, task->queries, R, &tr->ws,
                      tr->Y);
    for (size_t k = 0; k < n; k++) {
        double diff = (double)tr->Y[k] - task->targets[k];
        sq += diff * diff;
        right += (double)tr->Y[k] * task->targets[k] > 0;
    }
    for (size_t r = 0; r < R; r++)
        s += amem__softplusf(tr->ws.v[r]);
    tr->loss += sq / (double)R / B;
    tr->acc += right / (double)n / B;
    tr->strength += s / (double)R / B;
    amem__tvt_backward(h, tr->Mv, h->theta, task->queries, R, tr->Y,
                       task->targets, &tr->ws, tr->g);
    for (size_t k = 0; k < th; k++)
        tr->sum[k] += tr->g[k] / (float)tr->batch;
}

/* The trainer's gradient: one batch of episodes (TVT draws nothing
 * beyond the episodes, so another worker's episode needs no skip). */
static int gradient(void *piece, float *grad, double *loss)
{
    tvt_trainer *tr = piece;
    tr->sum = grad;
    tr->loss = tr->acc = tr->strength = 0;
    amem__kv_sampler_batch(&tr->s, &tr->h->rng, tr->batch, &tr->h->dp,
                           run_episode, NULL, tr);
    *loss = tr->loss;
    return AMEM_OK;
}

/* The step's record (AMEM_TVT_HISTORY_COLS). */
static int after_step(void *piece, double loss)
{
    tvt_trainer *tr = piece;
    amem_tvt *h = tr->h;
    h->last_step[0] = (float)h->adam->t;
    h->last_step[1] = (float)loss;
    h->last_step[2] = (float)tr->acc;
    h->last_step[3] = (float)tr->strength;
    h->has_last_step = 1;
    return AMEM_OK;
}

static const amem__train_ops TVT_OPS = {"train", gradient, after_step, 0};

int amem_tvt_train(amem_tvt *h, size_t steps, amem_progress_fn progress,
                   void *user, double *loss)
{
    static const char fn[] = "amem_tvt_train";
    if (loss)
        *loss = NAN;
    AMEM__CHECK_NULL(h, fn);
    tvt_trainer tr;
    int rc = amem__train_check_steps(fn, steps);
    if (rc == AMEM_OK)
        rc = trainer_open(fn, h, &tr);
    if (rc != AMEM_OK)
        return rc;
    amem__trainer t = {&tr, &TVT_OPS, h->theta, tr.grad,
                       amem__tvt_theta_len(h->d), h->adam, &h->dp, NULL};
    rc = amem__train_run(fn, &t, steps, progress, user, loss, NULL);
    trainer_close(&tr);
    return rc;
}

AMEM__KV_TRAINED_API(amem_tvt, AMEM_TVT_HISTORY_COLS)

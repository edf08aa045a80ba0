/*
 * TVT training: Adam on the read parameters over episodes of the same task
 * distribution as the key-value memory's meta-learning (task.c).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/check.h"
#include "core/error.h"
#include "kvmem_impl.h"
#include "tvt_impl.h"

typedef struct tvt_trainer {
    amem__kv_task task;
    tvt_ws ws;
    float *Mk, *Mv, *Y, *g, *gsum;
    size_t lo, hi;
} tvt_trainer;

static void trainer_free(tvt_trainer *tr)
{
    amem__kv_task_free(&tr->task);
    amem__tvt_ws_free(&tr->ws);
    free(tr->Mk);
    memset(tr, 0, sizeof *tr);
}

static int trainer_open(const char *fn, const amem_tvt *h, tvt_trainer *tr)
{
    memset(tr, 0, sizeof *tr);
    int rc = amem__kv_task_lengths(fn, AMEM__TP(h, TRAIN_MIN_LEN),
                                   AMEM__TP(h, TRAIN_MAX_LEN), h->N, &tr->lo,
                                   &tr->hi);
    if (rc == AMEM_OK)
        rc = amem__kv_task_alloc(fn, h->d, h->m, tr->hi, &tr->task);
    if (rc == AMEM_OK)
        rc = amem__tvt_ws_alloc(fn, h, tr->hi, &tr->ws);
    if (rc != AMEM_OK) {
        trainer_free(tr);
        return rc;
    }
    size_t th = amem__tvt_theta_len(h->d);
    tr->Mk = amem__alloc(h->N * (h->d + h->m) + tr->hi * h->m + 2 * th, 1,
                         sizeof(float));
    if (tr->Mk == NULL) {
        trainer_free(tr);
        return amem__fail(AMEM_E_NOMEM, fn, "cannot allocate training data");
    }
    tr->Mv = tr->Mk + h->N * h->d;
    tr->Y = tr->Mv + h->N * h->m;
    tr->g = tr->Y + tr->hi * h->m;
    tr->gsum = tr->g + th;
    return AMEM_OK;
}

/* Store the episode's items in order (row t mod N) into empty rows. */
static void fill_memory(const amem_tvt *h, tvt_trainer *tr)
{
    memset(tr->Mk, 0, h->N * (h->d + h->m) * sizeof(float));
    for (size_t t = 0; t < tr->task.T; t++) {
        size_t row = t % h->N;
        memcpy(tr->Mk + row * h->d, tr->task.keys + t * h->d,
               h->d * sizeof(float));
        memcpy(tr->Mv + row * h->m, tr->task.values + t * h->m,
               h->m * sizeof(float));
    }
}

static void one_step(amem_tvt *h, tvt_trainer *tr, double *loss, double *acc,
                     double *strength)
{
    size_t B = (size_t)AMEM__TP(h, BATCH_SIZE), th = amem__tvt_theta_len(h->d);
    memset(tr->gsum, 0, th * sizeof(float));
    *loss = *acc = *strength = 0;
    for (size_t b = 0; b < B; b++) {
        amem__kv_task_sample(&h->rng, h->d, h->m, tr->lo, tr->hi,
                             AMEM__TP(h, TRAIN_ZERO_FRACTION), &tr->task);
        fill_memory(h, tr);
        size_t R = tr->task.R, n = R * h->m;
        amem__tvt_forward(h, tr->Mk, tr->Mv, h->theta, tr->task.queries, R,
                          &tr->ws, tr->Y);
        double sq = 0, right = 0, s = 0;
        for (size_t k = 0; k < n; k++) {
            double diff = (double)tr->Y[k] - tr->task.targets[k];
            sq += diff * diff;
            right += (double)tr->Y[k] * tr->task.targets[k] > 0;
        }
        for (size_t r = 0; r < R; r++)
            s += tr->ws.v[r] > 20 ? tr->ws.v[r] : log1p(exp(tr->ws.v[r]));
        *loss += sq / (double)R / (double)B;
        *acc += right / (double)n / (double)B;
        *strength += s / (double)R / (double)B;
        amem__tvt_backward(h, tr->Mv, h->theta, tr->task.queries, R, tr->Y,
                           tr->task.targets, &tr->ws, tr->g);
        for (size_t k = 0; k < th; k++)
            tr->gsum[k] += tr->g[k] / (float)B;
    }
}

int amem_tvt_train(amem_tvt *h, size_t steps, float *history,
                   amem_progress_fn progress, void *user)
{
    static const char fn[] = "amem_tvt_train";
    AMEM__CHECK_NULL(h, fn);
    if (steps == 0)
        return amem__fail(AMEM_E_DIM, fn, "steps is 0");
    if (steps > (size_t)AMEM_MAX_STEPS_PER_CALL)
        return amem__fail(AMEM_E_RANGE, fn,
                          "steps %zu above AMEM_MAX_STEPS_PER_CALL = %ld",
                          steps, AMEM_MAX_STEPS_PER_CALL);
    if (history != NULL &&
        amem__array_bytes(fn, "history", steps, AMEM_TVT_HISTORY_COLS,
                          sizeof *history, NULL) != AMEM_OK)
        return AMEM_E_DIM;
    tvt_trainer tr;
    int rc = trainer_open(fn, h, &tr);
    for (size_t s = 0; s < steps && rc == AMEM_OK; s++) {
        double loss, acc, strength;
        one_step(h, &tr, &loss, &acc, &strength);
        amem__adam_set(h->adam, AMEM__TP(h, LEARNING_RATE), AMEM__TP(h, ADAM_BETA1),
                       AMEM__TP(h, ADAM_BETA2), AMEM__TP(h, ADAM_EPS));
        rc = amem__adam_step(h->adam, h->theta, tr.gsum);
        if (rc != AMEM_OK) {
            rc = amem__fail(rc, fn, "gradient not finite at step %zu", s + 1);
            break;
        }
        if (history) {
            float *row = history + s * AMEM_TVT_HISTORY_COLS;
            row[0] = (float)(s + 1), row[1] = (float)loss;
            row[2] = (float)acc, row[3] = (float)strength;
        }
        if (progress && progress(user, "tvt_train", (long)(s + 1),
                                 (long)steps, loss) != 0)
            rc = amem__fail(AMEM_E_CANCELLED, fn, "cancelled after step %zu",
                            s + 1);
    }
    trainer_free(&tr);
    return rc;
}

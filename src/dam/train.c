/*
 * The trainer: minibatches (uniform without replacement, or importance
 * sampling with replacement, Eq. 4), a fresh 50% zero-mask per use, BPTT
 * through the unrolled dynamics and loss reweighting (Eq. 5), run by the
 * one trainer loop of core/trainer.h (which owns Adam, progress and the
 * cancellation rule). The epoch position lives in the handle, so a call may
 * end inside an epoch and the next call continues it.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/check.h"
#include "core/error.h"
#include "core/trainer.h"
#include "dam_impl.h"
#include "fb.h"

static const char train_fn[] = "amem_dam_train";

/* Perturb the batch items into cues/clamp from the handle's generator. */
static int perturb_batch(amem_dam *h, const size_t *idx, size_t b,
                         float **cues, float **clamp, float **targets)
{
    size_t N = h->n_vis;
    *cues = amem__arena_alloc(h->arena, b * N * sizeof(float));
    *clamp = amem__arena_alloc(h->arena, b * N * sizeof(float));
    *targets = amem__arena_alloc(h->arena, b * N * sizeof(float));
    size_t *perm = amem__arena_alloc(h->arena, N * sizeof(size_t));
    if (!*cues || !*clamp || !*targets || !perm)
        return AMEM_E_NOMEM;
    for (size_t k = 0; k < b; k++) {
        const float *x = h->items + idx[k] * N;
        memcpy(*targets + k * N, x, N * sizeof(float));
        amem__dam_perturb_one(&h->rng, x, N, AMEM__DP(h, MASK_FRACTION),
                              *cues + k * N, *clamp + k * N, perm);
    }
    return AMEM_OK;
}

/* The weights of the batch losses (BALANCE_REWEIGHT) or 1/b. */
static int batch_weights(amem_dam *h, const size_t *idx, size_t b, float *wt)
{
    if (AMEM__DP(h, BALANCE) != AMEM_DAM_BALANCE_REWEIGHT) {
        for (size_t k = 0; k < b; k++)
            wt[k] = (float)(1.0 / (double)b);
        return AMEM_OK;
    }
    double *alpha = amem__arena_alloc(h->arena, h->count * sizeof(double));
    double *e = amem__arena_alloc(h->arena, h->count * sizeof(double));
    if (!alpha || !e)
        return AMEM_E_NOMEM;
    amem__dam_alphas(h, alpha);
    amem__dam_batch_weights(alpha, h->count, idx, b, AMEM__DP(h, GAMMA),
                            AMEM__DP(h, WEIGHT_NORM) ==
                                AMEM_DAM_WEIGHT_NORM_DATASET,
                            wt, e);
    return AMEM_OK;
}

/* 1 when a learned signal with gamma > 0 steers the batches. */
static int uses_learned_signal(const amem_dam *h)
{
    return AMEM__DP(h, GAMMA) > 0.0 &&
           AMEM__DP(h, SIGNAL) != AMEM_DAM_SIGNAL_GROUND_TRUTH &&
           AMEM__DP(h, BALANCE) != AMEM_DAM_BALANCE_NONE;
}

/* 1 when the weights need every item's signal before the first batch. */
static int needs_all_signals(const amem_dam *h)
{
    int bal = (int)AMEM__DP(h, BALANCE);
    return uses_learned_signal(h) &&
           (bal == AMEM_DAM_BALANCE_SAMPLE ||
            AMEM__DP(h, WEIGHT_NORM) == AMEM_DAM_WEIGHT_NORM_DATASET);
}

/* What the hooks share during one call (malloc'd once per call). */
typedef struct train_ctx {
    amem_dam *h;
    size_t *batch;             /* BATCH_SIZE indices (importance sampling) */
    double *alpha, *prob, *cdf; /* n doubles each */
    const size_t *last_idx;    /* the batch of the step being taken */
    size_t last_b;             /*   and its size */
    /* The step's records, BATCH_SIZE x AMEM__RAW_COUNT floats right after
     * the gradient (train_records.c). Data-parallel, they are either
     * computed whole on every worker (every_slice: the batch's loss weights
     * need them before the backward) or summed over the workers by the
     * step's reduce (deferred: applied after the step). */
    float *rec;
    int every_slice, deferred;
    amem__data_parallel reduce_dp; /* the trainer's: h->dp and the records */
} train_ctx;

/*
 * Every other worker's slice of the batch run forward here too (each slice
 * on its own, as its worker runs it, so the records are the same bits on
 * every worker), its records into rec: the loss weights of REWEIGHT with a
 * learned signal need the whole batch's records before the backward.
 */
static int forward_other_slices(train_ctx *t, const size_t *idx, size_t b,
                                const float *cues, const float *clamp)
{
    amem_dam *h = t->h;
    size_t N = h->n_vis;
    for (int q = 0; q < h->dp.size; q++) {
        amem__data_parallel other = h->dp;
        size_t lo, hi;
        other.rank = q;
        amem__dp_slice(&other, b, &lo, &hi);
        if (q == h->dp.rank || hi == lo)
            continue;
        amem__dam_fb c;
        int rc = amem__dam_fb_forward(h, h->arena, cues + lo * N,
                                      clamp + lo * N, hi - lo, &c);
        if (rc != AMEM_OK)
            return rc;
        amem__dam_batch_records(h, idx, lo, hi, &c, t->rec);
    }
    return AMEM_OK;
}

/*
 * The gradient of one batch (training rows idx[0..b)) into grad: every
 * worker perturbs the whole batch (the same draws everywhere), then runs
 * forward and backward on its slice only; the weights are those of the
 * whole batch, so the slices' gradients and losses sum to the batch's.
 * The records of the batch are applied before the weights are taken, as
 * in one process, unless they are deferred to after the reduce (then no
 * weight of this batch reads them). An empty slice leaves grad zero and
 * *loss 0.
 */
static int batch_gradient(train_ctx *t, const size_t *idx, size_t b,
                          float *grad, double *loss)
{
    amem_dam *h = t->h;
    size_t N = h->n_vis, B = (size_t)AMEM__DP(h, BATCH_SIZE), lo, hi;
    float *cues, *clamp, *targets;
    amem__arena_reset(h->arena);
    memset(t->rec, 0, B * AMEM__RAW_COUNT * sizeof *t->rec);
    int rc = perturb_batch(h, idx, b, &cues, &clamp, &targets);
    if (rc == AMEM_OK && t->every_slice)
        rc = forward_other_slices(t, idx, b, cues, clamp);
    amem__dp_slice(&h->dp, b, &lo, &hi);
    amem__dam_fb c;
    *loss = 0.0;
    if (rc == AMEM_OK && hi > lo)
        rc = amem__dam_fb_forward(h, h->arena, cues + lo * N, clamp + lo * N,
                                  hi - lo, &c);
    if (rc != AMEM_OK)
        return rc;
    if (hi > lo)
        amem__dam_batch_records(h, idx, lo, hi, &c, t->rec);
    if (!t->deferred)
        amem__dam_apply_records(h, idx, b, t->rec);
    float *wt = amem__arena_alloc(h->arena, b * sizeof(float));
    if (!wt || batch_weights(h, idx, b, wt) != AMEM_OK)
        return AMEM_E_NOMEM;
    if (hi > lo)
        *loss = amem__dam_fb_backward(h, &c, targets + lo * N, wt + lo, grad);
    return isnan(*loss) ? AMEM_E_NOMEM : AMEM_OK;
}

/* Forward only (records, no update) over items never used yet. */
static int record_unseen(amem_dam *h, size_t *buf)
{
    size_t B = (size_t)AMEM__DP(h, BATCH_SIZE), k = 0;
    for (size_t i = 0; i <= h->count; i++) {
        int unseen = i < h->count &&
                     h->raw[i * AMEM__RAW_COUNT + AMEM__RAW_USES] == 0.0f;
        if (unseen)
            buf[k++] = i;
        if (k == B || (i == h->count && k > 0)) {
            float *cues, *clamp, *targets;
            amem__dam_fb c;
            amem__arena_reset(h->arena);
            int rc = perturb_batch(h, buf, k, &cues, &clamp, &targets);
            if (rc == AMEM_OK)
                rc = amem__dam_fb_forward(h, h->arena, cues, clamp, k, &c);
            if (rc != AMEM_OK)
                return rc;
            float *rec = amem__arena_alloc(h->arena,
                                           k * AMEM__RAW_COUNT * sizeof *rec);
            if (rec == NULL)
                return AMEM_E_NOMEM;
            amem__dam_batch_records(h, buf, 0, k, &c, rec);
            amem__dam_apply_records(h, buf, k, rec);
            k = 0;
        }
    }
    return AMEM_OK;
}

/* The next batch of the epoch: its rows into *idx, its size returned. */
static size_t next_batch(train_ctx *c, const size_t **idx)
{
    amem_dam *h = c->h;
    size_t n = h->count, B = (size_t)AMEM__DP(h, BATCH_SIZE);
    if (AMEM__DP(h, BALANCE) == AMEM_DAM_BALANCE_SAMPLE) {
        amem__dam_alphas(h, c->alpha);
        for (size_t i = 0; i < n; i++) /* unseen: only when gamma = 0 */
            c->alpha[i] = isnan(c->alpha[i]) ? 1.0 : c->alpha[i];
        amem__dam_softmax_weights(c->alpha, n, AMEM__DP(h, GAMMA), c->prob);
        amem__dam_sample(&h->rng, c->prob, n, B, c->batch, c->cdf);
        *idx = c->batch;
        return B;
    }
    if (h->epoch_pos == 0) { /* a new epoch: a fresh order */
        for (size_t i = 0; i < n; i++)
            h->order[i] = i;
        amem__rng_shuffle(&h->rng, h->order, n);
    }
    *idx = h->order + h->epoch_pos;
    return n - h->epoch_pos < B ? n - h->epoch_pos : B;
}

static int dam_gradient(void *piece, float *grad, double *loss)
{
    train_ctx *c = piece;
    const size_t *idx;
    c->last_b = next_batch(c, &idx);
    c->last_idx = idx;
    int rc = batch_gradient(c, idx, c->last_b, grad, loss);
    if (rc != AMEM_OK)
        return amem__fail(rc, train_fn, "out of memory during training");
    return AMEM_OK;
}

/* Apply deferred records (summed by the reduce), advance the epoch
 * position past the step just taken. */
static int dam_after_step(void *piece, double loss)
{
    (void)loss;
    train_ctx *c = piece;
    amem_dam *h = c->h;
    if (c->deferred)
        amem__dam_apply_records(h, c->last_idx, c->last_b, c->rec);
    h->epoch_pos += c->last_b;
    if (h->epoch_pos >= h->count) {
        h->epoch_pos = 0;
        h->epochs++;
    }
    return AMEM_OK;
}

static const amem__train_ops dam_ops = {"train", dam_gradient,
                                        dam_after_step, 0};

static int check_train(const char *fn, amem_dam *h, size_t steps)
{
    int rc = amem__train_check_steps(fn, steps);
    if (rc != AMEM_OK)
        return rc;
    if (h->count == 0)
        return amem__fail(AMEM_E_STATE, fn, "no training set (set_data)");
    if (AMEM__DP(h, SIGNAL) == AMEM_DAM_SIGNAL_GROUND_TRUTH &&
        AMEM__DP(h, GAMMA) > 0.0 &&
        AMEM__DP(h, BALANCE) != AMEM_DAM_BALANCE_NONE && h->labels == NULL)
        return amem__fail(AMEM_E_STATE, fn,
                          "GROUND_TRUTH signal with gamma > 0 needs labels");
    if (h->arena == NULL && (h->arena = amem__arena_create(1 << 20)) == NULL)
        return amem__fail(AMEM_E_NOMEM, fn, "cannot allocate the workspace");
    return AMEM_OK;
}

/* The reduce the trainer calls when records are deferred: the worker's
 * reduce over the gradient (n floats) and the records right after it. */
static int reduce_with_records(void *ctx, float *grad, size_t n,
                               double *loss)
{
    const train_ctx *c = ctx;
    const amem__data_parallel *dp = &c->h->dp;
    size_t B = (size_t)AMEM__DP(c->h, BATCH_SIZE);
    return dp->reduce(dp->ctx, grad, n + B * AMEM__RAW_COUNT, loss);
}

/* How the step's records reach every worker (train_ctx.rec). */
static void records_plan(amem_dam *h, train_ctx *c)
{
    int workers = h->dp.size > 1;
    c->every_slice = workers && uses_learned_signal(h) &&
                     AMEM__DP(h, BALANCE) == AMEM_DAM_BALANCE_REWEIGHT;
    c->deferred = workers && !c->every_slice;
    c->reduce_dp = h->dp;
    if (c->deferred) {
        c->reduce_dp.reduce = reduce_with_records;
        c->reduce_dp.ctx = c;
    }
}

static int ctx_open(amem_dam *h, train_ctx *c, float **grad)
{
    size_t n = h->count, B = (size_t)AMEM__DP(h, BATCH_SIZE);
    size_t nw = h->n_vis * h->n_hid; /* the weights exist: no overflow */
    c->h = h;
    records_plan(h, c);
    c->batch = amem__alloc(B, 1, sizeof(size_t));
    c->alpha = amem__alloc(3, n, sizeof(double));
    c->prob = c->alpha ? c->alpha + n : NULL;
    c->cdf = c->alpha ? c->alpha + 2 * n : NULL;
    *grad = amem__alloc(nw + B * AMEM__RAW_COUNT, 1, sizeof(float));
    c->rec = *grad ? *grad + nw : NULL;
    if (c->batch && c->alpha && *grad)
        return AMEM_OK;
    free(c->batch);
    free(c->alpha);
    free(*grad);
    return amem__fail(AMEM_E_NOMEM, train_fn, "cannot allocate the workspace");
}

int amem_dam_train(amem_dam *h, size_t steps, amem_progress_fn progress,
                   void *user, double *loss)
{
    if (loss)
        *loss = NAN;
    AMEM__CHECK_NULL(h, train_fn);
    train_ctx c;
    float *grad;
    int rc = check_train(train_fn, h, steps);
    if (rc == AMEM_OK)
        rc = ctx_open(h, &c, &grad);
    if (rc != AMEM_OK)
        return rc;
    if (needs_all_signals(h) && record_unseen(h, c.batch) != AMEM_OK)
        rc = amem__fail(AMEM_E_NOMEM, train_fn, "out of memory");
    amem__adam_set(h->adam, AMEM__DP(h, LEARNING_RATE), AMEM__DP(h, ADAM_BETA1),
                   AMEM__DP(h, ADAM_BETA2), AMEM__DP(h, ADAM_EPS));
    amem__trainer t = {&c, &dam_ops, h->w, grad, h->n_vis * h->n_hid,
                       h->adam, &c.reduce_dp, NULL};
    if (rc == AMEM_OK)
        rc = amem__train_run(train_fn, &t, steps, progress, user, loss, NULL);
    free(c.batch);
    free(c.alpha);
    free(grad);
    return rc;
}

int amem_dam_steps_per_epoch(const amem_dam *h, size_t *out)
{
    AMEM__CHECK_NULL(h, "amem_dam_steps_per_epoch");
    return amem__train_steps_per_epoch("amem_dam_steps_per_epoch", h->count,
                                       (size_t)AMEM__DP(h, BATCH_SIZE), out);
}

int amem_dam_step_count(const amem_dam *h, size_t *out)
{
    AMEM__CHECK_NULL(h, "amem_dam_step_count");
    return amem__train_step_count("amem_dam_step_count", h->adam, out);
}

int amem_dam_set_data_parallel(amem_dam *h, const amem_data_parallel *dp)
{
    return amem__dp_set("amem_dam_set_data_parallel", h ? &h->dp : NULL,
                        dp);
}

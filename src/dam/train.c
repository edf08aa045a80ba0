/*
 * The trainer: minibatches (uniform without replacement, or importance
 * sampling with replacement, Eq. 4), a fresh 50% zero-mask per use, BPTT
 * through the unrolled dynamics, loss reweighting (Eq. 5) and Adam.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/check.h"
#include "core/error.h"
#include "dam_impl.h"
#include "fb.h"

/* Record the raw values of a batch and widen the cumulative min/max. */
static void record_batch(amem_dam *h, const size_t *idx, size_t b,
                         const amem__dam_fb *c, double *loss_sum)
{
    size_t N = h->n_vis, M = h->n_hid;
    for (size_t k = 0; k < b; k++) {
        float *raw = h->raw + idx[k] * AMEM__RAW_COUNT;
        float uses = raw[AMEM__RAW_USES];
        amem__dam_item_values(h->items + idx[k] * N, c->out + k * N,
                              c->hidden + k * M, N, M, c->time[k], raw);
        raw[AMEM__RAW_USES] = uses + 1.0f;
        amem__dam_track_minmax(h, raw);
        if (loss_sum)
            *loss_sum += raw[AMEM__RAW_LOSS];
    }
}

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
    double *e = amem__arena_alloc(h->arena, b * sizeof(double));
    if (!alpha || !e)
        return AMEM_E_NOMEM;
    amem__dam_alphas(h, alpha);
    amem__dam_batch_weights(alpha, h->count, idx, b, AMEM__DP(h, GAMMA),
                            AMEM__DP(h, WEIGHT_NORM) ==
                                AMEM_DAM_WEIGHT_NORM_DATASET,
                            wt, e);
    return AMEM_OK;
}

static int adam_update(amem_dam *h, const float *grad)
{
    amem__adam_set(h->adam, AMEM__DP(h, LEARNING_RATE), AMEM__DP(h, ADAM_BETA1),
                   AMEM__DP(h, ADAM_BETA2), AMEM__DP(h, ADAM_EPS));
    return amem__adam_step(h->adam, h->w, grad);
}

int amem__dam_train_batch(amem_dam *h, const size_t *idx, size_t b,
                          double *loss_sum)
{
    float *cues, *clamp, *targets;
    amem__arena_reset(h->arena);
    int rc = perturb_batch(h, idx, b, &cues, &clamp, &targets);
    amem__dam_fb c;
    if (rc == AMEM_OK)
        rc = amem__dam_fb_forward(h, h->arena, cues, clamp, b, &c);
    if (rc != AMEM_OK)
        return rc;
    record_batch(h, idx, b, &c, loss_sum);
    float *wt = amem__arena_alloc(h->arena, b * sizeof(float));
    float *grad = amem__arena_alloc(h->arena,
                                    h->n_vis * h->n_hid * sizeof(float));
    if (!wt || !grad || batch_weights(h, idx, b, wt) != AMEM_OK)
        return AMEM_E_NOMEM;
    if (isnan(amem__dam_fb_backward(h, &c, targets, wt, grad)))
        return AMEM_E_NOMEM;
    return adam_update(h, grad);
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
            record_batch(h, buf, k, &c, NULL);
            k = 0;
        }
    }
    return AMEM_OK;
}

/* 1 when the weights need every item's signal before the first batch. */
static int needs_all_signals(const amem_dam *h)
{
    int bal = (int)AMEM__DP(h, BALANCE);
    return AMEM__DP(h, GAMMA) > 0.0 &&
           AMEM__DP(h, SIGNAL) != AMEM_DAM_SIGNAL_GROUND_TRUTH &&
           (bal == AMEM_DAM_BALANCE_SAMPLE ||
            (bal == AMEM_DAM_BALANCE_REWEIGHT &&
             AMEM__DP(h, WEIGHT_NORM) == AMEM_DAM_WEIGHT_NORM_DATASET));
}

/* Buffers of one train call (malloc'd once). */
typedef struct epoch_ws {
    size_t *order, *batch;
    double *alpha, *prob, *cdf;
} epoch_ws;

/* One epoch; the mean item loss into *mean. */
static int run_epoch(amem_dam *h, epoch_ws *ws, double *mean)
{
    size_t n = h->count, B = (size_t)AMEM__DP(h, BATCH_SIZE);
    size_t nb = (n + B - 1) / B, used = 0;
    int sample = AMEM__DP(h, BALANCE) == AMEM_DAM_BALANCE_SAMPLE;
    double loss = 0.0;
    if (!sample) {
        for (size_t i = 0; i < n; i++)
            ws->order[i] = i;
        amem__rng_shuffle(&h->rng, ws->order, n);
    }
    for (size_t k = 0; k < nb; k++) {
        size_t b = sample ? B : (n - k * B < B ? n - k * B : B);
        const size_t *idx = ws->order + k * B;
        if (sample) {
            amem__dam_alphas(h, ws->alpha);
            for (size_t i = 0; i < n; i++) /* unseen: only when gamma = 0 */
                ws->alpha[i] = isnan(ws->alpha[i]) ? 1.0 : ws->alpha[i];
            amem__dam_softmax_weights(ws->alpha, n, AMEM__DP(h, GAMMA),
                                      ws->prob);
            amem__dam_sample(&h->rng, ws->prob, n, b, ws->batch, ws->cdf);
            idx = ws->batch;
        }
        int rc = amem__dam_train_batch(h, idx, b, &loss);
        if (rc != AMEM_OK)
            return rc;
        used += b;
    }
    *mean = loss / (double)used;
    return AMEM_OK;
}

/* What a failed training call must put back. */
typedef struct snapshot {
    float *w, *m, *v, *raw;
    long t, epochs;
    amem__rng rng;
    double smin[AMEM__DAM_NSIGNAL], smax[AMEM__DAM_NSIGNAL];
} snapshot;

static int snap_take(const amem_dam *h, snapshot *s)
{
    size_t mn = h->n_vis * h->n_hid, nr = h->count * AMEM__RAW_COUNT;
    s->w = amem__alloc(3 * mn + nr, 1, sizeof(float));
    if (s->w == NULL)
        return AMEM_E_NOMEM;
    s->m = s->w + mn;
    s->v = s->m + mn;
    s->raw = s->v + mn;
    memcpy(s->w, h->w, mn * sizeof(float));
    memcpy(s->m, h->adam->m, mn * sizeof(float));
    memcpy(s->v, h->adam->v, mn * sizeof(float));
    memcpy(s->raw, h->raw, nr * sizeof(float));
    s->t = h->adam->t;
    s->epochs = h->epochs;
    s->rng = h->rng;
    memcpy(s->smin, h->smin, sizeof s->smin);
    memcpy(s->smax, h->smax, sizeof s->smax);
    return AMEM_OK;
}

static void snap_restore(amem_dam *h, const snapshot *s)
{
    size_t mn = h->n_vis * h->n_hid, nr = h->count * AMEM__RAW_COUNT;
    memcpy(h->w, s->w, mn * sizeof(float));
    memcpy(h->adam->m, s->m, mn * sizeof(float));
    memcpy(h->adam->v, s->v, mn * sizeof(float));
    memcpy(h->raw, s->raw, nr * sizeof(float));
    h->adam->t = s->t;
    h->epochs = s->epochs;
    h->rng = s->rng;
    memcpy(h->smin, s->smin, sizeof s->smin);
    memcpy(h->smax, s->smax, sizeof s->smax);
}

static int check_train(const char *fn, amem_dam *h, int epochs)
{
    if (epochs < 1)
        return amem__fail(AMEM_E_RANGE, fn, "epochs = %d, need >= 1", epochs);
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

static int epoch_ws_open(const amem_dam *h, epoch_ws *ws)
{
    size_t n = h->count, B = (size_t)AMEM__DP(h, BATCH_SIZE);
    ws->order = amem__alloc(n, 1, sizeof(size_t));
    ws->batch = amem__alloc(B, 1, sizeof(size_t));
    ws->alpha = amem__alloc(3, n, sizeof(double));
    ws->prob = ws->alpha ? ws->alpha + n : NULL;
    ws->cdf = ws->alpha ? ws->alpha + 2 * n : NULL;
    if (ws->order && ws->batch && ws->alpha)
        return AMEM_OK;
    free(ws->order);
    free(ws->batch);
    free(ws->alpha);
    return AMEM_E_NOMEM;
}

static int train_epochs(amem_dam *h, int epochs, amem_progress_fn progress,
                        void *user, epoch_ws *ws)
{
    int rc = AMEM_OK;
    if (needs_all_signals(h))
        rc = record_unseen(h, ws->batch);
    for (int e = 0; e < epochs && rc == AMEM_OK; e++) {
        double mean = NAN;
        rc = run_epoch(h, ws, &mean);
        if (rc != AMEM_OK)
            break;
        h->epochs++;
        if (progress && progress(user, "epoch", e + 1, epochs, mean) != 0)
            return AMEM_E_CANCELLED;
    }
    return rc;
}

int amem_dam_train(amem_dam *h, int epochs, amem_progress_fn progress,
                   void *user)
{
    static const char fn[] = "amem_dam_train";
    AMEM__CHECK_NULL(h, fn);
    int rc = check_train(fn, h, epochs);
    if (rc != AMEM_OK)
        return rc;
    snapshot snap;
    epoch_ws ws;
    if (snap_take(h, &snap) != AMEM_OK)
        return amem__fail(AMEM_E_NOMEM, fn, "cannot allocate a snapshot");
    if (epoch_ws_open(h, &ws) != AMEM_OK) {
        free(snap.w);
        return amem__fail(AMEM_E_NOMEM, fn, "cannot allocate the workspace");
    }
    rc = train_epochs(h, epochs, progress, user, &ws);
    if (rc != AMEM_OK && rc != AMEM_E_CANCELLED)
        snap_restore(h, &snap);
    free(snap.w);
    free(ws.order);
    free(ws.batch);
    free(ws.alpha);
    if (rc == AMEM_E_CANCELLED)
        return amem__fail(rc, fn, "cancelled after %ld epochs", h->epochs);
    if (rc == AMEM_E_NONFINITE)
        return amem__fail(rc, fn, "a gradient became non-finite");
    if (rc != AMEM_OK)
        return amem__fail(rc, fn, "out of memory during training");
    return AMEM_OK;
}

/*
 * Training on the attached data (amem_vae_set_data): minibatch gradients
 * through the engine graph, epochs over shuffled data and Keras-style early
 * stopping on the epoch's mean training loss, run by the one trainer loop
 * of core/trainer.h (which owns Adam/AMSGrad, progress and cancellation).
 * The epoch position lives in the handle: a call may end inside an epoch
 * and the next continues it.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/check.h"
#include "core/error.h"
#include "vae_impl.h"

int amem__vae_ensure_optimizer(const char *fn, amem_vae *v)
{
    int amsgrad = AMEM__VP(v, OPTIMIZER) == AMEM_VAE_OPT_AMSGRAD;
    if (v->opt != NULL && (v->opt->vmax != NULL) == amsgrad)
        return AMEM_OK;
    amem__adam *opt = NULL;
    if (amem__adam_create(v->n_params, amsgrad, &opt) != AMEM_OK)
        return amem__fail(AMEM_E_NOMEM, fn, "cannot allocate the optimizer");
    amem__adam_free(v->opt);
    v->opt = opt;
    return AMEM_OK;
}

static int graph_error(const char *fn, const amem__graph *g)
{
    return amem__fail(g->status, fn, "%s", g->error);
}

/* Advance the generator past the dropout draws of `rows` rows (the rows
 * of the other workers), one uniform per entry as the dropout op draws. */
static void skip_dropout(amem_vae *v, size_t rows)
{
    if (AMEM__VP(v, DROPOUT) == 0.0)
        return;
    for (size_t k = 0; k < rows * amem__vae_dim(v); k++)
        (void)amem__rng_uniform(&v->rng);
}

/*
 * The gradient of rows [lo, hi) of a minibatch of m rows (x holds those
 * rows, eps the whole batch's m x K normals) into v->grads, scaled so that
 * the slices of all workers sum to the batch's mean-loss gradient; *loss
 * likewise. Dropout draws follow the whole batch on every worker.
 */
static int slice_gradient(const char *fn, amem_vae *v, const float *x,
                          const float *eps, size_t lo, size_t hi, size_t m,
                          double *loss)
{
    amem__graph *g = v->graph;
    *loss = 0.0;
    skip_dropout(v, lo);
    if (hi > lo) {
        amem__vae_pass pass = {1, 1};
        amem__node *l = amem__vae_loss_graph(v, g, x, hi - lo,
                                             eps + lo * v->latent, &pass,
                                             NULL, NULL);
        if (l == NULL || g->status != AMEM_OK)
            return graph_error(fn, g);
        *loss = l->val[0];
        if (isfinite(*loss) && amem__backward(g, l, NULL) != AMEM_OK)
            return graph_error(fn, g);
    }
    skip_dropout(v, m - hi);
    if (hi - lo != m) { /* a slice: mean over hi - lo rows -> share of m */
        float share = (float)((double)(hi - lo) / (double)m);
        for (size_t k = 0; k < v->n_params; k++)
            v->grads[k] *= share;
        *loss *= share;
    }
    return AMEM_OK;
}

/* What the hooks share during one call. */
typedef struct fit_ctx {
    const char *fn;
    amem_vae *v;
    float *batch;             /* BATCH_SIZE rows */
    size_t last_m;            /* rows of the step being taken */
    amem__vae_epoch_fn next_data; /* called at later epoch starts, or NULL */
    void *data_ctx;
    int epochs_started;       /* in this call */
    double best;              /* early stopping (within one call) */
    long wait;
} fit_ctx;

/* A new epoch: fresh data (consolidation), then a fresh order. */
static int start_epoch(fit_ctx *c)
{
    amem_vae *v = c->v;
    if (c->next_data != NULL && c->epochs_started > 0) {
        int rc = c->next_data(c->data_ctx);
        if (rc != AMEM_OK)
            return rc;
    }
    c->epochs_started++;
    for (size_t i = 0; i < v->data_n; i++)
        v->order[i] = i;
    amem__rng_shuffle(&v->rng, v->order, v->data_n);
    v->epoch_loss = 0.0;
    v->epoch_steps = 0;
    return AMEM_OK;
}

static int vae_gradient(void *piece, float *grad, double *loss)
{
    fit_ctx *c = piece;
    amem_vae *v = c->v;
    (void)grad; /* = v->grads, which the graph's parameters accumulate into */
    int rc = v->epoch_pos == 0 ? start_epoch(c) : AMEM_OK;
    if (rc != AMEM_OK)
        return rc;
    size_t dim = amem__vae_dim(v), bs = (size_t)AMEM__VP(v, BATCH_SIZE);
    size_t left = v->data_n - v->epoch_pos, m = left < bs ? left : bs, lo, hi;
    amem__dp_slice(&v->dp, m, &lo, &hi);
    const size_t *rows = v->order + v->epoch_pos;
    for (size_t r = lo; r < hi; r++)
        memcpy(c->batch + (r - lo) * dim, v->data + rows[r] * dim,
               dim * sizeof(float));
    amem__graph_reset(v->graph);
    v->graph->training = 1;
    float *eps = amem__arena_alloc(v->graph->arena,
                                   m * v->latent * sizeof(float));
    if (eps == NULL)
        return amem__fail(AMEM_E_NOMEM, c->fn, "graph arena exhausted");
    amem__rng_normals(&v->rng, eps, m * v->latent);
    c->last_m = m;
    return slice_gradient(c->fn, v, c->batch, eps, lo, hi, m, loss);
}

/* Keras EarlyStopping(monitor='loss', patience=p, min_delta=0). */
static int should_stop(fit_ctx *c, double mean)
{
    if (mean < c->best) {
        c->best = mean;
        c->wait = 0;
        return 0;
    }
    long patience = (long)AMEM__VP(c->v, PATIENCE);
    return patience > 0 && ++c->wait >= patience;
}

/* Advance the epoch; at its end, early stopping on the mean step loss. */
static int vae_after_step(void *piece, double loss)
{
    fit_ctx *c = piece;
    amem_vae *v = c->v;
    v->epoch_pos += c->last_m;
    v->epoch_loss += loss;
    v->epoch_steps++;
    if (v->epoch_pos < v->data_n)
        return AMEM_OK;
    v->epoch_pos = 0;
    return should_stop(c, v->epoch_loss / (double)v->epoch_steps)
               ? AMEM__TRAIN_STOP
               : AMEM_OK;
}

static const amem__train_ops vae_ops = {"train", vae_gradient,
                                        vae_after_step, 0};

int amem__vae_fit(const char *fn, amem_vae *v, size_t steps,
                  amem__vae_epoch_fn next_data, void *data_ctx,
                  amem_progress_fn progress, void *user, double *loss)
{
    int rc = amem__vae_ensure_optimizer(fn, v);
    if (rc != AMEM_OK)
        return rc;
    size_t bs = (size_t)AMEM__VP(v, BATCH_SIZE);
    fit_ctx c = {fn, v, NULL, 0, next_data, data_ctx, 0, INFINITY, 0};
    c.batch = amem__alloc(bs < v->data_n ? bs : v->data_n, amem__vae_dim(v),
                          sizeof(float));
    if (c.batch == NULL)
        return amem__fail(AMEM_E_NOMEM, fn, "cannot allocate a batch");
    amem__adam_set(v->opt, AMEM__VP(v, LEARNING_RATE), AMEM__VP(v, ADAM_BETA1),
                   AMEM__VP(v, ADAM_BETA2), AMEM__VP(v, ADAM_EPS));
    amem__trainer t = {&c, &vae_ops, v->params, v->grads, v->n_params,
                       v->opt, &v->dp, NULL};
    rc = amem__train_run(fn, &t, steps, progress, user, loss, NULL);
    free(c.batch);
    v->graph->training = 0;
    return rc;
}

int amem__vae_check_built(const char *fn, const amem_vae *v)
{
    if (!v->built)
        return amem__fail(AMEM_E_STATE, fn,
                          "the model is not built (call amem_vae_build)");
    return AMEM_OK;
}

int amem_vae_train(amem_vae *v, size_t steps, amem_progress_fn progress,
                   void *user, double *loss)
{
    static const char fn[] = "amem_vae_train";
    if (loss)
        *loss = NAN;
    AMEM__CHECK_NULL(v, fn);
    int rc = amem__train_check_steps(fn, steps);
    if (rc == AMEM_OK)
        rc = amem__vae_check_built(fn, v);
    if (rc == AMEM_OK && v->data_n == 0)
        rc = amem__fail(AMEM_E_STATE, fn, "no training data (set_data)");
    if (rc != AMEM_OK)
        return rc;
    return amem__vae_fit(fn, v, steps, NULL, NULL, progress, user, loss);
}

int amem_vae_step_count(const amem_vae *v, size_t *out)
{
    AMEM__CHECK_NULL(v, "amem_vae_step_count");
    return amem__train_step_count("amem_vae_step_count", v->opt, out);
}

int amem_vae_set_data_parallel(amem_vae *v, const amem_data_parallel *dp)
{
    return amem__dp_set("amem_vae_set_data_parallel", v ? &v->dp : NULL,
                        dp);
}

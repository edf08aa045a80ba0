/*
 * Training: minibatch steps with Adam/AMSGrad, epochs over shuffled data,
 * Keras-style early stopping on the mean training loss, and the public
 * amem_vae_train / amem_vae_loss.
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

int amem__vae_step(const char *fn, amem_vae *v, const float *x, size_t n,
                   double *loss)
{
    amem__graph *g = v->graph;
    amem__graph_reset(g);
    g->training = 1;
    size_t ne = n * v->latent;
    float *eps = amem__arena_alloc(g->arena, ne * sizeof(float));
    if (eps == NULL)
        return amem__fail(AMEM_E_NOMEM, fn, "graph arena exhausted");
    amem__rng_normals(&v->rng, eps, ne);
    amem__vae_pass pass = {1, 1};
    amem__node *l = amem__vae_loss_graph(v, g, x, n, eps, &pass, NULL, NULL);
    if (l == NULL || g->status != AMEM_OK)
        return graph_error(fn, g);
    *loss = l->val[0];
    if (!isfinite(*loss))
        return amem__fail(AMEM_E_NONFINITE, fn, "the loss is not finite");
    memset(v->grads, 0, v->n_params * sizeof(float));
    if (amem__backward(g, l, NULL) != AMEM_OK)
        return graph_error(fn, g);
    amem__adam_set(v->opt, AMEM__VP(v, LEARNING_RATE), AMEM__VP(v, ADAM_BETA1),
                   AMEM__VP(v, ADAM_BETA2), AMEM__VP(v, ADAM_EPS));
    int rc = amem__adam_step(v->opt, v->params, v->grads);
    if (rc != AMEM_OK)
        return amem__fail(rc, fn, "optimizer step refused (%s)",
                          amem_strerror(rc));
    return AMEM_OK;
}

/* One pass over the data in a fresh random order; mean batch loss. */
static int run_epoch(const char *fn, amem_vae *v, const float *x, size_t n,
                     size_t *order, float *batch, double *mean)
{
    size_t dim = amem__vae_dim(v), bs = (size_t)AMEM__VP(v, BATCH_SIZE);
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    amem__rng_shuffle(&v->rng, order, n);
    double sum = 0.0;
    size_t batches = 0;
    for (size_t start = 0; start < n; start += bs) {
        size_t m = n - start < bs ? n - start : bs;
        for (size_t r = 0; r < m; r++)
            memcpy(batch + r * dim, x + order[start + r] * dim,
                   dim * sizeof(float));
        double loss;
        int rc = amem__vae_step(fn, v, batch, m, &loss);
        if (rc != AMEM_OK)
            return rc;
        sum += loss;
        batches++;
    }
    *mean = sum / (double)batches;
    return AMEM_OK;
}

/* Keras EarlyStopping(monitor='loss', patience=p, min_delta=0). */
typedef struct stopper {
    double best;
    long wait, patience;
} stopper;

static int should_stop(stopper *s, double loss)
{
    if (loss < s->best) {
        s->best = loss;
        s->wait = 0;
        return 0;
    }
    return s->patience > 0 && ++s->wait >= s->patience;
}

static int fit_epochs(const char *fn, amem_vae *v, amem__vae_fit *fit,
                      size_t *order, float *batch)
{
    long epochs = (long)AMEM__VP(v, EPOCHS);
    stopper stop = {INFINITY, 0, (long)AMEM__VP(v, PATIENCE)};
    for (long e = 1; e <= epochs; e++) {
        int rc = AMEM_OK;
        if (fit->next_data != NULL)
            rc = fit->next_data(fit->ctx, e, &fit->x, &fit->n);
        double mean = 0.0;
        if (rc == AMEM_OK)
            rc = run_epoch(fn, v, fit->x, fit->n, order, batch, &mean);
        if (rc != AMEM_OK)
            return rc;
        fit->epochs_run = (size_t)e;
        fit->final_loss = mean;
        if (fit->progress != NULL &&
            fit->progress(fit->user, "epoch", e, epochs, mean) != 0)
            return amem__fail(AMEM_E_CANCELLED, fn,
                              "cancelled by the progress callback after "
                              "epoch %ld", e);
        if (should_stop(&stop, mean))
            break;
    }
    return AMEM_OK;
}

int amem__vae_fit_run(const char *fn, amem_vae *v, amem__vae_fit *fit)
{
    int rc = amem__vae_ensure_optimizer(fn, v);
    if (rc != AMEM_OK)
        return rc;
    size_t dim = amem__vae_dim(v), bs = (size_t)AMEM__VP(v, BATCH_SIZE);
    size_t rows = bs < fit->max_n ? bs : fit->max_n;
    size_t *order = amem__alloc(fit->max_n, 1, sizeof *order);
    float *batch = amem__alloc(rows, dim, sizeof *batch);
    if (order == NULL || batch == NULL)
        rc = amem__fail(AMEM_E_NOMEM, fn, "cannot allocate a batch");
    else
        rc = fit_epochs(fn, v, fit, order, batch);
    free(order);
    free(batch);
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

int amem_vae_train(amem_vae *v, const float *images, size_t n,
                   amem_progress_fn progress, void *user, size_t *epochs_run,
                   double *final_loss)
{
    static const char fn[] = "amem_vae_train";
    AMEM__CHECK_NULL(v, fn);
    int rc = amem__vae_check_built(fn, v);
    if (rc == AMEM_OK)
        rc = amem__check_array(fn, "images", images, n, amem__vae_dim(v));
    if (rc != AMEM_OK)
        return rc;
    amem__vae_fit fit = {images, n, n, NULL, NULL, progress, user, 0, NAN};
    rc = amem__vae_fit_run(fn, v, &fit);
    if (epochs_run)
        *epochs_run = fit.epochs_run;
    if (final_loss)
        *final_loss = fit.final_loss;
    return rc;
}

/*
 * Training of the learned noise predictor with the denoising loss
 * (Ambrogioni 2024, Eq. 9 / 27): every step takes all stored patterns
 * y_i, draws theta_i ~ U(TRAIN_THETA_MIN, TRAIN_THETA_MAX) and
 * delta_i ~ N(0, I), forms x_i = theta_i y_i + s(theta_i) delta_i and takes
 * one Adam step on mean (eps(x_i, theta_i) - delta_i)^2, through the one
 * trainer loop (core/trainer.h): finished steps are kept.
 *
 * Data-parallel training: every worker draws the whole batch (the same
 * random numbers on every worker) and computes the loss and gradient of
 * its slice of the rows only, divided by the whole batch's size.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/check.h"
#include "core/error.h"
#include "diffusion_impl.h"

/* Fewest rows per training job. */
#define MIN_JOB_ROWS 4

/* Scratch of one training call, one allocation: the batch, the second
 * job's gradient (the slice is split over at most two threads; the first
 * writes into the trainer's gradient, the trainer adds the second's) and
 * the jobs' workspace. */
typedef struct dtrain {
    amem_diffusion *h;
    size_t lo, hi;       /* this worker's rows of the batch */
    int jobs;
    float *x, *theta, *target, *grad2, *ws;
    float *block;
} dtrain;

static int batch_jobs(size_t rows, int threads)
{
    int jobs = threads < 2 ? 1 : 2;
    return rows >= 2 * MIN_JOB_ROWS ? jobs : 1;
}

static int dtrain_open(const char *fn, amem_diffusion *h,
                       const amem__dmlp *m, int threads, dtrain *t)
{
    size_t B = h->count, d = m->dim, np = m->n_params;
    memset(t, 0, sizeof *t);
    t->h = h;
    amem__dp_slice(&h->dp, B, &t->lo, &t->hi);
    t->jobs = batch_jobs(t->hi - t->lo, threads);
    size_t rows = t->hi > t->lo ? t->hi - t->lo : 1;
    size_t total = 2 * B * d + B + (t->jobs > 1 ? np : 0) +
                   amem__dmlp_split_ws_len(m, rows, t->jobs);
    t->block = amem__alloc(total, 1, sizeof(float));
    if (t->block == NULL)
        return amem__fail(AMEM_E_NOMEM, fn, "cannot allocate %zu floats",
                          total);
    t->x = t->block;
    t->target = t->x + B * d;
    t->theta = t->target + B * d;
    t->grad2 = t->jobs > 1 ? t->theta + B : NULL;
    t->ws = t->theta + B + (t->jobs > 1 ? np : 0);
    return AMEM_OK;
}

/* Draw theta_i and delta_i for every row of the batch (every worker draws
 * them all), form the noisy inputs x_i. */
static void draw_batch(amem_diffusion *h, dtrain *t)
{
    const double lo = AMEM__DP(h, TRAIN_THETA_MIN);
    const double hi = AMEM__DP(h, TRAIN_THETA_MAX);
    const size_t d = h->dim;
    for (size_t i = 0; i < h->count; i++) {
        double theta = lo + (hi - lo) * amem__rng_uniform(&h->rng);
        double s = amem__diffusion_std_of_theta(h, theta);
        t->theta[i] = (float)theta;
        amem__rng_normals(&h->rng, t->target + i * d, d);
        for (size_t j = 0; j < d; j++)
            t->x[i * d + j] = (float)(theta * h->patterns[i * d + j] +
                                      s * t->target[i * d + j]);
    }
}

/* The trainer's gradient: a fresh batch, this worker's rows; every
 * element of grad (and, with two jobs, of the second job's grad2, which
 * the trainer adds) is written, so the trainer zeroes nothing. */
static int gradient(void *piece, float *grad, double *loss)
{
    dtrain *t = piece;
    const amem__dmlp *m = t->h->net;
    const size_t d = m->dim, rows = t->hi - t->lo;
    draw_batch(t->h, t);
    *loss = 0.0;
    if (rows == 0) { /* a worker with an empty slice (one job) */
        memset(grad, 0, m->n_params * sizeof *grad);
        return AMEM_OK;
    }
    float *grads[2] = {grad, t->grad2};
    *loss = amem__dmlp_loss_grad_split(
        m, t->x + t->lo * d, t->theta + t->lo, t->target + t->lo * d, rows,
        t->h->count, grads, t->ws, t->jobs);
    return AMEM_OK;
}

static int check_train_args(const char *fn, const amem_diffusion *h,
                            size_t steps)
{
    int rc = amem__train_check_steps(fn, steps);
    if (rc != AMEM_OK)
        return rc;
    if (h->count == 0)
        return amem__fail(AMEM_E_STATE, fn, "nothing stored to train on");
    if (AMEM__DP(h, TRAIN_THETA_MIN) > AMEM__DP(h, TRAIN_THETA_MAX))
        return amem__fail(AMEM_E_RANGE, fn,
                          "TRAIN_THETA_MIN %g > TRAIN_THETA_MAX %g",
                          AMEM__DP(h, TRAIN_THETA_MIN),
                          AMEM__DP(h, TRAIN_THETA_MAX));
    return AMEM_OK;
}

/* The network to train: the handle's, or (*fresh) a new one with the
 * current shape initialised from *rng, a copy of the handle's RNG; both
 * are installed once the call's scratch is allocated. */
static int network(const char *fn, const amem_diffusion *h, amem__rng *rng,
                   amem__dmlp **fresh)
{
    *fresh = NULL;
    if (h->net)
        return AMEM_OK;
    int rc = amem__dmlp_create(fn, h->dim, (size_t)AMEM__DP(h, HIDDEN),
                               (size_t)AMEM__DP(h, HIDDEN_LAYERS), fresh);
    if (rc == AMEM_OK)
        amem__dmlp_init(*fresh, rng);
    return rc;
}

static const amem__train_ops DIFFUSION_OPS = {"train", gradient, NULL, 1};

/* Scratch for the call: the batch and jobs (t) and the gradient. */
static int scratch(const char *fn, amem_diffusion *h, const amem__dmlp *m,
                   int threads, dtrain *t, float **grad)
{
    *grad = NULL;
    int rc = dtrain_open(fn, h, m, threads, t);
    if (rc != AMEM_OK)
        return rc;
    *grad = amem__alloc(m->n_params, 1, sizeof(float));
    if (*grad == NULL)
        return amem__fail(AMEM_E_NOMEM, fn, "cannot allocate the gradient");
    return AMEM_OK;
}

/* BLAS runs single-threaded inside the jobs, or for a batch too small to
 * split (core/jobs.h). */
int amem_diffusion_train(amem_diffusion *h, size_t steps,
                         amem_progress_fn progress, void *user, double *loss)
{
    static const char fn[] = "amem_diffusion_train";
    if (loss)
        *loss = NAN;
    AMEM__CHECK_NULL(h, fn);
    amem__rng rng = h->rng;
    amem__dmlp *fresh = NULL;
    int rc = check_train_args(fn, h, steps);
    if (rc == AMEM_OK)
        rc = network(fn, h, &rng, &fresh);
    if (rc != AMEM_OK)
        return rc;
    amem__dmlp *m = fresh ? fresh : h->net;
    dtrain t = {0};
    float *grad = NULL;
    int threads = amem__blas_window_begin(AMEM__DJOBS_MAX);
    rc = scratch(fn, h, m, threads, &t, &grad);
    if (rc == AMEM_OK && fresh) {
        h->net = fresh;
        h->rng = rng;
    } else if (fresh) {
        amem__dmlp_free(fresh);
    }
    if (rc == AMEM_OK) {
        amem__adam_set(m->adam, AMEM__DP(h, LEARNING_RATE),
                       AMEM__DP(h, ADAM_BETA1), AMEM__DP(h, ADAM_BETA2),
                       AMEM__DP(h, ADAM_EPS));
        amem__trainer tr = {&t, &DIFFUSION_OPS, m->params, grad,
                            m->n_params, m->adam, &h->dp, t.grad2};
        rc = amem__train_run(fn, &tr, steps, progress, user, loss, NULL);
    }
    free(grad);
    free(t.block);
    amem__blas_window_end();
    return rc;
}

int amem_diffusion_step_count(const amem_diffusion *h, size_t *out)
{
    static const char fn[] = "amem_diffusion_step_count";
    AMEM__CHECK_NULL(h, fn);
    AMEM__CHECK_NULL(out, fn);
    *out = h->net ? (size_t)h->net->adam->t : 0;
    return AMEM_OK;
}

int amem_diffusion_set_data_parallel(amem_diffusion *h,
                                     const amem_data_parallel *dp)
{
    static const char fn[] = "amem_diffusion_set_data_parallel";
    AMEM__CHECK_NULL(h, fn);
    return amem__dp_set(fn, &h->dp, dp);
}

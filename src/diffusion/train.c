/*
 * Training of the learned noise predictor with the denoising loss
 * (Ambrogioni 2024, Eq. 9 / 27): every iteration takes all stored patterns
 * y_i, draws theta_i ~ U(TRAIN_THETA_MIN, TRAIN_THETA_MAX) and
 * delta_i ~ N(0, I), forms x_i = theta_i y_i + s(theta_i) delta_i and takes
 * one Adam step on mean (eps(x_i, theta_i) - delta_i)^2.
 * The work is done on a copy of the network and of the RNG, committed only
 * when every iteration succeeded, so a failed or cancelled call changes
 * nothing.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/check.h"
#include "core/error.h"
#include "diffusion_impl.h"
#include "mlp_kernels.h"

#define PROGRESS_EVERY 100

/* Scratch of one training call, one allocation: the batch, one gradient
 * per job (the batch is split over at most two threads, whose gradients
 * the Adam pass adds) and the jobs' workspace. */
typedef struct batch_buf {
    float *x, *theta, *target, *grad[2], *ws;
    float *block;
    int jobs;
} batch_buf;

/* Fewest rows per training job. */
#define MIN_JOB_ROWS 4

static int batch_jobs(size_t B, int threads)
{
    int jobs = threads < 2 ? 1 : 2;
    return B >= 2 * MIN_JOB_ROWS ? jobs : 1;
}

static int batch_alloc(const char *fn, const amem__dmlp *m, size_t B,
                       int jobs, batch_buf *bb)
{
    size_t d = m->dim, np = m->n_params;
    size_t total = 2 * B * d + B + (size_t)jobs * np +
                   amem__dmlp_split_ws_len(m, B, jobs);
    bb->block = amem__alloc(total, 1, sizeof(float));
    if (bb->block == NULL)
        return amem__fail(AMEM_E_NOMEM, fn, "cannot allocate %zu floats",
                          total);
    bb->jobs = jobs;
    bb->x = bb->block;
    bb->target = bb->x + B * d;
    bb->theta = bb->target + B * d;
    bb->grad[0] = bb->theta + B;
    bb->grad[1] = jobs > 1 ? bb->grad[0] + np : NULL;
    bb->ws = bb->grad[0] + (size_t)jobs * np;
    return AMEM_OK;
}

/* Draw theta_i and delta_i, form the noisy inputs x_i. */
static void draw_batch(const amem_diffusion *h, amem__rng *rng, batch_buf *bb)
{
    const double lo = AMEM__DP(h, TRAIN_THETA_MIN);
    const double hi = AMEM__DP(h, TRAIN_THETA_MAX);
    const size_t d = h->dim;
    for (size_t i = 0; i < h->count; i++) {
        double theta = lo + (hi - lo) * amem__rng_uniform(rng);
        double s = amem__diffusion_std_of_theta(h, theta);
        bb->theta[i] = (float)theta;
        amem__rng_normals(rng, bb->target + i * d, d);
        for (size_t j = 0; j < d; j++)
            bb->x[i * d + j] = (float)(theta * h->patterns[i * d + j] +
                                       s * bb->target[i * d + j]);
    }
}

static int check_train_args(const char *fn, const amem_diffusion *h,
                            long iterations)
{
    if (iterations < 1 || iterations > AMEM_MAX_STEPS_PER_CALL)
        return amem__fail(AMEM_E_RANGE, fn,
                          "iterations = %ld outside [1, %ld]", iterations,
                          AMEM_MAX_STEPS_PER_CALL);
    if (h->count == 0)
        return amem__fail(AMEM_E_STATE, fn, "nothing stored to train on");
    if (AMEM__DP(h, TRAIN_THETA_MIN) > AMEM__DP(h, TRAIN_THETA_MAX))
        return amem__fail(AMEM_E_RANGE, fn,
                          "TRAIN_THETA_MIN %g > TRAIN_THETA_MAX %g",
                          AMEM__DP(h, TRAIN_THETA_MIN),
                          AMEM__DP(h, TRAIN_THETA_MAX));
    return AMEM_OK;
}

/* The network to train: a clone of the current one, or a fresh one. */
static int working_net(const char *fn, const amem_diffusion *h,
                       amem__rng *rng, amem__dmlp **out)
{
    if (h->net)
        return amem__dmlp_clone(fn, h->net, out);
    int rc = amem__dmlp_create(fn, h->dim, (size_t)AMEM__DP(h, HIDDEN),
                               (size_t)AMEM__DP(h, HIDDEN_LAYERS), out);
    if (rc == AMEM_OK)
        amem__dmlp_init(*out, rng);
    return rc;
}

/* One iteration: a fresh batch, the loss and gradient over the jobs, the
 * Adam step on the summed gradient. */
static int iterate(const char *fn, const amem_diffusion *h, amem__rng *rng,
                   amem__dmlp *m, batch_buf *bb, long it, double *loss)
{
    draw_batch(h, rng, bb);
    *loss = amem__dmlp_loss_grad_split(m, bb->x, bb->theta, bb->target,
                                       h->count, bb->grad, bb->ws, bb->jobs);
    if (!isfinite(*loss))
        return amem__fail(AMEM_E_NONFINITE, fn,
                          "loss became non-finite at iteration %ld", it);
    if (amem__dk_adam(m->adam, m->params, bb->grad[0], bb->grad[1],
                      bb->jobs) != 0)
        return amem__fail(AMEM_E_NONFINITE, fn,
                          "gradient became non-finite at iteration %ld", it);
    return AMEM_OK;
}

/* BLAS runs single-threaded inside the jobs, or for a batch too small to
 * split (core/jobs.h). */
static int run_iterations(const char *fn, const amem_diffusion *h,
                          amem__rng *rng, amem__dmlp *m, long iterations,
                          amem_progress_fn progress, void *user, double *loss)
{
    batch_buf bb = {0};
    int threads = amem__blas_window_begin(AMEM__DJOBS_MAX);
    int rc = batch_alloc(fn, m, h->count, batch_jobs(h->count, threads), &bb);
    for (long it = 1; rc == AMEM_OK && it <= iterations; it++) {
        rc = iterate(fn, h, rng, m, &bb, it, loss);
        if (rc == AMEM_OK && progress &&
            (it % PROGRESS_EVERY == 0 || it == iterations) &&
            progress(user, "train", it, iterations, *loss) != 0)
            rc = amem__fail(AMEM_E_CANCELLED, fn,
                            "cancelled at iteration %ld", it);
    }
    free(bb.block);
    amem__blas_window_end();
    return rc;
}

int amem_diffusion_train(amem_diffusion *h, long iterations,
                         amem_progress_fn progress, void *user, double *loss)
{
    static const char fn[] = "amem_diffusion_train";
    AMEM__CHECK_NULL(h, fn);
    int rc = check_train_args(fn, h, iterations);
    if (rc != AMEM_OK)
        return rc;
    amem__rng rng = h->rng;
    amem__dmlp *m = NULL;
    rc = working_net(fn, h, &rng, &m);
    if (rc != AMEM_OK)
        return rc;
    amem__adam_set(m->adam, AMEM__DP(h, LEARNING_RATE), AMEM__DP(h, ADAM_BETA1),
                   AMEM__DP(h, ADAM_BETA2), AMEM__DP(h, ADAM_EPS));
    double last = NAN;
    rc = run_iterations(fn, h, &rng, m, iterations, progress, user, &last);
    if (rc != AMEM_OK) {
        amem__dmlp_free(m);
        return rc;
    }
    amem__dmlp_free(h->net);
    h->net = m;
    h->rng = rng;
    if (loss)
        *loss = last;
    return AMEM_OK;
}

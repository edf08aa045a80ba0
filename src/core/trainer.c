/*
 * The one trainer loop (trainer.h): gradient, sum of the partials,
 * optional reduction across workers, finite check, optimizer step,
 * after-step hook, progress.
 */
#include <math.h>
#include <string.h>

#include "core/check.h"
#include "core/error.h"
#include "core/jobs.h"
#include "core/trainer.h"

int amem__train_check_steps(const char *fn, size_t steps)
{
    if (steps == 0)
        return amem__fail(AMEM_E_RANGE, fn, "steps is 0 (at least 1)");
    if (steps > (size_t)AMEM_MAX_STEPS_PER_CALL)
        return amem__fail(AMEM_E_RANGE, fn,
                          "steps %zu above AMEM_MAX_STEPS_PER_CALL = %ld",
                          steps, AMEM_MAX_STEPS_PER_CALL);
    return AMEM_OK;
}

int amem__train_steps_per_epoch(const char *fn, size_t n, size_t batch,
                                size_t *out)
{
    AMEM__CHECK_NULL(out, fn);
    if (n == 0)
        return amem__fail(AMEM_E_STATE, fn, "no training data (set_data)");
    *out = n / batch + (n % batch != 0);
    return AMEM_OK;
}

int amem__train_step_count(const char *fn, const amem__adam *opt,
                           size_t *out)
{
    AMEM__CHECK_NULL(out, fn);
    *out = opt ? (size_t)opt->t : 0;
    return AMEM_OK;
}

void amem__dp_slice(const amem__data_parallel *dp, size_t batch, size_t *lo,
                    size_t *hi)
{
    if (dp == NULL || dp->size <= 1) {
        *lo = 0;
        *hi = batch;
        return;
    }
    size_t p = (size_t)dp->size, r = (size_t)dp->rank;
    size_t base = batch / p, extra = batch % p;
    *lo = r * base + (r < extra ? r : extra);
    *hi = *lo + base + (r < extra ? 1 : 0);
}

int amem__dp_set(const char *fn, amem__data_parallel *dst,
                 const amem_data_parallel *src)
{
    AMEM__CHECK_NULL(dst, fn); /* the handle's, NULL for a NULL handle */
    if (src == NULL) {
        memset(dst, 0, sizeof *dst);
        dst->size = 1;
        return AMEM_OK;
    }
    if (src->size < 1 || src->rank < 0 || src->rank >= src->size)
        return amem__fail(AMEM_E_RANGE, fn,
                          "rank %d of size %d (need 0 <= rank < size)",
                          src->rank, src->size);
    if (src->size > 1 && src->reduce == NULL)
        return amem__fail(AMEM_E_NULL, fn,
                          "reduce is NULL with %d workers", src->size);
    dst->reduce = src->reduce;
    dst->ctx = src->ctx;
    dst->rank = src->rank;
    dst->size = src->size;
    return AMEM_OK;
}

/* Fewest floats worth a pool job of their own in the partial sum. */
#define SUM_MIN_JOB ((size_t)1 << 16)
#define SUM_MAX_JOBS 16

typedef struct partial_sum {
    const amem__trainer *t;
    int jobs;
    int finite[SUM_MAX_JOBS];
} partial_sum;

static void sum_part(void *ctx, int k)
{
    partial_sum *p = ctx;
    size_t i0, i1;
    amem__job_share(p->t->nparam, p->jobs, k, &i0, &i1);
    p->finite[k] = amem__add_all_finite(p->t->grad + i0, p->t->grad2 + i0,
                                        i1 - i0);
}

/* grad += grad2 (every element, whatever the outcome); 1 when the sum is
 * finite. */
static int add_partials(const amem__trainer *t)
{
    size_t most = t->nparam / SUM_MIN_JOB + 1;
    int jobs = amem__threads_get();
    jobs = jobs > SUM_MAX_JOBS ? SUM_MAX_JOBS : jobs;
    partial_sum p = {t, (size_t)jobs > most ? (int)most : jobs, {0}};
    amem__run_jobs(p.jobs, sum_part, &p);
    int finite = 1;
    for (int k = 0; k < p.jobs; k++)
        finite &= p.finite[k];
    return finite;
}

static int reduces(const amem__trainer *t)
{
    return t->dp != NULL && t->dp->reduce != NULL;
}

/* The gradient of the step, summed over the partials and (data
 * parallelism) the workers; *finite: 1 when every element is finite. */
static int step_gradient(const char *fn, const amem__trainer *t,
                         double *loss, int *finite)
{
    if (!t->ops->fills) {
        memset(t->grad, 0, t->nparam * sizeof *t->grad);
        if (t->grad2)
            memset(t->grad2, 0, t->nparam * sizeof *t->grad2);
    }
    int rc = t->ops->gradient(t->piece, t->grad, loss);
    if (rc != AMEM_OK)
        return rc;
    *finite = t->grad2 ? add_partials(t) : 1;
    /* every worker joins the reduction, whatever its own gradient holds */
    if (reduces(t)) {
        if (t->dp->reduce(t->dp->ctx, t->grad, t->nparam, loss) != 0)
            return amem__fail(AMEM_E_IO, fn, "gradient reduction failed");
        *finite = amem__all_finite(t->grad, t->nparam);
    } else if (t->grad2 == NULL) {
        *finite = amem__all_finite(t->grad, t->nparam);
    }
    return AMEM_OK;
}

/* One step: gradient, reduction, finite check, optimizer, after-step. */
static int one_step(const char *fn, const amem__trainer *t, size_t s,
                    double *loss)
{
    int finite = 0;
    int rc = step_gradient(fn, t, loss, &finite);
    if (rc != AMEM_OK)
        return rc;
    if (!isfinite(*loss) || !finite)
        return amem__fail(AMEM_E_NONFINITE, fn,
                          "loss or gradient not finite at step %zu (not "
                          "applied; the %zu steps before it are kept)",
                          s + 1, s);
    rc = amem__adam_step_finite(t->opt, t->param, t->grad);
    if (rc != AMEM_OK)
        return rc;
    return t->ops->after_step ? t->ops->after_step(t->piece, *loss)
                              : AMEM_OK;
}

int amem__train_run(const char *fn, const amem__trainer *t, size_t steps,
                    amem_progress_fn progress, void *user, double *loss,
                    size_t *done)
{
    double last = NAN;
    size_t s = 0;
    int rc = amem__train_check_steps(fn, steps);
    for (; rc == AMEM_OK && s < steps; s++) {
        double step_loss = NAN;
        rc = one_step(fn, t, s, &step_loss);
        int stop = rc == AMEM__TRAIN_STOP;
        if (rc != AMEM_OK && !stop)
            break;
        rc = AMEM_OK;
        last = step_loss;
        if (progress && progress(user, t->ops->stage, (long)(s + 1),
                                 (long)steps, step_loss) != 0)
            rc = amem__fail(AMEM_E_CANCELLED, fn, "cancelled after step %zu",
                            s + 1);
        if (stop) {
            s++;
            break;
        }
    }
    if (loss)
        *loss = last;
    if (done)
        *done = s;
    return rc;
}

/*
 * The one trainer loop (trainer.h): gradient, optional reduction across
 * workers, finite check, optimizer step, after-step hook, progress.
 */
#include <math.h>
#include <string.h>

#include "core/check.h"
#include "core/error.h"
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

/* Sum the gradient and loss over the workers (nothing to do locally). */
static int reduce_step(const char *fn, const amem__trainer *t, double *loss)
{
    const amem__data_parallel *dp = t->dp;
    if (dp == NULL || dp->reduce == NULL)
        return AMEM_OK;
    if (dp->reduce(dp->ctx, t->grad, t->nparam, loss) != 0)
        return amem__fail(AMEM_E_IO, fn, "gradient reduction failed");
    return AMEM_OK;
}

/* One step: gradient, reduction, finite check, optimizer, after-step. */
static int one_step(const char *fn, const amem__trainer *t, size_t s,
                    double *loss)
{
    memset(t->grad, 0, t->nparam * sizeof *t->grad);
    int rc = t->ops->gradient(t->piece, t->grad, loss);
    if (rc == AMEM_OK)
        rc = reduce_step(fn, t, loss);
    if (rc != AMEM_OK)
        return rc;
    if (!isfinite(*loss) || !amem__all_finite(t->grad, t->nparam))
        return amem__fail(AMEM_E_NONFINITE, fn,
                          "loss or gradient not finite at step %zu (not "
                          "applied; the %zu steps before it are kept)",
                          s + 1, s);
    rc = amem__adam_step(t->opt, t->param, t->grad);
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

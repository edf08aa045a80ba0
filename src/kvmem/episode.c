/* Public episode: evaluation and gradient of one write-then-read episode. */
#include <math.h>
#include <string.h>

#include "core/check.h"
#include "core/error.h"
#include "episode.h"

int amem__kv_episode_run(const char *fn, amem_kvmem *h,
                         const amem__kv_rule *r,
                         const amem__kv_episode_in *in, float *outputs,
                         double *loss, double *accuracy, double *grad)
{
    kv_ep e;
    int rc = amem__kv_ep_alloc(fn, &e, h->d, h->N, h->m, in->T, in->R);
    if (rc != AMEM_OK)
        return rc;
    e.r = r;
    e.in = in;
    amem__kv_ep_forward(&e, &h->rng, AMEM__KP(h, ADVANCE) ==
                                         AMEM_KVMEM_ADVANCE_EVERY_WRITE);
    amem__kv_ep_loss(&e, loss, accuracy);
    if (outputs)
        memcpy(outputs, e.Y, in->R * h->m * sizeof(float));
    if (grad)
        amem__kv_ep_backward(&e, grad);
    amem__kv_ep_free(&e);
    return AMEM_OK;
}

static int check_in(const char *fn, const amem_kvmem *h,
                    const amem__kv_episode_in *in)
{
    if (in->T == 0 || in->R == 0)
        return amem__fail(AMEM_E_DIM, fn, "T = %zu and R = %zu must be >= 1",
                          in->T, in->R);
    int rc = amem__check_array(fn, "keys", in->keys, in->T, h->d);
    if (rc == AMEM_OK && in->values == NULL && h->m != h->d)
        rc = amem__fail(AMEM_E_DIM, fn,
                        "values NULL but m = %zu differs from d = %zu", h->m,
                        h->d);
    if (rc == AMEM_OK && in->values)
        rc = amem__check_array(fn, "values", in->values, in->T, h->m);
    if (rc == AMEM_OK && in->q)
        rc = amem__check_array(fn, "q", in->q, in->T, 1);
    for (size_t t = 0; rc == AMEM_OK && in->q && t < in->T; t++)
        if (in->q[t] < 0)
            rc = amem__fail(AMEM_E_RANGE, fn, "q[%zu] = %g is negative", t,
                            (double)in->q[t]);
    if (rc == AMEM_OK)
        rc = amem__check_array(fn, "queries", in->queries, in->R, h->d);
    if (rc == AMEM_OK)
        rc = amem__check_array(fn, "targets", in->targets, in->R, h->m);
    return rc;
}

int amem_kvmem_episode(amem_kvmem *h, const float *keys, const float *values,
                       const float *q, size_t T, const float *queries,
                       const float *targets, size_t R, float *outputs,
                       double *loss, double *accuracy, double *grad)
{
    static const char fn[] = "amem_kvmem_episode";
    AMEM__CHECK_NULL(h, fn);
    amem__kv_episode_in in = {keys, values, q, T, queries, targets, R};
    int rc = check_in(fn, h, &in);
    if (rc != AMEM_OK)
        return rc;
    amem__kv_rule r;
    amem__kv_rule_from(h, &r);
    return amem__kv_episode_run(fn, h, &r, &in, outputs, loss, accuracy,
                                grad);
}

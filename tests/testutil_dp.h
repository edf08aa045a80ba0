/*
 * Two data-parallel workers in one thread (docs/api.md C16): worker 0's
 * reduce keeps its gradient, makes worker 1 take its step (worker 1 computes
 * its slice at the same parameters, and its reduce swaps in worker 0's
 * gradient, so it applies the sum), then adds worker 1's gradient. Both
 * apply g0 + g1, bit for bit the same, and stay equal.
 *
 *   dp_pair p = {step_of_worker_1, h1};
 *   amem_data_parallel w0 = {dp_pair_outer, &p, 0, 2};
 *   amem_data_parallel w1 = {dp_pair_inner, &p, 1, 2};
 */
#ifndef AMEM_TESTUTIL_DP_H
#define AMEM_TESTUTIL_DP_H

#include <stdlib.h>
#include <string.h>

typedef struct dp_pair {
    int (*step1)(void *h1); /* one training step of worker 1 */
    void *h1;
    float *other;           /* the other worker's gradient */
    double other_loss;
} dp_pair;

static int dp_pair_inner(void *ctx, float *grad, size_t n, double *loss)
{
    dp_pair *p = ctx;
    for (size_t k = 0; k < n; k++) {
        float mine = grad[k];
        grad[k] = p->other[k] + mine;
        p->other[k] = mine;
    }
    double mine = *loss;
    *loss = p->other_loss + mine;
    p->other_loss = mine;
    return 0;
}

static int dp_pair_outer(void *ctx, float *grad, size_t n, double *loss)
{
    dp_pair *p = ctx;
    p->other = malloc(n * sizeof(float));
    if (p->other == NULL)
        return 1;
    memcpy(p->other, grad, n * sizeof(float));
    p->other_loss = *loss;
    int status = p->step1(p->h1);
    for (size_t k = 0; k < n; k++)
        grad[k] = grad[k] + p->other[k];
    *loss = *loss + p->other_loss;
    free(p->other);
    p->other = NULL;
    return status != 0;
}

#endif

/*
 * The noise predictor's loss and gradient through the generic autodiff
 * engine (concat, matmul, broadcast add, relu, mse). The fused path in
 * mlp_train.c is the one used for training; this one is the reference it
 * is checked against, and the engine figure of the benchmark.
 */
#include <string.h>

#include "engine/engine.h"
#include "engine/ops.h"
#include "diffusion_impl.h"

static amem__node *layer(amem__graph *g, const amem__dmlp *m, size_t l,
                         amem__node *a, amem__node *theta, float *grad)
{
    size_t w, b, n, o;
    amem__dmlp_layer(m, l, &w, &b, &n, &o);
    int wshape[2] = {(int)n + 1, (int)o}, bshape[2] = {1, (int)o};
    amem__node *W = amem__param(g, m->params + w, grad + w, 2, wshape);
    amem__node *bias = amem__param(g, m->params + b, grad + b, 2, bshape);
    amem__node *in = amem__concat(g, a, theta, 1);
    amem__node *z = amem__add(g, amem__matmul(g, in, W, 0, 0), bias);
    return l == m->layers ? z : amem__relu(g, z);
}

double amem__dmlp_loss_grad_engine(const amem__dmlp *m, const float *x,
                                   const float *theta, const float *target,
                                   size_t batch, float *grad, int *status)
{
    size_t wide = m->hidden > m->dim ? m->hidden : m->dim;
    amem__graph *g = amem__graph_create(batch * wide * 64 + (1 << 16));
    if (g == NULL) {
        *status = AMEM_E_NOMEM;
        return 0.0;
    }
    memset(grad, 0, m->n_params * sizeof(float));
    int xs[2] = {(int)batch, (int)m->dim}, ts[2] = {(int)batch, 1};
    amem__node *a = amem__constant_view(g, x, 2, xs);
    amem__node *th = amem__constant_view(g, theta, 2, ts);
    amem__node *tg = amem__constant_view(g, target, 2, xs);
    for (size_t l = 0; l <= m->layers; l++)
        a = layer(g, m, l, a, th, grad);
    amem__node *loss = amem__mse(g, a, tg, AMEM__REDUCE_MEAN);
    double value = 0.0;
    if (g->status == AMEM_OK && amem__backward(g, loss, NULL) == AMEM_OK)
        value = loss->val[0];
    *status = g->status;
    amem__graph_free(g);
    return value;
}

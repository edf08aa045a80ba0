/* Elementwise functions: exp, log, relu, leaky relu, sigmoid, tanh, softplus; see ops.h. */
#include <math.h>

#include "assocmem/common.h"
#include "core/numerics.h"
#include "engine/ops.h"

/* A node of x's shape, or NULL; farg[0] = arg. */
static amem__node *unary_make(amem__graph *g, const amem__op *op,
                              amem__node *x, float arg)
{
    if (!amem__inputs_ok(g, op->name, 1, x, NULL, NULL))
        return NULL;
    amem__node *y = amem__node_make(g, op, x->ndim, x->shape, 1, x, NULL, NULL);
    if (y != NULL)
        y->farg[0] = arg;
    return y;
}

static int arg_finite(amem__graph *g, const char *op, const char *name, float v)
{
    if (isfinite(v))
        return 1;
    amem__graph_fail(g, AMEM_E_ARG, "%s: %s %g is not finite", op, name, (double)v);
    return 0;
}

/* y = eˣ;  dx += dy·y */
static void exp_backward(amem__graph *g, amem__node *y)
{
    (void)g;
    float *gx = y->in[0]->grad;
    for (size_t i = 0; i < y->size; i++)
        gx[i] += y->grad[i] * y->val[i];
}

static const amem__op exp_op = {"exp", exp_backward};

amem__node *amem__exp(amem__graph *g, amem__node *x)
{
    amem__node *y = unary_make(g, &exp_op, x, 0.0f);
    if (y != NULL)
        amem__vexp(x->val, y->val, y->size);
    return y;
}

/* y = x if x > 0 else s·x (relu: s = 0);  dx += dy·(x > 0 ? 1 : s) */
static void leaky_backward(amem__graph *g, amem__node *y)
{
    (void)g;
    amem__node *x = y->in[0];
    float s = y->farg[0];
    for (size_t i = 0; i < y->size; i++)
        x->grad[i] += x->val[i] > 0.0f ? y->grad[i] : s * y->grad[i];
}

static const amem__op relu_op = {"relu", leaky_backward};
static const amem__op leaky_op = {"leaky_relu", leaky_backward};

static amem__node *leaky_forward(amem__node *y, const amem__node *x)
{
    float s = y->farg[0];
    for (size_t i = 0; i < y->size; i++)
        y->val[i] = x->val[i] > 0.0f ? x->val[i] : s * x->val[i];
    return y;
}

amem__node *amem__relu(amem__graph *g, amem__node *x)
{
    amem__node *y = unary_make(g, &relu_op, x, 0.0f);
    return y ? leaky_forward(y, x) : NULL;
}

amem__node *amem__leaky_relu(amem__graph *g, amem__node *x, float slope)
{
    if (g->status == AMEM_OK && !arg_finite(g, "leaky_relu", "slope", slope))
        return NULL;
    amem__node *y = unary_make(g, &leaky_op, x, slope);
    return y ? leaky_forward(y, x) : NULL;
}

/* y = 1/(1+e⁻ˣ);  dx += dy·y(1−y) */
static void sigmoid_backward(amem__graph *g, amem__node *y)
{
    (void)g;
    float *gx = y->in[0]->grad;
    for (size_t i = 0; i < y->size; i++)
        gx[i] += y->grad[i] * y->val[i] * (1.0f - y->val[i]);
}

static const amem__op sigmoid_op = {"sigmoid", sigmoid_backward};

amem__node *amem__sigmoid(amem__graph *g, amem__node *x)
{
    amem__node *y = unary_make(g, &sigmoid_op, x, 0.0f);
    if (y == NULL)
        return NULL;
    for (size_t i = 0; i < y->size; i++)
        y->val[i] = amem__sigmoidf(x->val[i]);
    return y;
}

/* y = tanh x;  dx += dy·(1 − y²) */
static void tanh_backward(amem__graph *g, amem__node *y)
{
    (void)g;
    float *gx = y->in[0]->grad;
    for (size_t i = 0; i < y->size; i++)
        gx[i] += y->grad[i] * (1.0f - y->val[i] * y->val[i]);
}

static const amem__op tanh_op = {"tanh", tanh_backward};

amem__node *amem__tanh(amem__graph *g, amem__node *x)
{
    amem__node *y = unary_make(g, &tanh_op, x, 0.0f);
    if (y != NULL)
        for (size_t i = 0; i < y->size; i++)
            y->val[i] = tanhf(x->val[i]);
    return y;
}


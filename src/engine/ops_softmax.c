/*
 * Row softmax and row log-sum-exp with inverse temperature β, through the
 * shared primitives of core/numerics.h (max-shifted); see ops.h.
 */
#include <math.h>
#include <string.h>

#include "assocmem/common.h"
#include "core/numerics.h"
#include "engine/ops.h"

/* farg[0] = β. */

/* y = softmax(βx) per row;  dx += β·y⊙(dy − Σ_j y_j·dy_j) */
static void softmax_backward(amem__graph *g, amem__node *y)
{
    (void)g;
    amem__node *x = y->in[0];
    if (x->grad == NULL)
        return;
    size_t rows, cols;
    amem__rows_cols(y, &rows, &cols);
    float beta = y->farg[0];
    for (size_t r = 0; r < rows; r++) {
        const float *yr = y->val + r * cols, *dy = y->grad + r * cols;
        float *dx = x->grad + r * cols, s = 0.0f;
        for (size_t j = 0; j < cols; j++)
            s += yr[j] * dy[j];
        for (size_t j = 0; j < cols; j++)
            dx[j] += beta * yr[j] * (dy[j] - s);
    }
}

static const amem__op softmax_op = {"softmax", softmax_backward};

amem__node *amem__softmax(amem__graph *g, amem__node *x, float beta)
{
    if (!amem__inputs_ok(g, "softmax", 1, x, NULL, NULL))
        return NULL;
    if (!isfinite(beta)) {
        amem__graph_fail(g, AMEM_E_ARG, "softmax: beta %g is not finite", (double)beta);
        return NULL;
    }
    amem__node *y = amem__node_make(g, &softmax_op, x->ndim, x->shape, 1, x, NULL, NULL);
    if (y == NULL)
        return NULL;
    y->farg[0] = beta;
    size_t rows, cols;
    amem__rows_cols(x, &rows, &cols);
    memcpy(y->val, x->val, x->size * sizeof(float));
    amem__softmax_rows(y->val, rows, cols, beta);
    return y;
}

/* y = (1/β)·log Σ_j e^(βx_j) per row;  dx_j += dy·softmax(βx)_j = dy·e^(β(x_j − y)) */
static void lse_backward(amem__graph *g, amem__node *y)
{
    (void)g;
    amem__node *x = y->in[0];
    if (x->grad == NULL)
        return;
    size_t rows, cols;
    amem__rows_cols(x, &rows, &cols);
    float beta = y->farg[0];
    for (size_t r = 0; r < rows; r++) {
        const float *xr = x->val + r * cols;
        float *dx = x->grad + r * cols, by = beta * y->val[r], d = y->grad[r];
        for (size_t j = 0; j < cols; j++)
            dx[j] += d * amem__exp_flush(beta * xr[j] - by);
    }
}

static const amem__op lse_op = {"logsumexp", lse_backward};

amem__node *amem__logsumexp(amem__graph *g, amem__node *x, float beta)
{
    if (!amem__inputs_ok(g, "logsumexp", 1, x, NULL, NULL))
        return NULL;
    if (!isfinite(beta) || beta == 0.0f) {
        amem__graph_fail(g, AMEM_E_ARG, "logsumexp: beta %g must be finite and nonzero",
                         (double)beta);
        return NULL;
    }
    int shape[AMEM__MAX_DIMS];
    for (int d = 0; d < x->ndim; d++)
        shape[d] = x->shape[d];
    shape[x->ndim - 1] = 1;
    amem__node *y = amem__node_make(g, &lse_op, x->ndim, shape, 1, x, NULL, NULL);
    if (y == NULL)
        return NULL;
    y->farg[0] = beta;
    size_t rows, cols;
    amem__rows_cols(x, &rows, &cols);
    for (size_t r = 0; r < rows; r++)
        y->val[r] = (float)amem__logsumexp_row(x->val + r * cols, cols, beta);
    return y;
}

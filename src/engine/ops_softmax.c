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
    size_t rows, cols;
    amem__rows_cols(x, &rows, &cols);
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


/* Sums and means over all elements or along the last axis; see ops.h. */
#include "assocmem/common.h"
#include "engine/ops.h"

/* farg[0]: the factor applied to the sum (1 for sums, 1/count for means). */

/* y = f·Σ_i x_i;  dx_i += f·dy */
static void total_backward(amem__graph *g, amem__node *y)
{
    (void)g;
    amem__node *x = y->in[0];
    if (x->grad == NULL)
        return;
    float d = y->farg[0] * y->grad[0];
    for (size_t i = 0; i < x->size; i++)
        x->grad[i] += d;
}

static const amem__op sum_op = {"sum", total_backward};
static const amem__op mean_op = {"mean", total_backward};

static amem__node *total_build(amem__graph *g, const amem__op *op,
                               amem__node *x, int mean)
{
    if (!amem__inputs_ok(g, op->name, 1, x, NULL, NULL))
        return NULL;
    amem__node *y = amem__node_make(g, op, 1, (int[]){1}, 1, x, NULL, NULL);
    if (y == NULL)
        return NULL;
    double s = 0.0; /* double: long sums of floats lose digits */
    for (size_t i = 0; i < x->size; i++)
        s += x->val[i];
    y->farg[0] = mean ? 1.0f / (float)x->size : 1.0f;
    y->val[0] = (float)(mean ? s / (double)x->size : s);
    return y;
}

amem__node *amem__sum(amem__graph *g, amem__node *x)
{
    return total_build(g, &sum_op, x, 0);
}

amem__node *amem__mean(amem__graph *g, amem__node *x)
{
    return total_build(g, &mean_op, x, 1);
}

/* y_r = f·Σ_j x_rj;  dx_rj += f·dy_r */
static void rows_backward(amem__graph *g, amem__node *y)
{
    (void)g;
    amem__node *x = y->in[0];
    if (x->grad == NULL)
        return;
    size_t rows, cols;
    amem__rows_cols(x, &rows, &cols);
    for (size_t r = 0; r < rows; r++) {
        float d = y->farg[0] * y->grad[r], *gx = x->grad + r * cols;
        for (size_t j = 0; j < cols; j++)
            gx[j] += d;
    }
}

static const amem__op row_sum_op = {"row_sum", rows_backward};
static const amem__op row_mean_op = {"row_mean", rows_backward};

static amem__node *rows_build(amem__graph *g, const amem__op *op,
                              amem__node *x, int mean)
{
    if (!amem__inputs_ok(g, op->name, 1, x, NULL, NULL))
        return NULL;
    int shape[AMEM__MAX_DIMS];
    for (int d = 0; d < x->ndim; d++)
        shape[d] = x->shape[d];
    shape[x->ndim - 1] = 1;
    amem__node *y = amem__node_make(g, op, x->ndim, shape, 1, x, NULL, NULL);
    if (y == NULL)
        return NULL;
    size_t rows, cols;
    amem__rows_cols(x, &rows, &cols);
    float f = mean ? 1.0f / (float)cols : 1.0f;
    y->farg[0] = f;
    for (size_t r = 0; r < rows; r++) {
        const float *xr = x->val + r * cols;
        float s = 0.0f;
        for (size_t j = 0; j < cols; j++)
            s += xr[j];
        y->val[r] = f * s;
    }
    return y;
}

amem__node *amem__row_sum(amem__graph *g, amem__node *x)
{
    return rows_build(g, &row_sum_op, x, 0);
}

amem__node *amem__row_mean(amem__graph *g, amem__node *x)
{
    return rows_build(g, &row_mean_op, x, 1);
}

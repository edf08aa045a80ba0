/* Sums over all elements or along the last axis; see ops.h. */
#include "assocmem/common.h"
#include "engine/ops.h"

/* y = Σ_i x_i;  dx_i += dy */
static void total_backward(amem__graph *g, amem__node *y)
{
    (void)g;
    amem__node *x = y->in[0];
    float d = y->grad[0];
    for (size_t i = 0; i < x->size; i++)
        x->grad[i] += d;
}

static const amem__op sum_op = {"sum", total_backward};

amem__node *amem__sum(amem__graph *g, amem__node *x)
{
    if (!amem__inputs_ok(g, "sum", 1, x, NULL, NULL))
        return NULL;
    amem__node *y = amem__node_make(g, &sum_op, 1, (int[]){1}, 1, x, NULL, NULL);
    if (y == NULL)
        return NULL;
    double s = 0.0; /* double: long sums of floats lose digits */
    for (size_t i = 0; i < x->size; i++)
        s += x->val[i];
    y->val[0] = (float)s;
    return y;
}

/* y_r = Σ_j x_rj;  dx_rj += dy_r */
static void row_sum_backward(amem__graph *g, amem__node *y)
{
    (void)g;
    amem__node *x = y->in[0];
    size_t rows, cols;
    amem__rows_cols(x, &rows, &cols);
    for (size_t r = 0; r < rows; r++) {
        float d = y->grad[r], *gx = x->grad + r * cols;
        for (size_t j = 0; j < cols; j++)
            gx[j] += d;
    }
}

static const amem__op row_sum_op = {"row_sum", row_sum_backward};

amem__node *amem__row_sum(amem__graph *g, amem__node *x)
{
    if (!amem__inputs_ok(g, "row_sum", 1, x, NULL, NULL))
        return NULL;
    int shape[AMEM__MAX_DIMS];
    for (int d = 0; d < x->ndim; d++)
        shape[d] = x->shape[d];
    shape[x->ndim - 1] = 1;
    amem__node *y = amem__node_make(g, &row_sum_op, x->ndim, shape, 1, x, NULL, NULL);
    if (y == NULL)
        return NULL;
    size_t rows, cols;
    amem__rows_cols(x, &rows, &cols);
    for (size_t r = 0; r < rows; r++) {
        const float *xr = x->val + r * cols;
        float s = 0.0f;
        for (size_t j = 0; j < cols; j++)
            s += xr[j];
        y->val[r] = s;
    }
    return y;
}

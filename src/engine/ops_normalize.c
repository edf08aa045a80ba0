/* Row L2 normalisation (the zero-row rule of core/numerics.h); see ops.h. */
#include <math.h>

#include "assocmem/common.h"
#include "core/numerics.h"
#include "engine/ops.h"

/* farg[0] = eps; aux[r] = the divisor max(‖x_r‖, eps) of row r. */

/*
 * y = x / max(‖x‖, ε) per row;
 * dx += (dy − y·(y·dy)) / ‖x‖ where ‖x‖ > ε, else dy / ε
 */
static void l2n_backward(amem__graph *g, amem__node *y)
{
    (void)g;
    amem__node *x = y->in[0];
    size_t rows, cols;
    amem__rows_cols(x, &rows, &cols);
    float eps = y->farg[0];
    for (size_t r = 0; r < rows; r++)
        amem__l2_normalize_row_backward(y->val + r * cols, y->aux[r], eps,
                                        y->grad + r * cols,
                                        x->grad + r * cols, cols, 1);
}

static const amem__op l2n_op = {"l2_normalize", l2n_backward};

amem__node *amem__l2_normalize(amem__graph *g, amem__node *x, float eps)
{
    if (!amem__inputs_ok(g, "l2_normalize", 1, x, NULL, NULL))
        return NULL;
    if (!(isfinite(eps) && eps > 0.0f)) {
        amem__graph_fail(g, AMEM_E_ARG, "l2_normalize: eps %g must be finite and > 0",
                         (double)eps);
        return NULL;
    }
    amem__node *y = amem__node_make(g, &l2n_op, x->ndim, x->shape, 1, x, NULL, NULL);
    if (y == NULL)
        return NULL;
    size_t rows, cols;
    amem__rows_cols(x, &rows, &cols);
    y->aux = amem__arena_alloc(g->arena, rows * sizeof(float));
    if (y->aux == NULL) {
        amem__graph_fail(g, AMEM_E_NOMEM, "l2_normalize: graph arena exhausted");
        return NULL;
    }
    y->farg[0] = eps;
    for (size_t r = 0; r < rows; r++) {
        float norm = amem__l2_normalize_row(x->val + r * cols,
                                            y->val + r * cols, cols, eps);
        y->aux[r] = norm > eps ? norm : eps;
    }
    return y;
}

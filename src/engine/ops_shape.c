/* Concatenation along a dimension and reshape; see ops.h. */
#include <string.h>

#include "assocmem/common.h"
#include "engine/ops.h"

/*
 * Concat views both inputs and the output as [outer, extent·inner] blocks:
 * outer = product of the extents before dim, inner = product after it.
 * iarg[0] = dim.
 */
static void concat_blocks(const amem__node *a, const amem__node *b, int dim,
                          size_t *outer, size_t *ba, size_t *bb)
{
    *outer = 1;
    for (int k = 0; k < dim; k++)
        *outer *= (size_t)a->shape[k];
    *ba = a->size / *outer;
    *bb = b->size / *outer;
}

/* y = [a | b] along dim;  da += dy[.., :n_a, ..],  db += dy[.., n_a:, ..] */
static void concat_backward(amem__graph *g, amem__node *y)
{
    (void)g;
    amem__node *a = y->in[0], *b = y->in[1];
    size_t outer, ba, bb;
    concat_blocks(a, b, y->iarg[0], &outer, &ba, &bb);
    for (size_t o = 0; o < outer; o++) {
        const float *dy = y->grad + o * (ba + bb);
        if (a->grad)
            for (size_t j = 0; j < ba; j++)
                a->grad[o * ba + j] += dy[j];
        if (b->grad)
            for (size_t j = 0; j < bb; j++)
                b->grad[o * bb + j] += dy[ba + j];
    }
}

static const amem__op concat_op = {"concat", concat_backward};

static int concat_shapes_ok(const amem__node *a, const amem__node *b, int dim)
{
    if (a->ndim != b->ndim)
        return 0;
    for (int d = 0; d < a->ndim; d++)
        if (d != dim && a->shape[d] != b->shape[d])
            return 0;
    return 1;
}

amem__node *amem__concat(amem__graph *g, amem__node *a, amem__node *b, int dim)
{
    if (!amem__inputs_ok(g, "concat", 2, a, b, NULL))
        return NULL;
    int d = dim < 0 ? dim + a->ndim : dim;
    if (d < 0 || d >= a->ndim) {
        amem__graph_fail(g, AMEM_E_ARG, "concat: dimension %d outside rank %d", dim,
                         a->ndim);
        return NULL;
    }
    if (!concat_shapes_ok(a, b, d)) {
        char sa[64], sb[64];
        amem__graph_fail(g, AMEM_E_DIM, "concat: shapes %s and %s differ off dimension %d",
                         amem__shape_str(a, sa), amem__shape_str(b, sb), d);
        return NULL;
    }
    int shape[AMEM__MAX_DIMS];
    memcpy(shape, a->shape, sizeof shape);
    shape[d] = a->shape[d] + b->shape[d];
    if (shape[d] < a->shape[d]) { /* int overflow */
        amem__graph_fail(g, AMEM_E_DIM, "concat: extent overflow in dimension %d", d);
        return NULL;
    }
    amem__node *y = amem__node_make(g, &concat_op, a->ndim, shape, 2, a, b, NULL);
    if (y == NULL)
        return NULL;
    y->iarg[0] = d;
    size_t outer, ba, bb;
    concat_blocks(a, b, d, &outer, &ba, &bb);
    for (size_t o = 0; o < outer; o++) {
        memcpy(y->val + o * (ba + bb), a->val + o * ba, ba * sizeof(float));
        memcpy(y->val + o * (ba + bb) + ba, b->val + o * bb, bb * sizeof(float));
    }
    return y;
}

/* y = x viewed under a new shape (copied);  dx += dy elementwise */
static void reshape_backward(amem__graph *g, amem__node *y)
{
    (void)g;
    float *gx = y->in[0]->grad;
    for (size_t i = 0; i < y->size; i++)
        gx[i] += y->grad[i];
}

static const amem__op reshape_op = {"reshape", reshape_backward};

amem__node *amem__reshape(amem__graph *g, amem__node *x, int ndim, const int *shape)
{
    if (!amem__inputs_ok(g, "reshape", 1, x, NULL, NULL))
        return NULL;
    if (shape == NULL) {
        amem__graph_fail(g, AMEM_E_NULL, "reshape: shape is NULL");
        return NULL;
    }
    amem__node *y = amem__node_make(g, &reshape_op, ndim, shape, 1, x, NULL, NULL);
    if (y == NULL)
        return NULL;
    if (y->size != x->size) {
        char sx[64], sy[64];
        amem__graph_fail(g, AMEM_E_DIM, "reshape: %s has %zu elements, %s has %zu",
                         amem__shape_str(x, sx), x->size, amem__shape_str(y, sy), y->size);
        return NULL;
    }
    memcpy(y->val, x->val, x->size * sizeof(float));
    return y;
}

/* Inverted dropout; see ops_image.h. */
#include <math.h>

#include "assocmem/common.h"
#include "engine/ops_image.h"

static void dropout_backward(amem__graph *g, amem__node *n);
static const amem__op dropout_op = {"dropout", dropout_backward};

amem__node *amem__dropout(amem__graph *g, amem__node *x, float rate)
{
    if (g->status != AMEM_OK || x == NULL) /* records E_NULL */
        return amem__node_make(g, &dropout_op, 0, NULL, 1, x, NULL, NULL);
    if (!(rate >= 0.0f && rate < 1.0f)) { /* also rejects NaN */
        amem__graph_fail(g, AMEM_E_RANGE, "dropout: rate %g outside [0, 1)",
                         (double)rate);
        return NULL;
    }
    if (!g->training || rate == 0.0f)
        return x;
    if (g->rng == NULL) {
        amem__graph_fail(g, AMEM_E_STATE, "dropout: training graph has no rng");
        return NULL;
    }
    amem__node *out = amem__node_make(g, &dropout_op, x->ndim, x->shape, 1, x,
                                      NULL, NULL);
    float *mask = out ? amem__arena_alloc(g->arena, out->size * sizeof *mask) : NULL;
    if (out == NULL || mask == NULL) {
        amem__graph_fail(g, AMEM_E_NOMEM, "dropout: graph arena exhausted");
        return NULL;
    }
    /* m_k = [u_k >= rate] / (1 − rate);  out = m ⊙ x */
    float scale = 1.0f / (1.0f - rate);
    for (size_t k = 0; k < out->size; k++) {
        mask[k] = amem__rng_uniform(g->rng) >= (double)rate ? scale : 0.0f;
        out->val[k] = mask[k] * x->val[k];
    }
    out->aux = mask;
    return out;
}

/* dx += m ⊙ dy */
static void dropout_backward(amem__graph *g, amem__node *n)
{
    (void)g;
    amem__node *x = n->in[0];
    for (size_t k = 0; k < n->size; k++)
        x->grad[k] += n->aux[k] * n->grad[k];
}

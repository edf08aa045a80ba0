/* Masked blend m⊙a + (1−m)⊙b, used to clamp known units; see ops.h. */
#include "assocmem/common.h"
#include "engine/ops.h"

/* y = m⊙a + (1−m)⊙b;  da += m⊙dy,  db += (1−m)⊙dy  (m is constant) */
static void blend_backward(amem__graph *g, amem__node *y)
{
    (void)g;
    const float *m = y->in[0]->val;
    float *ga = y->in[1]->grad, *gb = y->in[2]->grad;
    if (ga)
        for (size_t i = 0; i < y->size; i++)
            ga[i] += m[i] * y->grad[i];
    if (gb)
        for (size_t i = 0; i < y->size; i++)
            gb[i] += (1.0f - m[i]) * y->grad[i];
}

static const amem__op blend_op = {"blend", blend_backward};

amem__node *amem__blend(amem__graph *g, amem__node *m, amem__node *a, amem__node *b)
{
    if (!amem__inputs_ok(g, "blend", 3, m, a, b))
        return NULL;
    if (!amem__same_shape(m, a) || !amem__same_shape(a, b)) {
        char sm[64], sa[64], sb[64];
        amem__graph_fail(g, AMEM_E_DIM, "blend: mask %s, a %s and b %s differ",
                         amem__shape_str(m, sm), amem__shape_str(a, sa),
                         amem__shape_str(b, sb));
        return NULL;
    }
    if (m->grad != NULL) {
        amem__graph_fail(g, AMEM_E_ARG, "blend: the mask must be a constant");
        return NULL;
    }
    amem__node *y = amem__node_make(g, &blend_op, a->ndim, a->shape, 3, m, a, b);
    if (y == NULL)
        return NULL;
    for (size_t i = 0; i < y->size; i++)
        y->val[i] = m->val[i] * a->val[i] + (1.0f - m->val[i]) * b->val[i]; /* exact at m = 0, 1 */
    return y;
}

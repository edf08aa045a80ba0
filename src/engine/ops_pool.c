/* Global average pooling [N,C,H,W] → [N,C]; see ops_image.h. */
#include "assocmem/common.h"
#include "engine/ops_image.h"

static void gap_backward(amem__graph *g, amem__node *n);
static const amem__op gap_op = {"global_avg_pool", gap_backward};

amem__node *amem__global_avg_pool(amem__graph *g, amem__node *x)
{
    if (!amem__image_input_ok(g, "global_avg_pool", x))
        return NULL;
    int shape[2] = {x->shape[0], x->shape[1]};
    amem__node *out = amem__node_make(g, &gap_op, 2, shape, 1, x, NULL, NULL);
    if (out == NULL)
        return NULL;
    /* out[p] = (1/HW) Σ_k x[p, k] for every plane p = (n, c) */
    size_t hw = (size_t)x->shape[2] * x->shape[3];
    for (size_t p = 0; p < out->size; p++) {
        const float *plane = x->val + p * hw;
        double s = 0.0;
        for (size_t k = 0; k < hw; k++)
            s += plane[k];
        out->val[p] = (float)(s / (double)hw);
    }
    return out;
}

/* dx[p, k] += dy[p] / HW */
static void gap_backward(amem__graph *g, amem__node *n)
{
    (void)g;
    amem__node *x = n->in[0];
    size_t hw = (size_t)x->shape[2] * x->shape[3];
    for (size_t p = 0; p < n->size; p++) {
        float d = n->grad[p] / (float)hw;
        float *plane = x->grad + p * hw;
        for (size_t k = 0; k < hw; k++)
            plane[k] += d;
    }
}

/* Nearest-neighbour upsampling by an integer factor; see ops_image.h. */
#include <limits.h>
#include <string.h>

#include "assocmem/common.h"
#include "engine/ops_image.h"

static void upsample_backward(amem__graph *g, amem__node *n);
static const amem__op upsample_op = {"upsample_nearest", upsample_backward};

void amem__upsample_nearest_apply(const float *x, size_t planes, int h, int w,
                                  int f, float *out)
{
    /* out[p, i, j] = x[p, i/f, j/f] for every plane p = (n, c) */
    size_t ow = (size_t)w * f;
    float *dst = out;
    for (size_t p = 0; p < planes; p++, x += (size_t)h * w)
        for (int i = 0; i < h; i++) {
            const float *in_row = x + (size_t)i * w;
            float *first = dst;
            for (int j = 0; j < w; j++)
                for (int k = 0; k < f; k++)
                    *dst++ = in_row[j];
            for (int k = 1; k < f; k++, dst += ow)
                memcpy(dst, first, ow * sizeof *dst);
        }
}

amem__node *amem__upsample_nearest(amem__graph *g, amem__node *x, int factor)
{
    if (!amem__image_input_ok(g, "upsample_nearest", x))
        return NULL;
    if (factor < 1 || x->shape[2] > INT_MAX / factor ||
        x->shape[3] > INT_MAX / factor) {
        amem__graph_fail(g, AMEM_E_RANGE,
                         "upsample_nearest: factor %d (need >= 1 and a representable size)",
                         factor);
        return NULL;
    }
    int h = x->shape[2], w = x->shape[3], f = factor;
    int shape[4] = {x->shape[0], x->shape[1], h * f, w * f};
    amem__node *out = amem__node_make(g, &upsample_op, 4, shape, 1, x, NULL, NULL);
    if (out == NULL)
        return NULL;
    out->iarg[0] = f;
    amem__upsample_nearest_apply(x->val, (size_t)shape[0] * shape[1], h, w, f,
                                 out->val);
    return out;
}

/* dx[p, i, j] += Σ_{a,b < f} dy[p, i·f + a, j·f + b] */
static void upsample_backward(amem__graph *g, amem__node *n)
{
    (void)g;
    amem__node *x = n->in[0];
    int f = n->iarg[0], h = x->shape[2], w = x->shape[3];
    size_t planes = (size_t)x->shape[0] * x->shape[1], ow = (size_t)w * f;
    const float *dy = n->grad;
    float *dx = x->grad;
    for (size_t p = 0; p < planes; p++, dx += (size_t)h * w)
        for (int i = 0; i < h; i++) {
            float *dx_row = dx + (size_t)i * w;
            for (int a = 0; a < f; a++, dy += ow)
                for (int j = 0; j < w; j++) {
                    float s = 0.0f;
                    for (int b = 0; b < f; b++)
                        s += dy[(size_t)j * f + b];
                    dx_row[j] += s;
                }
        }
}

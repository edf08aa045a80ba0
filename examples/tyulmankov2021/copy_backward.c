/* Backward pass of the copy task: read-out, memory (walked back through
 * copy_mem.h), controller, in reverse time order. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "copy.h"
#include "fail.h"

/* Gradient buffers carried from step t + 1 back to step t (the gradient
 * with respect to the memory itself is carried by its record). */
typedef struct back_state {
    float *dk, *dv, *d_o;   /* d each */
    float *dk_in, *do_in;   /* d each: from u_{t+1} */
    float *da_k, *da_v;     /* d each */
    float dg, dg_in;
} back_state;

/* d loss / d o_t through y = tanh(W_r o + b_r) on a paste step. */
static void readout_back(tf_ctrl *c, const tf_copy_trace *tr, size_t t,
                         const float *target, double scale, float *d_o)
{
    size_t P = c->dims.P, d = c->dims.d;
    const float *y = tr->y + t * P, *o = tr->o + t * d;
    float *gWr = c->grad + (c->Wr - c->theta), *gbr = c->grad + (c->br -
                                                                   c->theta);
    for (size_t r = 0; r < P; r++) {
        float da = (float)(scale * 2.0 * (y[r] - target[r])) *
                   (1.0f - y[r] * y[r]);
        gbr[r] += da;
        for (size_t j = 0; j < d; j++) {
            gWr[r * d + j] += da * o[j];
            d_o[j] += da * c->Wr[r * d + j];
        }
    }
}

/* Through out = sqrt(d) t / |t|, t = tanh(a): da from dout. */
static void unit_tanh_back(const float *t, const float *dout, size_t d,
                           float *da)
{
    double norm = 0.0, proj = 0.0;
    for (size_t i = 0; i < d; i++)
        norm += (double)t[i] * t[i];
    norm = sqrt(norm) + 1e-12;
    for (size_t i = 0; i < d; i++)
        proj += (double)t[i] / norm * dout[i];
    double scale = sqrt((double)d) / norm;
    for (size_t i = 0; i < d; i++) {
        double dt = scale * (dout[i] - t[i] / norm * proj);
        da[i] = (float)(dt * (1.0 - (double)t[i] * t[i]));
    }
}

/* dW += da u^T, db += da; du += W^T da. */
static void linear_back(const float *W, float *gW, float *gb, const float *u,
                        const float *da, size_t rows, size_t U, float *du)
{
    for (size_t r = 0; r < rows; r++) {
        if (da[r] == 0.0f)
            continue;
        gb[r] += da[r];
        for (size_t j = 0; j < U; j++) {
            gW[r * U + j] += da[r] * u[j];
            du[j] += da[r] * W[r * U + j];
        }
    }
}

/* Controller step t: from dk, dv, dg to the parameter gradient and to the
 * gradient of u_t, split into the carries for step t - 1. */
static void controller_back(tf_ctrl *c, const tf_copy_trace *tr, size_t t,
                            back_state *s, float *du)
{
    size_t d = c->dims.d, U = c->U, P = c->dims.P;
    const float *u = tr->u + t * U;
    float g = tr->g[t], da_g = s->dg * g * (1.0f - g);
    memset(du, 0, U * sizeof *du);
    unit_tanh_back(tr->tk + t * d, s->dk, d, s->da_k);
    unit_tanh_back(tr->tv + t * d, s->dv, d, s->da_v);
    linear_back(c->Wk, c->grad + (c->Wk - c->theta),
                c->grad + (c->bk - c->theta), u, s->da_k, d, U, du);
    linear_back(c->Wv, c->grad + (c->Wv - c->theta),
                c->grad + (c->bv - c->theta), u, s->da_v, d, U, du);
    linear_back(c->wg, c->grad + (c->wg - c->theta),
                c->grad + (c->cg - c->theta), u, &da_g, 1, U, du);
    memcpy(s->dk_in, du + P + 1, d * sizeof *du);
    memcpy(s->do_in, du + P + 1 + d, d * sizeof *du);
    s->dg_in = du[P + 1 + 2 * d];
}

static int back_step(tf_ctrl *c, tf_copy_mem *mem,
                     const tf_copy_episode *ep, const tf_copy_trace *tr,
                     size_t t, back_state *s, float *du)
{
    size_t d = c->dims.d, n = ep->n;
    memcpy(s->d_o, s->do_in, d * sizeof *s->d_o);
    if (t > n)
        readout_back(c, tr, t, ep->target + (t - n - 1) * c->dims.P,
                     1.0 / (double)n, s->d_o);
    memcpy(s->dk, s->dk_in, d * sizeof *s->dk);
    s->dg = s->dg_in;
    double dq = 0.0; /* the memory: its write, then its read */
    if (tf_copy_mem_back(mem, s->d_o, s->dk, s->dv, &dq) != 0)
        return -1;
    s->dg += (float)dq;
    controller_back(c, tr, t, s, du);
    return 0;
}

/* A TRAINED memory's rule gradient into the controller's rule block. */
static void rule_back(tf_ctrl *c, const tf_copy_mem *mem)
{
    float *g = c->grad + (c->rule - c->theta);
    for (size_t k = 0; k < c->rule_count; k++)
        g[k] += (float)mem->rule_grad[k];
}

int tf_copy_backward(tf_ctrl *c, tf_copy_mem *mem, const tf_copy_episode *ep,
                     const tf_copy_trace *tr)
{
    size_t d = c->dims.d;
    float *p = calloc(7 * d + c->U, sizeof *p);
    if (!p)
        return tf_nomem();
    back_state s = {0};
    s.dk = p; s.dv = p + d; s.d_o = p + 2 * d; s.dk_in = p + 3 * d;
    s.do_in = p + 4 * d; s.da_k = p + 5 * d; s.da_v = p + 6 * d;
    float *du = p + 7 * d;
    int bad = 0;
    for (size_t t = ep->steps; t-- > 0 && !bad;)
        bad = back_step(c, mem, ep, tr, t, &s, du);
    free(p);
    if (!bad && c->rule_count)
        rule_back(c, mem);
    return bad;
}

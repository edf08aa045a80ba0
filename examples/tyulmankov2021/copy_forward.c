/* Forward pass of the copy task: controller, memory (copy_mem.h),
 * read-out. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "copy.h"
#include "fail.h"

void tf_copy_trace_free(tf_copy_trace *tr)
{
    float **all[] = {&tr->u, &tr->tk, &tr->tv, &tr->k,
                     &tr->v, &tr->g, &tr->o, &tr->y};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        free(*all[i]);
        *all[i] = NULL;
    }
    tr->cap = 0;
}

int tf_copy_trace_alloc(tf_copy_trace *tr, const tf_copy_dims *dims,
                        size_t steps)
{
    size_t d = dims->d, U = dims->P + 1 + 2 * d + 1;
    memset(tr, 0, sizeof *tr);
    tr->cap = steps;
    tr->u = malloc(steps * U * sizeof *tr->u);
    tr->tk = malloc(steps * d * sizeof *tr->tk);
    tr->tv = malloc(steps * d * sizeof *tr->tv);
    tr->k = malloc(steps * d * sizeof *tr->k);
    tr->v = malloc(steps * d * sizeof *tr->v);
    tr->g = malloc(steps * sizeof *tr->g);
    tr->o = malloc(steps * d * sizeof *tr->o);
    tr->y = malloc(steps * dims->P * sizeof *tr->y);
    if (tr->u && tr->tk && tr->tv && tr->k && tr->v && tr->g && tr->o &&
        tr->y)
        return 0;
    tf_copy_trace_free(tr);
    return tf_nomem();
}

/* out = scale * tanh(W u + b) / |tanh(W u + b)|, keeping tanh in t. */
static void unit_tanh(const float *W, const float *b, const float *u,
                      size_t rows, size_t U, float scale, float *t,
                      float *out)
{
    double norm = 0.0;
    for (size_t r = 0; r < rows; r++) {
        double a = b[r];
        for (size_t j = 0; j < U; j++)
            a += (double)W[r * U + j] * u[j];
        t[r] = (float)tanh(a);
        norm += (double)t[r] * t[r];
    }
    norm = sqrt(norm) + 1e-12;
    for (size_t r = 0; r < rows; r++)
        out[r] = (float)(scale * t[r] / norm);
}

/* u_t = [x_t; k_{t-1}; o_{t-1}; g_{t-1}] (zeros before the first step). */
static void build_input(const tf_ctrl *c, const tf_copy_episode *ep,
                        const tf_copy_trace *tr, size_t t, float *u)
{
    size_t P = c->dims.P, d = c->dims.d;
    memcpy(u, ep->x + t * (P + 1), (P + 1) * sizeof *u);
    if (t == 0) {
        memset(u + P + 1, 0, (2 * d + 1) * sizeof *u);
        return;
    }
    memcpy(u + P + 1, tr->k + (t - 1) * d, d * sizeof *u);
    memcpy(u + P + 1 + d, tr->o + (t - 1) * d, d * sizeof *u);
    u[P + 1 + 2 * d] = tr->g[t - 1];
}

static void controller_step(const tf_ctrl *c, tf_copy_trace *tr, size_t t)
{
    size_t d = c->dims.d, U = c->U;
    const float *u = tr->u + t * U;
    float scale = (float)sqrt((double)d);
    unit_tanh(c->Wk, c->bk, u, d, U, scale, tr->tk + t * d, tr->k + t * d);
    unit_tanh(c->Wv, c->bv, u, d, U, scale, tr->tv + t * d, tr->v + t * d);
    double a = c->cg[0];
    for (size_t j = 0; j < U; j++)
        a += (double)c->wg[j] * u[j];
    tr->g[t] = (float)(1.0 / (1.0 + exp(-a)));
}

/* y = tanh(W_r o + b_r); returns the squared error against target. */
static double readout(const tf_ctrl *c, const float *o, float *y,
                      const float *target, size_t *right)
{
    size_t P = c->dims.P, d = c->dims.d;
    double err = 0.0;
    for (size_t r = 0; r < P; r++) {
        double a = c->br[r];
        for (size_t j = 0; j < d; j++)
            a += (double)c->Wr[r * d + j] * o[j];
        y[r] = (float)tanh(a);
        if (target) {
            err += (y[r] - target[r]) * (y[r] - target[r]);
            *right += (y[r] > 0) == (target[r] > 0);
        }
    }
    return err;
}

int tf_copy_forward(tf_ctrl *c, tf_copy_mem *mem, const tf_copy_episode *ep,
                    tf_copy_trace *tr, double *loss, double *accuracy)
{
    size_t d = c->dims.d, P = c->dims.P, n = ep->n, right = 0;
    double err = 0.0;
    if (tf_copy_mem_begin(mem) != 0)
        return -1;
    for (size_t t = 0; t < ep->steps; t++) {
        build_input(c, ep, tr, t, tr->u + t * c->U);
        controller_step(c, tr, t);
        /* read with k, then write (k, v) with q = g */
        if (tf_copy_mem_step(mem, tr->k + t * d, tr->v + t * d, tr->g[t],
                             tr->o + t * d) != 0)
            return -1;
        const float *target = t > n ? ep->target + (t - n - 1) * P : NULL;
        err += readout(c, tr->o + t * d, tr->y + t * P, target, &right);
    }
    *loss = err / (double)n;
    *accuracy = (double)right / (double)(n * P);
    return 0;
}

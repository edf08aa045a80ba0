/* Controller parameters of the copy task, their layout and Adam. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "copy.h"
#include "fail.h"
#include "rng.h"

/* Lay the blocks out in theta: W_k, b_k, W_v, b_v, w_g, c_g, W_r, b_r. */
static void layout(tf_ctrl *c)
{
    size_t d = c->dims.d, U = c->U, P = c->dims.P;
    float *p = c->theta;
    c->Wk = p; p += d * U;
    c->bk = p; p += d;
    c->Wv = p; p += d * U;
    c->bv = p; p += d;
    c->wg = p; p += U;
    c->cg = p; p += 1;
    c->Wr = p; p += P * d;
    c->br = p; p += P;
    c->rule = c->rule_count ? p : NULL;
}

/* Uniform(-1/sqrt(fan_in), 1/sqrt(fan_in)) weights, zero biases. */
static void init(tf_ctrl *c, uint64_t seed)
{
    tf_rng rng = {seed};
    size_t d = c->dims.d, U = c->U, P = c->dims.P;
    double su = 1.0 / sqrt((double)U), sd = 1.0 / sqrt((double)d);
    for (size_t i = 0; i < d * U; i++) {
        c->Wk[i] = (float)(su * (2 * tf_rng_uniform(&rng) - 1));
        c->Wv[i] = (float)(su * (2 * tf_rng_uniform(&rng) - 1));
    }
    for (size_t i = 0; i < U; i++)
        c->wg[i] = (float)(su * (2 * tf_rng_uniform(&rng) - 1));
    for (size_t i = 0; i < P * d; i++)
        c->Wr[i] = (float)(sd * (2 * tf_rng_uniform(&rng) - 1));
}

int tf_ctrl_create(tf_ctrl *c, const tf_copy_dims *dims, size_t rule_count,
                   uint64_t seed)
{
    memset(c, 0, sizeof *c);
    c->dims = *dims;
    c->U = dims->P + 1 + 2 * dims->d + 1;
    c->rule_count = rule_count;
    size_t d = dims->d;
    c->count = 2 * (d * c->U + d) + c->U + 1 + dims->P * d + dims->P +
               rule_count;
    c->theta = calloc(c->count, sizeof *c->theta);
    c->grad = calloc(c->count, sizeof *c->grad);
    c->m1 = calloc(c->count, sizeof *c->m1);
    c->m2 = calloc(c->count, sizeof *c->m2);
    if (!c->theta || !c->grad || !c->m1 || !c->m2) {
        tf_ctrl_free(c);
        return tf_nomem();
    }
    layout(c);
    init(c, seed);
    if (rule_count)
        tf_copy_mem_rule_start(c->rule);
    return 0;
}

void tf_ctrl_free(tf_ctrl *c)
{
    free(c->theta);
    free(c->grad);
    free(c->m1);
    free(c->m2);
    memset(c, 0, sizeof *c);
}

/* Scale the gradient down to norm max_norm when it is longer (recurrent
 * training through 2n + 1 memory steps has rare very large gradients). */
static void clip_norm(tf_ctrl *c, double max_norm)
{
    double sq = 0.0;
    for (size_t i = 0; i < c->count; i++)
        sq += (double)c->grad[i] * c->grad[i];
    if (sq <= max_norm * max_norm)
        return;
    float scale = (float)(max_norm / sqrt(sq));
    for (size_t i = 0; i < c->count; i++)
        c->grad[i] *= scale;
}

void tf_ctrl_adam(tf_ctrl *c, double lr, double clip)
{
    const double b1 = 0.9, b2 = 0.999, eps = 1e-8;
    if (clip > 0)
        clip_norm(c, clip);
    c->adam_t++;
    double c1 = 1.0 - pow(b1, (double)c->adam_t);
    double c2 = 1.0 - pow(b2, (double)c->adam_t);
    for (size_t i = 0; i < c->count; i++) {
        double gi = c->grad[i];
        c->m1[i] = (float)(b1 * c->m1[i] + (1 - b1) * gi);
        c->m2[i] = (float)(b2 * c->m2[i] + (1 - b2) * gi * gi);
        c->theta[i] -= (float)(lr * (c->m1[i] / c1) /
                               (sqrt(c->m2[i] / c2) + eps));
        c->grad[i] = 0.0f;
    }
}

/*
 * BAM memory of the copy task and its gradient. Step t reads before it
 * writes:
 *     o_t = W_{t-1} k_t,    W_t = W_{t-1} + eta q_t v_t k_t^T.
 * Walking back with G = dL/dW_t (from every later read):
 *     write:  dq_t = eta v_t^T G k_t,  dv_t = eta q_t G k_t,
 *             dk_t = eta q_t G^T v_t,  and dL/dW_{t-1} = G (no decay);
 *     read:   dk_t += W_{t-1}^T do_t,  G += do_t k_t^T.
 * W_{t-1} is kept for every step, so nothing is recomputed.
 */
#include <stdlib.h>
#include <string.h>

#include "copy_mem.h"
#include "fail.h"

int tf_bam_alloc(tf_bam *b, size_t d, size_t cap)
{
    memset(b, 0, sizeof *b);
    b->d = d;
    b->cap = cap;
    b->eta = 1.0f / (float)d;
    b->W = malloc((cap + 1) * d * d * sizeof *b->W);
    b->k = malloc(cap * d * sizeof *b->k);
    b->v = malloc(cap * d * sizeof *b->v);
    b->q = malloc(cap * sizeof *b->q);
    b->dW = malloc(d * d * sizeof *b->dW);
    if (b->W && b->k && b->v && b->q && b->dW)
        return 0;
    tf_bam_free(b);
    return tf_nomem();
}

void tf_bam_free(tf_bam *b)
{
    free(b->W);
    free(b->k);
    free(b->v);
    free(b->q);
    free(b->dW);
    memset(b, 0, sizeof *b);
}

void tf_bam_begin(tf_bam *b)
{
    b->steps = 0;
    memset(b->W, 0, b->d * b->d * sizeof *b->W);
    memset(b->dW, 0, b->d * b->d * sizeof *b->dW);
}

int tf_bam_step(tf_bam *b, const float *k, const float *v, float q,
                float *o)
{
    size_t d = b->d, t = b->steps;
    if (t >= b->cap)
        return -1;
    const float *W = b->W + t * d * d;
    float *next = b->W + (t + 1) * d * d;
    float s = b->eta * q;
    for (size_t i = 0; i < d; i++) {
        double a = 0.0;
        for (size_t j = 0; j < d; j++) {
            a += (double)W[i * d + j] * k[j];
            next[i * d + j] = W[i * d + j] + s * v[i] * k[j];
        }
        o[i] = (float)a;
    }
    memcpy(b->k + t * d, k, d * sizeof *k);
    memcpy(b->v + t * d, v, d * sizeof *v);
    b->q[t] = q;
    b->steps = t + 1;
    return 0;
}

int tf_bam_back(tf_bam *b, const float *d_o, float *dk, float *dv,
                double *dq)
{
    size_t d = b->d;
    if (b->steps == 0)
        return -1;
    size_t t = --b->steps;
    const float *k = b->k + t * d, *v = b->v + t * d;
    const float *W = b->W + t * d * d; /* W_{t-1}: before this write */
    float *G = b->dW, s = b->eta * b->q[t];
    double vGk = 0.0;
    memset(dk, 0, d * sizeof *dk);
    for (size_t i = 0; i < d; i++) {
        double Gk = 0.0;
        for (size_t j = 0; j < d; j++) {
            Gk += (double)G[i * d + j] * k[j];
            dk[j] += s * G[i * d + j] * v[i] + W[i * d + j] * d_o[i];
            G[i * d + j] += d_o[i] * k[j];
        }
        dv[i] = (float)(s * Gk);
        vGk += v[i] * Gk;
    }
    *dq = b->eta * vGk;
    return 0;
}

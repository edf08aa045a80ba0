/*
 * Private: the workspace of one differentiable episode (episode_*.c).
 * The forward pass keeps every K_t and V_t, h_t and h'_t and the gates, so
 * the backward pass can walk the writes in reverse.
 */
#ifndef AMEM_KVMEM_EPISODE_H
#define AMEM_KVMEM_EPISODE_H

#include "kvmem_impl.h"

typedef struct kv_ep {
    size_t d, N, m, T, R;
    const amem__kv_rule *r;
    const amem__kv_episode_in *in;
    float *Ks;    /* (T+1) x N x d: K_0 = 0, ..., K_T */
    float *Vs;    /* (T+1) x N x m */
    float *Hk;    /* T x N: h_t = softmax(beta K_t x_t) */
    float *Hp;    /* T x N: h'_t = softmax(beta K_{t+1} x_t) */
    float *Ak;    /* T x N: q_t (1 - Sk) (key gate without gamma) */
    float *Av;    /* T x N: RAPID q_t (1 - Sv); PASSIVE (1 - Sv) */
    float *gam;   /* T x N: gamma_t */
    float *Hq;    /* R x N: query hidden states */
    float *Y;     /* R x m: outputs */
    float *dY;    /* R x m */
    float *dHq;   /* R x N */
    float *dK;    /* N x d */
    float *dV;    /* N x m */
    float *vN, *vN2; /* N scratch */
    size_t *idx;  /* N gated slots */
    unsigned char *Sk, *Sv; /* N stability flags during the episode */
    float *block; /* the single allocation */
} kv_ep;

int amem__kv_ep_alloc(const char *fn, kv_ep *e, size_t d, size_t N, size_t m,
                      size_t T, size_t R);
void amem__kv_ep_free(kv_ep *e);
/* Forward writes and queries; needs e->r and e->in set. */
void amem__kv_ep_forward(kv_ep *e, amem__rng *rng, int advance_every);
/* Loss, accuracy and (grad != NULL) the gradient of the loss. */
void amem__kv_ep_loss(const kv_ep *e, double *loss, double *accuracy);
void amem__kv_ep_backward(kv_ep *e, double *grad);

#endif

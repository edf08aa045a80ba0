/*
 * Private: the workspace of one differentiable episode (episode_*.c,
 * tape.c). The forward pass keeps every K_t and V_t, h_t and h'_t and the
 * gates, so the backward pass can walk the writes in reverse. Writes and
 * reads are recorded one step at a time (the tape interleaves them); the
 * backward pass is the same steps in reverse, with dK, dV holding the
 * gradient with respect to the memory state being walked back.
 */
#ifndef AMEM_KVMEM_EPISODE_H
#define AMEM_KVMEM_EPISODE_H

#include "kvmem_impl.h"

typedef struct kv_ep {
    size_t d, N, m, T, R; /* writes and query rows recorded (at most
                             the capacities given to amem__kv_ep_alloc) */
    const amem__kv_rule *r;
    const amem__kv_episode_in *in;
    float *Ks;    /* (T+1) x N x d: K_0 = 0, ..., K_T */
    float *Vs;    /* (T+1) x N x m */
    float *Hk;    /* T x N: h_t = softmax(beta K_t x_t) */
    float *Hp;    /* T x N: h'_t = softmax(beta K_{t+1} x_t) */
    float *Ak;    /* T x N: 1 - Sk, the key rows still plastic at step t */
    float *Av;    /* T x N: 1 - Sv, the value slots still plastic */
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
    size_t pointer;         /* SEQUENTIAL pointer during the forward pass */
    float *block; /* the single allocation */
} kv_ep;

/* Gradient of one write with respect to its inputs (any may be NULL). */
typedef struct kv_write_grad {
    float *dx;     /* d: dL/dx_t (added to) */
    float *dy;     /* m: dL/dy_t (added to) */
    double dq;     /* dL/dq_t (added to) */
    double *rule;  /* AMEM__KV_THETA: rule parameters, then p (added to) */
} kv_write_grad;

/* Capacity for T_cap writes and R_cap query rows; e->T = e->R = 0 except
 * that meta-training sets them per episode. */
int amem__kv_ep_alloc(const char *fn, kv_ep *e, size_t d, size_t N, size_t m,
                      size_t T_cap, size_t R_cap);
void amem__kv_ep_free(kv_ep *e);

/* Empty memory, pointer 0, no flags, no steps recorded. */
void amem__kv_ep_reset(kv_ep *e);
/* Write t = e->T (in->keys/values/q row t), then e->T++. */
void amem__kv_ep_write(kv_ep *e, amem__rng *rng, int advance_every);
/* n queries (in->queries rows e->R ..) against the current state into
 * Hq and Y rows e->R .., then e->R += n. */
void amem__kv_ep_read(kv_ep *e, size_t n);

/* Forward writes and queries (all after the writes); needs e->r, e->in. */
void amem__kv_ep_forward(kv_ep *e, amem__rng *rng, int advance_every);
/* Advance rng exactly as amem__kv_ep_forward would over e->T writes with
 * rule e->r (the RANDOM gate's draws), computing nothing else: a
 * data-parallel worker skips another worker's episode with it. */
void amem__kv_ep_skip(kv_ep *e, amem__rng *rng);
/* Loss, accuracy and (grad != NULL) the gradient of the loss. */
void amem__kv_ep_loss(const kv_ep *e, double *loss, double *accuracy);
void amem__kv_ep_backward(kv_ep *e, double *grad);

/*
 * Reverse steps. dK, dV hold dL/dK_t, dL/dV_t for the state t being walked
 * back (zero them before the first step).
 *   read_back: query rows first..first+n-1, read against state t, with
 *     dY (n x m) the gradient of their outputs: adds to dK, dV, and writes
 *     dL/dqueries into dQ (n x d) unless NULL.
 *   write_back: write t; turns dK, dV from dL/d state t+1 into dL/d state t
 *     and adds the write's input gradients to *g.
 */
void amem__kv_ep_read_back(kv_ep *e, size_t t, size_t first, size_t n,
                           const float *dY, float *dQ);
void amem__kv_ep_write_back(kv_ep *e, size_t t, kv_write_grad *g);

#endif

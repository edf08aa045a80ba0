/*
 * The copy-paste task of Fig. 5c (Graves et al. 2014): a controller network
 * reads a sequence s_1..s_n of +-1 patterns (P entries) followed by an
 * end-of-sequence marker, and must then output the sequence again. At each
 * step it emits a key k, a value v and a global third factor g for the
 * key-value memory, which it reads with k (before writing). Its input is
 *     u_t = [x_t (P + 1, with the marker channel); k_{t-1}; o_{t-1}; g_{t-1}]
 * with o the memory output, as in the reference controller:
 *     k = sqrt(d) tanh(W_k u + b_k) / |tanh(...)|   (same for v, sqrt(m))
 *     g = sigmoid(w_g . u + c_g),   y = tanh(W_r o + b_r)   (P outputs)
 * The memory (copy_mem.h, q_t = g_t) is amem_kvmem, recorded on the
 * library's episode tape (amem_kvmem_tape_read, _write), which also gives
 * the gradient through the memory's reads and writes when the episode is
 * walked back (amem_kvmem_tape_back_write, _back_read), or BAM. Loss:
 * squared error of y on the paste steps, summed over entries and averaged
 * over steps.
 */
#ifndef TF_COPY_H
#define TF_COPY_H

#include <stddef.h>
#include <stdint.h>

#include "copy_mem.h"

/* Sizes. */
typedef struct tf_copy_dims {
    size_t P;  /* pattern entries (25 in the reference) */
    size_t d;  /* key dimension = slots N = value dimension m (40) */
} tf_copy_dims;

/* One episode: 2n + 1 steps (n patterns, the marker, n paste steps). */
typedef struct tf_copy_episode {
    size_t n, steps;
    float *x;       /* steps x (P + 1) inputs */
    float *target;  /* n x P: the patterns, expected on the paste steps */
} tf_copy_episode;

int tf_copy_episode_make(tf_copy_episode *ep, const tf_copy_dims *dims,
                         size_t n, uint64_t seed);
void tf_copy_episode_free(tf_copy_episode *ep);

/* Controller parameters in one vector (with their gradient and Adam
 * moments), and views of the blocks; a trained memory's rule parameters
 * are a last block, learned with the controller. */
typedef struct tf_ctrl {
    tf_copy_dims dims;
    size_t U, count;           /* input size, number of parameters */
    float *theta, *grad, *m1, *m2;
    float *Wk, *bk, *Wv, *bv, *wg, *cg, *Wr, *br; /* views into theta */
    float *rule;               /* rule_count memory rule parameters */
    size_t rule_count;
    long adam_t;
} tf_ctrl;

/* rule_count: 0, or AMEM_KVMEM_RULE_COUNT for a TRAINED memory (the
 * block starts at tf_copy_mem_rule_start). 0 or -1. */
int tf_ctrl_create(tf_ctrl *c, const tf_copy_dims *dims, size_t rule_count,
                   uint64_t seed);
void tf_ctrl_free(tf_ctrl *c);
/* One Adam step on c->grad, then zeroed; a gradient longer than clip
 * (> 0; 0: never) is first scaled down to that norm. */
void tf_ctrl_adam(tf_ctrl *c, double lr, double clip);

/* Per-step record of the controller's forward pass, kept for the backward
 * pass (the memory's own record is the tape). */
typedef struct tf_copy_trace {
    size_t cap;                 /* steps allocated */
    float *u, *tk, *tv, *k, *v; /* steps x U, d, d, d, d */
    float *g, *o, *y;           /* steps, steps x d, steps x P */
} tf_copy_trace;

int tf_copy_trace_alloc(tf_copy_trace *tr, const tf_copy_dims *dims,
                        size_t steps);
void tf_copy_trace_free(tf_copy_trace *tr);

/* Forward pass of one episode from an empty memory (for a TRAINED one,
 * with the rule last given to tf_copy_mem_set_rule); fills the trace,
 * returns the loss and the paste accuracy. 0 or -1. */
int tf_copy_forward(tf_ctrl *c, tf_copy_mem *mem, const tf_copy_episode *ep,
                    tf_copy_trace *tr, double *loss, double *accuracy);

/* Walk the recorded episode back, adding the loss gradient to c->grad
 * (and a TRAINED memory's rule gradient to its block). 0 or -1. */
int tf_copy_backward(tf_ctrl *c, tf_copy_mem *mem, const tf_copy_episode *ep,
                     const tf_copy_trace *tr);

#endif

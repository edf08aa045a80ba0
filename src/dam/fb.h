/* Private: one taped forward pass and its backward (fb.c). */
#ifndef AMEM_DAM_FB_H
#define AMEM_DAM_FB_H

#include "dam_impl.h"
#include "gram.h"

typedef struct amem__dam_fb {
    int gram;            /* 1: PAPER dynamics in the hidden space (gram.h) */
    amem__dam_gram gr;
    amem__arena *ar;
    amem__dam_run run;   /* REFERENCE dynamics (dynamics.c) */
    const int *time;     /* b convergence times, batch-row order */
    float *what, *norms; /* W_hat (M x N) and the raw row norms (M) */
    float *out, *hidden; /* v* (b x N) and f* (b x M), batch-row order */
    float *dv, *work;    /* backward scratch */
    size_t b;
} amem__dam_fb;

/* Forward with tape into arena ar (not reset here). AMEM_OK/E_NOMEM. */
int amem__dam_fb_forward(const amem_dam *h, amem__arena *ar,
                         const float *cues, const float *clamp, size_t b,
                         amem__dam_fb *c);
/*
 * Backward of L = sum_b wt_b ||v*_b - x_b||^2 (wt NULL: 1/b each) into
 * grad = dL/dW (raw weights, M x N, overwritten). Returns L, or NaN when
 * the arena ran out of memory.
 */
double amem__dam_fb_backward(const amem_dam *h, amem__dam_fb *c,
                             const float *targets, const float *wt,
                             float *grad);

#endif

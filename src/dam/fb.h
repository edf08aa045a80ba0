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

/*
 * Records of a step (train_records.c). rec holds AMEM__RAW_COUNT floats per
 * batch position. amem__dam_batch_records writes the raw values of the
 * positions [lo, hi) of the batch idx, which the forward c ran on (its row
 * k - lo), with the USES slot set to 1 (written); amem__dam_apply_records
 * applies every written position of rec (USES slot nonzero) in batch
 * order: the item's raw values, its use count + 1 and the signal ranges.
 */
void amem__dam_batch_records(const amem_dam *h, const size_t *idx, size_t lo,
                             size_t hi, const amem__dam_fb *c, float *rec);
void amem__dam_apply_records(amem_dam *h, const size_t *idx, size_t b,
                             const float *rec);

#endif

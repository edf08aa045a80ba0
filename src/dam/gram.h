/*
 * Private: the PAPER dynamics run in the M-dimensional hidden space.
 *
 * With e = 1 - clamp and the cue x~, the free part of the visible state is
 * always e.(W_hat^T phi_t + kappa_t x~), with phi_0 = 0, kappa_0 = 1:
 *     phi_t = (1 - eta) phi_{t-1} + eta f_{t-1},   kappa_t = (1 - eta)^t.
 * Everything a step needs is then an M-vector or scalar of the item:
 *     G = W_hat diag(e) W_hat^T (M x M),  q = W_hat (c.x~),  a = W_hat (e.x~)
 *     y_t = G phi_t,   W_hat v_t = q + y_t + kappa_t a
 *     ||v_t||^2 = ||c.x~||^2 + phi.y + 2 kappa phi.a + kappa^2 ||e.x~||^2
 *     d = f_{t-1} - phi_{t-1},   phi_t = phi_{t-1} + eta d,  y_t = y_{t-1} + eta G d
 *     ||v_t - v_{t-1}||^2 = eta^2 (d.Gd - 2 kappa_{t-1} d.a + kappa_{t-1}^2 ||e.x~||^2)
 * so a step costs one M x M matrix-vector product instead of two N x M
 * ones. Each item's G is one symmetric rank-k update (ssyrk) of the rows
 * of W_hat^T it selects: its free columns when they are at most half,
 * otherwise W_hat W_hat^T minus the update of its clamped columns, so the
 * work per item is M^2 min(free, clamped) / 2 multiply-adds and a batch
 * without clamps shares one G. The final state is
 * v* = c.x~ + e.(W_hat^T phi_T + kappa_T x~). Same equations as
 * dynamics.c, evaluated in another order (results agree to rounding).
 */
#ifndef AMEM_DAM_GRAM_H
#define AMEM_DAM_GRAM_H

#include "dam_impl.h"

/* Largest M x M matrix (and tape scratch) the hidden-space run allocates
 * per item; larger networks run the direct form (dynamics.c). */
#define AMEM__DAM_GRAM_MAX_BYTES ((size_t)64 << 20)

/* 1 when cfg runs in the hidden space: PAPER dynamics, M x M small and a
 * hidden-space step (M^2) cheaper than a direct one (2 N M). */
int amem__dam_use_gram(const amem__dam_cfg *cfg);

/* y = G x for a symmetric M x M matrix G (row-major); y must not alias. */
typedef void (*amem__dam_symv_fn)(const float *G, size_t M, const float *x,
                                  float *y);
/* The fastest version this CPU runs (symv.c). */
amem__dam_symv_fn amem__dam_symv_pick(void);

/* x.z in double with four partial sums (a fixed order, no long chain). */
double amem__dam_dot(const float *x, const float *z, size_t n);

typedef struct amem__dam_gram {
    amem__dam_cfg cfg;
    const float *what;   /* M x N */
    size_t b;            /* items */
    const float *cue;    /* b x N */
    const float *clamp;  /* b x N or NULL */
    float *wt;           /* N x M: W_hat^T (row j = column j of W_hat) */
    float *gall;         /* M x M: W_hat W_hat^T, once an item needs it */
    int have_gall;
    float *sel;          /* N x M: the rows of wt an item selects */
    size_t *rows;        /* N: their indices */
    int *side;           /* b: +1 G from free rows, -1 G_all minus clamped */
    float *efree;        /* b x N: e */
    float *xc, *xe;      /* b x N: c.x~, e.x~ */
    float *gs;           /* taped: b x M x M, every item's G; else M x M */
    float *q, *a;        /* b x M */
    double *cc, *ce;     /* b: ||c.x~||^2, ||e.x~||^2 */
    float *phi, *y;      /* b x M: final state */
    double *kappa, *nv;  /* b: final state */
    int *time;           /* b: convergence time (MAX_STEPS + 1: not) */
    int *ran;            /* b: steps run */
    float **tape;        /* b: per item ran x (3M + 1) floats, or NULL */
    float *vec;          /* 6 x M scratch */
    amem__dam_symv_fn symv;
} amem__dam_gram;

/*
 * Set up and run a batch from arena ar. cue/clamp are read during the call
 * and through the backward, so they must stay alive until then. taped = 1
 * keeps what amem__dam_gram_backward needs. AMEM_OK or AMEM_E_NOMEM.
 */
int amem__dam_gram_forward(amem__dam_gram *g, const amem__dam_cfg *cfg,
                           const float *what, const float *cue,
                           const float *clamp, size_t b, amem__arena *ar,
                           int taped);
/*
 * The rows of W_hat^T that item i's G is built from (its free entries,
 * or its clamped ones when g->side[i] < 0) into g->sel, their indices
 * into g->rows; returns how many.
 */
size_t amem__dam_gram_select(amem__dam_gram *g, size_t i);
/* v* (b x N) and, when hidden is not NULL, f* (b x M) in item order. */
void amem__dam_gram_collect(const amem__dam_gram *g, float *out,
                            float *hidden);
/*
 * dL/dW_hat (M x N, overwritten) from dL/dv* (b x N, item order) of a
 * taped run. Scratch from ar. AMEM_OK or AMEM_E_NOMEM.
 */
int amem__dam_gram_backward(amem__dam_gram *g, const float *dv, float *dwhat,
                            amem__arena *ar);

#endif

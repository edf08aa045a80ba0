/*
 * Private: op builders of the autodiff engine (DESIGN.md §5; the math of
 * every op, forward and gradient, is written down in docs/engine.md).
 * Image ops (conv2d, upsampling, pooling, batch norm, dropout) live in
 * ops_image.h.
 *
 * Every builder follows one pattern:
 *   amem__node *amem__<op>(amem__graph *g, <inputs>, <args>);
 * It validates shapes and arguments (on a mismatch it records AMEM_E_DIM or
 * AMEM_E_ARG on the graph and returns NULL), computes the forward value
 * eagerly into the arena and appends a node to the tape. When the graph has
 * already failed, or an input is NULL, it returns NULL without work, so a
 * caller chains builders and checks g->status once.
 *
 * Backward adds into the gradient of each input that has one; inputs without
 * a gradient (constants) are skipped. The sweep runs a backward only for a
 * node that has a gradient, which it has exactly when one of its inputs has
 * one (amem__node_make): the input of a one-input op always has one there,
 * so such a backward does not test for it.
 *
 * Shapes are row-major. "Row" ops act along the LAST axis and keep it as an
 * extent of 1 in their output ("keepdims"), so the result broadcasts back
 * against the input: [m,n] -> [m,1], [n] -> [1].
 */
#ifndef AMEM_CORE_OPS_H
#define AMEM_CORE_OPS_H

#include "engine.h"

/* Reduction of a loss over its elements. */
enum {
    AMEM__REDUCE_MEAN = 0, /* divide the sum by the element count */
    AMEM__REDUCE_SUM = 1
};

/* ---- linear algebra (ops_matmul.c) ----------------------------------------- */

/*
 * C = op(A)·op(B) for 2-D A and B, where op(X) = Xᵀ when its flag is nonzero.
 * op(A) is [m,k], op(B) is [k,n], C is [m,n]. Forward and backward through
 * cblas_sgemm.
 */
amem__node *amem__matmul(amem__graph *g, amem__node *a, amem__node *b,
                         int trans_a, int trans_b);

/* ---- elementwise arithmetic (ops_arith.c) ---------------------------------- */

/*
 * a+b, a−b, a⊙b with numpy broadcasting: shapes are aligned at their trailing
 * dimension; each pair of extents must be equal or one of them 1; the output
 * has the larger rank and the larger extent per dimension. Examples:
 * [m,n] with [m,n], [1,n], [n], [m,1] or [1]. The backward sums the gradient
 * over the dimensions an input was broadcast along.
 */
amem__node *amem__add(amem__graph *g, amem__node *a, amem__node *b);
amem__node *amem__sub(amem__graph *g, amem__node *a, amem__node *b);
amem__node *amem__mul(amem__graph *g, amem__node *a, amem__node *b);
/* c·x for a finite constant c (else AMEM_E_ARG). */
amem__node *amem__scale(amem__graph *g, amem__node *x, float c);

/* ---- reductions (ops_reduce.c) --------------------------------------------- */

/* Σ x over all elements, shape [1]. */
amem__node *amem__sum(amem__graph *g, amem__node *x);
/* Σ along the last axis, keepdims: [..., n] -> [..., 1]. */
amem__node *amem__row_sum(amem__graph *g, amem__node *x);

/* ---- elementwise functions (ops_unary.c) ----------------------------------- */

amem__node *amem__exp(amem__graph *g, amem__node *x);
amem__node *amem__relu(amem__graph *g, amem__node *x);
/* x for x > 0, slope·x otherwise; slope finite (else AMEM_E_ARG). */
amem__node *amem__leaky_relu(amem__graph *g, amem__node *x, float slope);
amem__node *amem__sigmoid(amem__graph *g, amem__node *x);
amem__node *amem__tanh(amem__graph *g, amem__node *x);

/* ---- row softmax family (ops_softmax.c) ------------------------------------ */

/*
 * y = softmax(β·x) along the last axis (same shape as x), max-shifted.
 * β finite (else AMEM_E_ARG); β = 1 is the plain softmax.
 */
amem__node *amem__softmax(amem__graph *g, amem__node *x, float beta);

/* ---- row L2 normalisation (ops_normalize.c) -------------------------------- */

/*
 * y = x / max(‖x‖, eps) along the last axis. A row whose norm is below eps
 * (a zero row in particular) is divided by eps instead, so it stays finite and
 * small (zero stays zero) and its gradient is dy/eps. eps finite and > 0
 * (else AMEM_E_ARG); 1e-12 matches PyTorch's F.normalize.
 */
amem__node *amem__l2_normalize(amem__graph *g, amem__node *x, float eps);

/* ---- shape (ops_shape.c) --------------------------------------------------- */

/*
 * Concatenate a and b along dim (negative counts from the end: −1 is the
 * last). Same rank; all other extents equal.
 */
amem__node *amem__concat(amem__graph *g, amem__node *a, amem__node *b,
                         int dim);
/* Same elements in the same order under a new shape of equal size (a copy). */
amem__node *amem__reshape(amem__graph *g, amem__node *x, int ndim,
                          const int *shape);

/* ---- masked blend (ops_blend.c) -------------------------------------------- */

/*
 * y = m⊙a + (1−m)⊙b, all three the same shape. m is a mask (usually 0/1;
 * 1 keeps a, 0 takes b) and must carry no gradient (else AMEM_E_ARG).
 * Used for clamping: blend(known, cue, state).
 */
amem__node *amem__blend(amem__graph *g, amem__node *m, amem__node *a,
                        amem__node *b);

/* ---- losses (ops_loss.c); each returns shape [1] ---------------------------- */

/* Σ (p − t)² reduced by reduce (AMEM__REDUCE_MEAN or _SUM); p, t same shape. */
amem__node *amem__mse(amem__graph *g, amem__node *p, amem__node *t,
                      int reduce);
/* Σ |p − t| reduced by reduce; the gradient at p = t is 0. */
amem__node *amem__l1(amem__graph *g, amem__node *p, amem__node *t, int reduce);

/*
 * Binary cross-entropy on logits z (p = σ(z)) against targets t, stable for
 * any z: Σ [max(z,0) − z·t + log1p(exp(−|z|))], reduced by reduce.
 */
amem__node *amem__bce_logits(amem__graph *g, amem__node *z, amem__node *t,
                             int reduce);
/*
 * KL(N(μ, σ²) ‖ N(0, 1)) = −½ Σ_j (1 + logσ²_j − μ_j² − σ²_j), summed over
 * the last axis (latents) and averaged over the rest (the batch), as in the
 * VAE of Spens & Burgess. mu and logvar have the same shape.
 */
amem__node *amem__gauss_kl(amem__graph *g, amem__node *mu,
                           amem__node *logvar);

/* ---- helpers for op files (ops_common.c) ----------------------------------- */

/* Writes "[d0,d1,...]" into buf (at least 64 bytes) and returns buf. */
char *amem__shape_str(const amem__node *n, char *buf);
/*
 * 1 when a builder may go on: the graph has not failed and the first nin of
 * a, b, c are non-NULL. Otherwise 0, with AMEM_E_NULL recorded for a NULL
 * input (a failed graph keeps its first error).
 */
int amem__inputs_ok(amem__graph *g, const char *op, int nin,
                    const amem__node *a, const amem__node *b,
                    const amem__node *c);
/* Number of rows (size / last extent) and the last extent of n. */
void amem__rows_cols(const amem__node *n, size_t *rows, size_t *cols);

#endif

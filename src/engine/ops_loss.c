/* Losses: MSE, L1, BCE on logits, Gaussian KL; see ops.h. */
#include <math.h>

#include "assocmem/common.h"
#include "core/numerics.h"
#include "engine/ops.h"

/* farg[0] = f, the reduction factor: 1/count for a mean, 1 for a sum. */

/* A [1] node for loss(p, t) after checking shapes and the reduction. */
static amem__node *loss_make(amem__graph *g, const amem__op *op, amem__node *p,
                             amem__node *t, int reduce)
{
    if (!amem__inputs_ok(g, op->name, 2, p, t, NULL))
        return NULL;
    if (!amem__same_shape(p, t)) {
        char sp[64], st[64];
        amem__graph_fail(g, AMEM_E_DIM, "%s: prediction %s, target %s", op->name,
                         amem__shape_str(p, sp), amem__shape_str(t, st));
        return NULL;
    }
    if (reduce != AMEM__REDUCE_MEAN && reduce != AMEM__REDUCE_SUM) {
        amem__graph_fail(g, AMEM_E_ARG, "%s: unknown reduction %d", op->name, reduce);
        return NULL;
    }
    amem__node *y = amem__node_make(g, op, 1, (int[]){1}, 2, p, t, NULL);
    if (y != NULL)
        y->farg[0] = reduce == AMEM__REDUCE_MEAN ? 1.0f / (float)p->size : 1.0f;
    return y;
}

/* y = f·Σ (p−t)²;  dp += 2f·dy·(p−t),  dt −= 2f·dy·(p−t) */
static void mse_backward(amem__graph *g, amem__node *y)
{
    (void)g;
    amem__node *p = y->in[0], *t = y->in[1];
    float k = 2.0f * y->farg[0] * y->grad[0];
    for (size_t i = 0; i < p->size; i++) {
        float d = k * (p->val[i] - t->val[i]);
        if (p->grad) p->grad[i] += d;
        if (t->grad) t->grad[i] -= d;
    }
}

static const amem__op mse_op = {"mse", mse_backward};

amem__node *amem__mse(amem__graph *g, amem__node *p, amem__node *t, int reduce)
{
    amem__node *y = loss_make(g, &mse_op, p, t, reduce);
    if (y == NULL)
        return NULL;
    double s = 0.0;
    for (size_t i = 0; i < p->size; i++) {
        float d = p->val[i] - t->val[i];
        s += d * d;
    }
    y->val[0] = (float)(y->farg[0] * s);
    return y;
}

/* y = f·Σ |p−t|;  dp += f·dy·sign(p−t),  dt −= f·dy·sign(p−t)  (sign(0) = 0) */
static void l1_backward(amem__graph *g, amem__node *y)
{
    (void)g;
    amem__node *p = y->in[0], *t = y->in[1];
    float k = y->farg[0] * y->grad[0];
    for (size_t i = 0; i < p->size; i++) {
        float diff = p->val[i] - t->val[i];
        float d = diff > 0.0f ? k : diff < 0.0f ? -k : 0.0f;
        if (p->grad) p->grad[i] += d;
        if (t->grad) t->grad[i] -= d;
    }
}

static const amem__op l1_op = {"l1", l1_backward};

amem__node *amem__l1(amem__graph *g, amem__node *p, amem__node *t, int reduce)
{
    amem__node *y = loss_make(g, &l1_op, p, t, reduce);
    if (y == NULL)
        return NULL;
    double s = 0.0;
    for (size_t i = 0; i < p->size; i++)
        s += fabsf(p->val[i] - t->val[i]);
    y->val[0] = (float)(y->farg[0] * s);
    return y;
}

/* y = f·Σ [softplus(z) − z·t] (core/numerics.h);  dz += f·dy·(σ(z) − t),  dt += −f·dy·z */
static void bce_logits_backward(amem__graph *g, amem__node *y)
{
    (void)g;
    amem__node *z = y->in[0], *t = y->in[1];
    float k = y->farg[0] * y->grad[0];
    for (size_t i = 0; i < z->size; i++) {
        float zi = z->val[i];
        if (z->grad) {
            z->grad[i] += k * (amem__sigmoidf(zi) - t->val[i]);
        }
        if (t->grad)
            t->grad[i] -= k * zi;
    }
}

static const amem__op bce_logits_op = {"bce_logits", bce_logits_backward};

amem__node *amem__bce_logits(amem__graph *g, amem__node *z, amem__node *t, int reduce)
{
    amem__node *y = loss_make(g, &bce_logits_op, z, t, reduce);
    if (y == NULL)
        return NULL;
    double s = 0.0;
    for (size_t i = 0; i < z->size; i++)
        s += amem__softplusf(z->val[i]) - z->val[i] * t->val[i];
    y->val[0] = (float)(y->farg[0] * s);
    return y;
}

/*
 * y = −½·(1/B)·Σ (1 + λ − μ² − e^λ), λ = logσ², B = rows (batch);
 * dμ += dy·μ/B,  dλ += dy·½(e^λ − 1)/B
 */
static void kl_backward(amem__graph *g, amem__node *y)
{
    (void)g;
    amem__node *mu = y->in[0], *lv = y->in[1];
    float k = y->farg[0] * y->grad[0];
    for (size_t i = 0; i < mu->size; i++) {
        if (mu->grad) mu->grad[i] += k * mu->val[i];
        if (lv->grad) lv->grad[i] += 0.5f * k * expm1f(lv->val[i]);
    }
}

static const amem__op kl_op = {"gauss_kl", kl_backward};

amem__node *amem__gauss_kl(amem__graph *g, amem__node *mu, amem__node *logvar)
{
    amem__node *y = loss_make(g, &kl_op, mu, logvar, AMEM__REDUCE_SUM);
    if (y == NULL)
        return NULL;
    size_t rows, cols;
    amem__rows_cols(mu, &rows, &cols);
    y->farg[0] = 1.0f / (float)rows;
    double s = 0.0;
    for (size_t i = 0; i < mu->size; i++) {
        float m = mu->val[i], l = logvar->val[i];
        s += l - expm1f(l) - m * m; /* 1 + λ − e^λ without cancellation */
    }
    y->val[0] = (float)(-0.5 * s / (double)rows);
    return y;
}

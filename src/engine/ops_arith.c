/* Elementwise add, sub, mul with numpy broadcasting; scale and shift; see ops.h. */
#include <math.h>

#include "assocmem/common.h"
#include "engine/ops.h"

enum { ADD, SUB, MUL };

/*
 * Broadcast plan over 4 padded dimensions: the output extents and, per
 * dimension, the element stride of each input (0 where it is broadcast).
 */
typedef struct bcast {
    size_t out[4];
    size_t sa[4], sb[4];
} bcast;

static void pad4(const amem__node *x, int e[4])
{
    for (int i = 0; i < 4; i++)
        e[i] = 1;
    for (int d = 0; d < x->ndim; d++)
        e[4 - x->ndim + d] = x->shape[d];
}

/* 0 and the plan, or −1 when the shapes do not broadcast. */
static int plan_make(const amem__node *a, const amem__node *b, bcast *p)
{
    if (amem__same_shape(a, b) || a->size == 1 || b->size == 1) {
        /* One flat row: the common cases need no index arithmetic. */
        size_t n = a->size > b->size ? a->size : b->size;
        *p = (bcast){.out = {1, 1, 1, n}};
        p->sa[3] = a->size == n;
        p->sb[3] = b->size == n;
        return 0;
    }
    int ea[4], eb[4];
    pad4(a, ea);
    pad4(b, eb);
    size_t ra = 1, rb = 1;
    for (int i = 3; i >= 0; i--) {
        if (ea[i] != eb[i] && ea[i] != 1 && eb[i] != 1)
            return -1;
        p->out[i] = (size_t)(ea[i] > eb[i] ? ea[i] : eb[i]);
        p->sa[i] = ea[i] == 1 ? 0 : ra;
        p->sb[i] = eb[i] == 1 ? 0 : rb;
        ra *= (size_t)ea[i];
        rb *= (size_t)eb[i];
    }
    return 0;
}

/* One output row: y = a ∘ b where a step of 0 repeats a[0]. */
static void row_forward(int kind, float *restrict y, const float *a, size_t sa,
                        const float *b, size_t sb, size_t n)
{
    if (sa && sb) {
        if (kind == ADD)
            for (size_t j = 0; j < n; j++) y[j] = a[j] + b[j];
        else if (kind == SUB)
            for (size_t j = 0; j < n; j++) y[j] = a[j] - b[j];
        else
            for (size_t j = 0; j < n; j++) y[j] = a[j] * b[j];
    } else if (sa) {
        float bv = b[0];
        if (kind == ADD)
            for (size_t j = 0; j < n; j++) y[j] = a[j] + bv;
        else if (kind == SUB)
            for (size_t j = 0; j < n; j++) y[j] = a[j] - bv;
        else
            for (size_t j = 0; j < n; j++) y[j] = a[j] * bv;
    } else {
        float av = a[0];
        if (kind == ADD)
            for (size_t j = 0; j < n; j++) y[j] = av + (sb ? b[j] : b[0]);
        else if (kind == SUB)
            for (size_t j = 0; j < n; j++) y[j] = av - (sb ? b[j] : b[0]);
        else
            for (size_t j = 0; j < n; j++) y[j] = av * (sb ? b[j] : b[0]);
    }
}

/* g += sign·gy, summed into g[0] when g is broadcast (step 0). */
static void row_accum(float *restrict g, size_t sg, const float *gy, float sign,
                      size_t n)
{
    if (sg) {
        for (size_t j = 0; j < n; j++) g[j] += sign * gy[j];
    } else {
        float s = 0.0f;
        for (size_t j = 0; j < n; j++) s += gy[j];
        g[0] += sign * s;
    }
}

/* g += gy⊙o (o the other factor), summed into g[0] when g is broadcast. */
static void row_accum_mul(float *restrict g, size_t sg, const float *gy,
                          const float *o, size_t so, size_t n)
{
    if (sg && so) {
        for (size_t j = 0; j < n; j++) g[j] += gy[j] * o[j];
    } else if (sg) {
        float ov = o[0];
        for (size_t j = 0; j < n; j++) g[j] += gy[j] * ov;
    } else {
        float s = 0.0f;
        for (size_t j = 0; j < n; j++) s += gy[j] * o[so ? j : 0];
        g[0] += s;
    }
}

/* Offsets into a and b of output row `row` (rows run over dims 0..2). */
static void row_offsets(const bcast *p, size_t row, size_t *oa, size_t *ob)
{
    size_t i2 = row % p->out[2], rest = row / p->out[2];
    size_t i1 = rest % p->out[1], i0 = rest / p->out[1];
    *oa = i0 * p->sa[0] + i1 * p->sa[1] + i2 * p->sa[2];
    *ob = i0 * p->sb[0] + i1 * p->sb[1] + i2 * p->sb[2];
}

static size_t plan_rows(const bcast *p) { return p->out[0] * p->out[1] * p->out[2]; }

static void bcast_backward(int kind, amem__node *y)
{
    amem__node *a = y->in[0], *b = y->in[1];
    bcast p;
    plan_make(a, b, &p);
    size_t n = p.out[3], sa = p.sa[3], sb = p.sb[3];
    for (size_t row = 0, rows = plan_rows(&p); row < rows; row++) {
        size_t oa, ob;
        row_offsets(&p, row, &oa, &ob);
        const float *gy = y->grad + row * n;
        if (kind == MUL) {
            if (a->grad)
                row_accum_mul(a->grad + oa, sa, gy, b->val + ob, sb, n);
            if (b->grad)
                row_accum_mul(b->grad + ob, sb, gy, a->val + oa, sa, n);
        } else {
            if (a->grad)
                row_accum(a->grad + oa, sa, gy, 1.0f, n);
            if (b->grad)
                row_accum(b->grad + ob, sb, gy, kind == SUB ? -1.0f : 1.0f, n);
        }
    }
}

/* y = a + b;  da += Σ_broadcast dy,  db += Σ_broadcast dy */
static void add_backward(amem__graph *g, amem__node *y) { (void)g; bcast_backward(ADD, y); }
/* y = a − b;  da += Σ_broadcast dy,  db −= Σ_broadcast dy */
static void sub_backward(amem__graph *g, amem__node *y) { (void)g; bcast_backward(SUB, y); }
/* y = a ⊙ b;  da += Σ_broadcast dy⊙b,  db += Σ_broadcast dy⊙a */
static void mul_backward(amem__graph *g, amem__node *y) { (void)g; bcast_backward(MUL, y); }

static const amem__op add_op = {"add", add_backward};
static const amem__op sub_op = {"sub", sub_backward};
static const amem__op mul_op = {"mul", mul_backward};

static amem__node *bcast_build(amem__graph *g, const amem__op *op, int kind,
                               amem__node *a, amem__node *b)
{
    if (!amem__inputs_ok(g, op->name, 2, a, b, NULL))
        return NULL;
    bcast p;
    if (plan_make(a, b, &p) != 0) {
        char sa[64], sb[64];
        amem__graph_fail(g, AMEM_E_DIM, "%s: shapes %s and %s do not broadcast",
                         op->name, amem__shape_str(a, sa), amem__shape_str(b, sb));
        return NULL;
    }
    /* Output shape: the larger rank, the larger extent per aligned dim. */
    int ndim = a->ndim > b->ndim ? a->ndim : b->ndim, shape[4];
    int ea[4], eb[4];
    pad4(a, ea);
    pad4(b, eb);
    for (int d = 0; d < ndim; d++) {
        int i = 4 - ndim + d;
        shape[d] = ea[i] > eb[i] ? ea[i] : eb[i];
    }
    amem__node *y = amem__node_make(g, op, ndim, shape, 2, a, b, NULL);
    if (y == NULL)
        return NULL;
    size_t n = p.out[3];
    for (size_t row = 0, rows = plan_rows(&p); row < rows; row++) {
        size_t oa, ob;
        row_offsets(&p, row, &oa, &ob);
        row_forward(kind, y->val + row * n, a->val + oa, p.sa[3], b->val + ob,
                    p.sb[3], n);
    }
    return y;
}

amem__node *amem__add(amem__graph *g, amem__node *a, amem__node *b)
{
    return bcast_build(g, &add_op, ADD, a, b);
}

amem__node *amem__sub(amem__graph *g, amem__node *a, amem__node *b)
{
    return bcast_build(g, &sub_op, SUB, a, b);
}

amem__node *amem__mul(amem__graph *g, amem__node *a, amem__node *b)
{
    return bcast_build(g, &mul_op, MUL, a, b);
}

/* y = c·x;  dx += c·dy */
static void scale_backward(amem__graph *g, amem__node *y)
{
    (void)g;
    float c = y->farg[0], *gx = y->in[0]->grad;
    for (size_t i = 0; i < y->size; i++)
        gx[i] += c * y->grad[i];
}

static const amem__op scale_op = {"scale", scale_backward};

static amem__node *const_build(amem__graph *g, const amem__op *op,
                               amem__node *x, float c)
{
    if (!amem__inputs_ok(g, op->name, 1, x, NULL, NULL))
        return NULL;
    if (!isfinite(c)) {
        amem__graph_fail(g, AMEM_E_ARG, "%s: constant %g is not finite", op->name,
                         (double)c);
        return NULL;
    }
    amem__node *y = amem__node_make(g, op, x->ndim, x->shape, 1, x, NULL, NULL);
    if (y != NULL)
        y->farg[0] = c;
    return y;
}

amem__node *amem__scale(amem__graph *g, amem__node *x, float c)
{
    amem__node *y = const_build(g, &scale_op, x, c);
    if (y != NULL)
        for (size_t i = 0; i < y->size; i++)
            y->val[i] = c * x->val[i];
    return y;
}


/*
 * Suite "ops": forward values against hand-computed results, gradients
 * against central differences, and shape/argument errors for every op in
 * src/core/ops.h.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "assocmem/common.h"
#include "engine/ops.h"
#include "testutil.h"
#include "testutil_grad.h"

#define GRAD_TOL 2e-3 /* observed errors stay below 2e-4 */

/* ---- gradient-check plumbing ---------------------------------------------- */

enum kind {
    K_MATMUL, K_ADD, K_SUB, K_MUL, K_SCALE, K_SUM, K_ROW_SUM, K_EXP, K_RELU,
    K_LEAKY, K_SIGMOID, K_TANH, K_SOFTMAX, K_L2N, K_CONCAT, K_RESHAPE,
    K_BLEND, K_MSE, K_L1, K_BCE_LOGITS, K_KL
};

typedef struct opcase {
    enum kind kind;
    float arg;        /* scalar argument (β, slope, c, eps) */
    int i0, i1;       /* integer arguments (transposes, dim, reduction) */
    int ndim;         /* reshape target / blend mask shape */
    int shape[AMEM__MAX_DIMS];
    const float *mask;
} opcase;

static amem__node *build_case(amem__graph *g, amem__node **in, void *ctx)
{
    const opcase *c = ctx;
    switch (c->kind) {
    case K_MATMUL: return amem__matmul(g, in[0], in[1], c->i0, c->i1);
    case K_ADD: return amem__add(g, in[0], in[1]);
    case K_SUB: return amem__sub(g, in[0], in[1]);
    case K_MUL: return amem__mul(g, in[0], in[1]);
    case K_SCALE: return amem__scale(g, in[0], c->arg);
    case K_SUM: return amem__sum(g, in[0]);
    case K_ROW_SUM: return amem__row_sum(g, in[0]);
    case K_EXP: return amem__exp(g, in[0]);
    case K_RELU: return amem__relu(g, in[0]);
    case K_LEAKY: return amem__leaky_relu(g, in[0], c->arg);
    case K_SIGMOID: return amem__sigmoid(g, in[0]);
    case K_TANH: return amem__tanh(g, in[0]);
    case K_SOFTMAX: return amem__softmax(g, in[0], c->arg);
    case K_L2N: return amem__l2_normalize(g, in[0], c->arg);
    case K_CONCAT: return amem__concat(g, in[0], in[1], c->i0);
    case K_RESHAPE: return amem__reshape(g, in[0], c->ndim, c->shape);
    case K_BLEND:
        return amem__blend(g, amem__constant(g, c->mask, c->ndim, c->shape),
                           in[0], in[1]);
    case K_MSE: return amem__mse(g, in[0], in[1], c->i0);
    case K_L1: return amem__l1(g, in[0], in[1], c->i0);
    case K_BCE_LOGITS: return amem__bce_logits(g, in[0], in[1], c->i0);
    case K_KL: return amem__gauss_kl(g, in[0], in[1]);
    }
    return NULL;
}

static size_t prod(int ndim, const int *shape)
{
    size_t n = 1;
    for (int d = 0; d < ndim; d++)
        n *= (size_t)shape[d];
    return n;
}

static amem_test_input input(int ndim, const int *shape, float lo, float hi,
                             uint64_t seed)
{
    amem_test_input in = {.ndim = ndim};
    memcpy(in.shape, shape, (size_t)ndim * sizeof *shape);
    size_t n = prod(ndim, shape);
    in.values = malloc(n * sizeof(float));
    ck_assert_ptr_nonnull(in.values);
    amem_test_fill_uniform(in.values, n, lo, hi, seed);
    return in;
}

/* Move x away from ref (a kink) by at least 0.05. */
static void keep_away(float *x, const float *ref, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (fabsf(x[i] - (ref ? ref[i] : 0.0f)) < 0.05f)
            x[i] = (ref ? ref[i] : 0.0f) + 0.1f;
}

static void assert_grad(opcase c, int nin, amem_test_input *in, double eps)
{
    double err = amem_test_gradcheck(build_case, &c, nin, in, eps);
    ck_assert_msg(err < GRAD_TOL, "op %d (arg %g, i0 %d, i1 %d): gradient error %g",
                  c.kind, (double)c.arg, c.i0, c.i1, err);
    for (int i = 0; i < nin; i++)
        free(in[i].values);
}

static void grad1(opcase c, int ndim, const int *shape, float lo, float hi,
                  double eps)
{
    amem_test_input in[1] = {input(ndim, shape, lo, hi, 11)};
    if (c.kind == K_RELU || c.kind == K_LEAKY)
        keep_away(in[0].values, NULL, prod(ndim, shape));
    assert_grad(c, 1, in, eps);
}

static void grad2(opcase c, int na, const int *sa, int nb, const int *sb,
                  float lo, float hi, double eps)
{
    amem_test_input in[2] = {input(na, sa, lo, hi, 21), input(nb, sb, lo, hi, 22)};
    assert_grad(c, 2, in, eps);
}

/* ---- forward helpers -------------------------------------------------------- */

static amem__graph *graph(void)
{
    amem__graph *g = amem__graph_create(1 << 16);
    ck_assert_ptr_nonnull(g);
    return g;
}

static amem__node *var(amem__graph *g, const float *v, int ndim, const int *shape)
{
    amem__node *n = amem__variable(g, v, ndim, shape);
    ck_assert_ptr_nonnull(n);
    return n;
}

static void assert_vals(const amem__node *n, const float *want, size_t count,
                        double tol)
{
    ck_assert_ptr_nonnull(n);
    ck_assert_uint_eq(n->size, count);
    for (size_t i = 0; i < count; i++)
        ck_assert_msg(fabs((double)n->val[i] - want[i]) <= tol,
                      "element %zu: %.9g, want %.9g", i, (double)n->val[i],
                      (double)want[i]);
}

static void assert_shape(const amem__node *n, int ndim, const int *shape)
{
    ck_assert_ptr_nonnull(n);
    ck_assert_int_eq(n->ndim, ndim);
    for (int d = 0; d < ndim; d++)
        ck_assert_int_eq(n->shape[d], shape[d]);
}

#define S(...) ((int[]){__VA_ARGS__})
#define F(...) ((float[]){__VA_ARGS__})

/* ---- matmul ----------------------------------------------------------------- */

START_TEST(matmul_forward_with_transposes)
{
    amem__graph *g = graph();
    /* A = [[1,2,3],[4,5,6]], B = [[1,0],[0,1],[1,1]]: A·B = [[4,5],[10,11]] */
    amem__node *a = var(g, F(1, 2, 3, 4, 5, 6), 2, S(2, 3));
    amem__node *b = var(g, F(1, 0, 0, 1, 1, 1), 2, S(3, 2));
    amem__node *bt = var(g, F(1, 0, 1, 0, 1, 1), 2, S(2, 3));
    amem__node *at = var(g, F(1, 4, 2, 5, 3, 6), 2, S(3, 2));
    float want[4] = {4, 5, 10, 11};
    assert_vals(amem__matmul(g, a, b, 0, 0), want, 4, 0);
    assert_vals(amem__matmul(g, a, bt, 0, 1), want, 4, 0);
    assert_vals(amem__matmul(g, at, b, 1, 0), want, 4, 0);
    assert_vals(amem__matmul(g, at, bt, 1, 1), want, 4, 0);
    /* Aᵀ·A is 3×3; its [0][0] entry is 1+16. */
    amem__node *ata = amem__matmul(g, a, a, 1, 0);
    assert_shape(ata, 2, S(3, 3));
    ck_assert(ata->val[0] == 17.0f);
    ck_assert_int_eq(g->status, AMEM_OK);
    amem__graph_free(g);
}
END_TEST

START_TEST(matmul_gradients)
{
    for (int ta = 0; ta < 2; ta++)
        for (int tb = 0; tb < 2; tb++) {
            opcase c = {.kind = K_MATMUL, .i0 = ta, .i1 = tb};
            /* op(A) 3×4, op(B) 4×2 */
            grad2(c, 2, ta ? S(4, 3) : S(3, 4), 2, tb ? S(2, 4) : S(4, 2), -1, 1, 1e-2);
        }
}
END_TEST

START_TEST(matmul_skips_constant_inputs)
{
    amem__graph *g = graph();
    amem__node *a = var(g, F(1, 2, 3, 4), 2, S(2, 2));
    amem__node *b = amem__constant(g, F(1, 1, 0, 2), 2, S(2, 2));
    amem__node *c = amem__matmul(g, a, b, 0, 0);
    ck_assert_ptr_null(b->grad);
    AMEM_ASSERT_OK(amem__backward(g, amem__sum(g, c), NULL));
    /* d Σ(A·B) / dA_ij = Σ_k B_jk: rows of B sum to 2 and 2. */
    for (int i = 0; i < 4; i++)
        ck_assert(a->grad[i] == 2.0f);
    amem__graph_free(g);
}
END_TEST

START_TEST(matmul_shape_errors)
{
    amem__graph *g = graph();
    amem__node *a = var(g, F(1, 2, 3, 4, 5, 6), 2, S(2, 3));
    ck_assert_ptr_null(amem__matmul(g, a, a, 0, 0));
    ck_assert_int_eq(g->status, AMEM_E_DIM);
    ck_assert_ptr_nonnull(strstr(g->error, "[2,3]"));
    amem__graph_reset(g);
    a = var(g, F(1, 2, 3, 4, 5, 6), 2, S(2, 3));
    amem__node *v = var(g, F(1, 2, 3), 1, S(3));
    ck_assert_ptr_null(amem__matmul(g, a, v, 0, 0));
    ck_assert_int_eq(g->status, AMEM_E_DIM);
    amem__graph_reset(g);
    ck_assert_ptr_null(amem__matmul(g, NULL, NULL, 0, 0));
    ck_assert_int_eq(g->status, AMEM_E_NULL);
    amem__graph_free(g);
}
END_TEST

/* ---- broadcasting arithmetic ------------------------------------------------ */

START_TEST(broadcast_forward_values)
{
    amem__graph *g = graph();
    amem__node *m = var(g, F(1, 2, 3, 4, 5, 6), 2, S(2, 3));
    amem__node *row = var(g, F(10, 20, 30), 1, S(3));
    amem__node *row2 = var(g, F(10, 20, 30), 2, S(1, 3));
    amem__node *col = var(g, F(100, 200), 2, S(2, 1));
    amem__node *one = var(g, F(2), 1, S(1));
    assert_vals(amem__add(g, m, row), F(11, 22, 33, 14, 25, 36), 6, 0);
    assert_vals(amem__add(g, row2, m), F(11, 22, 33, 14, 25, 36), 6, 0);
    assert_vals(amem__sub(g, m, col), F(-99, -98, -97, -196, -195, -194), 6, 0);
    assert_vals(amem__sub(g, one, m), F(1, 0, -1, -2, -3, -4), 6, 0);
    assert_vals(amem__mul(g, m, one), F(2, 4, 6, 8, 10, 12), 6, 0);
    assert_vals(amem__mul(g, col, row), F(1000, 2000, 3000, 2000, 4000, 6000), 6, 0);
    assert_shape(amem__mul(g, col, row), 2, S(2, 3));
    assert_shape(amem__add(g, row, m), 2, S(2, 3));
    assert_vals(amem__scale(g, m, -0.5f), F(-0.5f, -1, -1.5f, -2, -2.5f, -3), 6, 0);
    ck_assert_int_eq(g->status, AMEM_OK);
    amem__graph_free(g);
}
END_TEST

/* Pairs of shapes that broadcast, per case: rank and extents of a and b. */
static const struct { int na, sa[4], nb, sb[4]; } bshapes[] = {
    {2, {3, 4}, 2, {3, 4}},    {2, {3, 4}, 2, {1, 4}}, {2, {3, 4}, 1, {4}},
    {2, {3, 4}, 2, {3, 1}},    {2, {3, 4}, 1, {1}},    {1, {4}, 2, {3, 4}},
    {2, {3, 1}, 2, {1, 4}},    {3, {2, 3, 4}, 2, {3, 1}}, {1, {1}, 3, {2, 1, 3}},
    {4, {2, 1, 3, 2}, 3, {4, 1, 2}},
};

START_TEST(broadcast_gradients)
{
    enum kind kinds[3] = {K_ADD, K_SUB, K_MUL};
    for (size_t s = 0; s < sizeof bshapes / sizeof bshapes[0]; s++)
        for (int k = 0; k < 3; k++) {
            opcase c = {.kind = kinds[k]};
            grad2(c, bshapes[s].na, bshapes[s].sa, bshapes[s].nb, bshapes[s].sb,
                  -1, 1, 1e-2);
        }
}
END_TEST

START_TEST(scale_gradients)
{
    grad1((opcase){.kind = K_SCALE, .arg = -1.5f}, 2, S(2, 3), -1, 1, 1e-2);
}
END_TEST

START_TEST(shared_input_accumulates)
{
    amem__graph *g = graph();
    amem__node *x = var(g, F(1, -2, 3), 1, S(3));
    /* y = Σ x⊙x + x: dy/dx = 2x + 1 */
    amem__node *y = amem__sum(g, amem__add(g, amem__mul(g, x, x), x));
    AMEM_ASSERT_OK(amem__backward(g, y, NULL));
    ck_assert(x->grad[0] == 3.0f && x->grad[1] == -3.0f && x->grad[2] == 7.0f);
    amem__graph_free(g);
}
END_TEST

START_TEST(arith_errors)
{
    amem__graph *g = graph();
    amem__node *a = var(g, F(1, 2, 3, 4, 5, 6), 2, S(2, 3));
    amem__node *b = var(g, F(1, 2), 1, S(2));
    ck_assert_ptr_null(amem__add(g, a, b));
    ck_assert_int_eq(g->status, AMEM_E_DIM);
    ck_assert_ptr_nonnull(strstr(g->error, "do not broadcast"));
    /* The first error wins; later builders return NULL without work. */
    ck_assert_ptr_null(amem__scale(g, a, 2.0f));
    ck_assert_ptr_nonnull(strstr(g->error, "do not broadcast"));
    amem__graph_reset(g);
    a = var(g, F(1, 2, 3, 4, 5, 6), 2, S(2, 3));
    ck_assert_ptr_null(amem__scale(g, a, NAN));
    ck_assert_int_eq(g->status, AMEM_E_ARG);
    amem__graph_reset(g);
    ck_assert_ptr_null(amem__mul(g, NULL, a));
    ck_assert_int_eq(g->status, AMEM_E_NULL);
    amem__graph_free(g);
}
END_TEST

/* ---- reductions ------------------------------------------------------------- */

START_TEST(reduction_forward_values)
{
    amem__graph *g = graph();
    amem__node *m = var(g, F(1, 2, 3, 4, 5, 6), 2, S(2, 3));
    assert_vals(amem__sum(g, m), F(21), 1, 0);
    amem__node *rs = amem__row_sum(g, m);
    assert_vals(rs, F(6, 15), 2, 0);
    assert_shape(rs, 2, S(2, 1));
    amem__node *v = var(g, F(1, 2, 3), 1, S(3));
    amem__node *vs = amem__row_sum(g, v);
    assert_shape(vs, 1, S(1));
    assert_vals(vs, F(6), 1, 0);
    ck_assert_int_eq(g->status, AMEM_OK);
    amem__graph_free(g);
}
END_TEST

START_TEST(reduction_gradients)
{
    enum kind kinds[2] = {K_SUM, K_ROW_SUM};
    for (int k = 0; k < 2; k++) {
        grad1((opcase){.kind = kinds[k]}, 2, S(3, 4), -1, 1, 1e-2);
        grad1((opcase){.kind = kinds[k]}, 3, S(2, 3, 2), -1, 1, 1e-2);
    }
}
END_TEST

/* ---- elementwise functions -------------------------------------------------- */

START_TEST(unary_forward_values)
{
    amem__graph *g = graph();
    amem__node *x = var(g, F(-2, 0, 1.5f), 1, S(3));
    assert_vals(amem__exp(g, x), F(expf(-2), 1, expf(1.5f)), 3, 1e-6);
    assert_vals(amem__relu(g, x), F(0, 0, 1.5f), 3, 0);
    assert_vals(amem__leaky_relu(g, x, 0.1f), F(-0.2f, 0, 1.5f), 3, 1e-7);
    assert_vals(amem__sigmoid(g, x), F(0.11920292f, 0.5f, 0.81757448f), 3, 1e-7);
    assert_vals(amem__tanh(g, x), F(-0.96402758f, 0, 0.90514825f), 3, 1e-7);
    ck_assert_int_eq(g->status, AMEM_OK);
    amem__graph_free(g);
}
END_TEST

START_TEST(unary_stable_at_extremes)
{
    amem__graph *g = graph();
    amem__node *x = var(g, F(-100, 100, -1000, 1000), 1, S(4));
    amem__node *sg = amem__sigmoid(g, x);
    ck_assert(sg->val[0] >= 0.0f && sg->val[0] < 1e-40f);
    ck_assert(sg->val[1] == 1.0f && sg->val[2] == 0.0f && sg->val[3] == 1.0f);
    AMEM_ASSERT_OK(amem__backward(g, amem__sum(g, sg), NULL));
    /* dσ/dx = σ(1 − σ): finite, zero where σ saturates */
    for (int i = 0; i < 4; i++)
        ck_assert(isfinite(x->grad[i]) && x->grad[i] >= 0.0f && x->grad[i] < 1e-40f);
    amem__graph_free(g);
}
END_TEST

START_TEST(unary_gradients)
{
    int shape[2] = {3, 4};
    grad1((opcase){.kind = K_EXP}, 2, shape, -2, 2, 1e-3);
    grad1((opcase){.kind = K_RELU}, 2, shape, -1, 1, 1e-2);
    grad1((opcase){.kind = K_LEAKY, .arg = 0.2f}, 2, shape, -1, 1, 1e-2);
    grad1((opcase){.kind = K_SIGMOID}, 2, shape, -4, 4, 1e-2);
    grad1((opcase){.kind = K_TANH}, 2, shape, -2, 2, 1e-2);
}
END_TEST

START_TEST(unary_argument_errors)
{
    amem__graph *g = graph();
    amem__node *x = var(g, F(1, 2), 1, S(2));
    ck_assert_ptr_null(amem__leaky_relu(g, x, NAN));
    ck_assert_int_eq(g->status, AMEM_E_ARG);
    amem__graph_reset(g);
    ck_assert_ptr_null(amem__tanh(g, NULL));
    ck_assert_int_eq(g->status, AMEM_E_NULL);
    amem__graph_free(g);
}
END_TEST

/* ---- softmax ------------------------------------------------------------------ */

START_TEST(softmax_forward_values)
{
    amem__graph *g = graph();
    amem__node *x = var(g, F(0, 1.0986123f, 1000, 1000, -5, -5), 2, S(3, 2));
    /* rows: [0, log 3] -> [1/4, 3/4]; huge equal entries -> halves, no overflow */
    assert_vals(amem__softmax(g, x, 1), F(0.25f, 0.75f, 0.5f, 0.5f, 0.5f, 0.5f), 6, 1e-6);
    /* β = 2: [0, log 3] -> [1/10, 9/10] */
    assert_vals(amem__softmax(g, x, 2), F(0.1f, 0.9f, 0.5f, 0.5f, 0.5f, 0.5f), 6, 1e-6);
    ck_assert_int_eq(g->status, AMEM_OK);
    amem__graph_free(g);
}
END_TEST

START_TEST(softmax_gradients)
{
    float betas[3] = {1.0f, 2.5f, -0.7f};
    for (int b = 0; b < 3; b++) {
        grad1((opcase){.kind = K_SOFTMAX, .arg = betas[b]}, 2, S(3, 5), -2, 2, 1e-3);
    }
    grad1((opcase){.kind = K_SOFTMAX, .arg = 1}, 3, S(2, 2, 3), -2, 2, 1e-3);
}
END_TEST

START_TEST(softmax_argument_errors)
{
    amem__graph *g = graph();
    amem__node *x = var(g, F(1, 2), 1, S(2));
    ck_assert_ptr_null(amem__softmax(g, x, INFINITY));
    ck_assert_int_eq(g->status, AMEM_E_ARG);
    amem__graph_free(g);
}
END_TEST

/* ---- L2 normalisation -------------------------------------------------------- */

START_TEST(l2_normalize_values_and_zero_row)
{
    amem__graph *g = graph();
    amem__node *x = var(g, F(3, 4, 0, 0, 1e-8f, 0), 2, S(3, 2));
    amem__node *y = amem__l2_normalize(g, x, 1e-6f);
    /* the zero row stays zero; a tiny row is divided by eps, not its norm */
    assert_vals(y, F(0.6f, 0.8f, 0, 0, 0.01f, 0), 6, 1e-7);
    float seed[6] = {1, 0, 1, 1, 1, 0};
    AMEM_ASSERT_OK(amem__backward(g, y, seed));
    /* unit row: (I − yyᵀ)/‖x‖ applied to e1 = [1−0.36, −0.48]/5 */
    ck_assert(fabsf(x->grad[0] - 0.128f) < 1e-6f && fabsf(x->grad[1] + 0.096f) < 1e-6f);
    /* guarded rows: dx = dy/eps, finite */
    ck_assert(x->grad[2] == 1e6f && x->grad[3] == 1e6f && x->grad[4] == 1e6f);
    ck_assert(x->grad[5] == 0.0f);
    amem__graph_free(g);
}
END_TEST

START_TEST(l2_normalize_gradients)
{
    grad1((opcase){.kind = K_L2N, .arg = 1e-12f}, 2, S(3, 4), -1, 1, 1e-3);
    grad1((opcase){.kind = K_L2N, .arg = 1e-12f}, 3, S(2, 2, 3), -1, 1, 1e-3);
    /* every row below eps: the linear branch */
    grad1((opcase){.kind = K_L2N, .arg = 10.0f}, 2, S(2, 3), -1, 1, 1e-2);
}
END_TEST

START_TEST(l2_normalize_argument_errors)
{
    amem__graph *g = graph();
    amem__node *x = var(g, F(1, 2), 1, S(2));
    ck_assert_ptr_null(amem__l2_normalize(g, x, 0));
    ck_assert_int_eq(g->status, AMEM_E_ARG);
    amem__graph_free(g);
}
END_TEST

/* ---- concat, reshape, blend ---------------------------------------------------- */

START_TEST(concat_and_reshape_values)
{
    amem__graph *g = graph();
    amem__node *a = var(g, F(1, 2, 3, 4), 2, S(2, 2));
    amem__node *b = var(g, F(5, 6), 2, S(1, 2));
    amem__node *c = var(g, F(7, 8), 2, S(2, 1));
    amem__node *rows = amem__concat(g, a, b, 0);
    assert_shape(rows, 2, S(3, 2));
    assert_vals(rows, F(1, 2, 3, 4, 5, 6), 6, 0);
    amem__node *cols = amem__concat(g, a, c, -1);
    assert_shape(cols, 2, S(2, 3));
    assert_vals(cols, F(1, 2, 7, 3, 4, 8), 6, 0);
    amem__node *r = amem__reshape(g, cols, 3, S(3, 1, 2));
    assert_shape(r, 3, S(3, 1, 2));
    assert_vals(r, F(1, 2, 7, 3, 4, 8), 6, 0);
    ck_assert_int_eq(g->status, AMEM_OK);
    amem__graph_free(g);
}
END_TEST

START_TEST(concat_and_reshape_gradients)
{
    grad2((opcase){.kind = K_CONCAT, .i0 = 0}, 2, S(2, 3), 2, S(1, 3), -1, 1, 1e-2);
    grad2((opcase){.kind = K_CONCAT, .i0 = 1}, 2, S(2, 3), 2, S(2, 2), -1, 1, 1e-2);
    grad2((opcase){.kind = K_CONCAT, .i0 = 1}, 3, S(2, 1, 2), 3, S(2, 3, 2), -1, 1, 1e-2);
    grad2((opcase){.kind = K_CONCAT, .i0 = -1}, 3, S(2, 2, 1), 3, S(2, 2, 3), -1, 1, 1e-2);
    grad1((opcase){.kind = K_RESHAPE, .ndim = 1, .shape = {6}}, 2, S(2, 3), -1, 1, 1e-2);
}
END_TEST

START_TEST(concat_and_reshape_errors)
{
    amem__graph *g = graph();
    amem__node *a = var(g, F(1, 2, 3, 4), 2, S(2, 2));
    amem__node *b = var(g, F(5, 6, 7), 2, S(1, 3));
    ck_assert_ptr_null(amem__concat(g, a, b, 0));
    ck_assert_int_eq(g->status, AMEM_E_DIM);
    amem__graph_reset(g);
    a = var(g, F(1, 2, 3, 4), 2, S(2, 2));
    ck_assert_ptr_null(amem__concat(g, a, a, 2));
    ck_assert_int_eq(g->status, AMEM_E_ARG);
    amem__graph_reset(g);
    a = var(g, F(1, 2, 3, 4), 2, S(2, 2));
    ck_assert_ptr_null(amem__concat(g, a, a, -3));
    ck_assert_int_eq(g->status, AMEM_E_ARG);
    amem__graph_reset(g);
    a = var(g, F(1, 2, 3, 4), 2, S(2, 2));
    b = var(g, F(1, 2), 1, S(2));
    ck_assert_ptr_null(amem__concat(g, a, b, 0));
    ck_assert_int_eq(g->status, AMEM_E_DIM);
    amem__graph_reset(g);
    a = var(g, F(1, 2, 3, 4), 2, S(2, 2));
    ck_assert_ptr_null(amem__reshape(g, a, 1, S(5)));
    ck_assert_int_eq(g->status, AMEM_E_DIM);
    amem__graph_reset(g);
    a = var(g, F(1, 2, 3, 4), 2, S(2, 2));
    ck_assert_ptr_null(amem__reshape(g, a, 5, S(1, 1, 1, 2, 2)));
    ck_assert_int_eq(g->status, AMEM_E_DIM);
    amem__graph_reset(g);
    a = var(g, F(1, 2, 3, 4), 2, S(2, 2));
    ck_assert_ptr_null(amem__reshape(g, a, 1, NULL));
    ck_assert_int_eq(g->status, AMEM_E_NULL);
    amem__graph_free(g);
}
END_TEST

START_TEST(blend_clamps_exactly)
{
    amem__graph *g = graph();
    amem__node *m = amem__constant(g, F(1, 0, 1, 0.25f), 1, S(4));
    amem__node *a = var(g, F(0.1f, 0.2f, 0.3f, 4), 1, S(4));
    amem__node *b = var(g, F(9, 8, 7, 8), 1, S(4));
    amem__node *y = amem__blend(g, m, a, b);
    assert_vals(y, F(0.1f, 8, 0.3f, 7), 4, 0);
    AMEM_ASSERT_OK(amem__backward(g, amem__sum(g, y), NULL));
    ck_assert(a->grad[0] == 1 && a->grad[1] == 0 && a->grad[3] == 0.25f);
    ck_assert(b->grad[0] == 0 && b->grad[1] == 1 && b->grad[3] == 0.75f);
    amem__graph_free(g);
}
END_TEST

START_TEST(blend_gradients)
{
    opcase c = {.kind = K_BLEND, .ndim = 2, .shape = {2, 3},
                .mask = F(1, 0, 0.3f, 0, 1, 0.5f)};
    grad2(c, 2, S(2, 3), 2, S(2, 3), -1, 1, 1e-2);
}
END_TEST

START_TEST(blend_errors)
{
    amem__graph *g = graph();
    amem__node *m = amem__constant(g, F(1, 0), 1, S(2));
    amem__node *a = var(g, F(1, 2), 1, S(2));
    amem__node *b = var(g, F(1, 2, 3), 1, S(3));
    ck_assert_ptr_null(amem__blend(g, m, a, b));
    ck_assert_int_eq(g->status, AMEM_E_DIM);
    amem__graph_reset(g);
    a = var(g, F(1, 2), 1, S(2));
    ck_assert_ptr_null(amem__blend(g, a, a, a)); /* mask with a gradient */
    ck_assert_int_eq(g->status, AMEM_E_ARG);
    amem__graph_reset(g);
    a = var(g, F(1, 2), 1, S(2));
    ck_assert_ptr_null(amem__blend(g, NULL, a, a));
    ck_assert_int_eq(g->status, AMEM_E_NULL);
    amem__graph_free(g);
}
END_TEST

/* ---- losses ------------------------------------------------------------------- */

START_TEST(loss_forward_values)
{
    amem__graph *g = graph();
    amem__node *p = var(g, F(1, 2, 3, 4), 2, S(2, 2));
    amem__node *t = var(g, F(0, 2, 5, 3), 2, S(2, 2));
    /* differences 1, 0, −2, 1 */
    assert_vals(amem__mse(g, p, t, AMEM__REDUCE_MEAN), F(1.5f), 1, 0);
    assert_vals(amem__mse(g, p, t, AMEM__REDUCE_SUM), F(6), 1, 0);
    assert_vals(amem__l1(g, p, t, AMEM__REDUCE_MEAN), F(1), 1, 0);
    assert_vals(amem__l1(g, p, t, AMEM__REDUCE_SUM), F(4), 1, 0);

    amem__node *y = var(g, F(1, 0, 1, 1), 1, S(4));

    amem__node *z = var(g, F(0, 2, -100, 100), 1, S(4));
    /* log 2, log(1+e²) − 0 (t=0), 100 (t=1, z=−100), 0 (t=1, z=100) */
    float bcel = 0.69314718f + 2.12692801f + 100.0f;
    assert_vals(amem__bce_logits(g, z, y, AMEM__REDUCE_SUM), F(bcel), 1, 1e-4);

    amem__node *mu = var(g, F(0, 1, 0, 0), 2, S(2, 2));
    amem__node *lv = var(g, F(0, 0, 0.6931472f, 0), 2, S(2, 2));
    /* per latent: ½(μ² + σ² − 1 − logσ²): 0, ½, ½(2 − 1 − log 2), 0; batch mean over 2 */
    assert_vals(amem__gauss_kl(g, mu, lv), F((0.5f + 0.5f * (1 - 0.6931472f)) / 2), 1, 1e-6);
    ck_assert_int_eq(g->status, AMEM_OK);
    amem__graph_free(g);
}
END_TEST

START_TEST(loss_gradients)
{
    for (int red = 0; red < 2; red++) {
        grad2((opcase){.kind = K_MSE, .i0 = red}, 2, S(3, 4), 2, S(3, 4), -1, 1, 1e-2);
        grad2((opcase){.kind = K_BCE_LOGITS, .i0 = red}, 2, S(3, 4), 2, S(3, 4), -3, 3, 1e-2);
        amem_test_input in[2] = {input(2, S(3, 4), -1, 1, 31), input(2, S(3, 4), -1, 1, 32)};
        keep_away(in[1].values, in[0].values, 12);
        assert_grad((opcase){.kind = K_L1, .i0 = red}, 2, in, 1e-2);
    }
    grad2((opcase){.kind = K_KL}, 2, S(3, 4), 2, S(3, 4), -1, 1, 1e-2);
    grad2((opcase){.kind = K_KL}, 1, S(5), 1, S(5), -1, 1, 1e-2);
}
END_TEST

START_TEST(loss_errors)
{
    amem__graph *g = graph();
    amem__node *p = var(g, F(1, 2, 3, 4), 2, S(2, 2));
    amem__node *t = var(g, F(1, 2, 3, 4), 1, S(4));
    ck_assert_ptr_null(amem__mse(g, p, t, AMEM__REDUCE_MEAN));
    ck_assert_int_eq(g->status, AMEM_E_DIM);
    amem__graph_reset(g);
    p = var(g, F(1, 2, 3, 4), 2, S(2, 2));
    ck_assert_ptr_null(amem__l1(g, p, p, 7));
    ck_assert_int_eq(g->status, AMEM_E_ARG);
    amem__graph_reset(g);
    p = var(g, F(1, 2, 3, 4), 2, S(2, 2));
    t = var(g, F(1, 2), 2, S(1, 2));
    ck_assert_ptr_null(amem__gauss_kl(g, p, t));
    ck_assert_int_eq(g->status, AMEM_E_DIM);
    amem__graph_reset(g);
    ck_assert_ptr_null(amem__bce_logits(g, p = var(g, F(1), 1, S(1)), NULL, AMEM__REDUCE_SUM));
    ck_assert_int_eq(g->status, AMEM_E_NULL);
    amem__graph_free(g);
}
END_TEST

Suite *amem_suite_ops(void)
{
    Suite *s = suite_create("ops");
    TCase *tc = tcase_create("ops");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, matmul_forward_with_transposes);
    tcase_add_test(tc, matmul_gradients);
    tcase_add_test(tc, matmul_skips_constant_inputs);
    tcase_add_test(tc, matmul_shape_errors);
    tcase_add_test(tc, broadcast_forward_values);
    tcase_add_test(tc, broadcast_gradients);
    tcase_add_test(tc, scale_gradients);
    tcase_add_test(tc, shared_input_accumulates);
    tcase_add_test(tc, arith_errors);
    tcase_add_test(tc, reduction_forward_values);
    tcase_add_test(tc, reduction_gradients);
    tcase_add_test(tc, unary_forward_values);
    tcase_add_test(tc, unary_stable_at_extremes);
    tcase_add_test(tc, unary_gradients);
    tcase_add_test(tc, unary_argument_errors);
    tcase_add_test(tc, softmax_forward_values);
    tcase_add_test(tc, softmax_gradients);
    tcase_add_test(tc, softmax_argument_errors);
    tcase_add_test(tc, l2_normalize_values_and_zero_row);
    tcase_add_test(tc, l2_normalize_gradients);
    tcase_add_test(tc, l2_normalize_argument_errors);
    tcase_add_test(tc, concat_and_reshape_values);
    tcase_add_test(tc, concat_and_reshape_gradients);
    tcase_add_test(tc, concat_and_reshape_errors);
    tcase_add_test(tc, blend_clamps_exactly);
    tcase_add_test(tc, blend_gradients);
    tcase_add_test(tc, blend_errors);
    tcase_add_test(tc, loss_forward_values);
    tcase_add_test(tc, loss_gradients);
    tcase_add_test(tc, loss_errors);
    suite_add_tcase(s, tc);
    return s;
}

/* Matrix product through cblas_sgemm; see ops.h. */
#include "assocmem/common.h"
#include "core/blas.h"
#include "engine/ops.h"

/* iarg: [0] trans_a, [1] trans_b, [2] m, [3] n, [4] k. */

/* C = op(A)·op(B);  dA += dC·op(B)ᵀ (transposed back when A was),  dB += op(A)ᵀ·dC (likewise) */
static void matmul_backward(amem__graph *g, amem__node *c)
{
    (void)g;
    amem__node *a = c->in[0], *b = c->in[1];
    int ta = c->iarg[0], tb = c->iarg[1];
    int m = c->iarg[2], n = c->iarg[3], k = c->iarg[4];
    int lda = a->shape[1], ldb = b->shape[1];
    if (a->grad != NULL) {
        if (!ta) /* dA[m,k] = dC[m,n]·op(B)ᵀ[n,k] */
            cblas_sgemm(CblasRowMajor, CblasNoTrans, tb ? CblasNoTrans : CblasTrans,
                        m, k, n, 1.0f, c->grad, n, b->val, ldb, 1.0f, a->grad, lda);
        else /* dA[k,m] = op(B)[k,n]·dCᵀ[n,m] */
            cblas_sgemm(CblasRowMajor, tb ? CblasTrans : CblasNoTrans, CblasTrans,
                        k, m, n, 1.0f, b->val, ldb, c->grad, n, 1.0f, a->grad, lda);
    }
    if (b->grad != NULL) {
        if (!tb) /* dB[k,n] = op(A)ᵀ[k,m]·dC[m,n] */
            cblas_sgemm(CblasRowMajor, ta ? CblasNoTrans : CblasTrans, CblasNoTrans,
                        k, n, m, 1.0f, a->val, lda, c->grad, n, 1.0f, b->grad, ldb);
        else /* dB[n,k] = dCᵀ[n,m]·op(A)[m,k] */
            cblas_sgemm(CblasRowMajor, CblasTrans, ta ? CblasTrans : CblasNoTrans,
                        n, k, m, 1.0f, c->grad, n, a->val, lda, 1.0f, b->grad, ldb);
    }
}

static const amem__op matmul_op = {"matmul", matmul_backward};

amem__node *amem__matmul(amem__graph *g, amem__node *a, amem__node *b,
                         int trans_a, int trans_b)
{
    if (!amem__inputs_ok(g, "matmul", 2, a, b, NULL))
        return NULL;
    if (a->ndim != 2 || b->ndim != 2) {
        amem__graph_fail(g, AMEM_E_DIM, "matmul: operands must be 2-D, got rank %d and %d",
                         a->ndim, b->ndim);
        return NULL;
    }
    int m = trans_a ? a->shape[1] : a->shape[0];
    int k = trans_a ? a->shape[0] : a->shape[1];
    int kb = trans_b ? b->shape[1] : b->shape[0];
    int n = trans_b ? b->shape[0] : b->shape[1];
    if (k != kb) {
        char sa[64], sb[64];
        amem__graph_fail(g, AMEM_E_DIM, "matmul: inner extents differ: %s%s · %s%s",
                         amem__shape_str(a, sa), trans_a ? "^T" : "",
                         amem__shape_str(b, sb), trans_b ? "^T" : "");
        return NULL;
    }
    amem__node *c = amem__node_make(g, &matmul_op, 2, (int[]){m, n}, 2, a, b, NULL);
    if (c == NULL)
        return NULL;
    c->iarg[0] = trans_a != 0;
    c->iarg[1] = trans_b != 0;
    c->iarg[2] = m;
    c->iarg[3] = n;
    c->iarg[4] = k;
    cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans,
                trans_b ? CblasTrans : CblasNoTrans, m, n, k, 1.0f, a->val,
                a->shape[1], b->val, b->shape[1], 0.0f, c->val, n);
    return c;
}

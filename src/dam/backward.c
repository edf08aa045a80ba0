/*
 * Hand-derived backward pass through the unrolled dynamics (BPTT), the
 * reverse of dynamics.c, one fused sweep per step. With dv = dL/dv_t for
 * the active rows of step t:
 *   dZ      = eta (1 - clamp) dv            dv_{t-1} <- (1 - eta)(1 - clamp) dv
 *   dU      = dZ (PAPER) or (dZ - Z (Z.dZ)) / ||U|| (REFERENCE, through g)
 *   dF      = dU W_hat^T                    dW_hat += F^T dU
 *   dS      = beta F (dF - (F.dF))          (softmax Jacobian, times beta)
 *   dA      = dS W_hat                      dW_hat += dS^T A
 *   dv_{t-1} += (dA - A (A.dA)) / ||v_{t-1}|| (PAPER, through g) or dA
 * Rows frozen after converging pass their gradient through unchanged; the
 * swaps each step made are undone (in reverse) on dv and the clamp masks
 * before the step is processed.
 */
#include <string.h>

#include "core/blas.h"
#include "dam_impl.h"

static void swap_rows(float *x, size_t i, size_t j, size_t n)
{
    float *a = x + i * n, *b = x + j * n;
    for (size_t k = 0; k < n; k++) {
        float t = a[k];
        a[k] = b[k];
        b[k] = t;
    }
}

static void undo_swaps(amem__dam_run *r, const amem__dam_step *s, float *D)
{
    size_t N = r->cfg.n_vis;
    for (size_t k = s->swap_end; k > s->swap_begin; k--) {
        size_t i = r->swaps[2 * (k - 1)], j = r->swaps[2 * (k - 1) + 1];
        swap_rows(D, i, j, N);
        if (r->clamp)
            swap_rows(r->clamp, i, j, N);
    }
}

/* dZ into G; the direct path into D (in place). */
static void through_blend(const amem__dam_run *r, size_t act, float *D,
                          float *G)
{
    size_t N = r->cfg.n_vis;
    float eta = r->cfg.eta, keep = 1.0f - eta;
    for (size_t i = 0; i < act * N; i++) {
        int clamped = r->clamp && r->clamp[i] != 0.0f;
        G[i] = clamped ? 0.0f : eta * D[i];
        D[i] = clamped ? 0.0f : keep * D[i];
    }
}

/* dS = beta F (dF - rowdot(F, dF)), in place on dF. */
static void through_softmax(const float *F, size_t rows, size_t m,
                            float beta, float *dF)
{
    for (size_t r = 0; r < rows; r++) {
        const float *f = F + r * m;
        float *d = dF + r * m;
        double dot = 0.0;
        for (size_t j = 0; j < m; j++)
            dot += (double)f[j] * d[j];
        for (size_t j = 0; j < m; j++)
            d[j] = beta * f[j] * (d[j] - (float)dot);
    }
}

/* The per-step products F^T dU and dS^T A of dW_hat are staged as rows of
 * P = [F; dS] and Q = [dU; A] and added with one large sgemm per flush. */
typedef struct stage {
    float *P, *Q;  /* rows x M, rows x N */
    size_t rows, cap;
} stage;

static void flush(const amem__dam_run *r, stage *st, float *dwhat)
{
    if (st->rows == 0)
        return;
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)r->cfg.n_hid,
                (int)r->cfg.n_vis, (int)st->rows, 1.0f, st->P,
                (int)r->cfg.n_hid, st->Q, (int)r->cfg.n_vis, 1.0f, dwhat,
                (int)r->cfg.n_vis);
    st->rows = 0;
}

static void step_backward(amem__dam_run *r, const amem__dam_step *s,
                          float *D, float *dwhat, float *DA, stage *st)
{
    size_t N = r->cfg.n_vis, M = r->cfg.n_hid, act = s->active;
    const float *W = r->what;
    if (st->rows + 2 * act > st->cap)
        flush(r, st, dwhat);
    float *G = st->Q + st->rows * N, *DF = st->P + (st->rows + act) * M;
    through_blend(r, act, D, G);
    if (r->cfg.reference)
        amem__dam_normalize_rows_backward(s->z, s->nu, act, N, G);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)act, (int)M,
                (int)N, 1.0f, G, (int)N, W, (int)N, 0.0f, DF, (int)M);
    memcpy(st->P + st->rows * M, s->f, act * M * sizeof(float));
    through_softmax(s->f, act, M, r->cfg.beta, DF);
    memcpy(st->Q + (st->rows + act) * N, s->a, act * N * sizeof(float));
    st->rows += 2 * act;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)act, (int)N,
                (int)M, 1.0f, DF, (int)M, W, (int)N, 0.0f, DA, (int)N);
    if (!r->cfg.reference)
        amem__dam_normalize_rows_backward(s->a, s->nv, act, N, DA);
    for (size_t i = 0; i < act * N; i++)
        D[i] += DA[i];
}

static size_t stage_rows(size_t b)
{
    return 2 * b > AMEM__DAM_STAGE_ROWS ? 2 * b : AMEM__DAM_STAGE_ROWS;
}

size_t amem__dam_backward_floats(size_t b, size_t n, size_t m)
{
    return 2 * b * n + stage_rows(b) * (n + m);
}

void amem__dam_backward(amem__dam_run *r, float *dv, float *dwhat,
                        float *work)
{
    size_t N = r->cfg.n_vis, M = r->cfg.n_hid, b = r->b;
    float *D = work, *DA = work + b * N;
    stage st = {work + 2 * b * N, NULL, 0, stage_rows(b)};
    st.Q = st.P + st.cap * M;
    for (size_t s = 0; s < b; s++)
        memcpy(D + s * N, dv + r->slot[s] * N, N * sizeof(float));
    memset(dwhat, 0, M * N * sizeof(float));
    for (size_t t = r->n_steps; t > 0; t--) {
        const amem__dam_step *s = &r->steps[t - 1];
        undo_swaps(r, s, D);
        step_backward(r, s, D, dwhat, DA, &st);
    }
    flush(r, &st, dwhat);
}

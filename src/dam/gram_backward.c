/*
 * BPTT of the hidden-space PAPER dynamics (gram.h), hand-derived. With
 * adjoints P = dL/dphi_t and Y = dL/dy_t, step t backwards (inputs at t-1
 * from the tape, kappa = (1 - eta)^(t-1), u = q + y + kappa a):
 *   dd      = eta (P + G Y)                 G_bar += eta Y d^T
 *   P      -= dd                            (d = f - phi)
 *   ds      = f (dd - f.dd)                 (softmax, f_bar = dd)
 *   du      = beta ds / nv                  nv_bar = -(ds.s) / nv
 *   q_bar  += du,  Y += du,  a_bar += kappa du
 *   nv^2 = cc + phi.y + 2 kappa phi.a + kappa^2 ce:
 *   P += nv_bar (y + 2 kappa a) / (2 nv),  Y += nv_bar phi / (2 nv),
 *   a_bar += nv_bar kappa phi / nv
 * starting from P = W_hat (e.dv*), Y = 0. Then, over the batch,
 *   dW_hat = phi_T^T (e.dv*) + q_bar^T (c.x~) + a_bar^T (e.x~)
 *            + sum over items of S W_hat diag(e),   S = G_bar + G_bar^T,
 * the last term column by column: dw_j += S w_j for each free j (w_j =
 * column j of W_hat). It is computed on the rows of W_hat^T the item's G
 * was built from (one sgemm of k x M by M x M): + for free rows, or, for
 * an item whose G is W_hat W_hat^T minus its clamped rows, - for those and
 * S added to a sum that meets all of W_hat^T in one sgemm at the end.
 * The work is accumulated transposed (N x M) and added to dW_hat once.
 */
#include <math.h>
#include <string.h>

#include "core/blas.h"
#include "gram.h"

typedef struct back_ws {
    float *P, *Y, *dd, *gy;      /* M each */
    float *ys, *ds;              /* steps x M stacks for G_bar */
    float *gbar, *ssum;          /* M x M: this item's S, sum of S (side -1) */
    float *dsel;                 /* N x M: S times the selected rows */
    float *dwt;                  /* N x M: dW_hat^T */
    float *qbar, *abar, *pbar;   /* b x M */
    float *dve;                  /* b x N */
} back_ws;

static int ws_alloc(const amem__dam_gram *g, amem__arena *ar, back_ws *w)
{
    size_t b = g->b, N = g->cfg.n_vis, M = g->cfg.n_hid;
    size_t steps = (size_t)g->cfg.max_steps;
    float *p = amem__arena_alloc(ar, (4 * M + 2 * steps * M + 2 * M * M +
                                      2 * N * M + 3 * b * M + b * N) *
                                         sizeof(float));
    if (p == NULL)
        return AMEM_E_NOMEM;
    w->P = p;
    w->Y = p + M;
    w->dd = p + 2 * M;
    w->gy = p + 3 * M;
    w->ys = p + 4 * M;
    w->ds = w->ys + steps * M;
    w->gbar = w->ds + steps * M;
    w->ssum = w->gbar + M * M;
    w->dsel = w->ssum + M * M;
    w->dwt = w->dsel + N * M;
    w->qbar = w->dwt + N * M;
    w->abar = w->qbar + b * M;
    w->pbar = w->abar + b * M;
    w->dve = w->pbar + b * M;
    return AMEM_OK;
}

/* One step backwards for item i; rec = tape record of the step's inputs. */
static void step_back(const amem__dam_gram *g, size_t i, const float *G,
                      const float *rec, double kappa, back_ws *w, float *d,
                      float *qbar, float *abar)
{
    size_t M = g->cfg.n_hid;
    const float *phi = rec, *y = rec + M, *f = rec + 2 * M;
    const float *q = g->q + i * M, *a = g->a + i * M;
    double nv = rec[3 * M], eta = g->cfg.eta, beta = g->cfg.beta;
    for (size_t m = 0; m < M; m++)
        d[m] = f[m] - phi[m];
    g->symv(G, M, w->Y, w->gy);
    for (size_t m = 0; m < M; m++) {
        w->dd[m] = (float)(eta * ((double)w->P[m] + w->gy[m]));
        w->P[m] -= w->dd[m];
    }
    double fdd = amem__dam_dot(f, w->dd, M);
    double nvf = nv > AMEM__DAM_EPS ? nv : AMEM__DAM_EPS, inv = 1.0 / nvf;
    double bi = beta * inv, su0 = 0.0, su1 = 0.0;
    float fk = (float)kappa;
    for (size_t m = 0; m < M; m++) {
        double ds = f[m] * (w->dd[m] - fdd);
        double u = (double)q[m] + y[m] + kappa * a[m];
        float du = (float)(bi * ds);
        if (m & 1)
            su1 += ds * u;
        else
            su0 += ds * u;
        qbar[m] += du;
        w->Y[m] += du;
        abar[m] += fk * du;
    }
    double nbar = -bi * inv * (su0 + su1); /* -beta (ds.u) / nv^2 */
    if (!(nv > AMEM__DAM_EPS))
        return; /* below the floor nv is a constant */
    double c = nbar / (2.0 * nv);
    for (size_t m = 0; m < M; m++) {
        w->P[m] += (float)(c * ((double)y[m] + 2.0 * kappa * a[m]));
        w->Y[m] += (float)(c * phi[m]);
        abar[m] += (float)(2.0 * c * kappa * phi[m]);
    }
}

/* S = G_bar + G_bar^T in place (symmetric; twice G_bar on the diagonal). */
static void symmetrize(float *gbar, size_t M)
{
    for (size_t mu = 0; mu < M; mu++)
        for (size_t nu = mu; nu < M; nu++) {
            float s = gbar[mu * M + nu] + gbar[nu * M + mu];
            gbar[mu * M + nu] = gbar[nu * M + mu] = s;
        }
}

/* dW_hat^T rows of item i's G: +-(selected rows) S, S in w->gbar. */
static void gram_rows_back(amem__dam_gram *g, size_t i, back_ws *w)
{
    size_t M = g->cfg.n_hid, k = amem__dam_gram_select(g, i);
    int side = g->side[i];
    if (side < 0)
        for (size_t m = 0; m < M * M; m++)
            w->ssum[m] += w->gbar[m];
    if (k == 0)
        return;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)k, (int)M,
                (int)M, (float)side, g->sel, (int)M, w->gbar, (int)M, 0.0f,
                w->dsel, (int)M);
    for (size_t r = 0; r < k; r++) {
        float *dst = w->dwt + g->rows[r] * M;
        const float *src = w->dsel + r * M;
        for (size_t m = 0; m < M; m++)
            dst[m] += src[m];
    }
}

static void item_back(amem__dam_gram *g, size_t i, back_ws *w)
{
    size_t M = g->cfg.n_hid, S = 3 * M + 1, T = (size_t)g->ran[i];
    const float *G = g->gs + i * M * M;
    double keep = 1.0 - (double)g->cfg.eta;
    memcpy(w->P, w->pbar + i * M, M * sizeof(float));
    memset(w->Y, 0, M * sizeof(float));
    float *qbar = w->qbar + i * M, *abar = w->abar + i * M;
    memset(qbar, 0, M * sizeof(float));
    memset(abar, 0, M * sizeof(float));
    for (size_t t = T; t > 0; t--) {
        memcpy(w->ys + (t - 1) * M, w->Y, M * sizeof(float));
        step_back(g, i, G, g->tape[i] + (t - 1) * S,
                  pow(keep, (double)(t - 1)), w, w->ds + (t - 1) * M, qbar,
                  abar);
    }
    /* G_bar = eta sum_t Y_t d_t^T, Y_t taken before step t went back. */
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)M, (int)M,
                (int)(T ? T : 1), T ? g->cfg.eta : 0.0f, w->ys, (int)M, w->ds,
                (int)M, 0.0f, w->gbar, (int)M);
    symmetrize(w->gbar, M);
    gram_rows_back(g, i, w);
}

/* dW_hat += dW_hat^T transposed, in blocks of 32 x 32. */
static void add_transposed(const float *dwt, size_t N, size_t M, float *dwhat)
{
    for (size_t m0 = 0; m0 < M; m0 += 32)
        for (size_t j0 = 0; j0 < N; j0 += 32)
            for (size_t m = m0; m < M && m < m0 + 32; m++)
                for (size_t j = j0; j < N && j < j0 + 32; j++)
                    dwhat[m * N + j] += dwt[j * M + m];
}

int amem__dam_gram_backward(amem__dam_gram *g, const float *dv, float *dwhat,
                            amem__arena *ar)
{
    size_t b = g->b, N = g->cfg.n_vis, M = g->cfg.n_hid;
    back_ws w;
    if (ws_alloc(g, ar, &w) != AMEM_OK)
        return AMEM_E_NOMEM;
    for (size_t k = 0; k < b * N; k++)
        w.dve[k] = g->efree[k] * dv[k];
    /* v* = ... + e.(W_hat^T phi_T): P_T = W_hat (e.dv*), dW_hat = phi^T e.dv */
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)b, (int)M,
                (int)N, 1.0f, w.dve, (int)N, g->what, (int)N, 0.0f, w.pbar,
                (int)M);
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)M, (int)N,
                (int)b, 1.0f, g->phi, (int)M, w.dve, (int)N, 0.0f, dwhat,
                (int)N);
    memset(w.dwt, 0, N * M * sizeof(float));
    memset(w.ssum, 0, M * M * sizeof(float));
    for (size_t i = 0; i < b; i++)
        item_back(g, i, &w);
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)M, (int)N,
                (int)b, 1.0f, w.qbar, (int)M, g->xc, (int)N, 1.0f, dwhat,
                (int)N);
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)M, (int)N,
                (int)b, 1.0f, w.abar, (int)M, g->xe, (int)N, 1.0f, dwhat,
                (int)N);
    if (g->have_gall) /* items with G = G_all - ...: all rows times sum S */
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)N,
                    (int)M, (int)M, 1.0f, g->wt, (int)M, w.ssum, (int)M,
                    1.0f, w.dwt, (int)M);
    add_transposed(w.dwt, N, M, dwhat);
    return AMEM_OK;
}

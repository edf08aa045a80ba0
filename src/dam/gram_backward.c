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
 *            + sum over pairs (mu <= nu) of T_(mu nu) . w_nu (row mu) and
 *              T_(mu nu) . w_mu (row nu),   T = S^T E  (one sgemm)
 * where S holds each item's G_bar + G_bar^T on the pairs (G_bar on the
 * diagonal) and E the free masks.
 */
#include <math.h>
#include <string.h>

#include "core/blas.h"
#include "gram.h"

typedef struct back_ws {
    float *P, *Y, *dd, *gy;      /* M each */
    float *ys, *ds;              /* steps x M stacks for G_bar */
    float *gbar;                 /* M x M */
    float *sp;                   /* b x pairs */
    float *qbar, *abar, *pbar;   /* b x M */
    float *dve;                  /* b x N */
} back_ws;

static int ws_alloc(const amem__dam_gram *g, amem__arena *ar, back_ws *w)
{
    size_t b = g->b, N = g->cfg.n_vis, M = g->cfg.n_hid;
    size_t steps = (size_t)g->cfg.max_steps;
    float *p = amem__arena_alloc(ar, (4 * M + 2 * steps * M + M * M +
                                      b * g->pairs + 3 * b * M + b * N) *
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
    w->sp = w->gbar + M * M;
    w->qbar = w->sp + b * g->pairs;
    w->abar = w->qbar + b * M;
    w->pbar = w->abar + b * M;
    w->dve = w->pbar + b * M;
    return AMEM_OK;
}

static double dotf(const float *x, const float *z, size_t n)
{
    double s = 0.0;
    for (size_t k = 0; k < n; k++)
        s += (double)x[k] * z[k];
    return s;
}

/* One step backwards for item i; rec = tape record of the step's inputs. */
static void step_back(const amem__dam_gram *g, size_t i, const float *rec,
                      double kappa, back_ws *w, float *d, float *qbar,
                      float *abar)
{
    size_t M = g->cfg.n_hid;
    const float *phi = rec, *y = rec + M, *f = rec + 2 * M;
    const float *q = g->q + i * M, *a = g->a + i * M;
    double nv = rec[3 * M], eta = g->cfg.eta, beta = g->cfg.beta;
    for (size_t m = 0; m < M; m++)
        d[m] = f[m] - phi[m];
    cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)M, (int)M, 1.0f, g->G,
                (int)M, w->Y, 1, 0.0f, w->gy, 1);
    for (size_t m = 0; m < M; m++) {
        w->dd[m] = (float)(eta * ((double)w->P[m] + w->gy[m]));
        w->P[m] -= w->dd[m];
    }
    double fdd = dotf(f, w->dd, M);
    double nvf = nv > AMEM__DAM_EPS ? nv : AMEM__DAM_EPS, nbar = 0.0;
    for (size_t m = 0; m < M; m++) {
        double ds = f[m] * (w->dd[m] - fdd);
        double u = (double)q[m] + y[m] + kappa * a[m];
        float du = (float)(beta * ds / nvf);
        nbar -= beta * ds * u / (nvf * nvf);
        qbar[m] += du;
        w->Y[m] += du;
        abar[m] += (float)kappa * du;
    }
    if (!(nv > AMEM__DAM_EPS))
        return; /* below the floor nv is a constant */
    double c = nbar / (2.0 * nv);
    for (size_t m = 0; m < M; m++) {
        w->P[m] += (float)(c * ((double)y[m] + 2.0 * kappa * a[m]));
        w->Y[m] += (float)(c * phi[m]);
        abar[m] += (float)(2.0 * c * kappa * phi[m]);
    }
}

/* Packed S = G_bar + G_bar^T (G_bar on the diagonal) of item i. */
static void pack_pairs(const amem__dam_gram *g, const float *gbar, float *sp)
{
    size_t M = g->cfg.n_hid, p = 0;
    for (size_t mu = 0; mu < M; mu++)
        for (size_t nu = mu; nu < M; nu++, p++)
            sp[p] = mu == nu ? gbar[mu * M + mu]
                             : gbar[mu * M + nu] + gbar[nu * M + mu];
}

static void item_back(amem__dam_gram *g, size_t i, back_ws *w)
{
    size_t M = g->cfg.n_hid, S = 3 * M + 1, T = (size_t)g->ran[i];
    double keep = 1.0 - (double)g->cfg.eta;
    memcpy(w->P, w->pbar + i * M, M * sizeof(float));
    memset(w->Y, 0, M * sizeof(float));
    float *qbar = w->qbar + i * M, *abar = w->abar + i * M;
    memset(qbar, 0, M * sizeof(float));
    memset(abar, 0, M * sizeof(float));
    for (size_t t = T; t > 0; t--) {
        memcpy(w->ys + (t - 1) * M, w->Y, M * sizeof(float));
        step_back(g, i, g->tape[i] + (t - 1) * S, pow(keep, (double)(t - 1)),
                  w, w->ds + (t - 1) * M, qbar, abar);
    }
    /* G_bar = eta sum_t Y_t d_t^T, Y_t taken before step t went back. */
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)M, (int)M,
                (int)(T ? T : 1), T ? g->cfg.eta : 0.0f, w->ys, (int)M, w->ds,
                (int)M, 0.0f, w->gbar, (int)M);
    pack_pairs(g, w->gbar, w->sp + i * g->pairs);
}

/* Rows mu and nu of dW_hat from the pair gradients T (in g->pk). */
static void contract_pairs(const amem__dam_gram *g, float *dwhat)
{
    size_t N = g->cfg.n_vis, M = g->cfg.n_hid, p = 0;
    for (size_t mu = 0; mu < M; mu++)
        for (size_t nu = mu; nu < M; nu++, p++) {
            const float *t = g->pk + p * N, *wmu = g->what + mu * N,
                        *wnu = g->what + nu * N;
            float *dmu = dwhat + mu * N, *dnu = dwhat + nu * N;
            for (size_t j = 0; j < N; j++) {
                dmu[j] += t[j] * wnu[j];
                dnu[j] += t[j] * wmu[j];
            }
        }
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
    for (size_t i = 0; i < b; i++) {
        size_t p = 0;
        const float *gp = g->gp + i * g->pairs;
        for (size_t mu = 0; mu < M; mu++) /* unpack the item's G */
            for (size_t nu = mu; nu < M; nu++, p++)
                g->G[mu * M + nu] = g->G[nu * M + mu] = gp[p];
        item_back(g, i, &w);
    }
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)M, (int)N,
                (int)b, 1.0f, w.qbar, (int)M, g->xc, (int)N, 1.0f, dwhat,
                (int)N);
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)M, (int)N,
                (int)b, 1.0f, w.abar, (int)M, g->xe, (int)N, 1.0f, dwhat,
                (int)N);
    /* T = S^T E (pairs x N), into the pair-product buffer. */
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)g->pairs,
                (int)N, (int)b, 1.0f, w.sp, (int)g->pairs, g->efree, (int)N,
                0.0f, g->pk, (int)N);
    contract_pairs(g, dwhat);
    return AMEM_OK;
}

/*
 * The PAPER dynamics in the hidden space (see gram.h for the equations):
 * batch set-up through two sgemm, then per item its G (one ssyrk) and its
 * trajectory with one M x M matrix-vector product per step.
 */
#include <math.h>
#include <string.h>

#include "core/blas.h"
#include "gram.h"

int amem__dam_use_gram(const amem__dam_cfg *cfg)
{
    size_t M = cfg->n_hid;
    return !cfg->reference && M <= 2 * cfg->n_vis &&
           M * M <= AMEM__DAM_GRAM_MAX_BYTES / sizeof(float);
}

/* n elements of size elem (at least one) from the arena, or NULL. */
static void *arena_n(amem__arena *ar, size_t n, size_t elem)
{
    return amem__arena_alloc(ar, (n > 0 ? n : 1) * elem);
}

static int allocate(amem__dam_gram *g, amem__arena *ar, int taped)
{
    size_t b = g->b, N = g->cfg.n_vis, M = g->cfg.n_hid;
    g->wt = arena_n(ar, N * M, sizeof(float));
    g->gall = arena_n(ar, M * M, sizeof(float));
    g->sel = arena_n(ar, N * M, sizeof(float));
    g->rows = arena_n(ar, N, sizeof(size_t));
    g->side = arena_n(ar, b, sizeof(int));
    g->efree = arena_n(ar, b * N, sizeof(float));
    g->xc = arena_n(ar, b * N, sizeof(float));
    g->xe = arena_n(ar, b * N, sizeof(float));
    g->gs = arena_n(ar, (taped ? b : 1) * M * M, sizeof(float));
    g->q = arena_n(ar, b * M, sizeof(float));
    g->a = arena_n(ar, b * M, sizeof(float));
    g->phi = arena_n(ar, b * M, sizeof(float));
    g->y = arena_n(ar, b * M, sizeof(float));
    g->cc = arena_n(ar, b, sizeof(double));
    g->ce = arena_n(ar, b, sizeof(double));
    g->kappa = arena_n(ar, b, sizeof(double));
    g->nv = arena_n(ar, b, sizeof(double));
    g->time = arena_n(ar, b, sizeof(int));
    g->ran = arena_n(ar, b, sizeof(int));
    g->tape = arena_n(ar, b, sizeof(float *));
    g->vec = arena_n(ar, 6 * M, sizeof(float));
    return (g->wt && g->gall && g->sel && g->rows && g->side && g->efree &&
            g->xc && g->xe && g->gs && g->q && g->a && g->phi && g->y &&
            g->cc && g->ce && g->kappa && g->nv && g->time && g->ran &&
            g->tape && g->vec)
               ? AMEM_OK
               : AMEM_E_NOMEM;
}

/* W_hat^T (N x M), in blocks of 32 x 32 for the caches. */
static void transpose_weights(amem__dam_gram *g)
{
    size_t N = g->cfg.n_vis, M = g->cfg.n_hid;
    for (size_t m0 = 0; m0 < M; m0 += 32)
        for (size_t j0 = 0; j0 < N; j0 += 32)
            for (size_t m = m0; m < M && m < m0 + 32; m++)
                for (size_t j = j0; j < N && j < j0 + 32; j++)
                    g->wt[j * M + m] = g->what[m * N + j];
}

/* Masks, split cues, q, a, the squared norms, and which side builds G. */
static void setup_items(amem__dam_gram *g)
{
    size_t b = g->b, N = g->cfg.n_vis, M = g->cfg.n_hid;
    for (size_t i = 0; i < b; i++) {
        double cc = 0.0, ce = 0.0;
        size_t nfree = 0;
        for (size_t j = 0; j < N; j++) {
            size_t k = i * N + j;
            float e = g->clamp && g->clamp[k] != 0.0f ? 0.0f : 1.0f;
            g->efree[k] = e;
            g->xc[k] = e == 0.0f ? g->cue[k] : 0.0f;
            g->xe[k] = e == 0.0f ? 0.0f : g->cue[k];
            cc += (double)g->xc[k] * g->xc[k];
            ce += (double)g->xe[k] * g->xe[k];
            nfree += e != 0.0f;
        }
        g->cc[i] = cc;
        g->ce[i] = ce;
        g->side[i] = 2 * nfree <= N ? 1 : -1;
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)b, (int)M,
                (int)N, 1.0f, g->xc, (int)N, g->what, (int)N, 0.0f, g->q,
                (int)M);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)b, (int)M,
                (int)N, 1.0f, g->xe, (int)N, g->what, (int)N, 0.0f, g->a,
                (int)M);
}

size_t amem__dam_gram_select(amem__dam_gram *g, size_t i)
{
    size_t N = g->cfg.n_vis, M = g->cfg.n_hid, k = 0;
    float want = g->side[i] > 0 ? 1.0f : 0.0f;
    const float *e = g->efree + i * N;
    for (size_t j = 0; j < N; j++)
        if (e[j] == want) {
            memcpy(g->sel + k * M, g->wt + j * M, M * sizeof(float));
            g->rows[k++] = j;
        }
    return k;
}

/* The item's G = sum over its free j of w_j w_j^T (w_j = column j of
 * W_hat), as a full symmetric M x M matrix. */
static void item_gram(amem__dam_gram *g, size_t i, float *G)
{
    size_t M = g->cfg.n_hid, k = amem__dam_gram_select(g, i);
    int side = g->side[i];
    if (side < 0 && !g->have_gall) {
        cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, (int)M,
                    (int)g->cfg.n_vis, 1.0f, g->wt, (int)M, 0.0f, g->gall,
                    (int)M);
        g->have_gall = 1;
    }
    if (side < 0)
        memcpy(G, g->gall, M * M * sizeof(float));
    if (k > 0)
        cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, (int)M, (int)k,
                    (float)side, g->sel, (int)M, side < 0 ? 1.0f : 0.0f, G,
                    (int)M);
    else if (side > 0)
        memset(G, 0, M * M * sizeof(float));
    for (size_t mu = 1; mu < M; mu++) /* lower triangle from the upper */
        for (size_t nu = 0; nu < mu; nu++)
            G[mu * M + nu] = G[nu * M + mu];
}

double amem__dam_dot(const float *x, const float *z, size_t n)
{
    double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
    size_t k = 0;
    for (; k + 4 <= n; k += 4) {
        s0 += (double)x[k] * z[k];
        s1 += (double)x[k + 1] * z[k + 1];
        s2 += (double)x[k + 2] * z[k + 2];
        s3 += (double)x[k + 3] * z[k + 3];
    }
    for (; k < n; k++)
        s0 += (double)x[k] * z[k];
    return (s0 + s1) + (s2 + s3);
}

/* f = softmax(beta (q + y + kappa a) / max(nv, eps)) into f; u into u. */
static void hidden_state(const amem__dam_gram *g, size_t i, const float *y,
                         double kappa, double nv, float *u, float *f)
{
    size_t M = g->cfg.n_hid;
    const float *q = g->q + i * M, *a = g->a + i * M;
    float inv = (float)(1.0 / (nv > AMEM__DAM_EPS ? nv : AMEM__DAM_EPS));
    for (size_t m = 0; m < M; m++) {
        u[m] = q[m] + y[m] + (float)kappa * a[m];
        f[m] = u[m] * inv;
    }
    amem__softmax_row(f, M, g->cfg.beta, NULL);
}

/*
 * ||v_t - v_{t-1}||^2 / eta^2 = sum over free j of (w_j.d - kappa x~_j)^2,
 * evaluated in the visible space (N x M multiply-adds, in double).
 */
static double visible_step2(const amem__dam_gram *g, size_t i,
                            const float *d, double kappa)
{
    size_t N = g->cfg.n_vis, M = g->cfg.n_hid;
    const float *e = g->efree + i * N, *xe = g->xe + i * N;
    double s = 0.0;
    for (size_t j = 0; j < N; j++)
        if (e[j] != 0.0f) {
            double u = amem__dam_dot(g->wt + j * M, d, M) - kappa * xe[j];
            s += u * u;
        }
    return s;
}

/*
 * The step's squared residual / eta^2 from the hidden-space terms,
 * d.Gd - 2 kappa d.a + kappa^2 ||e.x~||^2. When the state is already near
 * a fixed point with kappa not small (a cue at a fixed point) the terms
 * are O(1) and cancel, and G and a, rounded to float, leave an error of
 * order CANCEL x the terms' size: more than the tolerance can tell apart
 * (eta sqrt(1e-7) > 1e-6). Whenever the result is within that error of
 * the limit2 that decides convergence, it is recomputed in the visible
 * space, where nothing cancels.
 */
#define CANCEL (32.0 * 1.2e-7)
static double step2(const amem__dam_gram *g, size_t i, const float *d,
                    const float *gd, double kappa, double limit2)
{
    size_t M = g->cfg.n_hid;
    const float *a = g->a + i * M;
    double dgd = amem__dam_dot(d, gd, M), da = amem__dam_dot(d, a, M);
    double kce = kappa * kappa * g->ce[i];
    double r2 = dgd - 2.0 * kappa * da + kce;
    double size = fabs(dgd) + 2.0 * kappa * fabs(da) + kce;
    if (r2 <= limit2 + CANCEL * size)
        r2 = visible_step2(g, i, d, kappa);
    return r2;
}

/*
 * Run item i from its start; with tape, record phi, y, f, nv before every
 * step (stride 3M + 1). Leaves the final state in g and returns steps run.
 */
static int run_item(amem__dam_gram *g, size_t i, const float *G,
                    float *tape)
{
    size_t M = g->cfg.n_hid, S = 3 * M + 1;
    float eta = g->cfg.eta, *phi = g->phi + i * M, *y = g->y + i * M;
    float *u = g->vec, *f = g->vec + M, *d = g->vec + 2 * M,
          *gd = g->vec + 3 * M;
    const float *a = g->a + i * M;
    double kappa = 1.0, ce = g->ce[i], nv = sqrt(g->cc[i] + ce);
    int t, done = 0;
    memset(phi, 0, M * sizeof(float));
    memset(y, 0, M * sizeof(float));
    g->time[i] = g->cfg.max_steps + 1;
    for (t = 1; t <= g->cfg.max_steps && !done; t++) {
        hidden_state(g, i, y, kappa, nv, u, f);
        if (tape) {
            float *rec = tape + (size_t)(t - 1) * S;
            memcpy(rec, phi, M * sizeof(float));
            memcpy(rec + M, y, M * sizeof(float));
            memcpy(rec + 2 * M, f, M * sizeof(float));
            rec[3 * M] = (float)nv;
        }
        for (size_t m = 0; m < M; m++)
            d[m] = f[m] - phi[m];
        g->symv(G, M, d, gd);
        double kappa0 = kappa;
        for (size_t m = 0; m < M; m++) {
            phi[m] += eta * d[m];
            y[m] += eta * gd[m];
        }
        kappa *= 1.0 - (double)eta;
        double nv2 = g->cc[i] + amem__dam_dot(phi, y, M) +
                     2.0 * kappa * amem__dam_dot(phi, a, M) +
                     kappa * kappa * ce;
        nv = sqrt(nv2 > 0.0 ? nv2 : 0.0);
        double lim = g->cfg.tol * nv / eta, res2 = (double)eta * eta *
            step2(g, i, d, gd, kappa0, lim * lim);
        double res = sqrt(res2 > 0.0 ? res2 : 0.0);
        res = nv > 0.0 ? res / nv : (res > 0.0 ? INFINITY : 0.0);
        if (res <= g->cfg.tol) {
            g->time[i] = t;
            done = 1;
        }
    }
    g->kappa[i] = kappa;
    g->nv[i] = nv;
    return t - 1;
}

int amem__dam_gram_forward(amem__dam_gram *g, const amem__dam_cfg *cfg,
                           const float *what, const float *cue,
                           const float *clamp, size_t b, amem__arena *ar,
                           int taped)
{
    size_t M = cfg->n_hid;
    memset(g, 0, sizeof *g);
    g->cfg = *cfg;
    g->what = what;
    g->b = b;
    g->cue = cue;
    g->clamp = clamp;
    if (allocate(g, ar, taped) != AMEM_OK)
        return AMEM_E_NOMEM;
    g->symv = amem__dam_symv_pick();
    transpose_weights(g);
    setup_items(g);
    /* With a tape, each item records into a scratch of MAX_STEPS records
     * and keeps only the steps it ran; when that scratch would be too big,
     * the item runs twice (the second time recorded in place). */
    size_t S = 3 * M + 1, cap = (size_t)cfg->max_steps * S;
    float *scratch = taped && cap <= AMEM__DAM_GRAM_MAX_BYTES / sizeof(float)
                         ? arena_n(ar, cap, sizeof(float))
                         : NULL;
    for (size_t i = 0; i < b; i++) {
        float *G = g->gs + (taped ? i * M * M : 0);
        item_gram(g, i, G);
        g->tape[i] = NULL;
        g->ran[i] = run_item(g, i, G, scratch);
        if (!taped)
            continue;
        g->tape[i] = arena_n(ar, (size_t)g->ran[i] * S, sizeof(float));
        if (g->tape[i] == NULL)
            return AMEM_E_NOMEM;
        if (scratch)
            memcpy(g->tape[i], scratch, (size_t)g->ran[i] * S * sizeof(float));
        else
            run_item(g, i, G, g->tape[i]); /* same trajectory, recorded */
    }
    return AMEM_OK;
}

void amem__dam_gram_collect(const amem__dam_gram *g, float *out,
                            float *hidden)
{
    size_t b = g->b, N = g->cfg.n_vis, M = g->cfg.n_hid;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)b, (int)N,
                (int)M, 1.0f, g->phi, (int)M, g->what, (int)N, 0.0f, out,
                (int)N);
    for (size_t i = 0; i < b; i++) {
        float kappa = (float)g->kappa[i];
        for (size_t j = 0; j < N; j++) {
            size_t k = i * N + j;
            out[k] = g->efree[k] == 0.0f ? g->cue[k]
                                         : out[k] + kappa * g->xe[k];
        }
        if (hidden)
            hidden_state(g, i, g->y + i * M, g->kappa[i], g->nv[i], g->vec,
                         hidden + i * M);
    }
}

/*
 * Backward pass of one episode: the hand-derived reverse of
 * episode_forward.c, walking the writes from t = T-1 down to 0 with
 * dK = dL/dK_{t+1} and dV = dL/dV_{t+1}. Stability flags are constants;
 * gamma's derivative with respect to p is taken as 1 (straight-through).
 * The formulas are written next to each step; tests check them against
 * finite differences.
 */
#include <string.h>

#include "core/blas.h"
#include "episode.h"

/* Gradient slots, in the order of the rule settings, then p. */
enum { G_ETA_K, G_ETA_V, G_LAMBDA, G_A_FK, G_B_FK, G_A_GK, G_B_GK,
       G_A_FV, G_B_FV, G_A_GV, G_B_GV, G_P };

static float clamp01(float e)
{
    return e < 0 ? 0 : (e > 1 ? 1 : e);
}

static double dot(const float *a, const float *b, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += (double)a[i] * b[i];
    return s;
}

static double sum(const float *a, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += a[i];
    return s;
}

static void scale(float *a, size_t n, float c)
{
    for (size_t i = 0; i < n; i++)
        a[i] *= c;
}

/*
 * h = softmax(beta K x): given dh (overwritten), dK += beta ds x^T with
 * ds = h (dh - <h, dh>).
 */
static void softmax_back(kv_ep *e, const float *h, float *dh, const float *x)
{
    double hd = dot(h, dh, e->N);
    for (size_t i = 0; i < e->N; i++)
        dh[i] = h[i] * (dh[i] - (float)hd);
    cblas_sger(CblasRowMajor, (int)e->N, (int)e->d, e->r->beta, dh, 1, x, 1,
               e->dK, (int)e->d);
}

/* Loss (1/R) sum |Y - targets|^2 back to dK = dL/dK_T, dV = dL/dV_T. */
static void queries_back(kv_ep *e)
{
    size_t N = e->N, m = e->m, R = e->R;
    const float *VT = e->Vs + e->T * N * m;
    for (size_t k = 0; k < R * m; k++)
        e->dY[k] = 2.0f * (e->Y[k] - e->in->targets[k]) / (float)R;
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)N, (int)m,
                (int)R, 1.0f, e->Hq, (int)N, e->dY, (int)m, 0.0f, e->dV,
                (int)m);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)R, (int)N,
                (int)m, 1.0f, e->dY, (int)m, VT, (int)m, 0.0f, e->dHq,
                (int)N);
    for (size_t q = 0; q < R; q++) {
        const float *h = e->Hq + q * N;
        float *dh = e->dHq + q * N;
        double hd = dot(h, dh, N);
        for (size_t i = 0; i < N; i++)
            dh[i] = h[i] * (dh[i] - (float)hd);
    }
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)N, (int)e->d,
                (int)R, e->r->beta, e->dHq, (int)N, e->in->queries,
                (int)e->d, 0.0f, e->dK, (int)e->d);
}

/*
 * Value rule at step t. RAPID, slot i with rate e_i = Av_i gamma_i etav~:
 *   V1_i = (1 - clamp(e_i)) V0_i + e_i fv_i gv
 *   de_i = -[0 < e_i < 1] <r, V0_i> + fv_i <r, gv>,  dfv_i = e_i <r, gv>
 * PASSIVE, unfrozen slot: V1_i = lam V0_i + c fv_i gv, lam = 1 - q + q lam~,
 * c = q etav~. Leaves dfv in e->vN and turns dV into dL/dV_t.
 */
static void value_back(kv_ep *e, size_t t, const float *y, float q,
                       double *g)
{
    const amem__kv_rule *r = e->r;
    size_t N = e->N, m = e->m;
    const float *V0 = e->Vs + t * N * m, *hp = e->Hp + t * N;
    const float *Av = e->Av + t * N, *gam = e->gam + t * N;
    float lam = (1.0f - q) + q * r->lambda, c = q * r->eta_v;
    for (size_t i = 0; i < N; i++) {
        float *rr = e->dV + i * m;
        float fv = r->a_fv * hp[i] + r->b_fv;
        e->vN[i] = 0;
        if (Av[i] == 0 || (!r->passive && gam[i] == 0 && !r->random))
            continue;
        double ry = dot(rr, y, m), rs = sum(rr, m);
        double rg = r->a_gv * ry + r->b_gv * rs, rV = dot(rr, V0 + i * m, m);
        if (r->passive) {
            g[G_LAMBDA] += q * rV;
            g[G_ETA_V] += q * fv * rg;
            e->vN[i] = (float)(c * rg);
            g[G_A_GV] += c * fv * ry;
            g[G_B_GV] += c * fv * rs;
            scale(rr, m, lam);
            continue;
        }
        float ev = Av[i] * gam[i] * r->eta_v;
        int inner = ev != 0 ? (ev > 0 && ev < 1) : (Av[i] * r->eta_v > 0);
        double de = -(double)inner * rV + fv * rg;
        g[G_P] += de * Av[i] * r->eta_v; /* d e_i / d gamma_i */
        if (ev == 0)
            continue;
        g[G_ETA_V] += de * Av[i] * gam[i];
        e->vN[i] = (float)(ev * rg);
        g[G_A_GV] += ev * fv * ry;
        g[G_B_GV] += ev * fv * rs;
        scale(rr, m, 1.0f - clamp01(ev));
    }
}

/* f_v(h') = a h' + b, then h' = softmax(beta K_{t+1} x) back into dK. */
static void hidden_prime_back(kv_ep *e, size_t t, const float *x, double *g)
{
    const float *hp = e->Hp + t * e->N;
    g[G_A_FV] += dot(e->vN, hp, e->N);
    g[G_B_FV] += sum(e->vN, e->N);
    if (e->r->a_fv == 0)
        return;
    scale(e->vN, e->N, e->r->a_fv);
    softmax_back(e, hp, e->vN, x);
}

/*
 * Key rule at step t, row i with rate e_i = Ak_i gamma_i etak~:
 *   K1_i = (1 - clamp(e_i)) K0_i + e_i gk_i fk,  fk = a x + b,
 *   de_i = -[0 < e_i < 1] <r, K0_i> + gk_i <r, fk>,  dgk_i = e_i <r, fk>.
 * Leaves dgk in e->vN2 and turns dK into dL/dK_t (before h_t's share).
 */
static void key_back(kv_ep *e, size_t t, const float *x, double *g)
{
    const amem__kv_rule *r = e->r;
    size_t N = e->N, d = e->d;
    const float *K0 = e->Ks + t * N * d, *hk = e->Hk + t * N;
    const float *Ak = e->Ak + t * N, *gam = e->gam + t * N;
    for (size_t i = 0; i < N; i++) {
        float *rr = e->dK + i * d;
        e->vN2[i] = 0;
        if (Ak[i] == 0 || (gam[i] == 0 && !r->random))
            continue;
        float gk = r->b_gk + r->a_gk * hk[i];
        double rx = dot(rr, x, d), rs = sum(rr, d);
        double rf = r->a_fk * rx + r->b_fk * rs, rK = dot(rr, K0 + i * d, d);
        float ek = Ak[i] * gam[i] * r->eta_k;
        int inner = ek != 0 ? (ek > 0 && ek < 1) : (Ak[i] * r->eta_k > 0);
        double de = -(double)inner * rK + gk * rf;
        g[G_P] += de * Ak[i] * r->eta_k;
        if (ek == 0)
            continue;
        g[G_ETA_K] += de * Ak[i] * gam[i];
        e->vN2[i] = (float)(ek * rf);
        g[G_A_FK] += ek * gk * rx;
        g[G_B_FK] += ek * gk * rs;
        scale(rr, d, 1.0f - clamp01(ek));
    }
}

/* g_k(h) = a h + b, then h_t = softmax(beta K_t x) back into dK. */
static void hidden_back(kv_ep *e, size_t t, const float *x, double *g)
{
    const float *hk = e->Hk + t * e->N;
    g[G_A_GK] += dot(e->vN2, hk, e->N);
    g[G_B_GK] += sum(e->vN2, e->N);
    if (e->r->a_gk == 0)
        return;
    scale(e->vN2, e->N, e->r->a_gk);
    softmax_back(e, hk, e->vN2, x);
}

void amem__kv_ep_backward(kv_ep *e, double *grad)
{
    const amem__kv_episode_in *in = e->in;
    double g[AMEM__KV_THETA];
    memset(g, 0, sizeof g);
    queries_back(e);
    for (size_t t = e->T; t-- > 0;) {
        const float *x = in->keys + t * e->d;
        const float *y = in->values ? in->values + t * e->m : x;
        float q = in->q ? in->q[t] : 1.0f;
        value_back(e, t, y, q, g);
        hidden_prime_back(e, t, x, g);
        key_back(e, t, x, g);
        hidden_back(e, t, x, g);
    }
    if (!e->r->random)
        g[G_P] = 0;
    memcpy(grad, g, sizeof g);
}

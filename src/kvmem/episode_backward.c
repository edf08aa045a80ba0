/*
 * Backward pass of one episode: the hand-derived reverse of
 * episode_forward.c, walking the steps from the last down to the first with
 * dK = dL/dK_{t+1} and dV = dL/dV_{t+1} while write t is undone. Besides
 * the rule parameters it gives each write's gradient with respect to its
 * key x_t, value y_t and global factor q_t, and each read's gradient with
 * respect to its query. Stability flags are constants; gamma's derivative
 * with respect to p is taken as 1 (straight-through). Where a rate e sits
 * exactly at 0 the derivative of the clamp is the one-sided one in the
 * direction that raises |e| (q and gamma are >= 0). The formulas are
 * written next to each step; tests check them against finite differences.
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

/* d clamp(e, 0, 1) / d e; at e = 0 the side where e grows with eta. */
static int clamp_slope(float e, float eta)
{
    return e != 0 ? (e > 0 && e < 1) : (eta > 0);
}

/* d w(e) / d e of the write gain (kvmem_impl.h): 1 (LINEAR) or clamp'. */
static int gain_slope(const amem__kv_rule *r, float e, float eta)
{
    return r->saturate ? clamp_slope(e, eta) : 1;
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

static void axpy(float *y, float a, const float *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        y[i] += a * x[i];
}

/*
 * h = softmax(beta K x): given dh (overwritten), ds = h (dh - <h, dh>),
 * dK += beta ds x^T and, when dx != NULL, dx += beta K^T ds.
 */
static void softmax_back(kv_ep *e, const float *K, const float *h, float *dh,
                         const float *x, float *dx)
{
    double hd = dot(h, dh, e->N);
    for (size_t i = 0; i < e->N; i++)
        dh[i] = h[i] * (dh[i] - (float)hd);
    cblas_sger(CblasRowMajor, (int)e->N, (int)e->d, e->r->beta, dh, 1, x, 1,
               e->dK, (int)e->d);
    if (dx)
        cblas_sgemv(CblasRowMajor, CblasTrans, (int)e->N, (int)e->d,
                    e->r->beta, K, (int)e->d, dh, 1, 1.0f, dx, 1);
}

/*
 * Reads y_r = V_t^T h_r, h_r = softmax(beta K_t x_r) (Eq. 4-5):
 *   dV_t += h_r dy_r^T,  dh_r = V_t dy_r,  ds_r = h_r (dh_r - <h_r, dh_r>),
 *   dK_t += beta ds_r x_r^T,  dx_r = beta K_t^T ds_r.
 */
void amem__kv_ep_read_back(kv_ep *e, size_t t, size_t first, size_t n,
                           const float *dY, float *dQ)
{
    size_t N = e->N, m = e->m, d = e->d;
    const float *Kt = e->Ks + t * N * d, *Vt = e->Vs + t * N * m;
    const float *H = e->Hq + first * N, *X = e->in->queries + first * d;
    float *dH = e->dHq + first * N;
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)N, (int)m,
                (int)n, 1.0f, H, (int)N, dY, (int)m, 1.0f, e->dV, (int)m);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)n, (int)N,
                (int)m, 1.0f, dY, (int)m, Vt, (int)m, 0.0f, dH, (int)N);
    for (size_t q = 0; q < n; q++) {
        const float *h = H + q * N;
        float *dh = dH + q * N;
        double hd = dot(h, dh, N);
        for (size_t i = 0; i < N; i++)
            dh[i] = h[i] * (dh[i] - (float)hd);
    }
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)N, (int)d,
                (int)n, e->r->beta, dH, (int)N, X, (int)d, 1.0f, e->dK,
                (int)d);
    if (dQ)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)n,
                    (int)d, (int)N, e->r->beta, dH, (int)N, Kt, (int)d, 0.0f,
                    dQ, (int)d);
}

/*
 * PASSIVE value rule, plastic slot i (Eq. 13, 16), r = dL/dV1_i:
 *   V1_i = lam V0_i + c fv_i gv,  lam = 1 - q + q lam~,  c = w(q etav~)
 *   dq += (lam~ - 1) <r, V0_i> + w' etav~ fv_i <r, gv>,  dfv_i = c <r, gv>,
 *   dy += c fv_i a_gv r.
 */
static void passive_slot(kv_ep *e, size_t t, size_t i, const float *y,
                         float q, kv_write_grad *wg, double *g)
{
    const amem__kv_rule *r = e->r;
    size_t m = e->m;
    float *rr = e->dV + i * m;
    const float *V0 = e->Vs + (t * e->N + i) * m;
    float fv = r->a_fv * e->Hp[t * e->N + i] + r->b_fv;
    float lam = (1.0f - q) + q * r->lambda, e_v = q * r->eta_v;
    float c = amem__kv_write_gain(r, e_v);
    double dc = gain_slope(r, e_v, r->eta_v);
    double ry = dot(rr, y, m), rs = sum(rr, m);
    double rg = r->a_gv * ry + r->b_gv * rs, rV = dot(rr, V0, m);
    g[G_LAMBDA] += q * rV;
    g[G_ETA_V] += dc * q * fv * rg;
    wg->dq += (r->lambda - 1.0) * rV + dc * r->eta_v * fv * rg;
    e->vN[i] = (float)(c * rg);
    g[G_A_GV] += c * fv * ry;
    g[G_B_GV] += c * fv * rs;
    if (wg->dy)
        axpy(wg->dy, c * fv * r->a_gv, rr, m);
    scale(rr, m, lam);
}

/*
 * RAPID value rule, slot i with rate e_i = q gamma_i etav~ (Eq. 11, 12):
 *   V1_i = (1 - clamp(e_i)) V0_i + e_i fv_i gv
 *   de_i = -clamp'(e_i) <r, V0_i> + fv_i <r, gv>,  dfv_i = e_i <r, gv>,
 *   dq += de_i gamma_i etav~,  dp += de_i q etav~,  dy += e_i fv_i a_gv r.
 */
static void rapid_slot(kv_ep *e, size_t t, size_t i, const float *y,
                       float q, kv_write_grad *wg, double *g)
{
    const amem__kv_rule *r = e->r;
    size_t m = e->m;
    float *rr = e->dV + i * m;
    const float *V0 = e->Vs + (t * e->N + i) * m;
    float gam = e->gam[t * e->N + i];
    float fv = r->a_fv * e->Hp[t * e->N + i] + r->b_fv;
    float ev = q * gam * r->eta_v, w = amem__kv_write_gain(r, ev);
    double ry = dot(rr, y, m), rs = sum(rr, m);
    double rg = r->a_gv * ry + r->b_gv * rs, rV = dot(rr, V0, m);
    double de = -(double)clamp_slope(ev, r->eta_v) * rV +
                gain_slope(r, ev, r->eta_v) * fv * rg;
    g[G_P] += de * q * r->eta_v; /* d e_i / d gamma_i */
    wg->dq += de * gam * r->eta_v;
    if (ev == 0)
        return;
    g[G_ETA_V] += de * q * gam;
    e->vN[i] = (float)(w * rg);
    g[G_A_GV] += w * fv * ry;
    g[G_B_GV] += w * fv * rs;
    if (wg->dy)
        axpy(wg->dy, w * fv * r->a_gv, rr, m);
    scale(rr, m, 1.0f - clamp01(ev));
}

/* Value rule at step t: leaves dfv in e->vN, turns dV into dL/dV_t. */
static void value_back(kv_ep *e, size_t t, const float *y, float q,
                       kv_write_grad *wg, double *g)
{
    const float *Av = e->Av + t * e->N, *gam = e->gam + t * e->N;
    for (size_t i = 0; i < e->N; i++) {
        e->vN[i] = 0;
        if (Av[i] == 0)
            continue;
        if (e->r->passive)
            passive_slot(e, t, i, y, q, wg, g);
        else if (gam[i] != 0 || e->r->random)
            rapid_slot(e, t, i, y, q, wg, g);
    }
}

/*
 * An affine read-out a h + b of a hidden layer h = softmax(beta K x) (the
 * value rule's f_v(h'), the key rule's g_k(h)), given dout = dL/d(a h + b):
 * da and db into *ga and *gb, then dh = a dout back through the softmax
 * into dK and dx (dout is overwritten).
 */
static void affine_softmax_back(kv_ep *e, const float *K, const float *h,
                                float *dout, float a, double *ga, double *gb,
                                const float *x, kv_write_grad *wg)
{
    *ga += dot(dout, h, e->N);
    *gb += sum(dout, e->N);
    if (a == 0)
        return;
    scale(dout, e->N, a);
    softmax_back(e, K, h, dout, x, wg->dx);
}

/*
 * Key rule at step t, row i with rate e_i = q gamma_i etak~ (Eq. 12, 15):
 *   K1_i = (1 - clamp(e_i)) K0_i + w_i gk_i fk,  fk = a x + b,
 *   w_i = w(e_i) (write gain),  de_i = -clamp'(e_i) <r, K0_i>
 *   + w'(e_i) gk_i <r, fk>,  dgk_i = w_i <r, fk>,
 *   dq += de_i gamma_i etak~,  dx += w_i gk_i a r.
 * Leaves dgk in e->vN2 and turns dK into dL/dK_t (before h_t's share).
 */
static void key_back(kv_ep *e, size_t t, const float *x, float q,
                     kv_write_grad *wg, double *g)
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
        float ek = q * gam[i] * r->eta_k, w = amem__kv_write_gain(r, ek);
        double de = -(double)clamp_slope(ek, r->eta_k) * rK +
                    gain_slope(r, ek, r->eta_k) * gk * rf;
        g[G_P] += de * q * r->eta_k;
        wg->dq += de * gam[i] * r->eta_k;
        if (ek == 0)
            continue;
        g[G_ETA_K] += de * q * gam[i];
        e->vN2[i] = (float)(w * rf);
        g[G_A_FK] += w * gk * rx;
        g[G_B_FK] += w * gk * rs;
        if (wg->dx)
            axpy(wg->dx, w * gk * r->a_fk, rr, d);
        scale(rr, d, 1.0f - clamp01(ek));
    }
}

void amem__kv_ep_write_back(kv_ep *e, size_t t, kv_write_grad *wg)
{
    const amem__kv_episode_in *in = e->in;
    const float *x = in->keys + t * e->d;
    const float *y = in->values ? in->values + t * e->m : x;
    float q = in->q ? in->q[t] : 1.0f;
    double g[AMEM__KV_THETA];
    memset(g, 0, sizeof g);
    value_back(e, t, y, q, wg, g);
    size_t Nd = e->N * e->d;
    affine_softmax_back(e, e->Ks + (t + 1) * Nd, e->Hp + t * e->N, e->vN,
                        e->r->a_fv, &g[G_A_FV], &g[G_B_FV], x, wg);
    key_back(e, t, x, q, wg, g);
    affine_softmax_back(e, e->Ks + t * Nd, e->Hk + t * e->N, e->vN2,
                        e->r->a_gk, &g[G_A_GK], &g[G_B_GK], x, wg);
    if (!e->r->random)
        g[G_P] = 0;
    if (wg->rule)
        for (int k = 0; k < AMEM__KV_THETA; k++)
            wg->rule[k] += g[k];
}

/* Loss (1/R) sum |Y - targets|^2 of reads after all writes; grad filled. */
void amem__kv_ep_backward(kv_ep *e, double *grad)
{
    size_t n = e->R * e->m;
    for (size_t k = 0; k < n; k++)
        e->dY[k] = 2.0f * (e->Y[k] - e->in->targets[k]) / (float)e->R;
    memset(e->dK, 0, e->N * e->d * sizeof(float));
    memset(e->dV, 0, e->N * e->m * sizeof(float));
    amem__kv_ep_read_back(e, e->T, 0, e->R, e->dY, NULL);
    memset(grad, 0, AMEM__KV_THETA * sizeof(double));
    kv_write_grad wg = {NULL, NULL, 0, grad};
    for (size_t t = e->T; t-- > 0;)
        amem__kv_ep_write_back(e, t, &wg);
}

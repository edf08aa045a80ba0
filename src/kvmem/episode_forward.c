/*
 * Forward pass of one differentiable episode: writes by the general rule
 * (Eq. 12-17) from an empty memory and reads (Eq. 4-5), one step at a
 * time. Every state is kept for the backward pass (episode_backward.c).
 */
#include <stdlib.h>
#include <string.h>

#include "core/blas.h"
#include "core/check.h"
#include "core/error.h"
#include "episode.h"

static float clamp01(float e)
{
    return e < 0 ? 0 : (e > 1 ? 1 : e);
}

/* Floats of the workspace, or 0 on overflow. */
static size_t ws_floats(size_t d, size_t N, size_t m, size_t T, size_t R)
{
    size_t nd, nm, a, b, c, total;
    if (amem__mul_size(N, d, &nd) || amem__mul_size(N, m, &nm) ||
        amem__mul_size(T + 1, nd + nm, &a) || amem__mul_size(T, 5 * N, &b) ||
        amem__mul_size(R, 2 * (N + m), &c))
        return 0;
    total = a + b + c + nd + nm + 2 * N;
    if (total < a || total > AMEM__MAX_ELEMS)
        return 0;
    return total;
}

int amem__kv_ep_alloc(const char *fn, kv_ep *e, size_t d, size_t N, size_t m,
                      size_t T, size_t R)
{
    /* T and R are the capacities here */
    memset(e, 0, sizeof *e);
    size_t total = ws_floats(d, N, m, T, R);
    if (total == 0)
        return amem__fail(AMEM_E_DIM, fn, "episode of %zu writes too large",
                          T);
    e->block = amem__alloc(total, 1, sizeof(float));
    e->idx = amem__alloc(N, 1, sizeof(size_t));
    e->Sk = amem__zalloc(2, N, 1);
    if (!e->block || !e->idx || !e->Sk) {
        amem__kv_ep_free(e);
        return amem__fail(AMEM_E_NOMEM, fn,
                          "cannot allocate the episode workspace (%zu floats)",
                          total);
    }
    e->Sv = e->Sk + N;
    e->d = d, e->N = N, e->m = m, e->T = T, e->R = R;
    float *p = e->block;
    e->Ks = p, p += (T + 1) * N * d;
    e->Vs = p, p += (T + 1) * N * m;
    e->Hk = p, p += T * N;
    e->Hp = p, p += T * N;
    e->Ak = p, p += T * N;
    e->Av = p, p += T * N;
    e->gam = p, p += T * N;
    e->Hq = p, p += R * N;
    e->dHq = p, p += R * N;
    e->Y = p, p += R * m;
    e->dY = p, p += R * m;
    e->dK = p, p += N * d;
    e->dV = p, p += N * m;
    e->vN = p, p += N;
    e->vN2 = p;
    return AMEM_OK;
}

void amem__kv_ep_free(kv_ep *e)
{
    free(e->block);
    free(e->idx);
    free(e->Sk);
    memset(e, 0, sizeof *e);
}

/* gamma_t into e->gam row t; advances the SEQUENTIAL pointer. */
static void draw_gamma(kv_ep *e, size_t t, amem__rng *rng, float q,
                       int advance_every)
{
    float *g = e->gam + t * e->N;
    size_t n = e->r->random
                   ? amem__kv_random_gate(rng, e->r->p, e->N, e->idx)
                   : amem__kv_sequential_gate(e->pointer, e->idx);
    memset(g, 0, e->N * sizeof(float));
    for (size_t k = 0; k < n; k++)
        g[e->idx[k]] = 1.0f;
    if (q > 0 || advance_every)
        e->pointer = (e->pointer + 1) % e->N;
}

/* Eq. 15 with Eq. 12 and 17: K_{t+1} from K_t. */
static void key_step(kv_ep *e, size_t t, const float *x, float q)
{
    const amem__kv_rule *r = e->r;
    size_t N = e->N, d = e->d;
    const float *K0 = e->Ks + t * N * d, *g = e->gam + t * N;
    float *K1 = e->Ks + (t + 1) * N * d;
    float *hk = e->Hk + t * N, *Ak = e->Ak + t * N;
    memcpy(K1, K0, N * d * sizeof(float));
    amem__kv_scores(K0, N, d, x, r->beta, hk);
    amem__softmax_row(hk, N, 1.0f, NULL);
    for (size_t i = 0; i < N; i++) {
        Ak[i] = (r->meta && e->Sk[i]) ? 0.0f : 1.0f;
        float ek = Ak[i] * q * g[i] * r->eta_k;
        if (ek == 0)
            continue;
        float keep = 1.0f - clamp01(ek);
        float coef = amem__kv_write_gain(r, ek) * (r->b_gk + r->a_gk * hk[i]);
        float *row = K1 + i * d;
        for (size_t j = 0; j < d; j++)
            row[j] = keep * row[j] + coef * (r->a_fk * x[j] + r->b_fk);
        if (r->meta && ek > r->threshold)
            e->Sk[i] = 1;
    }
}

/* Eq. 11 (RAPID) or Eq. 13/16 (PASSIVE): V_{t+1} from V_t. */
static void value_step(kv_ep *e, size_t t, const float *x, const float *y,
                       float q)
{
    const amem__kv_rule *r = e->r;
    size_t N = e->N, m = e->m;
    const float *V0 = e->Vs + t * N * m, *g = e->gam + t * N;
    float *V1 = e->Vs + (t + 1) * N * m, *hp = e->Hp + t * N;
    float *Av = e->Av + t * N;
    memcpy(V1, V0, N * m * sizeof(float));
    amem__kv_scores(e->Ks + (t + 1) * N * e->d, N, e->d, x, r->beta, hp);
    amem__softmax_row(hp, N, 1.0f, NULL); /* Eq. 10 */
    float lam = (1.0f - q) + q * r->lambda;
    int freeze = 0;
    for (size_t i = 0; i < N; i++) {
        float ev, keep;
        Av[i] = (r->meta && e->Sv[i]) ? 0.0f : 1.0f;
        if (Av[i] == 0)
            continue;
        if (r->passive) { /* Eq. 13, 16 */
            ev = q * r->eta_v;
            keep = lam;
        } else { /* Eq. 11 with the rate of Eq. 12 */
            ev = q * g[i] * r->eta_v;
            if (ev == 0)
                continue;
            keep = 1.0f - clamp01(ev);
        }
        float coef = amem__kv_write_gain(r, ev) * (r->a_fv * hp[i] + r->b_fv);
        float *row = V1 + i * m;
        for (size_t k = 0; k < m; k++)
            row[k] = keep * row[k] + coef * (r->a_gv * y[k] + r->b_gv);
        if (r->meta && ev > r->threshold) {
            freeze = 1;
            e->Sv[i] = 1;
        }
    }
    if (freeze && r->passive) /* every value synapse shares the rate */
        memset(e->Sv, 1, N);
}

void amem__kv_ep_reset(kv_ep *e)
{
    e->T = e->R = 0;
    e->pointer = 0;
    memset(e->Ks, 0, e->N * e->d * sizeof(float));
    memset(e->Vs, 0, e->N * e->m * sizeof(float));
    memset(e->Sk, 0, 2 * e->N);
}

void amem__kv_ep_write(kv_ep *e, amem__rng *rng, int advance_every)
{
    const amem__kv_episode_in *in = e->in;
    size_t t = e->T;
    const float *x = in->keys + t * e->d;
    const float *y = in->values ? in->values + t * e->m : x;
    float q = in->q ? in->q[t] : 1.0f;
    draw_gamma(e, t, rng, q, advance_every);
    key_step(e, t, x, q);
    value_step(e, t, x, y, q);
    e->T = t + 1;
}

/* Eq. 4-5 for n query rows against the current state K_T, V_T. */
void amem__kv_ep_read(kv_ep *e, size_t n)
{
    size_t N = e->N, first = e->R;
    const float *KT = e->Ks + e->T * N * e->d, *VT = e->Vs + e->T * N * e->m;
    float *H = e->Hq + first * N;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)n, (int)N,
                (int)e->d, e->r->beta, e->in->queries + first * e->d,
                (int)e->d, KT, (int)e->d, 0.0f, H, (int)N);
    amem__softmax_rows(H, n, N, 1.0f);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)n,
                (int)e->m, (int)N, 1.0f, H, (int)N, VT, (int)e->m, 0.0f,
                e->Y + first * e->m, (int)e->m);
    e->R = first + n;
}

void amem__kv_ep_forward(kv_ep *e, amem__rng *rng, int advance_every)
{
    size_t T = e->T, R = e->R;
    amem__kv_ep_reset(e);
    while (e->T < T)
        amem__kv_ep_write(e, rng, advance_every);
    amem__kv_ep_read(e, R);
}

void amem__kv_ep_skip(kv_ep *e, amem__rng *rng)
{
    if (!e->r->random)
        return;
    for (size_t t = 0; t < e->T; t++)
        amem__kv_random_gate(rng, e->r->p, e->N, e->idx);
}

void amem__kv_ep_loss(const kv_ep *e, double *loss, double *accuracy)
{
    double sq = 0;
    size_t right = 0, n = e->R * e->m;
    for (size_t k = 0; k < n; k++) {
        double diff = (double)e->Y[k] - e->in->targets[k];
        sq += diff * diff;
        right += (double)e->Y[k] * e->in->targets[k] > 0;
    }
    if (loss)
        *loss = sq / (double)e->R;
    if (accuracy)
        *accuracy = (double)right / (double)n;
}

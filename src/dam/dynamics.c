/*
 * The dynamics of the dense associative memory (paper Eq. 3 with tau_h = 0,
 * Euler steps of size eta = dt / tau_v), run on a batch of rows at once.
 *
 * Step t, for the rows still active (slots [0, active)):
 *   A = phi(v_{t-1})                    phi = g (PAPER) or identity
 *   F = softmax(beta A W_hat^T)         one sgemm, a x N by N x M
 *   U = F W_hat                         one sgemm, a x M by M x N
 *   Z = psi(U)                          psi = identity (PAPER) or g
 *   v_t = clamp ? cue : (1 - eta) v_{t-1} + eta Z
 * A row whose residual ||v_t - v_{t-1}|| / ||v_t|| is at most the tolerance
 * records t as its convergence time and is swapped behind the active block,
 * where it stays frozen. With a tape, each step keeps A, F (and for the
 * REFERENCE form Z and ||U||) and its swaps for the backward pass.
 */
#include <math.h>
#include <string.h>

#include "core/blas.h"
#include "dam_impl.h"

void amem__dam_normalize_rows(const float *w, size_t m, size_t n,
                              float *what, float *norms)
{
    for (size_t r = 0; r < m; r++)
        norms[r] = amem__l2_normalize_row(w + r * n, what + r * n, n,
                                          AMEM__DAM_EPS);
}

void amem__dam_normalize_rows_backward(const float *what, const float *norms,
                                       size_t m, size_t n, float *grad)
{
    for (size_t r = 0; r < m; r++)
        amem__l2_normalize_row_backward(what + r * n, norms[r], AMEM__DAM_EPS,
                                        grad + r * n, grad + r * n, n, 0);
}

void amem__dam_cfg_from(const amem_dam *h, amem__dam_cfg *c)
{
    c->n_vis = h->n_vis;
    c->n_hid = h->n_hid;
    c->beta = (float)AMEM__DP(h, BETA);
    c->eta = (float)AMEM__DP(h, DT);
    c->tol = (float)AMEM__DP(h, TOLERANCE);
    c->max_steps = (int)AMEM__DP(h, MAX_STEPS);
    c->reference = AMEM__DP(h, DYNAMICS) == AMEM_DAM_DYNAMICS_REFERENCE;
}

static size_t round64(size_t bytes)
{
    return (bytes + 63u) & ~(size_t)63u;
}

size_t amem__dam_run_bytes(const amem__dam_cfg *c, size_t b)
{
    size_t bn = round64(b * c->n_vis * sizeof(float));
    size_t bm = round64(b * c->n_hid * sizeof(float));
    size_t b1 = round64(b * sizeof(float));
    return 5 * bn + bm + b1 + round64(b * sizeof(size_t)) +
           round64(b * sizeof(int));
}

void amem__dam_run_setup(amem__dam_run *r, const amem__dam_cfg *c,
                         const float *what, size_t b, void *buf)
{
    size_t bn = round64(b * c->n_vis * sizeof(float));
    size_t bm = round64(b * c->n_hid * sizeof(float));
    unsigned char *p = buf;
    memset(r, 0, sizeof *r);
    r->cfg = *c;
    r->what = what;
    r->b = b;
    r->v = (float *)p;
    r->cue = (float *)(p += bn);
    r->clamp = (float *)(p += bn);
    r->scratch_a = (float *)(p += bn);
    r->scratch_u = (float *)(p += bn);
    r->scratch_f = (float *)(p += bn);
    r->scratch_n = (float *)(p += bm);
    r->slot = (size_t *)(p += round64(b * sizeof(float)));
    r->time = (int *)(p + round64(b * sizeof(size_t)));
    for (size_t i = 0; i < b; i++) {
        r->slot[i] = i;
        r->time[i] = c->max_steps + 1;
    }
}

static void *tape_alloc(amem__dam_run *r, size_t floats, int *fail)
{
    if (floats == 0)
        return NULL;
    void *p = amem__arena_alloc(r->tape, floats * sizeof(float));
    if (p == NULL)
        *fail = 1;
    return p;
}

/* A = phi(v) for the active rows; returns where A lives. */
static float *visible_input(amem__dam_run *r, size_t act, amem__dam_step *s)
{
    size_t N = r->cfg.n_vis;
    float *A = s ? s->a : r->scratch_a;
    if (r->cfg.reference) {
        if (!s)
            return r->v;
        memcpy(A, r->v, act * N * sizeof(float));
        return A;
    }
    for (size_t i = 0; i < act; i++) {
        float nv = amem__l2_normalize_row(r->v + i * N, A + i * N, N,
                                          AMEM__DAM_EPS);
        if (s)
            s->nv[i] = nv;
    }
    return A;
}

/* F = softmax(beta A W_hat^T), act x M. */
static void hidden_from(const amem__dam_cfg *c, const float *what,
                        const float *A, size_t act, float *F)
{
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)act,
                (int)c->n_hid, (int)c->n_vis, 1.0f, A, (int)c->n_vis, what,
                (int)c->n_vis, 0.0f, F, (int)c->n_hid);
    amem__softmax_rows(F, act, c->n_hid, c->beta);
}

/* Blend the new states in; residual per row into scratch_n. */
static void update_rows(amem__dam_run *r, size_t act, const float *Z)
{
    size_t N = r->cfg.n_vis;
    float eta = r->cfg.eta, keep = 1.0f - eta;
    for (size_t i = 0; i < act; i++) {
        float *v = r->v + i * N;
        const float *z = Z + i * N, *cue = r->cue + i * N;
        const float *c = r->clamp ? r->clamp + i * N : NULL;
        double diff = 0.0, nrm = 0.0;
        for (size_t j = 0; j < N; j++) {
            float w = (c && c[j] != 0.0f) ? cue[j] : keep * v[j] + eta * z[j];
            double d = (double)w - v[j];
            diff += d * d;
            nrm += (double)w * w;
            v[j] = w;
        }
        r->scratch_n[i] = nrm > 0.0 ? (float)sqrt(diff / nrm)
                                    : (diff > 0.0 ? INFINITY : 0.0f);
    }
}

static void swap_floats(float *a, float *b, size_t n)
{
    for (size_t j = 0; j < n; j++) {
        float t = a[j];
        a[j] = b[j];
        b[j] = t;
    }
}

/* Move converged rows behind the active block; returns the new count. */
static size_t retire_converged(amem__dam_run *r, size_t act, int t)
{
    size_t N = r->cfg.n_vis;
    for (size_t i = 0; i < act;) {
        if (!(r->scratch_n[i] <= r->cfg.tol)) {
            i++;
            continue;
        }
        r->time[r->slot[i]] = t;
        size_t j = --act;
        if (i == j)
            continue;
        swap_floats(r->v + i * N, r->v + j * N, N);
        swap_floats(r->cue + i * N, r->cue + j * N, N);
        if (r->clamp)
            swap_floats(r->clamp + i * N, r->clamp + j * N, N);
        swap_floats(r->scratch_n + i, r->scratch_n + j, 1);
        size_t s = r->slot[i];
        r->slot[i] = r->slot[j];
        r->slot[j] = s;
        if (r->tape) {
            r->swaps[2 * r->n_swaps] = i;
            r->swaps[2 * r->n_swaps + 1] = j;
            r->n_swaps++;
        }
    }
    return act;
}

static int tape_step(amem__dam_run *r, size_t act, amem__dam_step *s)
{
    size_t N = r->cfg.n_vis, M = r->cfg.n_hid;
    int fail = 0;
    memset(s, 0, sizeof *s);
    s->active = act;
    s->a = tape_alloc(r, act * N, &fail);
    s->f = tape_alloc(r, act * M, &fail);
    if (r->cfg.reference) {
        s->z = tape_alloc(r, act * N, &fail);
        s->nu = tape_alloc(r, act, &fail);
    } else {
        s->nv = tape_alloc(r, act, &fail);
    }
    s->swap_begin = s->swap_end = r->n_swaps;
    return fail ? AMEM_E_NOMEM : AMEM_OK;
}

static int tape_begin(amem__dam_run *r)
{
    size_t steps = (size_t)r->cfg.max_steps;
    r->steps = amem__arena_alloc(r->tape, steps * sizeof *r->steps);
    r->swaps = amem__arena_alloc(r->tape, 2 * r->b * sizeof(size_t));
    r->n_steps = r->n_swaps = 0;
    return (r->steps && r->swaps) ? AMEM_OK : AMEM_E_NOMEM;
}

int amem__dam_forward(amem__dam_run *r)
{
    size_t N = r->cfg.n_vis, act = r->b;
    memcpy(r->v, r->cue, r->b * N * sizeof(float));
    if (r->tape && tape_begin(r) != AMEM_OK)
        return AMEM_E_NOMEM;
    for (int t = 1; t <= r->cfg.max_steps && act > 0; t++) {
        amem__dam_step *s = NULL;
        if (r->tape) {
            s = &r->steps[r->n_steps];
            if (tape_step(r, act, s) != AMEM_OK)
                return AMEM_E_NOMEM;
            r->n_steps++;
        }
        const float *A = visible_input(r, act, s);
        float *F = s ? s->f : r->scratch_f;
        hidden_from(&r->cfg, r->what, A, act, F);
        float *U = r->scratch_u;
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)act,
                    (int)N, (int)r->cfg.n_hid, 1.0f, F, (int)r->cfg.n_hid,
                    r->what, (int)N, 0.0f, U, (int)N);
        const float *Z = U;
        if (r->cfg.reference) {
            float *zd = s ? s->z : U;
            for (size_t i = 0; i < act; i++) {
                float nu = amem__l2_normalize_row(U + i * N, zd + i * N, N,
                                                  AMEM__DAM_EPS);
                if (s)
                    s->nu[i] = nu;
            }
            Z = zd;
        }
        update_rows(r, act, Z);
        act = retire_converged(r, act, t);
        if (s)
            s->swap_end = r->n_swaps;
    }
    return AMEM_OK;
}

void amem__dam_hidden_of(const amem__dam_cfg *c, const float *what,
                         const float *v, size_t rows, float *f, float *tmp)
{
    size_t N = c->n_vis;
    const float *A = v;
    if (!c->reference) {
        for (size_t i = 0; i < rows; i++)
            amem__l2_normalize_row(v + i * N, tmp + i * N, N, AMEM__DAM_EPS);
        A = tmp;
    }
    hidden_from(c, what, A, rows, f);
}

void amem__dam_collect(const amem__dam_run *r, float *out, float *hidden)
{
    size_t N = r->cfg.n_vis, M = r->cfg.n_hid;
    if (out)
        for (size_t s = 0; s < r->b; s++)
            memcpy(out + r->slot[s] * N, r->v + s * N, N * sizeof(float));
    if (hidden == NULL)
        return;
    amem__dam_hidden_of(&r->cfg, r->what, r->v, r->b, r->scratch_f,
                        r->scratch_a);
    for (size_t s = 0; s < r->b; s++)
        memcpy(hidden + r->slot[s] * M, r->scratch_f + s * M,
               M * sizeof(float));
}

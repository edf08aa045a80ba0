/*
 * Modern continuous Hopfield network (Ramsauer et al. 2020): batched
 * recall through the fused softmax step, softmax weights and energy.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/blas.h"
#include "core/check.h"
#include "hopfield_impl.h"

float amem__modern_scale(const amem_hopfield *h)
{
    double b = AMEM__HP(h, BETA);
    if (AMEM__HP(h, SCALE_SQRT_D) != 0)
        b /= sqrt((double)h->dim);
    return (float)b;
}

/* Workspace of one recall, allocated once. */
typedef struct recall_ws {
    void *block;
    size_t *active; /* indices of queries still moving */
    float *A;       /* b x d gathered states */
    float *Anew;    /* b x d updated states */
    float *Out;     /* b x m outputs (hetero) */
    float *prev;    /* n x d inputs of each query's last step (weights) */
    float *fused;   /* fused step scratch */
    int threads;    /* jobs per fused step */
} recall_ws;

static int ws_alloc(const amem_hopfield *h, size_t n, int want_prev,
                    recall_ws *w)
{
    size_t d = h->dim, m = h->value_dim;
    size_t floats = 2 * n * d + n * m + (want_prev ? n * d : 0) +
                    amem__fused_ws_len(n, d, d + m, w->threads);
    size_t units; /* n size_t then the floats, in float-sized units */
    if (amem__add_size(floats, n * (sizeof(size_t) / sizeof(float)), &units))
        return AMEM_E_NOMEM;
    w->block = amem__alloc(units, 1, sizeof(float));
    if (w->block == NULL)
        return AMEM_E_NOMEM;
    w->active = w->block;
    w->A = (float *)(w->active + n);
    w->Anew = w->A + n * d;
    w->Out = w->Anew + n * d;
    w->prev = w->Out + n * m;
    w->fused = w->prev + (want_prev ? n * d : 0);
    return AMEM_OK;
}

/* Copy the active queries' states into A (and prev when kept). */
static void gather(const float *x, size_t d, const size_t *active, size_t b,
                   float *A, float *prev)
{
    for (size_t r = 0; r < b; r++) {
        memcpy(A + r * d, x + active[r] * d, d * sizeof(float));
        if (prev)
            memcpy(prev + active[r] * d, A + r * d, d * sizeof(float));
    }
}

/* Write one updated state back (clamped entries keep the cue); returns
 * max |x_new - x_old|. */
static float scatter_row(float *x, const float *xnew, const float *clamp,
                         size_t d)
{
    float moved = 0;
    for (size_t i = 0; i < d; i++) {
        if (clamp != NULL && clamp[i] != 0.0f)
            continue;
        float delta = fabsf(xnew[i] - x[i]);
        moved = delta > moved ? delta : moved;
        x[i] = xnew[i];
    }
    return moved;
}

/* One update of the b active queries; drops those that settle. */
static size_t modern_step(amem_hopfield *h, float *x, size_t b,
                          const float *clamp, float *out, int *steps, int t,
                          recall_ws *w, int last)
{
    size_t d = h->dim, m = h->value_dim;
    amem__fused_args a = {w->A, b, d, h->keys, h->count, amem__modern_scale(h),
                          h->keys, d, w->Anew, NULL, 0, NULL};
    if (m > 0) {
        a.V2 = h->values;
        a.m2 = m;
        a.out2 = w->Out;
    }
    amem__fused_softmax_step(&a, w->fused, w->threads);
    size_t kept = 0;
    float tol = (float)AMEM__HP(h, TOLERANCE);
    for (size_t r = 0; r < b; r++) {
        size_t q = w->active[r];
        float moved = scatter_row(x + q * d, w->Anew + r * d,
                                  clamp ? clamp + q * d : NULL, d);
        if (m > 0)
            memcpy(out + q * m, w->Out + r * m, m * sizeof(float));
        if (moved <= tol || last) {
            if (steps)
                steps[q] = t;
        } else {
            w->active[kept++] = q;
        }
    }
    return kept;
}

/* Jobs per fused step, inside a serial-BLAS window: a step too small to
 * split runs on one thread. */
static int open_threads(const amem_hopfield *h, size_t n)
{
    int threads = amem__blas_window_begin(AMEM__MAX_JOBS);
    return amem__fused_jobs(n, h->count, h->dim, threads);
}

int amem__modern_recall(amem_hopfield *h, float *x, size_t n,
                        const float *clamp, float *out, int *steps,
                        float *weights)
{
    recall_ws w;
    w.threads = open_threads(h, n);
    if (ws_alloc(h, n, weights != NULL, &w) != AMEM_OK) {
        amem__blas_window_end();
        return AMEM_E_NOMEM;
    }
    int max_steps = (int)AMEM__HP(h, MAX_STEPS);
    size_t b = n;
    for (size_t q = 0; q < n; q++)
        w.active[q] = q;
    for (int t = 1; t <= max_steps && b > 0; t++) {
        gather(x, h->dim, w.active, b, w.A, weights ? w.prev : NULL);
        b = modern_step(h, x, b, clamp, out, steps, t, &w, t == max_steps);
    }
    amem__blas_window_end();
    int rc = AMEM_OK;
    if (weights != NULL)
        rc = amem__modern_weights(h, w.prev, n, weights);
    free(w.block);
    return rc;
}

/* Row softmax in place, max-shifted. */
static void softmax_rows(float *s, size_t rows, size_t cols)
{
    for (size_t r = 0; r < rows; r++) {
        float *row = s + r * cols;
        float top = amem__vec_max(row, cols);
        float inv = 1.0f / amem__vec_exp_shift_sum(row, cols, top);
        for (size_t j = 0; j < cols; j++)
            row[j] *= inv;
    }
}

/* Unfused reference path: scores straight into the caller's n x N buffer. */
int amem__modern_weights(const amem_hopfield *h, const float *x, size_t n,
                         float *weights)
{
    int d = (int)h->dim, N = (int)h->count;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)n, N, d,
                amem__modern_scale(h), x, d, h->keys, d, 0.0f, weights, N);
    softmax_rows(weights, n, (size_t)N);
    return AMEM_OK;
}

/* M^2 = max_mu |xi_mu|^2. */
static double max_norm_sq(const amem_hopfield *h)
{
    double best = 0;
    for (size_t mu = 0; mu < h->count; mu++) {
        double s = 0;
        for (size_t j = 0; j < h->dim; j++) {
            double v = h->keys[mu * h->dim + j];
            s += v * v;
        }
        best = s > best ? s : best;
    }
    return best;
}

/* (1/b) log sum_mu exp(b s_mu), max-shifted, in double. */
static double lse_over(const float *s, size_t N, double b)
{
    double top = -INFINITY, sum = 0;
    for (size_t mu = 0; mu < N; mu++)
        top = fmax(top, b * s[mu]);
    for (size_t mu = 0; mu < N; mu++)
        sum += exp(b * s[mu] - top);
    return (top + log(sum)) / b;
}

enum { ENERGY_TILE = 64 };

/* Ramsauer eq. 2: E = -lse(b, Y x) + x.x/2 + log(N)/b + M^2/2. */
int amem__modern_energy(const amem_hopfield *h, const float *s, size_t n,
                        double *e)
{
    size_t N = h->count, d = h->dim;
    size_t tile = n < ENERGY_TILE ? n : ENERGY_TILE;
    float *scores = amem__alloc(tile, N, sizeof(float));
    if (scores == NULL)
        return AMEM_E_NOMEM;
    double b = amem__modern_scale(h);
    double constant = log((double)N) / b + 0.5 * max_norm_sq(h);
    for (size_t q0 = 0; q0 < n; q0 += tile) {
        size_t rows = n - q0 < tile ? n - q0 : tile;
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows,
                    (int)N, (int)d, 1.0f, s + q0 * d, (int)d, h->keys,
                    (int)d, 0.0f, scores, (int)N);
        for (size_t r = 0; r < rows; r++) {
            const float *x = s + (q0 + r) * d;
            double sq = 0;
            for (size_t j = 0; j < d; j++)
                sq += (double)x[j] * x[j];
            e[q0 + r] = -lse_over(scores + r * N, N, b) + 0.5 * sq + constant;
        }
    }
    free(scores);
    return AMEM_OK;
}

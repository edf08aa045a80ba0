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
#include "quant.h"

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
    float *A;       /* b x d gathered states (masked: times the mask) */
    float *Anew;    /* b x d updated states */
    float *Out;     /* b x m outputs (hetero) */
    float *row_sq;  /* b squared norms of the rows of A */
    float *prev;    /* n x d inputs of each query's last step (weights) */
    float *fused;   /* fused step scratch */
    int threads;    /* jobs per fused step */
} recall_ws;

static int ws_alloc(const amem_hopfield *h, size_t n, int want_prev,
                    recall_ws *w)
{
    size_t d = h->dim, m = h->value_dim;
    size_t floats = 2 * n * d + n * m + n + (want_prev ? n * d : 0) +
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
    w->row_sq = w->Out + n * m;
    w->prev = w->row_sq + n;
    w->fused = w->prev + (want_prev ? n * d : 0);
    return AMEM_OK;
}

/* Copy the active queries' states into A (and prev when kept); with a
 * mask (one step, every query active) A = mask o x. */
static void gather(const float *x, size_t d, const size_t *active, size_t b,
                   const float *mask, float *A, float *prev)
{
    for (size_t r = 0; r < b; r++) {
        memcpy(A + r * d, x + active[r] * d, d * sizeof(float));
        if (prev)
            memcpy(prev + active[r] * d, A + r * d, d * sizeof(float));
        for (size_t i = 0; mask != NULL && i < d; i++)
            A[r * d + i] *= mask[r * d + i];
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

/* One update of the b active queries; drops those that settle. A masked
 * recall is one step (see hopfield.h), so every query settles. */
static size_t modern_step(amem_hopfield *h, float *x, size_t b,
                          const float *clamp, float *out, int *steps, int t,
                          recall_ws *w, int last)
{
    size_t d = h->dim, m = h->value_dim;
    amem__fused_args a = amem__modern_args(h);
    a.X = w->A;
    a.mask = clamp;
    a.row_sq = w->row_sq;
    a.b = b;
    a.V1 = h->keys;
    a.m1 = d;
    a.out1 = w->Anew;
    if (m > 0) {
        a.V2 = h->values;
        a.m2 = m;
        a.out2 = w->Out;
    }
    amem__row_sq(&a, w->A, b, w->row_sq);
    amem__fused_step(&a, w->fused, w->threads);
    size_t kept = 0;
    float tol = (float)AMEM__HP(h, TOLERANCE);
    for (size_t r = 0; r < b; r++) {
        size_t q = w->active[r];
        float moved = scatter_row(x + q * d, w->Anew + r * d,
                                  clamp ? clamp + q * d : NULL, d);
        if (m > 0)
            memcpy(out + q * m, w->Out + r * m, m * sizeof(float));
        if (moved <= tol || last || clamp != NULL) {
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
    if (amem__hopfield_f64(h))
        return amem__modern_recall_f64(h, x, n, clamp, out, steps, weights);
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
        gather(x, h->dim, w.active, b, clamp, w.A, weights ? w.prev : NULL);
        b = modern_step(h, x, b, clamp, out, steps, t, &w, t == max_steps);
    }
    amem__blas_window_end();
    int rc = AMEM_OK;
    if (weights != NULL)
        rc = amem__modern_weights(h, w.prev, n, clamp, weights);
    free(w.block);
    return rc;
}

enum { WEIGHT_TILE = 64, KEY_BLOCK = 256 };

/* 1 when masked scores need the squared keys. */
static int needs_key_sq(const amem__fused_args *a)
{
    return a->mask != NULL && (a->similarity == AMEM_HOPFIELD_SIM_EUCLIDEAN ||
                               a->similarity == AMEM_HOPFIELD_SIM_COSINE);
}

/* Scores of a's rows (rows of them) into W (rows x N), block by block of
 * patterns when the keys are compressed or their squares are needed;
 * blk holds 2 KEY_BLOCK x d + rows x KEY_BLOCK floats, tmp rows x N. */
static void score_rows(const amem_hopfield *h, const amem__fused_args *a,
                       size_t rows, float *W, float *blk, float *tmp)
{
    size_t N = h->count, d = h->dim;
    if (h->keys != NULL && !needs_key_sq(a)) {
        amem__score_block(a, h->keys, NULL, 0, rows, 0, N, W, tmp);
        return;
    }
    float *sq = blk + KEY_BLOCK * d, *S = sq + KEY_BLOCK * d;
    for (size_t j0 = 0; j0 < N; j0 += KEY_BLOCK) {
        size_t cols = N - j0 < KEY_BLOCK ? N - j0 : KEY_BLOCK;
        const float *Y = amem__hopfield_key_rows(h, j0, cols, blk);
        for (size_t i = 0; needs_key_sq(a) && i < cols * d; i++)
            sq[i] = Y[i] * Y[i];
        amem__score_block(a, Y, sq, 0, rows, j0, cols, S, tmp);
        for (size_t r = 0; r < rows; r++)
            memcpy(W + r * N + j0, S + r * cols, cols * sizeof(float));
    }
}

/* Unfused path: scores straight into the caller's n x N buffer, in tiles
 * of rows, then the separation over whole rows. */
int amem__modern_weights(const amem_hopfield *h, const float *x, size_t n,
                         const float *mask, float *weights)
{
    size_t d = h->dim, N = h->count;
    size_t tile = n < WEIGHT_TILE ? n : WEIGHT_TILE;
    int cosine = (int)AMEM__HP(h, SIMILARITY) == AMEM_HOPFIELD_SIM_COSINE;
    size_t tmp_rows = mask != NULL && cosine ? tile : 0, len;
    if (amem__mul_size(tmp_rows, N, &len) != 0 ||
        amem__add_size(len, tile * d + tile + 2 * KEY_BLOCK * d +
                                tile * KEY_BLOCK, &len) != 0)
        return AMEM_E_NOMEM;
    float *X = amem__alloc(len, 1, sizeof(float));
    if (X == NULL)
        return AMEM_E_NOMEM;
    float *blk = X + tile * d + tile, *tmp = blk + 2 * KEY_BLOCK * d +
                                             tile * KEY_BLOCK;
    amem__fused_args a = amem__modern_args(h);
    a.X = X;
    a.row_sq = X + tile * d;
    for (size_t q0 = 0; q0 < n; q0 += tile) {
        size_t rows = n - q0 < tile ? n - q0 : tile;
        memcpy(X, x + q0 * d, rows * d * sizeof(float));
        for (size_t i = 0; mask != NULL && i < rows * d; i++)
            X[i] *= mask[q0 * d + i];
        a.mask = mask ? mask + q0 * d : NULL;
        amem__row_sq(&a, X, rows, X + tile * d);
        score_rows(h, &a, rows, weights + q0 * N, blk, tmp);
        amem__sep_rows(&a, weights + q0 * N, rows, N);
    }
    free(X);
    return AMEM_OK;
}

/* M^2 = max_mu |xi_mu|^2. */
static double max_norm_sq(const amem_hopfield *h)
{
    amem__qrows q = {h->keys ? (const void *)h->keys : h->qkeys, h->qscale,
                     amem__hopfield_dtype(h), h->dim};
    double best = 0;
    for (size_t mu = 0; mu < h->count; mu++) {
        double s = amem__quant_norm_sq(&q, mu);
        best = s > best ? s : best;
    }
    return best;
}

/* scores (rows x N) = states . keys, block by block for compressed keys
 * (blk: KEY_BLOCK x d floats). */
static void energy_scores(const amem_hopfield *h, const float *s,
                          size_t rows, float *scores, float *blk)
{
    size_t N = h->count, d = h->dim;
    size_t block = h->keys != NULL ? N : KEY_BLOCK;
    for (size_t j0 = 0; j0 < N; j0 += block) {
        size_t cols = N - j0 < block ? N - j0 : block;
        const float *Y = amem__hopfield_key_rows(h, j0, cols, blk);
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows,
                    (int)cols, (int)d, 1.0f, s, (int)d, Y, (int)d, 0.0f,
                    scores + j0, (int)N);
    }
}

/* (1/b) log sum_mu exp(b s_mu), max-shifted, in double. */
static double lse_over(const double *s, size_t N, double b)
{
    double top = -INFINITY, sum = 0;
    for (size_t mu = 0; mu < N; mu++)
        top = fmax(top, b * s[mu]);
    for (size_t mu = 0; mu < N; mu++)
        sum += exp(b * s[mu] - top);
    return (top + log(sum)) / b;
}

static double max_over(const double *s, size_t N)
{
    double top = -INFINITY;
    for (size_t mu = 0; mu < N; mu++)
        top = fmax(top, s[mu]);
    return top;
}

/* The pairs with an energy (hopfield.h): 0 none, else an id. */
enum { NO_ENERGY, E_DOT_SOFTMAX, E_EUC_SOFTMAX, E_DOT_ARGMAX, E_EUC_ARGMAX,
       E_DOT_IDENTITY };

static int energy_id(const amem_hopfield *h)
{
    int sim = (int)AMEM__HP(h, SIMILARITY), sep = (int)AMEM__HP(h, SEPARATION);
    if (sim == AMEM_HOPFIELD_SIM_DOT)
        return sep == AMEM_HOPFIELD_SEP_SOFTMAX    ? E_DOT_SOFTMAX
               : sep == AMEM_HOPFIELD_SEP_ARGMAX   ? E_DOT_ARGMAX
               : sep == AMEM_HOPFIELD_SEP_IDENTITY ? E_DOT_IDENTITY
                                                   : NO_ENERGY;
    if (sim == AMEM_HOPFIELD_SIM_EUCLIDEAN)
        return sep == AMEM_HOPFIELD_SEP_SOFTMAX  ? E_EUC_SOFTMAX
               : sep == AMEM_HOPFIELD_SEP_ARGMAX ? E_EUC_ARGMAX
                                                 : NO_ENERGY;
    return NO_ENERGY;
}

int amem__modern_has_energy(const amem_hopfield *h)
{
    return energy_id(h) != NO_ENERGY;
}

/*
 * One state's energy from its dot products s_mu = xi_mu . x and x.x
 * (hopfield.h). Each is the function whose concave-convex procedure step
 * (Yuille & Rangarajan 2003) is the recall step: for Euclidean softmax
 * E = 1/2 x.x - (1/(2b)) lse(b (2 xi.x - |xi|^2)) + (1/(2b)) log N, which
 * is -(1/(2b)) log((1/N) sum exp(-b |x - xi|^2)); argmax is the b -> inf
 * limit of the softmax energies; for the identity, x <- Y^T Y x.
 */
static double state_energy(const amem_hopfield *h, int id, double *s,
                           double xx, double b, double M2)
{
    size_t N = h->count;
    if (id == E_EUC_SOFTMAX || id == E_EUC_ARGMAX)
        for (size_t mu = 0; mu < N; mu++) /* -|x - xi|^2 */
            s[mu] = -fmax(xx - 2.0 * s[mu] + h->key_norm_sq[mu], 0.0);
    switch (id) {
    case E_EUC_SOFTMAX:
        return -0.5 * (lse_over(s, N, b) - log((double)N) / b);
    case E_EUC_ARGMAX:
        return -0.5 * max_over(s, N);
    case E_DOT_ARGMAX:
        return -max_over(s, N) + 0.5 * xx + 0.5 * M2;
    case E_DOT_IDENTITY: {
        double sq = 0;
        for (size_t mu = 0; mu < N; mu++)
            sq += s[mu] * s[mu];
        return 0.5 * xx - 0.5 * sq;
    }
    default: /* Ramsauer eq. 2 */
        return -lse_over(s, N, b) + 0.5 * xx + log((double)N) / b + 0.5 * M2;
    }
}

enum { ENERGY_TILE = 64 };

int amem__modern_energy(const amem_hopfield *h, const float *s, size_t n,
                        double *e)
{
    size_t N = h->count, d = h->dim;
    size_t tile = n < ENERGY_TILE ? n : ENERGY_TILE;
    float *scores = amem__alloc(tile, N, sizeof(float));
    float *blk = amem__alloc(KEY_BLOCK, d, sizeof(float));
    double *row = amem__alloc(N, 1, sizeof(double));
    if (scores == NULL || row == NULL || blk == NULL) {
        free(scores);
        free(row);
        free(blk);
        return AMEM_E_NOMEM;
    }
    double b = amem__modern_scale(h), M2 = max_norm_sq(h);
    int id = energy_id(h);
    for (size_t q0 = 0; q0 < n; q0 += tile) {
        size_t rows = n - q0 < tile ? n - q0 : tile;
        energy_scores(h, s + q0 * d, rows, scores, blk);
        for (size_t r = 0; r < rows; r++) {
            const float *x = s + (q0 + r) * d;
            double xx = 0;
            for (size_t j = 0; j < d; j++)
                xx += (double)x[j] * x[j];
            for (size_t mu = 0; mu < N; mu++)
                row[mu] = scores[r * N + mu];
            e[q0 + r] = state_energy(h, id, row, xx, b, M2);
        }
    }
    free(scores);
    free(row);
    free(blk);
    return AMEM_OK;
}

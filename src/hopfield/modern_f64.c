/*
 * MODERN recall with PRECISION = FLOAT64 (Ramsauer et al. 2020, eq. 3, in
 * double): per step p = softmax(b sim(Y, x)), x <- Y^T p, output V^T p,
 * with the scores, the max-shifted softmax, the products (dgemm) and the
 * iterate in double. The stored keys (any DTYPE, dequantised) and values
 * are copied once per call into double arrays; queries are processed in
 * chunks so that a chunk's scores take at most 4 MiB (one row at least).
 * SIMILARITY DOT or EUCLIDEAN with SEPARATION SOFTMAX; masks, tolerance,
 * steps and weights as the float32 path (modern.c, hopfield.h):
 *   DOT        s = (m o x) . xi
 *   EUCLIDEAN  s = -max(|m o x|^2 - 2 (m o x) . xi + m . (xi o xi), 0)
 * In float32 a weight whose scaled score is more than about 87 below the
 * row maximum is exactly 0 (core/numerics.h); in double it survives to
 * about 745, so large beta changes what float32 recall returns.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/blas.h"
#include "core/check.h"
#include "core/error.h"
#include "core/numerics.h"
#include "hopfield_impl.h"

#define SCORE_DOUBLES ((size_t)1 << 19)
enum { CONVERT_BLOCK = 256 };

int amem__hopfield_f64(const amem_hopfield *h)
{
    return h->kind == AMEM_HOPFIELD_MODERN &&
           AMEM__HP(h, PRECISION) == AMEM_HOPFIELD_PRECISION_FLOAT64;
}

int amem__modern_f64_check(const char *fn, const amem_hopfield *h)
{
    int sim = (int)AMEM__HP(h, SIMILARITY), sep = (int)AMEM__HP(h, SEPARATION);
    if (!amem__hopfield_f64(h) ||
        ((sim == AMEM_HOPFIELD_SIM_DOT || sim == AMEM_HOPFIELD_SIM_EUCLIDEAN) &&
         sep == AMEM_HOPFIELD_SEP_SOFTMAX))
        return AMEM_OK;
    return amem__fail(AMEM_E_UNSUPPORTED, fn,
                      "PRECISION FLOAT64 recalls with SIMILARITY DOT or "
                      "EUCLIDEAN and SEPARATION SOFTMAX; this network has "
                      "similarity %d, separation %d", sim, sep);
}

/* The doubles one recall works in. */
typedef struct f64_ws {
    double *block;
    double *Y, *Ysq, *V;  /* N x d keys, N x d squares (masked EUCLIDEAN
                           * only), N x m values */
    double *ynorm;        /* N: |xi|^2 (EUCLIDEAN) */
    double *X;            /* n x d states */
    double *A, *Anew;     /* chunk x d: masked states, new states */
    double *Out, *S, *Q;  /* chunk x m outputs, chunk x N scores, chunk x N
                           * masked key norms */
    float *scratch;       /* CONVERT_BLOCK x d dequantised keys */
    size_t chunk;
    int euclid, masked;
    double scale;
} f64_ws;

static size_t ws_doubles(const amem_hopfield *h, size_t n, const f64_ws *w)
{
    size_t N = h->count, d = h->dim, m = h->value_dim, c = w->chunk;
    size_t parts[] = {N * d, w->euclid && w->masked ? N * d : 0, N * m, N,
                      n * d, 2 * c * d, c * m, c * N,
                      w->euclid && w->masked ? c * N : 0};
    size_t total = 0;
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
        if (amem__add_size(total, parts[i], &total) != 0)
            return 0;
    return total;
}

/* Keys (and squares, norms) and values as doubles. */
static void convert_store(const amem_hopfield *h, f64_ws *w)
{
    size_t N = h->count, d = h->dim;
    for (size_t j0 = 0; j0 < N; j0 += CONVERT_BLOCK) {
        size_t rows = N - j0 < CONVERT_BLOCK ? N - j0 : CONVERT_BLOCK;
        const float *y = amem__hopfield_key_rows(h, j0, rows, w->scratch);
        for (size_t i = 0; i < rows * d; i++)
            w->Y[j0 * d + i] = y[i];
    }
    for (size_t mu = 0; w->euclid && mu < N; mu++) {
        double s = 0.0;
        for (size_t k = 0; k < d; k++) {
            double y = w->Y[mu * d + k];
            s += y * y;
            if (w->Ysq)
                w->Ysq[mu * d + k] = y * y;
        }
        w->ynorm[mu] = s;
    }
    for (size_t i = 0; w->V && i < N * h->value_dim; i++)
        w->V[i] = h->values[i];
}

static int ws_alloc(const amem_hopfield *h, size_t n, const float *clamp,
                    f64_ws *w)
{
    size_t N = h->count, d = h->dim, m = h->value_dim;
    w->euclid = (int)AMEM__HP(h, SIMILARITY) == AMEM_HOPFIELD_SIM_EUCLIDEAN;
    w->masked = clamp != NULL;
    w->chunk = SCORE_DOUBLES / N < 1 ? 1 : SCORE_DOUBLES / N;
    w->chunk = w->chunk < n ? w->chunk : n;
    w->scale = AMEM__HP(h, BETA) /
               (AMEM__HP(h, SCALE_SQRT_D) != 0 ? sqrt((double)d) : 1.0);
    size_t len = ws_doubles(h, n, w);
    w->block = len ? amem__alloc(len, 1, sizeof(double)) : NULL;
    w->scratch = amem__alloc(CONVERT_BLOCK, d, sizeof(float));
    if (w->block == NULL || w->scratch == NULL)
        return AMEM_E_NOMEM;
    size_t c = w->chunk, sq = w->euclid && w->masked;
    w->Y = w->block;
    w->Ysq = sq ? w->Y + N * d : NULL;
    w->V = m ? w->Y + (1 + sq) * N * d : NULL;
    w->ynorm = w->Y + (1 + sq) * N * d + N * m;
    w->X = w->ynorm + N;
    w->A = w->X + n * d;
    w->Anew = w->A + c * d;
    w->Out = w->Anew + c * d;
    w->S = w->Out + c * m;
    w->Q = sq ? w->S + c * N : NULL;
    convert_store(h, w);
    return AMEM_OK;
}

/* Scores of the rows rows of A (masks M, rows x d, or NULL) into S:
 * b (A . xi) for DOT, b * -max(|a|^2 - 2 a.xi + q_mu, 0) for EUCLIDEAN. */
static void scores(const amem_hopfield *h, f64_ws *w, size_t rows,
                   const float *M)
{
    size_t N = h->count, d = h->dim;
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows, (int)N,
                (int)d, w->euclid ? 2.0 : 1.0, w->A, (int)d, w->Y, (int)d,
                0.0, w->S, (int)N);
    for (size_t r = 0; M && w->euclid && r < rows; r++)
        for (size_t k = 0; k < d; k++)
            w->Anew[r * d + k] = M[r * d + k]; /* the mask, as doubles */
    if (M && w->euclid)
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows,
                    (int)N, (int)d, 1.0, w->Anew, (int)d, w->Ysq, (int)d,
                    0.0, w->Q, (int)N);
    for (size_t r = 0; r < rows; r++) {
        double *s = w->S + r * N, aa = 0.0;
        for (size_t k = 0; w->euclid && k < d; k++)
            aa += w->A[r * d + k] * w->A[r * d + k];
        for (size_t mu = 0; mu < N; mu++) {
            double q = w->Q ? w->Q[r * N + mu] : w->ynorm[mu];
            double v = w->euclid ? -fmax(aa - s[mu] + q, 0.0) : s[mu];
            s[mu] = w->scale * v;
        }
        amem__softmax_row_f64(s, N, NULL);
    }
}

/* A = m o x for the chunk's queries act[0 .. rows); then the weights S
 * (scores(), softmax), Anew = S Y and Out = S V. */
static void chunk_products(const amem_hopfield *h, f64_ws *w,
                           const size_t *act, size_t rows, const float *M)
{
    size_t d = h->dim, m = h->value_dim, N = h->count;
    for (size_t r = 0; r < rows; r++)
        for (size_t k = 0; k < d; k++)
            w->A[r * d + k] = w->X[act[r] * d + k] *
                              (M ? (double)M[r * d + k] : 1.0);
    scores(h, w, rows, M);
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows, (int)d,
                (int)N, 1.0, w->S, (int)N, w->Y, (int)d, 0.0, w->Anew,
                (int)d);
    if (m)
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows,
                    (int)m, (int)N, 1.0, w->S, (int)N, w->V, (int)m, 0.0,
                    w->Out, (int)m);
}

/* Write row r of the chunk back to query q (clamped entries keep the
 * cue; output and weights rounded to float); returns max |x_new - x|. */
static double scatter_row(const amem_hopfield *h, f64_ws *w, size_t r,
                          size_t q, const float *clamp, float *out,
                          float *weights)
{
    size_t d = h->dim, m = h->value_dim, N = h->count;
    double moved = 0.0;
    for (size_t k = 0; k < d; k++) {
        if (clamp && clamp[q * d + k] != 0.0f)
            continue;
        moved = fmax(moved, fabs(w->Anew[r * d + k] - w->X[q * d + k]));
        w->X[q * d + k] = w->Anew[r * d + k];
    }
    for (size_t k = 0; k < m; k++)
        out[q * m + k] = (float)w->Out[r * m + k];
    for (size_t mu = 0; weights && mu < N; mu++)
        weights[q * N + mu] = (float)w->S[r * N + mu];
    return moved;
}

/* One step of the active queries act[0 .. b) in chunks; returns how many
 * remain active (kept at the front of act). A masked recall is one step
 * with every query active (act[i] = i), so a chunk's mask rows are
 * contiguous. */
static size_t step(const amem_hopfield *h, f64_ws *w, size_t *act, size_t b,
                   const float *clamp, float *out, float *weights,
                   int *steps, int t, int last)
{
    size_t kept = 0;
    double tol = AMEM__HP(h, TOLERANCE);
    for (size_t r0 = 0; r0 < b; r0 += w->chunk) {
        size_t rows = b - r0 < w->chunk ? b - r0 : w->chunk;
        chunk_products(h, w, act + r0, rows,
                       clamp ? clamp + act[r0] * h->dim : NULL);
        for (size_t r = 0; r < rows; r++) {
            size_t q = act[r0 + r];
            double moved = scatter_row(h, w, r, q, clamp, out, weights);
            if (moved <= tol || last || clamp != NULL) {
                if (steps)
                    steps[q] = t;
            } else {
                act[kept++] = q;
            }
        }
    }
    return kept;
}

int amem__modern_recall_f64(amem_hopfield *h, float *x, size_t n,
                            const float *clamp, float *out, int *steps,
                            float *weights)
{
    f64_ws w = {0};
    size_t *act = amem__alloc(n, 1, sizeof(size_t));
    int rc = act ? ws_alloc(h, n, clamp, &w) : AMEM_E_NOMEM;
    if (rc == AMEM_OK) {
        int max_steps = (int)AMEM__HP(h, MAX_STEPS);
        size_t b = n;
        for (size_t i = 0; i < n * h->dim; i++)
            w.X[i] = x[i];
        for (size_t q = 0; q < n; q++)
            act[q] = q;
        for (int t = 1; t <= max_steps && b > 0; t++)
            b = step(h, &w, act, b, clamp, out, weights, steps, t,
                     t == max_steps);
        for (size_t i = 0; i < n * h->dim; i++)
            x[i] = (float)w.X[i];
    }
    free(act);
    free(w.block);
    free(w.scratch);
    return rc;
}

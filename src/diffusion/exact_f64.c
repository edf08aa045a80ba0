/*
 * The exact score of exact.c computed in double (PRECISION = FLOAT64): the
 * same formulas (see the top of exact.c; the paper's Eq. A3-A4 with the
 * theta scaling restored, extended by Eqs. 23-25 and the semantic
 * manifold of exact_semantic.c), with the logits, the
 * max-shifted softmax, log-sum-exp and the score in double and both
 * products through dgemm. The stored patterns stay float32 in the handle;
 * each call copies them once into a double workspace (exact in double).
 * In float32 a logit gap above about 87 makes a weight exactly 0 (the
 * shared underflow rule, core/numerics.h) and the late, sharp steps of
 * recall (logits ~ theta x.y / s_t^2) round ties and near-ties
 * differently; in double the same weights survive to gaps of about 745.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/blas.h"
#include "core/check.h"
#include "core/error.h"
#include "core/numerics.h"
#include "diffusion_impl.h"

int amem__diffusion_f64(const amem_diffusion *h)
{
    return AMEM__DP(h, PRECISION) == AMEM_DIFFUSION_PRECISION_FLOAT64 &&
           AMEM__DP(h, SCORE) == AMEM_DIFFUSION_SCORE_EXACT;
}

/* Rows per chunk: a block of logits (N + 1 doubles a row) or of manifold
 * terms (rank + 1 a row) stays within exact.c's 4 MiB block (a double is
 * two floats' room). */
static size_t chunk_rows(const amem_diffusion *h, size_t n)
{
    size_t cols = h->count + 1, w = amem__semantic_width(h);
    return amem__exact_chunk(n, 2 * (cols > w ? cols : w));
}

size_t amem__exact64_ws_len(const amem_diffusion *h, size_t n)
{
    const size_t count = h->count, chunk = chunk_rows(h, n);
    size_t y, len;
    if (amem__mul_size(count, h->dim, &y) != 0 ||
        amem__add_size(y, chunk * (count + 1), &len) != 0 ||
        amem__add_size(len, count + 1, &len) != 0 ||
        amem__add_size(len, chunk * amem__semantic_width(h), &len) != 0)
        return 0;
    return len;
}

void amem__exact64_prepare(const amem_diffusion *h, double *ws)
{
    for (size_t i = 0; i < h->count * h->dim; i++)
        ws[i] = h->patterns[i];
}

static double squared_norm(const double *x, size_t d)
{
    double acc = 0.0;
    for (size_t j = 0; j < d; j++)
        acc += x[j] * x[j];
    return acc;
}

/* Softmax of each row of L (rows x cols) after adding the biases and the
 * semantic logit; log p per row when logp is not NULL. With a manifold,
 * proj (rows x (rank + 1)) receives each row's projections, one dgemm. */
static void softmax_rows(const amem_diffusion *h, const amem__exact_terms *e,
                         double *L, const double *x, size_t rows,
                         const double *bias, double *proj, double *logp)
{
    const size_t N = h->count, d = h->dim, w = amem__semantic_width(h);
    const double log_norm = amem__exact_log_norm(e, d);
    if (e->sem)
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows,
                    (int)w, (int)d, 1.0, x, (int)d, e->sem->basis, (int)d,
                    0.0, proj, (int)w);
    for (size_t i = 0; i < rows; i++) {
        double *row = L + i * e->cols, lse, x2 = squared_norm(x + i * d, d);
        for (size_t mu = 0; mu < N; mu++)
            row[mu] += bias[mu];
        if (e->cols > N)
            row[N] = amem__exact_semantic_logit(e, d, x2, proj + i * w);
        amem__softmax_row_f64(row, e->cols, &lse);
        if (logp)
            logp[i] = lse - x2 / (2.0 * e->vp) - log_norm;
    }
}

/* score = (theta M - (sum h_mem) x) / v_p - h_sem x / v_s, M = H_mem Y
 * already in score, plus the manifold's pull (exact_semantic.c): each
 * row's coefficients in place of its projections, one dgemm with the
 * basis. */
static void finish_score(const amem__exact_terms *e, const double *x,
                         const double *L, size_t N, double *score,
                         size_t rows, size_t d, double *proj)
{
    for (size_t i = 0; i < rows; i++) {
        double h_sem = e->cols > N ? L[i * e->cols + N] : 0.0;
        double keep = (1.0 - h_sem) / e->vp + h_sem / e->vs;
        for (size_t j = i * d; j < (i + 1) * d; j++)
            score[j] = e->theta / e->vp * score[j] - keep * x[j];
        if (e->sem)
            amem__exact_semantic_coef(e, h_sem, proj + i * (e->sem->rank + 1));
    }
    if (e->sem)
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows,
                    (int)d, (int)(e->sem->rank + 1), 1.0, proj,
                    (int)(e->sem->rank + 1), e->sem->basis, (int)d, 1.0,
                    score, (int)d);
}

void amem__exact64_eval(const amem_diffusion *h, const double *x, size_t n,
                        double theta, double s, double *weights,
                        double *score, double *logp, double *ws)
{
    const size_t N = h->count, d = h->dim;
    const amem__exact_terms e = amem__exact_make_terms(h, theta, s);
    const size_t chunk = chunk_rows(h, n);
    const double *Y = ws;
    double *L = ws + N * d, *bias = L + chunk * (N + 1);
    double *proj = bias + N + 1;
    for (size_t mu = 0; mu < N; mu++)
        bias[mu] = amem__exact_bias(h, &e, mu);
    for (size_t r0 = 0; r0 < n; r0 += chunk) {
        size_t rows = n - r0 < chunk ? n - r0 : chunk;
        const double *xc = x + r0 * d;
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows,
                    (int)N, (int)d, theta / e.vp, xc, (int)d, Y, (int)d, 0.0,
                    L, (int)e.cols);
        softmax_rows(h, &e, L, xc, rows, bias, proj,
                     logp ? logp + r0 : NULL);
        for (size_t i = 0; weights && i < rows; i++)
            memcpy(weights + (r0 + i) * N, L + i * e.cols, N * sizeof *L);
        if (score) {
            double *sc = score + r0 * d;
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows,
                        (int)d, (int)N, 1.0, L, (int)e.cols, Y, (int)d, 0.0,
                        sc, (int)d);
            finish_score(&e, xc, L, N, sc, rows, d, proj);
        }
    }
}

/* Round n doubles to float. */
static void to_float(const double *x, float *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = (float)x[i];
}

int amem__exact64_at(const char *fn, const amem_diffusion *h,
                     const float *states, size_t n, double t, float *weights,
                     float *score, double *logp)
{
    const size_t d = h->dim, N = h->count;
    size_t wlen = amem__exact64_ws_len(h, n), out_len = 0, len;
    if (weights && amem__mul_size(n, N, &out_len) != 0)
        return amem__fail(AMEM_E_DIM, fn, "%zu x %zu weights overflow", n, N);
    if (score)
        out_len = n * d;
    double *x = NULL;
    if (wlen != 0 && amem__add_size(wlen, n * d, &len) == 0 &&
        amem__add_size(len, out_len, &len) == 0)
        x = amem__alloc(len, 1, sizeof(double));
    if (x == NULL)
        return amem__fail(AMEM_E_NOMEM, fn, "cannot allocate the double "
                          "workspace");
    double *res = x + n * d, *ws = res + out_len, theta, s;
    for (size_t i = 0; i < n * d; i++)
        x[i] = states[i];
    amem__exact64_prepare(h, ws);
    amem__diffusion_marginal(h, t, &theta, &s);
    amem__exact64_eval(h, x, n, theta, s, weights ? res : NULL,
                       score ? res : NULL, logp, ws);
    to_float(res, weights ? weights : score, out_len);
    free(x);
    return AMEM_OK;
}

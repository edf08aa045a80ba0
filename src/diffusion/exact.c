/*
 * The exact score of the stored memories (derived from the marginal; the
 * paper's Eq. A3-A4 with the theta scaling restored and the sign fixed),
 * extended by two settings to the memories of the paper's Section 6:
 *   EXTENT r: each memory is the blob N(y_mu, r^2 I), an "extended
 *     localized memory" (Eq. 23, Fig. 1b); r = 0 gives the points of Fig. 1a;
 *   SEMANTIC_WEIGHT lambda, SEMANTIC_VAR c: a continuous "semantic" density
 *     N(0, c I) of weight lambda beside the episodic memories (Eqs. 24-25,
 *     Fig. 1c): p_0 = (1 - lambda)/N sum_mu N(y_mu, r^2) + lambda N(0, c);
 *     amem_diffusion_set_semantic gives it a mean m and a manifold,
 *     N(m, c I + sum_k sigma_k^2 q_k q_k^T), whose extra logit and score
 *     terms are derived in exact_semantic.c.
 * Every component stays Gaussian under the forward process, so with
 *   v_p = theta^2 r^2 + s^2,   v_s = theta^2 c + s^2,
 *   logit_mu = (theta / v_p) x.y_mu - theta^2 |y_mu|^2 / (2 v_p)
 *              + log((1 - lambda) / N),
 *   logit_sem = log lambda - |x|^2 (1/(2 v_s) - 1/(2 v_p))
 *               - (d/2) log(v_s / v_p),
 *   h = softmax(logits over the N memories and the semantic component),
 *   score = (theta Y^T h_mem - (sum h_mem) x) / v_p - h_sem x / v_s,
 *   log p_t(x) = logsumexp(logits) - |x|^2 / (2 v_p) - (d/2) log(2 pi v_p).
 * With r = 0 and lambda = 0 this is the finite pattern set:
 * v_p = s^2 and score = (theta Y^T h - x) / s^2.
 * Queries are processed in chunks: one sgemm for the logits of a chunk, a
 * max-shifted softmax per row, one sgemm for Y^T h; with a manifold, one
 * small sgemm for the r + 1 projections of the chunk's rows before the
 * softmax and one adding their coefficients x the basis after it.
 */
#include <math.h>
#include <string.h>

#include "core/blas.h"
#include "core/numerics.h"
#include "diffusion_impl.h"

/* Logit block of at most this many floats (4 MiB). */
#define BLOCK_FLOATS ((size_t)1 << 20)
#define MAX_CHUNK ((size_t)1024)
#define TWO_PI 6.283185307179586

size_t amem__exact_chunk(size_t n, size_t count)
{
    size_t c = BLOCK_FLOATS / (count ? count : 1);
    if (c < 1)
        c = 1;
    if (c > MAX_CHUNK)
        c = MAX_CHUNK;
    return c < n ? c : n;
}

/* Rows per chunk: a block of logits (N + 1 floats a row) or of manifold
 * terms (rank + 1 doubles and floats a row) stays within BLOCK_FLOATS. */
static size_t chunk_of(const amem_diffusion *h, size_t n)
{
    const size_t cols = h->count + 1, w3 = 3 * amem__semantic_width(h);
    return amem__exact_chunk(n, cols > w3 ? cols : w3);
}

/* The manifold's per-row doubles (first, aligned) and floats, then room
 * for the N memories and the semantic component. */
size_t amem__exact_ws_len(const amem_diffusion *h, size_t n)
{
    const size_t chunk = chunk_of(h, n);
    return 3 * chunk * amem__semantic_width(h) + chunk * (h->count + 1) +
           h->count + 1;
}

amem__exact_terms amem__exact_make_terms(const amem_diffusion *h,
                                         double theta, double s)
{
    double r = AMEM__DP(h, EXTENT), s2 = s * s;
    amem__exact_terms e = {theta, theta * theta * r * r + s2,
                           theta * theta * AMEM__DP(h, SEMANTIC_VAR) + s2,
                           AMEM__DP(h, SEMANTIC_WEIGHT), h->count, NULL, 0.0};
    e.cols += e.lam > 0.0;
    if (e.lam > 0.0 && h->sem != NULL) {
        e.sem = h->sem;
        for (size_t k = 0; k < h->sem->rank; k++) {
            double g = theta * h->sem->spread[k];
            e.logdet += log1p(g * g / e.vs);
        }
    }
    return e;
}

/* bias_mu = -theta^2 |y_mu|^2 / (2 v_p) + log((1 - lambda) / N). */
double amem__exact_bias(const amem_diffusion *h, const amem__exact_terms *e,
                        size_t mu)
{
    const size_t d = h->dim;
    const float *y = h->patterns + mu * d;
    double norm2 = 0.0;
    for (size_t j = 0; j < d; j++)
        norm2 += (double)y[j] * y[j];
    return -e->theta * e->theta * norm2 / (2.0 * e->vp) +
           log((1.0 - e->lam) / (double)h->count);
}

/* (d/2) log(2 pi v_p), the normaliser of log p_t. */
double amem__exact_log_norm(const amem__exact_terms *e, size_t d)
{
    return 0.5 * (double)d * log(TWO_PI * e->vp);
}

static void pattern_bias(const amem_diffusion *h, const amem__exact_terms *e,
                         float *bias)
{
    for (size_t mu = 0; mu < h->count; mu++)
        bias[mu] = (float)amem__exact_bias(h, e, mu);
}

static double squared_norm(const float *x, size_t d)
{
    double acc = 0.0;
    for (size_t j = 0; j < d; j++)
        acc += (double)x[j] * x[j];
    return acc;
}

/* proj (rows x (rank + 1), double) = x . basis^T: one sgemm on the float
 * basis into pf, widened. */
static void project(const amem__semantic *sem, size_t d, const float *x,
                    size_t rows, float *pf, double *proj)
{
    const size_t w = sem->rank + 1;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows, (int)w,
                (int)d, 1.0f, x, (int)d, sem->basis_f, (int)d, 0.0f, pf,
                (int)w);
    for (size_t i = 0; i < rows * w; i++)
        proj[i] = pf[i];
}

/* Softmax of each row of L (rows x cols) in place, the semantic logit in
 * the last column when there is one; log p per row if wanted. With a
 * manifold, proj receives each row's projections (pf: float room). */
static void softmax_rows(const amem_diffusion *h, const amem__exact_terms *e,
                         float *L, const float *x, size_t rows,
                         const float *bias, double *proj, float *pf,
                         double *logp)
{
    const size_t N = h->count, d = h->dim, w = amem__semantic_width(h);
    const double log_norm = amem__exact_log_norm(e, d);
    if (e->sem)
        project(e->sem, d, x, rows, pf, proj);
    for (size_t i = 0; i < rows; i++) {
        float *row = L + i * e->cols;
        double lse, x2 = squared_norm(x + i * d, d);
        for (size_t mu = 0; mu < N; mu++)
            row[mu] += bias[mu];
        if (e->cols > N)
            row[N] = (float)amem__exact_semantic_logit(e, d, x2, proj + i * w);
        amem__softmax_row(row, e->cols, 1.0f, &lse);
        if (logp)
            logp[i] = lse - x2 / (2.0 * e->vp) - log_norm;
    }
}

/* score += the manifold's pull (exact_semantic.c): the coefficients of
 * each row from its projections and h_sem, then one sgemm with the basis. */
static void add_pull(const amem__exact_terms *e, const float *L, size_t N,
                     size_t rows, size_t d, double *proj, float *pf,
                     float *score)
{
    const size_t w = e->sem->rank + 1;
    for (size_t i = 0; i < rows; i++) {
        amem__exact_semantic_coef(e, L[i * e->cols + N], proj + i * w);
        for (size_t k = i * w; k < (i + 1) * w; k++)
            pf[k] = (float)proj[k];
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows, (int)d,
                (int)w, 1.0f, pf, (int)w, e->sem->basis_f, (int)d, 1.0f,
                score, (int)d);
}

/* score = (theta M - (sum h_mem) x) / v_p - h_sem x / v_s, M = H_mem Y
 * (rows x d) already in score, plus the manifold's pull. */
static void finish_score(const amem__exact_terms *e, const float *x,
                         const float *L, size_t N, float *score, size_t rows,
                         size_t d, double *proj, float *pf)
{
    const float a = (float)(e->theta / e->vp), b = (float)(1.0 / e->vp);
    const float c = (float)(1.0 / e->vs);
    for (size_t i = 0; i < rows; i++) {
        float h_sem = e->cols > N ? L[i * e->cols + N] : 0.0f;
        float keep = b * (1.0f - h_sem) + c * h_sem;
        for (size_t j = i * d; j < (i + 1) * d; j++)
            score[j] = a * score[j] - keep * x[j];
    }
    if (e->sem)
        add_pull(e, L, N, rows, d, proj, pf, score);
}

static void copy_weights(const float *L, size_t rows, size_t cols, size_t N,
                         float *weights)
{
    for (size_t i = 0; i < rows; i++)
        memcpy(weights + i * N, L + i * cols, N * sizeof(float));
}

void amem__exact_eval(const amem_diffusion *h, const float *x, size_t n,
                      double theta, double s, float *weights, float *score,
                      double *logp, float *ws)
{
    const size_t N = h->count, d = h->dim;
    const amem__exact_terms e = amem__exact_make_terms(h, theta, s);
    const size_t chunk = chunk_of(h, n);
    const size_t w = amem__semantic_width(h);
    double *proj = (double *)(void *)ws;
    float *pf = ws + 2 * chunk * w, *L = pf + chunk * w;
    float *bias = L + chunk * e.cols;
    pattern_bias(h, &e, bias);
    for (size_t r0 = 0; r0 < n; r0 += chunk) {
        size_t rows = n - r0 < chunk ? n - r0 : chunk;
        const float *xc = x + r0 * d;
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows,
                    (int)N, (int)d, (float)(theta / e.vp), xc, (int)d,
                    h->patterns, (int)d, 0.0f, L, (int)e.cols);
        softmax_rows(h, &e, L, xc, rows, bias, proj, pf,
                     logp ? logp + r0 : NULL);
        if (weights)
            copy_weights(L, rows, e.cols, N, weights + r0 * N);
        if (score) {
            float *sc = score + r0 * d;
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows,
                        (int)d, (int)N, 1.0f, L, (int)e.cols, h->patterns,
                        (int)d, 0.0f, sc, (int)d);
            finish_score(&e, xc, L, N, sc, rows, d, proj, pf);
        }
    }
}

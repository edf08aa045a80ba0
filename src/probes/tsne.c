/*
 * Exact t-SNE (van der Maaten & Hinton 2008). Input affinities
 *   p_{j|i} = exp(-beta_i d_ij^2) / sum_k exp(-beta_i d_ik^2),
 * beta_i found by bisection so that the entropy H(P_i) = log(perplexity);
 * P = (P_{j|i} + P_{i|j}) / 2n. Output affinities q_ij = w_ij / sum w,
 * w_ij = 1 / (1 + |y_i - y_j|^2). Gradient (their eq. 5):
 *   dC/dy_i = 4 sum_j (p_ij - q_ij) w_ij (y_i - y_j).
 * Optimisation as in their paper and sklearn: early exaggeration 12 for 250
 * iterations, momentum 0.5 then 0.8, learning rate max(n / 48, 50),
 * per-element gains.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/check.h"
#include "core/error.h"
#include "core/rng.h"
#include "assocmem/probes.h"

#define EXAGGERATION 12.0
#define EXAG_ITERS 250
#define MAX_POINTS 5000

static void sq_distances(const float *x, size_t n, size_t dim, double *d)
{
    for (size_t i = 0; i < n; i++) {
        d[i * n + i] = 0.0;
        for (size_t j = 0; j < i; j++) {
            double s = 0.0;
            for (size_t k = 0; k < dim; k++) {
                double t = (double)x[i * dim + k] - x[j * dim + k];
                s += t * t;
            }
            d[i * n + j] = d[j * n + i] = s;
        }
    }
}

/* Row i of the conditional affinities at precision beta; returns H. */
static double row_affinity(const double *d, size_t n, size_t i, double beta,
                           double *p)
{
    double dmin = INFINITY, sum = 0.0, dot = 0.0;
    for (size_t j = 0; j < n; j++)
        if (j != i && d[j] < dmin)
            dmin = d[j];
    for (size_t j = 0; j < n; j++) {
        p[j] = j == i ? 0.0 : exp(-beta * (d[j] - dmin));
        sum += p[j];
    }
    for (size_t j = 0; j < n; j++) {
        p[j] /= sum;
        dot += p[j] * (d[j] - dmin);
    }
    return log(sum) + beta * dot; /* entropy in nats */
}

/* Bisection on beta per row (50 steps or |H - log perp| < 1e-5). */
static void conditional_p(const double *d, size_t n, double perplexity,
                          double *p)
{
    double target = log(perplexity);
    for (size_t i = 0; i < n; i++) {
        double beta = 1.0, lo = 0.0, hi = INFINITY;
        for (int it = 0; it < 100; it++) {
            double h = row_affinity(d + i * n, n, i, beta, p + i * n);
            if (fabs(h - target) < 1e-5)
                break;
            if (h > target) {
                lo = beta;
                beta = isinf(hi) ? beta * 2.0 : (beta + hi) / 2.0;
            } else {
                hi = beta;
                beta = (beta + lo) / 2.0;
            }
        }
    }
}

static void symmetrize(double *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < i; j++) {
            double s = (p[i * n + j] + p[j * n + i]) / (2.0 * (double)n);
            s = s > 1e-12 ? s : 1e-12;
            p[i * n + j] = p[j * n + i] = s;
        }
}

typedef struct embed {
    size_t n, k;
    const double *p;
    double *w;               /* n x n Student-t kernel */
    double *y, *grad, *upd, *gain;
} embed;

/* Gradient of KL(P||Q) with P scaled by exag; returns KL (unexaggerated). */
static double gradient(embed *e, double exag)
{
    size_t n = e->n, k = e->k;
    double z = 0.0;
    for (size_t i = 0; i < n; i++) {
        e->w[i * n + i] = 0.0;
        for (size_t j = 0; j < i; j++) {
            double s = 0.0;
            for (size_t c = 0; c < k; c++) {
                double t = e->y[i * k + c] - e->y[j * k + c];
                s += t * t;
            }
            e->w[i * n + j] = e->w[j * n + i] = 1.0 / (1.0 + s);
            z += 2.0 / (1.0 + s);
        }
    }
    double kl = 0.0;
    memset(e->grad, 0, n * k * sizeof(double));
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            if (j == i)
                continue;
            double pij = e->p[i * n + j], wij = e->w[i * n + j];
            double q = wij / z;
            double m = 4.0 * (exag * pij - q) * wij;
            for (size_t c = 0; c < k; c++)
                e->grad[i * k + c] += m * (e->y[i * k + c] - e->y[j * k + c]);
            kl += pij * log(pij / (q > 1e-300 ? q : 1e-300));
        }
    return kl;
}

/* Momentum step with the gains of Jacobs (1988) as in the t-SNE paper. */
static void step(embed *e, double momentum, double lr)
{
    size_t nk = e->n * e->k;
    for (size_t i = 0; i < nk; i++) {
        int same = (e->grad[i] > 0) == (e->upd[i] > 0);
        e->gain[i] = same ? e->gain[i] * 0.8 : e->gain[i] + 0.2;
        if (e->gain[i] < 0.01)
            e->gain[i] = 0.01;
        e->upd[i] = momentum * e->upd[i] - lr * e->gain[i] * e->grad[i];
        e->y[i] += e->upd[i];
    }
    for (size_t c = 0; c < e->k; c++) { /* keep the embedding centred */
        double m = 0.0;
        for (size_t i = 0; i < e->n; i++)
            m += e->y[i * e->k + c];
        m /= (double)e->n;
        for (size_t i = 0; i < e->n; i++)
            e->y[i * e->k + c] -= m;
    }
}

static int check_args(const char *fn, const float *x, size_t n, size_t dim,
                      size_t out_dim, double perplexity, size_t iterations,
                      const float *y)
{
    AMEM__CHECK_NULL(y, fn);
    int rc = amem__check_array(fn, "x", x, n, dim);
    if (rc != AMEM_OK)
        return rc;
    if (n < 4 || n > MAX_POINTS)
        return amem__fail(AMEM_E_DIM, fn, "%zu points outside [4, %d]", n,
                          MAX_POINTS);
    if (out_dim < 1 || out_dim > 3)
        return amem__fail(AMEM_E_DIM, fn, "out_dim %zu outside [1, 3]",
                          out_dim);
    if (!(perplexity >= 1.0 && perplexity <= (double)(n - 1) / 3.0))
        return amem__fail(AMEM_E_RANGE, fn, "perplexity %g outside [1, %g]",
                          perplexity, (double)(n - 1) / 3.0);
    if (iterations < 250 || iterations > 100000)
        return amem__fail(AMEM_E_RANGE, fn,
                          "iterations %zu outside [250, 100000]", iterations);
    return AMEM_OK;
}

static int optimise(embed *e, size_t iterations, float *y_out,
                    amem_progress_fn progress, void *user)
{
    double lr = fmax((double)e->n / EXAGGERATION / 4.0, 50.0);
    int rc = AMEM_OK;
    for (size_t it = 0; it < iterations; it++) {
        int early = it < EXAG_ITERS;
        double kl = gradient(e, early ? EXAGGERATION : 1.0);
        step(e, early ? 0.5 : 0.8, lr);
        if (progress != NULL && (it + 1) % 10 == 0 &&
            progress(user, "tsne", (long)(it + 1), (long)iterations, kl)) {
            rc = amem__fail(AMEM_E_CANCELLED, "amem_tsne",
                            "cancelled after %zu iterations", it + 1);
            break;
        }
    }
    for (size_t i = 0; i < e->n * e->k; i++)
        y_out[i] = (float)e->y[i];
    return rc;
}

int amem_tsne(const float *x, size_t n, size_t dim, size_t out_dim,
              double perplexity, size_t iterations, uint64_t seed, float *y,
              amem_progress_fn progress, void *user)
{
    static const char fn[] = "amem_tsne";
    int rc = check_args(fn, x, n, dim, out_dim, perplexity, iterations, y);
    if (rc != AMEM_OK)
        return rc;
    size_t nn = n * n, nk = n * out_dim;
    double *d = amem__alloc(nn, 1, sizeof(double));
    double *p = amem__alloc(nn, 1, sizeof(double));
    double *buf = amem__zalloc(4, nk, sizeof(double));
    if (d == NULL || p == NULL || buf == NULL) {
        free(d);
        free(p);
        free(buf);
        return amem__fail(AMEM_E_NOMEM, fn, "cannot allocate %zu x %zu", n, n);
    }
    sq_distances(x, n, dim, d);
    conditional_p(d, n, perplexity, p);
    symmetrize(p, n);
    embed e = {n, out_dim, p, d, buf, buf + nk, buf + 2 * nk, buf + 3 * nk};
    amem__rng rng;
    amem__rng_seed(&rng, seed);
    for (size_t i = 0; i < nk; i++) {
        e.y[i] = 1e-2 * amem__rng_normal(&rng);
        e.gain[i] = 1.0;
    }
    rc = optimise(&e, iterations, y, progress, user); /* d reused as w */
    free(d);
    free(p);
    free(buf);
    return rc;
}

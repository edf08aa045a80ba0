/*
 * Binary C-SVM with the RBF kernel by sequential minimal optimisation:
 * the dual  min 1/2 a^T Q a - e^T a,  0 <= a <= C,  y^T a = 0,
 * Q_ij = y_i y_j k(x_i, x_j), solved two variables at a time with the
 * second-order working-set selection of Fan, Chen & Lin (2005, WSS 2) and
 * the clipped pair update and bias of LIBSVM (Chang & Lin 2011, §4.1-4.2).
 * No shrinking; the m x m kernel matrix is computed once.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/check.h"
#include "core/error.h"
#include "probe_impl.h"

#define TAU 1e-12

static double rbf(const float *a, const float *b, size_t dim, double gamma)
{
    double d = 0.0;
    for (size_t k = 0; k < dim; k++) {
        double t = (double)a[k] - b[k];
        d += t * t;
    }
    return exp(-gamma * d);
}

double amem__svm_decision(const amem__svm *s, size_t dim, double gamma,
                          const float *x)
{
    double f = -s->rho;
    for (size_t t = 0; t < s->n_sv; t++)
        f += s->coef[t] * rbf(s->sv + t * dim, x, dim, gamma);
    return f;
}

typedef struct smo {
    size_t m;
    const signed char *y;
    const float *K; /* m x m kernel */
    double *a, *G, c;
} smo;

static int up(const smo *s, size_t t)
{
    return s->y[t] > 0 ? s->a[t] < s->c : s->a[t] > 0;
}

static int low(const smo *s, size_t t)
{
    return s->y[t] > 0 ? s->a[t] > 0 : s->a[t] < s->c;
}

/* WSS 2; returns 0 when the maximal violation is below tol. */
static int select_pair(const smo *s, double tol, size_t *pi, size_t *pj)
{
    double gmax = -INFINITY, gmax2 = -INFINITY, best = INFINITY;
    size_t i = s->m, j = s->m;
    for (size_t t = 0; t < s->m; t++)
        if (up(s, t) && -s->y[t] * s->G[t] >= gmax) {
            gmax = -s->y[t] * s->G[t];
            i = t;
        }
    if (i == s->m)
        return 0;
    const float *Ki = s->K + i * s->m;
    for (size_t t = 0; t < s->m; t++) {
        if (!low(s, t))
            continue;
        double v = s->y[t] * s->G[t];
        gmax2 = fmax(gmax2, v);
        double diff = gmax + v;
        if (diff <= 0)
            continue;
        double quad = Ki[i] + s->K[t * s->m + t] - 2.0 * Ki[t];
        double obj = -diff * diff / (quad > 0 ? quad : TAU);
        if (obj <= best) {
            best = obj;
            j = t;
        }
    }
    if (gmax + gmax2 < tol || j == s->m)
        return 0;
    *pi = i;
    *pj = j;
    return 1;
}

/* LIBSVM's analytic update of (a_i, a_j) with clipping to the box. */
static void update_pair(smo *s, size_t i, size_t j)
{
    double *a = s->a, c = s->c, *G = s->G;
    double Kij = s->K[i * s->m + j];
    double quad = s->K[i * s->m + i] + s->K[j * s->m + j] - 2.0 * Kij;
    quad = quad > 0 ? quad : TAU;
    double old_i = a[i], old_j = a[j];
    if (s->y[i] != s->y[j]) {
        double delta = (-G[i] - G[j]) / quad, diff = a[i] - a[j];
        a[i] += delta;
        a[j] += delta;
        if (diff > 0 && a[j] < 0) { a[j] = 0; a[i] = diff; }
        if (diff <= 0 && a[i] < 0) { a[i] = 0; a[j] = -diff; }
        if (diff > 0 && a[i] > c) { a[i] = c; a[j] = c - diff; }
        if (diff <= 0 && a[j] > c) { a[j] = c; a[i] = c + diff; }
    } else {
        double delta = (G[i] - G[j]) / quad, sum = a[i] + a[j];
        a[i] -= delta;
        a[j] += delta;
        if (sum > c && a[i] > c) { a[i] = c; a[j] = sum - c; }
        if (sum <= c && a[j] < 0) { a[j] = 0; a[i] = sum; }
        if (sum > c && a[j] > c) { a[j] = c; a[i] = sum - c; }
        if (sum <= c && a[i] < 0) { a[i] = 0; a[j] = sum; }
    }
    double di = a[i] - old_i, dj = a[j] - old_j;
    for (size_t t = 0; t < s->m; t++)   /* G_t += Q_ti da_i + Q_tj da_j */
        G[t] += s->y[t] * (s->y[i] * s->K[t * s->m + i] * di +
                           s->y[j] * s->K[t * s->m + j] * dj);
}

/* LIBSVM's rho: mean of y G over free variables, else the midpoint. */
static double bias(const smo *s)
{
    double ub = INFINITY, lb = -INFINITY, sum = 0.0;
    size_t free_n = 0;
    for (size_t t = 0; t < s->m; t++) {
        double yg = s->y[t] * s->G[t];
        if (s->a[t] > 0 && s->a[t] < s->c) {
            sum += yg;
            free_n++;
        } else if ((s->y[t] > 0) == (s->a[t] <= 0)) {
            ub = fmin(ub, yg);
        } else {
            lb = fmax(lb, yg);
        }
    }
    return free_n > 0 ? sum / (double)free_n : (ub + lb) / 2.0;
}

static int keep_support(const char *fn, const smo *s, const float *xs,
                        size_t dim, const size_t *idx, amem__svm *out)
{
    size_t n_sv = 0;
    for (size_t t = 0; t < s->m; t++)
        n_sv += s->a[t] > 0;
    out->coef = amem__alloc(n_sv ? n_sv : 1, 1, sizeof(float));
    out->sv = amem__alloc(n_sv ? n_sv : 1, dim, sizeof(float));
    if (out->coef == NULL || out->sv == NULL)
        return amem__fail(AMEM_E_NOMEM, fn, "cannot keep %zu vectors", n_sv);
    out->n_sv = 0;
    for (size_t t = 0; t < s->m; t++) {
        if (s->a[t] <= 0)
            continue;
        out->coef[out->n_sv] = (float)(s->a[t] * s->y[t]);
        memcpy(out->sv + out->n_sv * dim, xs + idx[t] * dim,
               dim * sizeof(float));
        out->n_sv++;
    }
    out->rho = bias(s);
    return AMEM_OK;
}

int amem__svm_train(const char *fn, const float *xs, size_t dim,
                    const size_t *idx, const signed char *y, size_t m,
                    double c, double gamma, double tol, long max_iter,
                    amem__svm *out)
{
    float *K = amem__alloc(m, m, sizeof(float));
    double *a = amem__zalloc(m, 1, sizeof(double));
    double *G = amem__alloc(m, 1, sizeof(double));
    int rc = AMEM_OK;
    if (K == NULL || a == NULL || G == NULL) {
        rc = amem__fail(AMEM_E_NOMEM, fn, "cannot allocate a %zu x %zu kernel",
                        m, m);
    } else {
        for (size_t i = 0; i < m; i++) {
            G[i] = -1.0;
            for (size_t j = 0; j <= i; j++)
                K[i * m + j] = K[j * m + i] = (float)rbf(
                    xs + idx[i] * dim, xs + idx[j] * dim, dim, gamma);
        }
        smo s = {m, y, K, a, G, c};
        size_t i, j;
        for (long it = 0; it < max_iter && select_pair(&s, tol, &i, &j); it++)
            update_pair(&s, i, j);
        rc = keep_support(fn, &s, xs, dim, idx, out);
    }
    free(K);
    free(a);
    free(G);
    return rc;
}

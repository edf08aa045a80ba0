/*
 * Classical Hopfield dynamics (sign updates on Hebbian weights). The
 * bidirectional associative memory is in bam.c and reuses the sign update.
 */
#include <stdlib.h>
#include <string.h>

#include "core/blas.h"
#include "core/check.h"
#include "hopfield_impl.h"

static int is_clamped(const float *clamp, size_t i)
{
    return clamp != NULL && clamp[i] != 0.0f;
}

void amem__hopfield_mark_settled(int *steps, unsigned char *done, size_t q,
                                 int t)
{
    if (!done[q] && steps)
        steps[q] = t;
    done[q] = 1;
}

int amem__hopfield_settle_step(int *steps, unsigned char *done,
                               const unsigned char *changed, size_t n, int t,
                               size_t moved)
{
    for (size_t q = 0; q < n; q++)
        if (!done[q] && !changed[q])
            amem__hopfield_mark_settled(steps, done, q, t);
    return moved == 0;
}

void amem__hopfield_finish_steps(int *steps, const unsigned char *done,
                                 size_t n, int max_steps)
{
    for (size_t q = 0; q < n && steps; q++)
        if (!done[q])
            steps[q] = max_steps;
}

size_t amem__hopfield_apply_signs(float *X, const float *H, size_t rows,
                                  size_t len, const float *clamp,
                                  const float *diag, const unsigned char *done,
                                  unsigned char *changed)
{
    size_t n_changed = 0;
    for (size_t q = 0; q < rows; q++) {
        changed[q] = 0;
        if (done[q])
            continue;
        for (size_t i = 0; i < len; i++) {
            size_t k = q * len + i;
            if (is_clamped(clamp, k))
                continue;
            double field = H[k] - (diag ? (double)diag[i] * X[k] : 0.0);
            float v = amem__hopfield_sign(field, X[k]);
            changed[q] |= v != X[k];
            X[k] = v;
        }
        n_changed += changed[q];
    }
    return n_changed;
}

/* Synchronous: all units of all active queries from one sgemm per step. */
static int classical_sync(amem_hopfield *h, float *x, size_t n,
                          const float *clamp, int *steps, const float *diag,
                          float *H, unsigned char *done)
{
    int d = (int)h->dim, max_steps = (int)AMEM__HP(h, MAX_STEPS);
    unsigned char *changed = done + n;
    for (int t = 1; t <= max_steps; t++) {
        /* H = X W (W symmetric). */
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)n, d, d,
                    1.0f, x, d, h->weights, d, 0.0f, H, d);
        size_t moved = amem__hopfield_apply_signs(x, H, n, h->dim, clamp,
                                                  diag, done, changed);
        if (amem__hopfield_settle_step(steps, done, changed, n, t, moved))
            break;
    }
    amem__hopfield_finish_steps(steps, done, n, max_steps);
    return AMEM_OK;
}

/* Unit order of one asynchronous sweep. */
static void sweep_order(amem_hopfield *h, size_t *order)
{
    for (size_t i = 0; i < h->dim; i++)
        order[i] = i;
    if (AMEM__HP(h, ORDER) == AMEM_HOPFIELD_ORDER_RANDOM)
        amem__rng_shuffle(&h->rng, order, h->dim);
}

/*
 * Asynchronous: one unit at a time, keeping the local fields f = W x in
 * double and updating them by delta * W[i,:] after each flip, so a sweep
 * costs O(d * flips) after one initial sgemm.
 */
static int async_one(amem_hopfield *h, float *x, const float *clamp,
                     const float *diag, double *f, size_t *order)
{
    size_t d = h->dim;
    int max_steps = (int)AMEM__HP(h, MAX_STEPS);
    for (int t = 1; t <= max_steps; t++) {
        int moved = 0;
        sweep_order(h, order);
        for (size_t k = 0; k < d; k++) {
            size_t i = order[k];
            if (is_clamped(clamp, i))
                continue;
            double field = f[i] - (diag ? (double)diag[i] * x[i] : 0.0);
            float v = amem__hopfield_sign(field, x[i]);
            if (v == x[i])
                continue;
            double delta = (double)v - x[i];
            const float *row = h->weights + i * d;
            for (size_t j = 0; j < d; j++)
                f[j] += delta * row[j];
            x[i] = v;
            moved = 1;
        }
        if (!moved)
            return t;
    }
    return max_steps;
}

static int classical_async(amem_hopfield *h, float *x, size_t n,
                           const float *clamp, int *steps, const float *diag,
                           float *H, double *f, size_t *order)
{
    int d = (int)h->dim;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)n, d, d, 1.0f,
                x, d, h->weights, d, 0.0f, H, d);
    for (size_t q = 0; q < n; q++) {
        for (size_t j = 0; j < h->dim; j++)
            f[j] = H[q * h->dim + j];
        int t = async_one(h, x + q * h->dim, clamp ? clamp + q * h->dim : NULL,
                          diag, f, order);
        if (steps)
            steps[q] = t;
    }
    return AMEM_OK;
}

/* Diagonal of W (for ZERO_DIAGONAL) into diag[d]. */
static void copy_diagonal(const amem_hopfield *h, float *diag)
{
    for (size_t i = 0; i < h->dim; i++)
        diag[i] = h->weights[i * h->dim + i];
}

int amem__classical_recall(amem_hopfield *h, float *x, size_t n,
                           const float *clamp, int *steps)
{
    size_t d = h->dim;
    /* One block: H (n x d floats), diag (d), f (d doubles), order (d),
     * done/changed (2n bytes). */
    size_t floats; /* in float-sized units, the 2n bytes rounded up */
    if (amem__add_size(n * d, d * (1 + 2 * sizeof(double) / sizeof(float)) +
                       n, &floats))
        return AMEM_E_NOMEM;
    unsigned char *ws = amem__alloc(floats, 1, sizeof(float));
    if (ws == NULL)
        return AMEM_E_NOMEM;
    double *f = (double *)ws;
    size_t *order = (size_t *)(f + d);
    float *H = (float *)(order + d);
    float *diag = H + n * d;
    unsigned char *done = (unsigned char *)(diag + d);
    memset(done, 0, 2 * n);
    const float *zd = NULL;
    if (AMEM__HP(h, ZERO_DIAGONAL) != 0) {
        copy_diagonal(h, diag);
        zd = diag;
    }
    int rc;
    if (AMEM__HP(h, UPDATE) == AMEM_HOPFIELD_UPDATE_SYNC)
        rc = classical_sync(h, x, n, clamp, steps, zd, H, done);
    else
        rc = classical_async(h, x, n, clamp, steps, zd, H, f, order);
    free(ws);
    return rc;
}

/* E = -1/2 x^T W x (diagonal left out when ZERO_DIAGONAL), or for BAM
 * states [x ; y]: E = -y^T W x. Accumulated in double. */
int amem__classical_energy(const amem_hopfield *h, const float *s, size_t n,
                           double *e)
{
    size_t d = h->dim, m = h->value_dim;
    int zero_diag = m == 0 && AMEM__HP(h, ZERO_DIAGONAL) != 0;
    for (size_t q = 0; q < n; q++) {
        const float *x = s + q * (d + m);
        const float *y = m ? x + d : x;
        size_t rows = m ? m : d;
        double sum = 0;
        for (size_t i = 0; i < rows; i++) {
            const float *row = h->weights + i * d;
            double dot = 0;
            for (size_t j = 0; j < d; j++)
                dot += (double)row[j] * x[j];
            if (zero_diag)
                dot -= (double)row[i] * x[i];
            sum += dot * y[i];
        }
        e[q] = m ? -sum : -0.5 * sum;
    }
    return AMEM_OK;
}

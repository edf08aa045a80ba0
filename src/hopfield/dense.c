/*
 * Dense associative memories: polynomial and rectified-polynomial
 * interaction (Krotov & Hopfield 2016) and exponential interaction
 * (Demircigil et al. 2017). Energy E(x) = -sum_mu F(xi_mu . x); each unit in
 * turn takes the value in {-1, +1} of lower energy given the others
 * (Krotov & Hopfield eq. 3), ties keeping the current value.
 */
#include <math.h>
#include <stdlib.h>

#include "core/check.h"
#include "core/numerics.h"
#include "hopfield_impl.h"

/* F(z) for the polynomial kinds. */
static double interaction(int kind, int degree, double z)
{
    if (kind == AMEM_HOPFIELD_DENSE_RECT && z < 0)
        return 0.0;
    return amem__powi(z, degree);
}

/*
 * Score of setting unit i to v given the overlaps ov (N): for polynomial
 * kinds sum_mu F(ov_mu + xi_mu,i (v - x_i)) (higher = lower energy); for the
 * exponential kind the log of that sum, computed max-shifted.
 */
static double unit_score(const amem_hopfield *h, const double *ov, size_t i,
                         double dv)
{
    const float *xi = h->keys + i;
    size_t d = h->dim, N = h->count;
    if (h->kind == AMEM_HOPFIELD_DENSE_EXP) {
        double top = -INFINITY, sum = 0;
        for (size_t mu = 0; mu < N; mu++)
            top = fmax(top, ov[mu] + xi[mu * d] * dv);
        for (size_t mu = 0; mu < N; mu++)
            sum += exp(ov[mu] + xi[mu * d] * dv - top);
        return top + log(sum);
    }
    int degree = (int)AMEM__HP(h, DEGREE);
    double sum = 0;
    for (size_t mu = 0; mu < N; mu++)
        sum += interaction(h->kind, degree, ov[mu] + xi[mu * d] * dv);
    return sum;
}

/* ov[mu] = xi_mu . x in double. */
static void overlaps(const amem_hopfield *h, const float *x, double *ov)
{
    for (size_t mu = 0; mu < h->count; mu++) {
        const float *xi = h->keys + mu * h->dim;
        double dot = 0;
        for (size_t j = 0; j < h->dim; j++)
            dot += (double)xi[j] * x[j];
        ov[mu] = dot;
    }
}

/* One sweep over the units of one state; returns 1 if any unit changed. */
static int dense_sweep(amem_hopfield *h, float *x, const float *clamp,
                       double *ov, size_t *order)
{
    int moved = 0;
    for (size_t i = 0; i < h->dim; i++)
        order[i] = i;
    if (AMEM__HP(h, ORDER) == AMEM_HOPFIELD_ORDER_RANDOM)
        amem__rng_shuffle(&h->rng, order, h->dim);
    for (size_t k = 0; k < h->dim; k++) {
        size_t i = order[k];
        if (clamp != NULL && clamp[i] != 0.0f)
            continue;
        double up = unit_score(h, ov, i, 1.0 - x[i]);
        double down = unit_score(h, ov, i, -1.0 - x[i]);
        float v = up > down ? 1.0f : down > up ? -1.0f : x[i];
        if (v == x[i])
            continue;
        double dv = (double)v - x[i];
        for (size_t mu = 0; mu < h->count; mu++)
            ov[mu] += h->keys[mu * h->dim + i] * dv;
        x[i] = v;
        moved = 1;
    }
    return moved;
}

int amem__dense_recall(amem_hopfield *h, float *x, size_t n,
                       const float *clamp, int *steps)
{
    double *ov = amem__alloc(h->count + h->dim, 1, sizeof(double));
    if (ov == NULL)
        return AMEM_E_NOMEM;
    size_t *order = (size_t *)(ov + h->count);
    int max_steps = (int)AMEM__HP(h, MAX_STEPS);
    for (size_t q = 0; q < n; q++) {
        float *xq = x + q * h->dim;
        const float *cq = clamp ? clamp + q * h->dim : NULL;
        int t = 1;
        overlaps(h, xq, ov);
        while (dense_sweep(h, xq, cq, ov, order) && t < max_steps)
            t++;
        if (steps)
            steps[q] = t;
    }
    free(ov);
    return AMEM_OK;
}

int amem__dense_energy(const amem_hopfield *h, const float *s, size_t n,
                       double *e)
{
    double *ov = amem__alloc(h->count, 1, sizeof(double));
    if (ov == NULL)
        return AMEM_E_NOMEM;
    int degree = (int)AMEM__HP(h, DEGREE);
    for (size_t q = 0; q < n; q++) {
        overlaps(h, s + q * h->dim, ov);
        double sum = 0;
        for (size_t mu = 0; mu < h->count; mu++)
            sum += h->kind == AMEM_HOPFIELD_DENSE_EXP
                       ? exp(ov[mu])
                       : interaction(h->kind, degree, ov[mu]);
        e[q] = -sum;
    }
    free(ov);
    return AMEM_OK;
}

/*
 * The bound on the weight a pruned step leaves out (hopfield.h, "Pruned
 * recall"). For each unsearched list l, U_l is the largest score any
 * point of the ball of radius r_l around its centroid c_l can have:
 *   DOT        x.c + |x| r                    (Cauchy-Schwarz on x.(xi - c))
 *   EUCLIDEAN  -max(0, |x - c| - r)^2         (|x - xi| >= |x - c| - r)
 *   MANHATTAN  -max(0, |x - c|_1 - r1)        (the same in the 1-norm)
 *   COSINE     cos(max(0, angle(x, c) - asin(r / |c|))), 1 when r >= |c|
 *              (seen from 0 the ball subtends a half-angle asin(r / |c|))
 * each widened by a relative 1e-5 so that the float scores of the members
 * never exceed it. With the scored patterns' maximum M and sum L in the
 * separation's own normalisation, the unscored ones sum to at most
 *   R = sum_l n_l w(U_l),  w = e^(b U - M) (SOFTMAX), (U / M)^n (POLY),
 * and the weight left out, Z_out / (L + Z_out), grows with Z_out, so it is
 * at most R / (L + R). Computed in double, as log-sum-exp for SOFTMAX.
 */
#include <math.h>

#include "ivf_impl.h"

#define SLACK 1e-5

static double cosine_best(double cs, double xx, double c_sq, double r)
{
    if (xx == 0.0)
        return SLACK; /* every cosine score of a zero query is 0 */
    double c = sqrt(c_sq);
    if (r >= c)
        return 1.0 + SLACK;
    double theta = acos(fmax(-1.0, fmin(1.0, cs)));
    return cos(fmax(0.0, theta - asin(r / c))) + SLACK;
}

/* U_l at scale 1. */
static double list_best(const amem__ivf *ivf, int similarity, size_t l,
                        double cs, double xx)
{
    double r = ivf->radius[l], c = sqrt((double)ivf->cent_norm_sq[l]);
    double x = sqrt(xx);
    switch (similarity) {
    case AMEM_HOPFIELD_SIM_EUCLIDEAN: {
        double gap = fmax(0.0, sqrt(fmax(-cs, 0.0)) - r);
        return -gap * gap + SLACK * (xx + (c + r) * (c + r));
    }
    case AMEM_HOPFIELD_SIM_MANHATTAN: {
        double r1 = ivf->radius_l1[l];
        double scale = sqrt((double)ivf->d) * (x + c) + r1;
        return -fmax(0.0, -cs - r1) + SLACK * scale;
    }
    case AMEM_HOPFIELD_SIM_COSINE:
        return cosine_best(cs, xx, (double)ivf->cent_norm_sq[l], r);
    default:
        return cs + x * r + SLACK * x * (c + r);
    }
}

/* log of sum_l n_l e^(b U_l - M) over the unsearched lists; -inf if none. */
static double log_left_softmax(const amem__ivf *ivf, const amem__fused_args *a,
                               const amem__ivf_query *q)
{
    double top = -INFINITY, sum = 0.0;
    for (size_t pass = 0; pass < 2; pass++)
        for (size_t l = 0; l < ivf->nlist; l++) {
            size_t n = ivf->offset[l + 1] - ivf->offset[l];
            if (q->probed[l] || n == 0)
                continue;
            double u = a->scale * list_best(ivf, a->similarity, l, q->cs[l],
                                            q->xx) -
                       q->row_max + log((double)n);
            if (pass == 0)
                top = fmax(top, u);
            else
                sum += exp(u - top);
        }
    return top == -INFINITY ? top : top + log(sum);
}

/* POLY's R = sum_l n_l (max(U_l, 0) / M)^n, M > 0; and whether some
 * unsearched list could reach M (the arg-max case). */
static double left_poly(const amem__ivf *ivf, const amem__fused_args *a,
                        const amem__ivf_query *q, int *reaches)
{
    double R = 0.0;
    *reaches = 0;
    for (size_t l = 0; l < ivf->nlist; l++) {
        size_t n = ivf->offset[l + 1] - ivf->offset[l];
        if (q->probed[l] || n == 0)
            continue;
        double u = list_best(ivf, a->similarity, l, q->cs[l], q->xx);
        *reaches |= u >= q->row_max;
        if (q->row_max > 0.0f)
            R += (double)n * pow(fmax(u, 0.0) / q->row_max, a->degree);
    }
    return R;
}

double amem__ivf_bound(const amem__ivf *ivf, const amem__fused_args *a,
                       const amem__ivf_query *q)
{
    int reaches;
    switch (a->separation) {
    case AMEM_HOPFIELD_SEP_SOFTMAX: {
        double logR = log_left_softmax(ivf, a, q);
        if (logR == -INFINITY)
            return 0.0;
        return 1.0 / (1.0 + (double)q->row_sum * exp(-logR));
    }
    case AMEM_HOPFIELD_SEP_POLY: {
        double R = left_poly(ivf, a, q, &reaches);
        if (!(q->row_max > 0.0f))
            return reaches ? 1.0 : 0.0;
        return R / ((double)q->row_sum + R);
    }
    case AMEM_HOPFIELD_SEP_ARGMAX:
        left_poly(ivf, a, q, &reaches);
        return reaches ? 1.0 : 0.0;
    default:
        return NAN;
    }
}

/*
 * The semantic component of the exact score (Ambrogioni 2024, Section 6.1,
 * Eqs. 24-25, Fig. 1c), shared by the float32 (exact.c) and float64
 * (exact_f64.c) paths. The semantic density of weight lambda is
 *     phi = N(m, C),   C = c I + sum_k sigma_k^2 q_k q_k^T,
 * a sheet through m along r orthonormal directions q_k (semantic.c): a
 * flat, non-localised r-dimensional manifold when the sigma_k are large
 * and c small. Under the forward process x_t = theta x_0 + s eps it stays
 * Gaussian, N(theta m, C_t) with
 *     C_t = v_s I + theta^2 sum_k sigma_k^2 q_k q_k^T,   v_s = theta^2 c + s^2.
 * The q_k are orthonormal, so along q_k C_t has the eigenvalue
 * v_s + theta^2 sigma_k^2 and v_s across:
 *     C_t^-1 = (1/v_s) (I - sum_k w_k q_k q_k^T),
 *         w_k = theta^2 sigma_k^2 / (v_s + theta^2 sigma_k^2),
 *     log det C_t = d log v_s + sum_k log(1 + theta^2 sigma_k^2 / v_s).
 * With u = x - theta m and p_k = q_k.u = q_k.x - theta q_k.m,
 *     u^T C_t^-1 u = (|u|^2 - sum_k w_k p_k^2) / v_s,
 *     |u|^2 = |x|^2 + Delta_m,  Delta_m = -2 theta m.x + theta^2 |m|^2.
 * The logits of exact.c are measured against the memories' reference
 * -|x|^2 / (2 v_p) - (d/2) log(2 pi v_p), so the semantic logit is
 *     logit_sem = log lambda - |x|^2 (1/(2 v_s) - 1/(2 v_p))
 *                 - (d/2) log(v_s / v_p)                  [isotropic part]
 *                 - (Delta_m - sum_k w_k p_k^2) / (2 v_s)
 *                 - (1/2) sum_k log(1 + theta^2 sigma_k^2 / v_s),
 * log p_t(x) = logsumexp(logits) - |x|^2 / (2 v_p) - (d/2) log(2 pi v_p)
 * as before, and the semantic score -C_t^-1 u is
 *     -x / v_s + (theta m + sum_k w_k p_k q_k) / v_s,
 * so the total score is that of exact.c (whose semantic part is
 * -h_sem x / v_s) plus h_sem (theta m + sum_k w_k p_k q_k) / v_s: a vector
 * in the span of m and the q_k, with coefficients theta h_sem / v_s on m
 * and h_sem w_k p_k / v_s on q_k. With r = 0 and m = 0 the extra terms
 * vanish and a handle holds no manifold: exact.c takes its isotropic path.
 * Per chunk of query rows the r + 1 projections m.x, q_k.x of every row
 * are one small gemm (before the softmax, for the logit); after it they
 * are turned into the coefficients in place, and one more small gemm adds
 * coefficients x basis to the score (exact.c, exact_f64.c).
 */
#include <math.h>

#include "diffusion_impl.h"

double amem__exact_semantic_logit(const amem__exact_terms *e, size_t d,
                                  double x2, const double *proj)
{
    double logit = log(e->lam) - x2 * (0.5 / e->vs - 0.5 / e->vp) -
                   0.5 * (double)d * log(e->vs / e->vp);
    const amem__semantic *s = e->sem;
    if (s == NULL)
        return logit;
    const double t2 = e->theta * e->theta;
    double delta = -2.0 * e->theta * proj[0] + t2 * s->m2;
    for (size_t k = 0; k < s->rank; k++) {
        double g = t2 * s->spread[k] * s->spread[k];
        double p = proj[k + 1] - e->theta * s->qm[k];
        delta -= g / (e->vs + g) * p * p;
    }
    return logit - 0.5 * (delta / e->vs + e->logdet);
}

void amem__exact_semantic_coef(const amem__exact_terms *e, double h_sem,
                               double *proj)
{
    const amem__semantic *s = e->sem;
    const double t2 = e->theta * e->theta, k_sem = h_sem / e->vs;
    proj[0] = e->theta * k_sem;
    for (size_t k = 0; k < s->rank; k++) {
        double g = t2 * s->spread[k] * s->spread[k];
        double p = proj[k + 1] - e->theta * s->qm[k];
        proj[k + 1] = k_sem * g / (e->vs + g) * p;
    }
}

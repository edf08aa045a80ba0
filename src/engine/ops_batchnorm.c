/*
 * Batch normalisation per channel; see ops_image.h and docs/engine-image.md.
 *
 * x is viewed as [N, C, S] with S = H·W for 4-D input and S = 1 for 2-D, so
 * channel c gathers the m = N·S values x[n, c, s]. node->aux holds 2·C
 * floats saved for backward: the mean used (batch or running) in aux[0..C)
 * and the inverse standard deviation 1/√(σ² + eps) in aux[C..2C).
 * iarg[0] is 1 when the node used batch statistics (training mode).
 *
 * amem__batchnorm_leaky (bn_act.h) is the same op followed by a leaky ReLU
 * (slope in [0, 1], 0 for ReLU) in the same pass: y = leaky(BN(x)),
 * farg[0] = slope. Its backward turns dy into dz = dy·(y > 0 ? 1 : slope)
 * (y > 0 exactly when BN(x) > 0) and runs the batch-norm backward on dz.
 * Per-channel sums are accumulated in 8 float lanes per plane and added up
 * in double per plane.
 */
#include <math.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "assocmem/common.h"
#include "engine/bn_act.h"
#include "engine/ops_image.h"

typedef struct bn_view {
    int n, c;
    size_t s, m; /* values per (n, c) plane; values per channel */
} bn_view;

static void bn_backward(amem__graph *g, amem__node *n);
static void bnact_backward(amem__graph *g, amem__node *n);
static const amem__op bn_op = {"batchnorm", bn_backward};
static const amem__op bnact_op = {"batchnorm_leaky", bnact_backward};

static bn_view view_of(const amem__node *x)
{
    bn_view v = {x->shape[0], x->shape[1], 1, 0};
    if (x->ndim == 4)
        v.s = (size_t)x->shape[2] * x->shape[3];
    v.m = (size_t)v.n * v.s;
    return v;
}

/* Σ_k p[k] over one plane: 8 float lanes, then double. */
static double plane_sum(const float *p, size_t n)
{
    float lane[8] = {0};
    size_t k = 0;
    for (; k + 8 <= n; k += 8)
        for (int j = 0; j < 8; j++)
            lane[j] += p[k + j];
    double s = 0.0;
    for (; k < n; k++)
        s += p[k];
    for (int j = 0; j < 8; j++)
        s += lane[j];
    return s;
}

/* Σ_k (p[k] − mu)² over one plane, as plane_sum. */
static double plane_sq_dev(const float *p, size_t n, float mu)
{
    float lane[8] = {0};
    size_t k = 0;
    for (; k + 8 <= n; k += 8)
        for (int j = 0; j < 8; j++) {
            float d = p[k + j] - mu;
            lane[j] += d * d;
        }
    double s = 0.0;
    for (; k < n; k++)
        s += ((double)p[k] - mu) * ((double)p[k] - mu);
    for (int j = 0; j < 8; j++)
        s += lane[j];
    return s;
}

/* μ_c = (1/m) Σ x,  σ²_c = (1/m) Σ (x − μ_c)²  (biased), two passes. */
static void batch_stats(const bn_view *v, const float *x, float *mean,
                        float *var)
{
    for (int c = 0; c < v->c; c++) {
        double s = 0.0, q = 0.0;
        for (int b = 0; b < v->n; b++)
            s += plane_sum(x + ((size_t)b * v->c + c) * v->s, v->s);
        float mu = (float)(s / (double)v->m);
        for (int b = 0; b < v->n; b++)
            q += plane_sq_dev(x + ((size_t)b * v->c + c) * v->s, v->s, mu);
        mean[c] = mu;
        var[c] = (float)(q / (double)v->m);
    }
}

/* leaky(t) = t > 0 ? t : slope·t = max(t, slope·t) for slope in [0, 1]. */
static inline float leaky(float t, float slope)
{
    float u = slope * t;
    return t > u ? t : u;
}

/* y = γ·(x − μ)·istd + β, then leaky(·, slope) when act; 8-blocks. */
static void bn_apply(const bn_view *v, const float *x, const float *mean,
                     const float *istd, const float *gamma, const float *beta,
                     int act, float slope, float *y)
{
    for (int b = 0; b < v->n; b++)
        for (int c = 0; c < v->c; c++) {
            size_t at = ((size_t)b * v->c + c) * v->s, k = 0;
            const float *xp = x + at;
            float *yp = y + at;
            float scale = gamma[c] * istd[c], shift = beta[c] - mean[c] * scale;
            for (; k + 8 <= v->s; k += 8)
                for (int j = 0; j < 8; j++) {
                    float t = xp[k + j] * scale + shift;
                    yp[k + j] = act ? leaky(t, slope) : t;
                }
            for (; k < v->s; k++) {
                float t = xp[k] * scale + shift;
                yp[k] = act ? leaky(t, slope) : t;
            }
        }
}

/* running = momentum·running + (1 − momentum)·batch (Keras convention). */
static void update_running(const bn_view *v, int unbiased, const float *mean,
                           const float *var, float momentum, float *run_mean,
                           float *run_var)
{
    double adjust = unbiased && v->m > 1 ? (double)v->m / (double)(v->m - 1) : 1.0;
    for (int c = 0; c < v->c; c++) {
        if (run_mean != NULL)
            run_mean[c] = momentum * run_mean[c] + (1.0f - momentum) * mean[c];
        if (run_var != NULL)
            run_var[c] = momentum * run_var[c] +
                         (1.0f - momentum) * (float)(var[c] * adjust);
    }
}

static int bn_validate(amem__graph *g, const amem__node *x,
                       const amem__node *gamma, const amem__node *beta,
                       float momentum, float eps)
{
    if (x->ndim != 2 && x->ndim != 4)
        return amem__graph_fail(g, AMEM_E_DIM, "batchnorm: input rank %d, need 2 or 4",
                                x->ndim);
    size_t c = (size_t)x->shape[1];
    if (gamma->size != c || beta->size != c)
        return amem__graph_fail(g, AMEM_E_DIM,
                                "batchnorm: gamma %zu and beta %zu elements, %zu channels",
                                gamma->size, beta->size, c);
    if (!(momentum >= 0.0f && momentum <= 1.0f) || !(eps > 0.0f) || isinf(eps))
        return amem__graph_fail(g, AMEM_E_RANGE,
                                "batchnorm: momentum %g (need [0, 1]), eps %g (need > 0)",
                                (double)momentum, (double)eps);
    return AMEM_OK;
}

/* Inference statistics: μ = running mean, istd = 1/√(running var + eps). */
static int running_stats(amem__graph *g, const bn_view *v, const float *run_mean,
                         const float *run_var, float eps, float *mean, float *istd)
{
    if (run_mean == NULL || run_var == NULL)
        return amem__graph_fail(g, AMEM_E_NULL,
                                "batchnorm: inference needs running mean and variance");
    for (int c = 0; c < v->c; c++) {
        if (!(run_var[c] >= 0.0f) || !isfinite(run_mean[c]) || isinf(run_var[c]))
            return amem__graph_fail(g, AMEM_E_RANGE,
                                    "batchnorm: running statistics of channel %d are "
                                    "not finite with variance >= 0", c);
        mean[c] = run_mean[c];
        istd[c] = 1.0f / sqrtf(run_var[c] + eps);
    }
    return AMEM_OK;
}

/* Both builders: op is bn_op (act 0) or bnact_op (act 1, slope). */
static amem__node *bn_build(amem__graph *g, const amem__op *op, amem__node *x,
                            amem__node *gamma, amem__node *beta,
                            float *running_mean, float *running_var,
                            float momentum, float eps, int act, float slope)
{
    if (g->status != AMEM_OK || !x || !gamma || !beta) /* records E_NULL */
        return amem__node_make(g, op, 0, NULL, 3, x, gamma, beta);
    if (bn_validate(g, x, gamma, beta, momentum, eps) != AMEM_OK)
        return NULL;
    bn_view v = view_of(x);
    float *saved = amem__arena_alloc(g->arena, 3 * (size_t)v.c * sizeof(float));
    if (saved == NULL) {
        amem__graph_fail(g, AMEM_E_NOMEM, "batchnorm: graph arena exhausted");
        return NULL;
    }
    float *mean = saved, *istd = saved + v.c, *var = saved + 2 * (size_t)v.c;
    if (g->training) {
        batch_stats(&v, x->val, mean, var);
        for (int c = 0; c < v.c; c++)
            istd[c] = 1.0f / sqrtf(var[c] + eps);
    } else if (running_stats(g, &v, running_mean, running_var, eps, mean,
                             istd) != AMEM_OK) {
        return NULL;
    }
    amem__node *out = amem__node_make(g, op, x->ndim, x->shape, 3, x, gamma,
                                      beta);
    if (out == NULL)
        return NULL;
    out->aux = saved;
    out->iarg[0] = g->training != 0;
    out->farg[0] = slope;
    bn_apply(&v, x->val, mean, istd, gamma->val, beta->val, act, slope,
             out->val);
    if (g->training)
        update_running(&v, x->ndim == 4, mean, var, momentum, running_mean,
                       running_var);
    return out;
}

amem__node *amem__batchnorm(amem__graph *g, amem__node *x, amem__node *gamma,
                            amem__node *beta, float *running_mean,
                            float *running_var, float momentum, float eps)
{
    return bn_build(g, &bn_op, x, gamma, beta, running_mean, running_var,
                    momentum, eps, 0, 0.0f);
}

amem__node *amem__batchnorm_leaky(amem__graph *g, amem__node *x,
                                  amem__node *gamma, amem__node *beta,
                                  float *running_mean, float *running_var,
                                  float momentum, float eps, float slope)
{
    if (g->status == AMEM_OK && !(slope >= 0.0f && slope <= 1.0f)) {
        amem__graph_fail(g, AMEM_E_ARG,
                         "batchnorm_leaky: slope %g outside [0, 1]", (double)slope);
        return NULL;
    }
    return bn_build(g, &bnact_op, x, gamma, beta, running_mean, running_var,
                    momentum, eps, 1, slope);
}

/*
 * With x̂ = (x − μ)·istd, Σ over the m values of a channel:
 *   dγ += Σ dy·x̂,  dβ += Σ dy
 *   training:  dx += γ·istd/m · (m·dy − Σ dy − x̂·Σ dy·x̂)
 *   inference: dx += γ·istd · dy
 */
/* Σ dy and Σ dy·x̂ over one plane (8 float lanes, then double). */
static void plane_grad_sums(const float *restrict x, const float *restrict dy,
                            size_t n,
                            float mean, float istd, double *sum_dy,
                            double *sum_dy_xhat)
{
    float l1[8] = {0}, l2[8] = {0};
    size_t k = 0;
    for (; k + 8 <= n; k += 8)
        for (int j = 0; j < 8; j++) {
            float xhat = (x[k + j] - mean) * istd;
            l1[j] += dy[k + j];
            l2[j] += dy[k + j] * xhat;
        }
    for (; k < n; k++) {
        float xhat = (x[k] - mean) * istd;
        *sum_dy += dy[k];
        *sum_dy_xhat += (double)dy[k] * xhat;
    }
    for (int j = 0; j < 8; j++) {
        *sum_dy += l1[j];
        *sum_dy_xhat += l2[j];
    }
}

/* dx += scale·(dy − a − x̂·b) over one plane, x̂ = (x − mean)·istd. */
static void plane_dx(const float *restrict x, const float *restrict dy,
                     size_t n, float mean, float istd, float scale, float a,
                     float b, float *restrict dx)
{
    size_t k = 0;
    for (; k + 8 <= n; k += 8)
        for (int j = 0; j < 8; j++) {
            float xhat = (x[k + j] - mean) * istd;
            dx[k + j] += scale * (dy[k + j] - a - xhat * b);
        }
    for (; k < n; k++) {
        float xhat = (x[k] - mean) * istd;
        dx[k] += scale * (dy[k] - a - xhat * b);
    }
}

/* The batch-norm backward of node n for the output gradient dy. */
static void bn_backward_with(amem__node *n, const float *dy)
{
    amem__node *x = n->in[0], *gamma = n->in[1], *beta = n->in[2];
    bn_view v = view_of(x);
    const float *mean = n->aux, *istd = n->aux + v.c;
    for (int c = 0; c < v.c; c++) {
        double sum_dy = 0.0, sum_dy_xhat = 0.0;
        for (int b = 0; b < v.n; b++) {
            size_t at = ((size_t)b * v.c + c) * v.s;
            plane_grad_sums(x->val + at, dy + at, v.s, mean[c], istd[c],
                            &sum_dy, &sum_dy_xhat);
        }
        if (gamma->grad != NULL)
            gamma->grad[c] += (float)sum_dy_xhat;
        if (beta->grad != NULL)
            beta->grad[c] += (float)sum_dy;
        if (x->grad == NULL)
            continue;
        float scale = gamma->val[c] * istd[c];
        float mean_dy = n->iarg[0] ? (float)(sum_dy / (double)v.m) : 0.0f;
        float mean_dy_xhat = n->iarg[0] ? (float)(sum_dy_xhat / (double)v.m) : 0.0f;
        for (int b = 0; b < v.n; b++) {
            size_t at = ((size_t)b * v.c + c) * v.s;
            plane_dx(x->val + at, dy + at, v.s, mean[c], istd[c], scale,
                     mean_dy, mean_dy_xhat, x->grad + at);
        }
    }
}

static void bn_backward(amem__graph *g, amem__node *n)
{
    (void)g;
    bn_backward_with(n, n->grad);
}

/* dz = dy·(y > 0 ? 1 : slope), then the batch-norm backward on dz. */
static void bnact_backward(amem__graph *g, amem__node *n)
{
    float *dz = amem__arena_alloc(g->arena, n->size * sizeof(float));
    if (dz == NULL) {
        amem__graph_fail(g, AMEM_E_NOMEM, "batchnorm_leaky: graph arena exhausted");
        return;
    }
    float slope = n->farg[0];
    size_t i = 0;
#if defined(__SSE2__) /* a select by mask; the scalar form compiles to a branch */
    __m128 zero = _mm_setzero_ps(), vs = _mm_set1_ps(slope);
    for (; i + 4 <= n->size; i += 4) {
        __m128 y = _mm_loadu_ps(n->val + i), d = _mm_loadu_ps(n->grad + i);
        __m128 pos = _mm_cmpgt_ps(y, zero);
        _mm_storeu_ps(dz + i, _mm_or_ps(_mm_and_ps(pos, d),
                                        _mm_andnot_ps(pos, _mm_mul_ps(vs, d))));
    }
#endif
    for (; i < n->size; i++) {
        float d = n->grad[i], sd = slope * d;
        dz[i] = n->val[i] > 0.0f ? d : sd;
    }
    bn_backward_with(n, dz);
}

/*
 * TVT read (Hung et al. 2019): query key k = A x + a, strength
 * s = softplus(u . x + c), weights w = softmax(s cos(M_i, k)), output
 * y = sum_i w_i value_i; and its hand-derived backward pass.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/blas.h"
#include "core/check.h"
#include "core/error.h"
#include "kvmem_impl.h"
#include "tvt_impl.h"

#define TVT_EPS 1e-12f

int amem__tvt_ws_alloc(const char *fn, const amem_tvt *h, size_t R,
                       tvt_ws *w)
{
    memset(w, 0, sizeof *w);
    size_t nd, rn3, rows, total;
    if (amem__mul_size(h->N, h->d, &nd) || amem__mul_size(R, 3 * h->N, &rn3) ||
        amem__mul_size(R, 2 * h->d + h->m + 2, &rows) ||
        amem__add_size(rows, nd, &total) || amem__add_size(total, rn3, &total))
        return amem__fail(AMEM_E_DIM, fn, "%zu queries too many", R);
    w->block = amem__alloc(total, 1, sizeof(float));
    if (w->block == NULL)
        return amem__fail(AMEM_E_NOMEM, fn, "cannot allocate %zu floats",
                          total);
    w->R = R;
    size_t rn = R * h->N;
    float *p = w->block;
    w->Mhat = p, p += nd;
    w->C = p, p += rn;
    w->W = p, p += rn;
    w->dW = p, p += rn;
    w->Kq = p, p += R * h->d;
    w->dK = p, p += R * h->d;
    w->dY = p, p += R * h->m;
    w->kn = p, p += R;
    w->v = p;
    return AMEM_OK;
}

void amem__tvt_ws_free(tvt_ws *w)
{
    free(w->block);
    memset(w, 0, sizeof *w);
}

static float softplus(float v)
{
    return v > 20 ? v : log1pf(expf(v));
}

/* Rows scaled to unit norm (rows of norm < eps become 0); norms out. */
static void normalise_rows(float *x, size_t rows, size_t d, float *norms)
{
    for (size_t r = 0; r < rows; r++) {
        double s = 0;
        for (size_t j = 0; j < d; j++)
            s += (double)x[r * d + j] * x[r * d + j];
        float n = (float)sqrt(s), inv = n > TVT_EPS ? 1.0f / n : 0.0f;
        for (size_t j = 0; j < d; j++)
            x[r * d + j] *= inv;
        if (norms)
            norms[r] = n;
    }
}

void amem__tvt_forward(const amem_tvt *h, const float *Mk, const float *Mv,
                       const float *theta, const float *X, size_t R,
                       tvt_ws *w, float *Y)
{
    size_t d = h->d, N = h->N;
    const float *A = theta, *a = A + d * d, *u = a + d, c = u[d];
    memcpy(w->Mhat, Mk, N * d * sizeof(float));
    normalise_rows(w->Mhat, N, d, NULL);
    for (size_t r = 0; r < R; r++)
        memcpy(w->Kq + r * d, a, d * sizeof(float));
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)R, (int)d,
                (int)d, 1.0f, X, (int)d, A, (int)d, 1.0f, w->Kq, (int)d);
    normalise_rows(w->Kq, R, d, w->kn);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)R, (int)N,
                (int)d, 1.0f, w->Kq, (int)d, w->Mhat, (int)d, 0.0f, w->C,
                (int)N);
    for (size_t r = 0; r < R; r++) {
        w->v[r] = c;
        for (size_t j = 0; j < d; j++)
            w->v[r] += u[j] * X[r * d + j];
        float s = softplus(w->v[r]);
        for (size_t i = 0; i < N; i++)
            w->W[r * N + i] = s * w->C[r * N + i];
    }
    amem__kv_softmax_rows(w->W, R, N);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)R, (int)h->m,
                (int)N, 1.0f, w->W, (int)N, Mv, (int)h->m, 0.0f, Y,
                (int)h->m);
}

/* dW -> dZ = W (dW - <W, dW>), then strength and cosine gradients. */
static void weights_back(const amem_tvt *h, const float *theta,
                         const float *X, size_t R, tvt_ws *w, float *grad)
{
    size_t d = h->d, N = h->N;
    float *gu = grad + d * d + d, *gc = gu + d;
    for (size_t r = 0; r < R; r++) {
        float *dz = w->dW + r * N;
        const float *wr = w->W + r * N, *cr = w->C + r * N;
        double wd = 0, ds = 0;
        for (size_t i = 0; i < N; i++)
            wd += (double)wr[i] * dz[i];
        float s = softplus(w->v[r]);
        for (size_t i = 0; i < N; i++) {
            dz[i] = wr[i] * (dz[i] - (float)wd);
            ds += (double)dz[i] * cr[i];
            dz[i] *= s; /* now d loss / d cos */
        }
        float dv = (float)ds / (1.0f + expf(-w->v[r])); /* softplus' */
        for (size_t j = 0; j < d; j++)
            gu[j] += dv * X[r * d + j];
        *gc += dv;
    }
    (void)theta;
}

void amem__tvt_backward(const amem_tvt *h, const float *Mv,
                        const float *theta, const float *X, size_t R,
                        const float *Y, const float *targets, tvt_ws *w,
                        float *grad)
{
    size_t d = h->d, N = h->N, m = h->m;
    memset(grad, 0, amem__tvt_theta_len(d) * sizeof(float));
    for (size_t k = 0; k < R * m; k++)
        w->dY[k] = 2.0f * (Y[k] - targets[k]) / (float)R;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)R, (int)N,
                (int)m, 1.0f, w->dY, (int)m, Mv, (int)m, 0.0f, w->dW,
                (int)N);
    weights_back(h, theta, X, R, w, grad);
    /* cos = Mhat khat: d khat = dcos Mhat; dk = (dkhat - khat <khat,
     * dkhat>) / |k| */
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)R, (int)d,
                (int)N, 1.0f, w->dW, (int)N, w->Mhat, (int)d, 0.0f, w->dK,
                (int)d);
    for (size_t r = 0; r < R; r++) {
        float *dk = w->dK + r * d;
        const float *kh = w->Kq + r * d;
        double kd = 0;
        for (size_t j = 0; j < d; j++)
            kd += (double)kh[j] * dk[j];
        float inv = w->kn[r] > TVT_EPS ? 1.0f / w->kn[r] : 0.0f;
        for (size_t j = 0; j < d; j++)
            dk[j] = (dk[j] - kh[j] * (float)kd) * inv;
    }
    /* k = A x + a: dA = dK^T X, da = sum_r dK_r */
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)d, (int)d,
                (int)R, 1.0f, w->dK, (int)d, X, (int)d, 0.0f, grad, (int)d);
    float *ga = grad + d * d;
    for (size_t r = 0; r < R; r++)
        for (size_t j = 0; j < d; j++)
            ga[j] += w->dK[r * d + j];
}

/*
 * Gradient through one step of the key-value memory in the copy task:
 * read o = sum_i h_i V_i with h = softmax(K k) (Eq. 4-5), then the
 * simplified write with rate g on the gated slots (gamma_i = 1):
 *     K'_i = (1 - g) K_i + g k                     (Eq. 9)
 *     h'   = softmax(K' k)                         (Eq. 10)
 *     V'_i = (1 - g) V_i + g h'_i v                (Eq. 11)
 * (row i of V is the value of slot i). K, K' and V come from the trace.
 */
#include <math.h>
#include <stdlib.h>

#include "copy.h"

static float dot(const float *a, const float *b, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += (double)a[i] * b[i];
    return (float)s;
}

static void axpy(float *y, float a, const float *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        y[i] += a * x[i];
}

/* softmax(M k) into h (n rows of M, each d long). */
static void softmax_rows(const float *M, const float *k, size_t n, size_t d,
                         float *h)
{
    float mx = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        h[i] = dot(M + i * d, k, d);
        mx = h[i] > mx ? h[i] : mx;
    }
    double z = 0.0;
    for (size_t i = 0; i < n; i++)
        z += h[i] = expf(h[i] - mx);
    for (size_t i = 0; i < n; i++)
        h[i] = (float)(h[i] / z);
}

/* ds = h * (dh - h . dh) in place of dh. */
static void softmax_back(const float *h, float *dh, size_t n)
{
    float s = dot(h, dh, n);
    for (size_t i = 0; i < n; i++)
        dh[i] = h[i] * (dh[i] - s);
}

/* Value write: dV' -> dV (in place), adds to dg, dv; fills dh'. */
static void value_write_back(const tf_copy_trace *tr, size_t t, size_t d,
                             const float *hp, float *dV, float *dv,
                             float *dg, float *dhp)
{
    const float *V = tr->V + t * d * d, *v = tr->v + t * d;
    const float *gam = tr->gamma + t * d;
    float g = tr->g[t];
    for (size_t i = 0; i < d; i++) {
        float *dVi = dV + i * d;
        dhp[i] = 0.0f;
        if (gam[i] == 0.0f)
            continue;
        dhp[i] = g * dot(v, dVi, d);
        *dg += hp[i] * dot(v, dVi, d) - dot(V + i * d, dVi, d);
        axpy(dv, g * hp[i], dVi, d);
        for (size_t j = 0; j < d; j++)
            dVi[j] *= 1.0f - g;
    }
}

/* Key write: dK' -> dK (in place), adds to dg, dk. */
static void key_write_back(const tf_copy_trace *tr, size_t t, size_t d,
                           float *dK, float *dk, float *dg)
{
    const float *K = tr->K + t * d * d, *k = tr->k + t * d;
    const float *gam = tr->gamma + t * d;
    float g = tr->g[t];
    for (size_t i = 0; i < d; i++) {
        if (gam[i] == 0.0f)
            continue;
        float *dKi = dK + i * d;
        *dg += dot(dKi, k, d) - dot(dKi, K + i * d, d);
        axpy(dk, g, dKi, d);
        for (size_t j = 0; j < d; j++)
            dKi[j] *= 1.0f - g;
    }
}

/* Read o = V^T softmax(K k): adds to dK, dV, dk. */
static void read_back(const tf_copy_trace *tr, size_t t, size_t d,
                      const float *d_o, float *dK, float *dV, float *dk,
                      float *ds)
{
    const float *K = tr->K + t * d * d, *V = tr->V + t * d * d;
    const float *h = tr->h + t * d, *k = tr->k + t * d;
    for (size_t i = 0; i < d; i++) {
        ds[i] = dot(V + i * d, d_o, d);
        axpy(dV + i * d, h[i], d_o, d);
    }
    softmax_back(h, ds, d);
    for (size_t i = 0; i < d; i++) {
        axpy(dK + i * d, ds[i], k, d);
        axpy(dk, ds[i], K + i * d, d);
    }
}

void tf_copy_memory_backward(const tf_copy_dims *dims,
                             const tf_copy_trace *tr, size_t t,
                             const float *d_o, float *dK, float *dV,
                             float *dk, float *dv, float *dg)
{
    size_t d = dims->d;
    const float *Kn = tr->K + (t + 1) * d * d, *k = tr->k + t * d;
    float hp[TF_COPY_MAX_D] = {0}, dhp[TF_COPY_MAX_D] = {0};
    softmax_rows(Kn, k, d, d, hp);
    value_write_back(tr, t, d, hp, dV, dv, dg, dhp);
    softmax_back(hp, dhp, d);
    for (size_t i = 0; i < d; i++) {
        axpy(dK + i * d, dhp[i], k, d);
        axpy(dk, dhp[i], Kn + i * d, d);
    }
    key_write_back(tr, t, d, dK, dk, dg);
    read_back(tr, t, d, d_o, dK, dV, dk, dhp);
}

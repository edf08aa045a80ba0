/*
 * Feature standardisation as sklearn's StandardScaler: x' = (x - mean) /
 * std with the biased (ddof 0) standard deviation, and std 0 replaced by 1.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/check.h"
#include "core/error.h"
#include "probe_impl.h"

static void column_stats(const float *x, size_t n, size_t dim, float *mean,
                         float *scale)
{
    for (size_t j = 0; j < dim; j++) {
        double s = 0.0, ss = 0.0;
        for (size_t i = 0; i < n; i++)
            s += x[i * dim + j];
        double m = s / (double)n;
        for (size_t i = 0; i < n; i++) {
            double d = x[i * dim + j] - m;
            ss += d * d;
        }
        double sd = sqrt(ss / (double)n);
        mean[j] = (float)m;
        scale[j] = sd > 0.0 ? (float)sd : 1.0f;
    }
}

int amem__probe_standardize(const char *fn, const float *x, size_t n,
                            size_t dim, int enabled, amem__probe_fit *f,
                            float **xs)
{
    f->dim = dim;
    f->mean = amem__alloc(dim, 1, sizeof(float));
    f->scale = amem__alloc(dim, 1, sizeof(float));
    *xs = amem__alloc(n, dim, sizeof(float));
    if (f->mean == NULL || f->scale == NULL || *xs == NULL) {
        free(*xs);
        *xs = NULL;
        return amem__fail(AMEM_E_NOMEM, fn, "cannot allocate %zu x %zu", n,
                          dim);
    }
    if (enabled) {
        column_stats(x, n, dim, f->mean, f->scale);
    } else {
        for (size_t j = 0; j < dim; j++) {
            f->mean[j] = 0.0f;
            f->scale[j] = 1.0f;
        }
    }
    amem__probe_apply_scale(f, x, n, *xs);
    return AMEM_OK;
}

void amem__probe_apply_scale(const amem__probe_fit *f, const float *x,
                             size_t n, float *out)
{
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < f->dim; j++)
            out[i * f->dim + j] = (x[i * f->dim + j] - f->mean[j]) / f->scale[j];
}

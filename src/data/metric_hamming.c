/* amem_metric_hamming: fraction of entries whose signs differ. */
#include "core/error.h"
#include "metrics.h"

#include "assocmem/data.h"

static int sign_of(float v) { return (v > 0.0f) - (v < 0.0f); }

static double hamming(const float *a, const float *b, size_t dim)
{
    size_t differ = 0;
    for (size_t j = 0; j < dim; j++)
        differ += sign_of(a[j]) != sign_of(b[j]);
    return (double)differ / (double)dim;
}

AMEM_API int amem_metric_hamming(const float *a, const float *b, size_t count,
                                 size_t dim, float *per_row, double *mean)
{
    static const char fn[] = "amem_metric_hamming";
    AMEM__CHECK_NULL(mean, fn);
    return amem__metric_rows(fn, a, b, count, dim, hamming, per_row, mean);
}

/* amem_metric_hamming: fraction of entries whose signs differ. */
#include "core/error.h"
#include "metrics.h"

#include "assocmem/data.h"

static int sign_of(float v) { return (v > 0.0f) - (v < 0.0f); }

AMEM_API int amem_metric_hamming(const float *a, const float *b, size_t count,
                                 size_t dim, float *per_row, double *mean)
{
    static const char fn[] = "amem_metric_hamming";
    AMEM__CHECK_NULL(mean, fn);
    int rc = amem__check_pair(fn, a, b, count, dim);
    if (rc != AMEM_OK)
        return rc;
    double total = 0.0;
    for (size_t i = 0; i < count; i++) {
        size_t differ = 0;
        for (size_t j = i * dim; j < (i + 1) * dim; j++)
            differ += sign_of(a[j]) != sign_of(b[j]);
        double frac = (double)differ / (double)dim;
        if (per_row != NULL)
            per_row[i] = (float)frac;
        total += frac;
    }
    *mean = total / (double)count;
    return AMEM_OK;
}

/* amem_metric_mse: mean squared difference, per row and over everything. */
#include "core/error.h"
#include "metrics.h"

#include "assocmem/data.h"

AMEM_API int amem_metric_mse(const float *a, const float *b, size_t count,
                             size_t dim, float *per_row, double *mean)
{
    static const char fn[] = "amem_metric_mse";
    AMEM__CHECK_NULL(mean, fn);
    int rc = amem__check_pair(fn, a, b, count, dim);
    if (rc != AMEM_OK)
        return rc;
    double total = 0.0;
    for (size_t i = 0; i < count; i++) {
        double sum = 0.0;
        for (size_t j = i * dim; j < (i + 1) * dim; j++) {
            double d = (double)a[j] - (double)b[j];
            sum += d * d;
        }
        if (per_row != NULL)
            per_row[i] = (float)(sum / (double)dim);
        total += sum / (double)dim;
    }
    *mean = total / (double)count;
    return AMEM_OK;
}

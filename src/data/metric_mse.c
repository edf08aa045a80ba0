/* amem_metric_mse: mean squared difference, per row and over everything. */
#include "core/error.h"
#include "metrics.h"

#include "assocmem/data.h"

static double mse(const float *a, const float *b, size_t dim)
{
    double sum = 0.0;
    for (size_t j = 0; j < dim; j++) {
        double d = (double)a[j] - (double)b[j];
        sum += d * d;
    }
    return sum / (double)dim;
}

AMEM_API int amem_metric_mse(const float *a, const float *b, size_t count,
                             size_t dim, float *per_row, double *mean)
{
    static const char fn[] = "amem_metric_mse";
    AMEM__CHECK_NULL(mean, fn);
    return amem__metric_rows(fn, a, b, count, dim, mse, per_row, mean);
}

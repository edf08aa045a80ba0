/* Argument checks and the per-row driver shared by the metrics. */
#include "core/check.h"
#include "core/error.h"
#include "data_args.h"
#include "metrics.h"

int amem__check_pair(const char *fn, const float *a, const float *b,
                     size_t count, size_t dim)
{
    size_t n;
    AMEM__CHECK_NULL(a, fn);
    AMEM__CHECK_NULL(b, fn);
    int rc = amem__data_size(fn, "a", count, dim, &n);
    if (rc == AMEM_OK)
        rc = amem__check_array(fn, "a", a, count, dim);
    if (rc == AMEM_OK)
        rc = amem__check_array(fn, "b", b, count, dim);
    return rc;
}

int amem__metric_rows(const char *fn, const float *a, const float *b,
                      size_t count, size_t dim, amem__row_metric metric,
                      float *per_row, double *mean)
{
    int rc = amem__check_pair(fn, a, b, count, dim);
    if (rc != AMEM_OK)
        return rc;
    double total = 0.0;
    for (size_t i = 0; i < count && (per_row != NULL || mean != NULL); i++) {
        double m = metric(a + i * dim, b + i * dim, dim);
        if (per_row != NULL)
            per_row[i] = (float)m;
        total += m;
    }
    if (mean != NULL)
        *mean = total / (double)count;
    return AMEM_OK;
}

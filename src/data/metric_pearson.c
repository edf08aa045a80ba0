/* amem_metric_pearson: Pearson correlation per row, mean and overall. */
#include <math.h>

#include "core/error.h"
#include "metrics.h"

#include "assocmem/data.h"

/*
 * r = Σ(a−ā)(b−b̄) / sqrt(Σ(a−ā)² Σ(b−b̄)²), two passes in double so that
 * large offsets do not cancel. A constant a or b gives 0 (undefined r).
 */
static double pearson(const float *a, const float *b, size_t n)
{
    double mean_a = 0.0, mean_b = 0.0;
    for (size_t i = 0; i < n; i++) {
        mean_a += a[i];
        mean_b += b[i];
    }
    mean_a /= (double)n;
    mean_b /= (double)n;
    double cov = 0.0, var_a = 0.0, var_b = 0.0;
    for (size_t i = 0; i < n; i++) {
        double da = a[i] - mean_a, db = b[i] - mean_b;
        cov += da * db;
        var_a += da * da;
        var_b += db * db;
    }
    if (var_a <= 0.0 || var_b <= 0.0)
        return 0.0;
    double r = cov / sqrt(var_a * var_b);
    return r > 1.0 ? 1.0 : (r < -1.0 ? -1.0 : r);
}

AMEM_API int amem_metric_pearson(const float *a, const float *b, size_t count,
                                 size_t dim, float *per_row, double *mean,
                                 double *overall)
{
    static const char fn[] = "amem_metric_pearson";
    if (per_row == NULL && mean == NULL && overall == NULL)
        return amem__fail(AMEM_E_NULL, fn,
                          "per_row, mean and overall are all NULL");
    int rc = amem__metric_rows(fn, a, b, count, dim, pearson, per_row, mean);
    if (rc != AMEM_OK)
        return rc;
    if (overall != NULL)
        *overall = pearson(a, b, count * dim);
    return AMEM_OK;
}

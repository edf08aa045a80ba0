/* Argument checks shared by the metrics. */
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

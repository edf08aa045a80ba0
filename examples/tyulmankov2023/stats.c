/* Mean and sample standard deviation. */
#include <math.h>

#include "stats.h"

double ty_mean(const double *x, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += x[i];
    return n ? s / (double)n : NAN;
}

double ty_std(const double *x, size_t n)
{
    if (n < 2)
        return 0.0;
    double m = ty_mean(x, n), s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += (x[i] - m) * (x[i] - m);
    return sqrt(s / (double)(n - 1));
}

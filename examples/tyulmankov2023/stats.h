/* Mean and sample standard deviation of a few numbers. */
#ifndef TY_STATS_H
#define TY_STATS_H

#include <stddef.h>

/* Mean of x[0..n) (NaN for n = 0). */
double ty_mean(const double *x, size_t n);

/* Sample standard deviation (n - 1 in the denominator; 0 for n < 2). */
double ty_std(const double *x, size_t n);

#endif

/* Ambrogioni 2024 example: small statistics helpers. */
#ifndef AMB_STATS_H
#define AMB_STATS_H

#include <stddef.h>

/* The p-quantile (0 <= p <= 1) of x[0..n), n >= 1, with linear
 * interpolation between order statistics; sorts x in place. */
double amb_quantile(double *x, size_t n, double p);

/*
 * amb_smooth_gaussian: Appendix A's smoothing of a capacity curve: convolve
 * y[0..n) over the grid index with a Gaussian kernel of standard deviation
 * sigma (grid steps), renormalised at the ends. The convolution is done on
 * log(1 + y) and mapped back, so an exponentially growing capacity is not
 * lifted by the convexity of exp (see the report). out may not alias y.
 */
void amb_smooth_gaussian(const double *y, size_t n, double sigma,
                         double *out);

#endif

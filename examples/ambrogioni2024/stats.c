/* Quantiles, curve smoothing and seed mixing for the example. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "results.h"
#include "stats.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double amb_quantile(double *x, size_t n, double p)
{
    qsort(x, n, sizeof *x, cmp_double);
    double pos = p * (double)(n - 1);
    size_t i = (size_t)floor(pos);
    if (i + 1 >= n)
        return x[n - 1];
    double frac = pos - (double)i;
    return x[i] + frac * (x[i + 1] - x[i]);
}

void amb_smooth_gaussian(const double *y, size_t n, double sigma,
                         double *out)
{
    for (size_t i = 0; i < n; i++) {
        double num = 0.0, den = 0.0;
        for (size_t j = 0; j < n; j++) {
            double z = ((double)j - (double)i) / sigma;
            double w = exp(-0.5 * z * z);
            num += w * log1p(y[j] > 0.0 ? y[j] : 0.0);
            den += w;
        }
        out[i] = expm1(num / den);
    }
}

/* splitmix64 finaliser: decorrelates nearby seeds. */
static uint64_t mix(uint64_t z)
{
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

uint64_t amb_seed(uint64_t base, uint64_t a, uint64_t b, uint64_t c)
{
    return mix(mix(mix(base ^ a) ^ b) ^ c) & ((1ULL << 53) - 1);
}

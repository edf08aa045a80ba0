/* Private: argument checks and the per-row driver shared by the metrics. */
#ifndef AMEM_DATA_METRICS_H
#define AMEM_DATA_METRICS_H

#include <stddef.h>

/* a, b: count*dim finite floats. AMEM_OK or the failing status for fn. */
int amem__check_pair(const char *fn, const float *a, const float *b,
                     size_t count, size_t dim);

/* A metric of one pair of rows of length dim. */
typedef double (*amem__row_metric)(const float *a, const float *b,
                                   size_t dim);

/*
 * Checks a and b (amem__check_pair), applies metric to each pair of rows,
 * writes per_row (optional, count floats) and their mean into *mean
 * (optional). AMEM_OK or the failing status for fn.
 */
int amem__metric_rows(const char *fn, const float *a, const float *b,
                      size_t count, size_t dim, amem__row_metric metric,
                      float *per_row, double *mean);

#endif

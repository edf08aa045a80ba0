/* Private: argument checks shared by the metrics. */
#ifndef AMEM_DATA_METRICS_H
#define AMEM_DATA_METRICS_H

#include <stddef.h>

/* a, b: count*dim finite floats. AMEM_OK or the failing status for fn. */
int amem__check_pair(const char *fn, const float *a, const float *b,
                     size_t count, size_t dim);

#endif

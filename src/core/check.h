/* Private: argument checks shared by every public function. */
#ifndef AMEM_CORE_CHECK_H
#define AMEM_CORE_CHECK_H

#include <stddef.h>

/* *out = a * b; returns 0, or -1 when the product overflows size_t. */
int amem__mul_size(size_t a, size_t b, size_t *out);

/* 1 when every one of x[0..n) is finite, else 0. */
int amem__all_finite(const float *x, size_t n);

/*
 * Validate a float array argument: not NULL, rows*cols elements, finite.
 * Returns AMEM_OK or the failing status with the detail set for fn/name.
 */
int amem__check_array(const char *fn, const char *name, const float *x,
                      size_t rows, size_t cols);

#endif

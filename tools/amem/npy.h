/*
 * amem: NumPy .npy files, read and written without NumPy.
 *
 * Format (numpy.lib.format): the magic "\x93NUMPY", a major and a minor
 * version byte, the header length (2 bytes little-endian for version 1.0,
 * 4 bytes for 2.0 and 3.0), then an ASCII header holding a Python dict
 *     {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }
 * padded with spaces and a newline so the data start on a 64-byte boundary,
 * then the elements in the stated order.
 *
 * Read: float32 or float64 ('<f4', '<f8'), C order, any shape with at least
 * one dimension, versions 1.0, 2.0 and 3.0. The first dimension is the row
 * count and the others are flattened into the row; a 1-D array is one row.
 * Float64 is converted to float32. The data must be exactly as long as the
 * shape says: nothing is allocated before that is checked.
 * Write: float32 or float64, C order, version 1.0.
 */
#ifndef AMEM_TOOL_NPY_H
#define AMEM_TOOL_NPY_H

#include <stddef.h>

/* An array read from a file: rows x cols floats, row-major. */
typedef struct npy_array {
    float *data;
    size_t rows, cols;
    int ndim; /* dimensions in the file (1 for a single vector) */
} npy_array;

/* 1 when the first bytes of a file are the .npy magic. */
int npy_has_magic(const unsigned char *bytes, size_t len);

/*
 * Parse a whole .npy image into *out (data malloc'd; free with free()).
 * Returns 0, or -1 with a sentence in err (errlen bytes).
 */
int npy_parse(const unsigned char *bytes, size_t len, npy_array *out,
              char *err, size_t errlen);

/*
 * Write rows x cols values to path as float32 (values32) or float64
 * (values64; exactly one of the two is non-NULL). ndim 1 writes shape
 * (cols,) and needs rows == 1; ndim 2 writes (rows, cols). The file is
 * written under a temporary name and renamed. Returns 0, or -1 with err.
 */
int npy_write(const char *path, const float *values32, const double *values64,
              size_t rows, size_t cols, int ndim, char *err, size_t errlen);

#endif

/*
 * Spens & Burgess 2022 example: the real Shapes3D (Burgess & Kim 2018,
 * DeepMind's 3dshapes.h5). The HDF5 file holds two datasets of N rows
 * (480,000 in the release), in the factors' order (orientation fastest):
 *   images  uint8   (N, 64, 64, 3)  RGB, row-major
 *   labels  float64 (N, 6)  floor hue, wall hue, object hue (10 values in
 *                           [0, 1)), scale (8 in [0.75, 1.25]), shape
 *                           (0 cube, 1 cylinder, 2 sphere, 3 capsule),
 *                           orientation (15 in [-30, 30])
 * Read through the HDF5 library when the example was built with it
 * (SB_HAVE_HDF5: the Makefile finds pkg-config's hdf5 or Debian's
 * libhdf5-dev); otherwise every call returns AMEM_E_UNSUPPORTED saying so.
 *
 * Statuses: AMEM_OK, AMEM_E_IO (cannot open), AMEM_E_FORMAT (not HDF5, a
 * dataset missing or of the wrong rank, size or type, a shape label that is
 * not 0..3, unreadable data), AMEM_E_UNSUPPORTED (built without HDF5),
 * AMEM_E_NOMEM; err (err_size bytes) receives the reason.
 */
#ifndef SB_SHAPES3D_H
#define SB_SHAPES3D_H

#include <stddef.h>
#include <stdint.h>

#define SB_SHAPES3D_FACTORS 6
#define SB_SHAPES3D_SHAPE 4 /* the factor used as label */
/* Largest N accepted (the release has 480,000). */
#define SB_SHAPES3D_MAX_ROWS ((size_t)1 << 24)

/* 1 when the example was built with HDF5. */
int sb_shapes3d_available(void);

/* The number of rows N after checking both datasets' layout. */
int sb_shapes3d_count(const char *path, size_t *n, char *err, size_t err_size);

/* Read the rows index[0..count) (ascending, each < N) converted to dc x dh x
 * dw channel-planar floats on [0, 1] (luma when dc = 1) into images, the
 * shape factor into labels and, when factors is not NULL, the six factors
 * (count x 6). */
int sb_shapes3d_read(const char *path, const size_t *index, size_t count,
                     size_t dc, size_t dh, size_t dw, float *images,
                     int32_t *labels, double *factors, char *err,
                     size_t err_size);

#endif

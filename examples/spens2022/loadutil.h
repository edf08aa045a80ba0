/*
 * Spens & Burgess 2022 example: what the data loaders share: converting
 * images to the student's shape and choosing a seeded random subset.
 */
#ifndef SB_LOADUTIL_H
#define SB_LOADUTIL_H

#include <stddef.h>
#include <stdint.h>

/* Bilinear resize and channel conversion (luma 0.299 R + 0.587 G + 0.114 B
 * for colour -> grey, as PIL's 'L'; replication for grey -> colour) of n
 * channel-planar images. */
void sb_convert(const float *src, size_t n, size_t sc, size_t sh, size_t sw,
                float *dst, size_t dc, size_t dh, size_t dw);

/* One interleaved 8-bit image (h x w x c, as PNG and HDF5 store them) to
 * the student's channel-planar float shape dc x dh x dw on [0, 1]; scratch
 * holds c * h * w floats. */
void sb_convert_u8(const unsigned char *hwc, size_t c, size_t h, size_t w,
                   float *scratch, float *dst, size_t dc, size_t dh, size_t dw);

/* n distinct indices of [0, total), chosen uniformly with the seed, in
 * ascending order, into out (n <= total). 0, or -1 when out of memory. */
int sb_choose(size_t total, size_t n, uint64_t seed, size_t *out);

/* The next value of the example's xorshift64 stream. */
uint64_t sb_xorshift(uint64_t *state);

#endif

/*
 * Example helper: write a grid of images to a PNG file with libpng.
 *
 * The grid has rows x cols tiles of h x w pixels separated by 1-pixel white
 * lines (no outer border). Image i goes to tile (i / cols, i % cols); tiles
 * beyond n stay white. Values are mapped linearly from [lo, hi] to 0..255,
 * clipped; NaN maps to 0.
 */
#ifndef EX_PNG_GRID_H
#define EX_PNG_GRID_H

#include <stddef.h>

/*
 * ex_png_grid_gray: n grayscale images, each h*w floats row-major, stored
 * one after another (the library's count x dim layout with dim = h*w).
 * Returns 0, or -1 after printing the reason to stderr.
 */
int ex_png_grid_gray(const char *path, const float *images, size_t n,
                     size_t rows, size_t cols, size_t h, size_t w, float lo,
                     float hi);

/*
 * ex_png_grid_rgb: n colour images in planar CHW layout (3 planes of h*w
 * floats per image, as in the library's NCHW tensors).
 */
int ex_png_grid_rgb(const char *path, const float *images, size_t n,
                    size_t rows, size_t cols, size_t h, size_t w, float lo,
                    float hi);

#endif

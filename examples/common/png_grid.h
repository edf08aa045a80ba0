/*
 * Example helper: write a grid of images to a PNG file with libpng, scaled
 * up for reading, with an optional title above and a label left of each
 * row ("cue", "recall", "original", ...).
 *
 * The grid has rows x cols tiles; image i goes to tile (i / cols, i % cols)
 * and tiles beyond n stay white. Each image pixel becomes a scale x scale
 * block (scale >= 3; by default the smallest that makes a tile at least
 * 84 pixels high), tiles are separated by white lines. Values are mapped
 * linearly from [lo, hi] to 0..255, clipped; NaN maps to 0. Text is black,
 * drawn with the 5 x 7 font of font5x7.h at twice its size.
 */
#ifndef EX_PNG_GRID_H
#define EX_PNG_GRID_H

#include <stddef.h>

typedef struct ex_grid_style {
    const char *title;              /* above the grid; NULL = none */
    const char *const *row_labels;  /* `rows` strings (NULL entries allowed);
                                       NULL = none */
    size_t scale;                   /* pixels per image pixel; 0 = default */
} ex_grid_style;

/*
 * ex_png_grid: n images of `channels` (1 = gray, 3 = RGB) planes of h*w
 * floats each (the library's count x dim layout, planar CHW for colour),
 * one after another. style may be NULL (default scale, no text). Returns 0,
 * or -1 after printing the reason to stderr.
 */
int ex_png_grid(const char *path, const float *images, size_t n, size_t rows,
                size_t cols, size_t channels, size_t h, size_t w, float lo,
                float hi, const ex_grid_style *style);

/* ex_png_grid with channels 1 / 3 and no text. */
int ex_png_grid_gray(const char *path, const float *images, size_t n,
                     size_t rows, size_t cols, size_t h, size_t w, float lo,
                     float hi);
int ex_png_grid_rgb(const char *path, const float *images, size_t n,
                    size_t rows, size_t cols, size_t h, size_t w, float lo,
                    float hi);

#endif

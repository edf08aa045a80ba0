/* Grids of images as PNG files through libpng. */
#include <errno.h>
#include <math.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "png_grid.h"

#define SEPARATOR 255 /* white lines between tiles */
#define MAX_SIDE ((size_t)1 << 16) /* pixels per side of a grid */

typedef struct canvas {
    unsigned char *pix;
    size_t width, height, channels;
} canvas;

static unsigned char to_byte(float v, float lo, float hi)
{
    if (!(v == v))
        return 0;
    double t = ((double)v - lo) / ((double)hi - lo);
    if (t <= 0.0)
        return 0;
    if (t >= 1.0)
        return 255;
    return (unsigned char)lround(t * 255.0);
}

static int write_png(const char *path, const canvas *c)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL) {
        fprintf(stderr, "png: cannot create %s: %s\n", path, strerror(errno));
        return -1;
    }
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL,
                                              NULL, NULL);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (info == NULL || setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        fclose(f);
        fprintf(stderr, "png: libpng failed writing %s\n", path);
        return -1;
    }
    png_init_io(png, f);
    png_set_IHDR(png, info, (png_uint_32)c->width, (png_uint_32)c->height, 8,
                 c->channels == 3 ? PNG_COLOR_TYPE_RGB : PNG_COLOR_TYPE_GRAY,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                 PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (size_t y = 0; y < c->height; y++)
        png_write_row(png, c->pix + y * c->width * c->channels);
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    if (fclose(f) != 0) {
        fprintf(stderr, "png: error closing %s: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}

static int canvas_init(canvas *c, size_t rows, size_t cols, size_t h,
                       size_t w, size_t channels)
{
    if (cols > MAX_SIDE / (w + 1) || rows > MAX_SIDE / (h + 1)) {
        fprintf(stderr, "png: grid of %zu x %zu tiles of %zu x %zu is too large\n",
                rows, cols, h, w);
        return -1;
    }
    c->width = cols * w + (cols - 1);
    c->height = rows * h + (rows - 1);
    c->channels = channels;
    c->pix = malloc(c->width * c->height * channels);
    if (c->pix == NULL) {
        fprintf(stderr, "png: out of memory for the grid\n");
        return -1;
    }
    memset(c->pix, SEPARATOR, c->width * c->height * channels);
    return 0;
}

/* Copy image i (planar, `channels` planes of h*w) into its tile. */
static void draw_tile(canvas *c, const float *img, size_t i, size_t cols,
                      size_t h, size_t w, float lo, float hi)
{
    size_t top = (i / cols) * (h + 1), left = (i % cols) * (w + 1);
    for (size_t y = 0; y < h; y++)
        for (size_t x = 0; x < w; x++) {
            unsigned char *px =
                c->pix + ((top + y) * c->width + left + x) * c->channels;
            for (size_t ch = 0; ch < c->channels; ch++)
                px[ch] = to_byte(img[(ch * h + y) * w + x], lo, hi);
        }
}

static int write_grid(const char *path, const float *images, size_t n,
                      size_t rows, size_t cols, size_t h, size_t w, float lo,
                      float hi, size_t channels)
{
    if (path == NULL || images == NULL || rows == 0 || cols == 0 || h == 0 ||
        w == 0 || !(lo < hi) || !isfinite(lo) || !isfinite(hi)) {
        fprintf(stderr, "png: bad grid arguments for %s\n", path ? path : "?");
        return -1;
    }
    if (n > rows * cols)
        n = rows * cols;
    canvas c;
    if (canvas_init(&c, rows, cols, h, w, channels) != 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        draw_tile(&c, images + i * channels * h * w, i, cols, h, w, lo, hi);
    int rc = write_png(path, &c);
    free(c.pix);
    return rc;
}

int ex_png_grid_gray(const char *path, const float *images, size_t n,
                     size_t rows, size_t cols, size_t h, size_t w, float lo,
                     float hi)
{
    return write_grid(path, images, n, rows, cols, h, w, lo, hi, 1);
}

int ex_png_grid_rgb(const char *path, const float *images, size_t n,
                    size_t rows, size_t cols, size_t h, size_t w, float lo,
                    float hi)
{
    return write_grid(path, images, n, rows, cols, h, w, lo, hi, 3);
}

/* Grids of images as PNG files through libpng: scaled tiles, a title and
 * row labels. */
#include <errno.h>
#include <math.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "font5x7.h"
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

#define TEXT_SCALE 2                       /* font pixels per glyph pixel */
#define CHAR_W ((EX_FONT_W + 1) * TEXT_SCALE) /* advance per character */
#define TEXT_H (EX_FONT_H * TEXT_SCALE)
#define PAD 6                              /* around text, between tiles */
#define MIN_TILE 84                        /* default tile height in pixels */

/* Where things go: a grid of scaled tiles right of the labels and below
 * the title. */
typedef struct layout {
    size_t scale, left, top, tile_h, tile_w;
} layout;

static size_t text_width(const char *text)
{
    return text ? strlen(text) * CHAR_W : 0;
}

static layout plan(size_t rows, size_t h, size_t w, const ex_grid_style *st)
{
    layout L;
    L.scale = st && st->scale ? st->scale : (MIN_TILE + h - 1) / h;
    if (L.scale < 3)
        L.scale = 3;
    L.tile_h = h * L.scale;
    L.tile_w = w * L.scale;
    size_t label_w = 0;
    for (size_t r = 0; st && st->row_labels && r < rows; r++)
        if (text_width(st->row_labels[r]) > label_w)
            label_w = text_width(st->row_labels[r]);
    L.left = label_w ? label_w + 2 * PAD : 0;
    L.top = st && st->title ? TEXT_H + 2 * PAD : 0;
    return L;
}

static int canvas_init(canvas *c, const layout *L, size_t rows, size_t cols,
                       size_t channels, const ex_grid_style *st)
{
    size_t title_w = st && st->title ? text_width(st->title) + 2 * PAD : 0;
    if (cols > MAX_SIDE / (L->tile_w + 1) || rows > MAX_SIDE / (L->tile_h + 1)) {
        fprintf(stderr, "png: grid of %zu x %zu tiles of %zu x %zu is too large\n",
                rows, cols, L->tile_h, L->tile_w);
        return -1;
    }
    c->width = L->left + cols * L->tile_w + (cols - 1) * 2;
    if (c->width < title_w)
        c->width = title_w;
    c->height = L->top + rows * L->tile_h + (rows - 1) * 2;
    c->channels = channels;
    c->pix = malloc(c->width * c->height * channels);
    if (c->pix == NULL) {
        fprintf(stderr, "png: out of memory for the grid\n");
        return -1;
    }
    memset(c->pix, SEPARATOR, c->width * c->height * channels);
    return 0;
}

/* Black text with its top-left corner at (x, y); clipped to the canvas. */
static void draw_text(canvas *c, const char *text, size_t x, size_t y)
{
    for (size_t k = 0; text && text[k]; k++) {
        const unsigned char *g = ex_font_glyph(text[k]);
        for (size_t gy = 0; gy < TEXT_H; gy++)
            for (size_t gx = 0; gx < EX_FONT_W * TEXT_SCALE; gx++) {
                size_t px = x + k * CHAR_W + gx, py = y + gy;
                int on = g[gy / TEXT_SCALE] >> (EX_FONT_W - 1 - gx / TEXT_SCALE) & 1;
                if (on && px < c->width && py < c->height)
                    memset(c->pix + (py * c->width + px) * c->channels, 0,
                           c->channels);
            }
    }
}

/* Copy image i (planar, `channels` planes of h*w) into its scaled tile. */
static void draw_tile(canvas *c, const layout *L, const float *img, size_t i,
                      size_t cols, size_t h, size_t w, float lo, float hi)
{
    size_t top = L->top + (i / cols) * (L->tile_h + 2);
    size_t left = L->left + (i % cols) * (L->tile_w + 2);
    for (size_t y = 0; y < L->tile_h; y++)
        for (size_t x = 0; x < L->tile_w; x++) {
            unsigned char *px =
                c->pix + ((top + y) * c->width + left + x) * c->channels;
            size_t src = (y / L->scale) * w + x / L->scale;
            for (size_t ch = 0; ch < c->channels; ch++)
                px[ch] = to_byte(img[ch * h * w + src], lo, hi);
        }
}

static void draw_text_parts(canvas *c, const layout *L, size_t rows,
                            const ex_grid_style *st)
{
    if (st == NULL)
        return;
    if (st->title)
        draw_text(c, st->title, PAD, PAD);
    for (size_t r = 0; st->row_labels && r < rows; r++)
        draw_text(c, st->row_labels[r], PAD,
                  L->top + r * (L->tile_h + 2) + (L->tile_h - TEXT_H) / 2);
}

int ex_png_grid(const char *path, const float *images, size_t n, size_t rows,
                size_t cols, size_t channels, size_t h, size_t w, float lo,
                float hi, const ex_grid_style *style)
{
    if (path == NULL || images == NULL || rows == 0 || cols == 0 || h == 0 ||
        w == 0 || (channels != 1 && channels != 3) || !(lo < hi) ||
        !isfinite(lo) || !isfinite(hi)) {
        fprintf(stderr, "png: bad grid arguments for %s\n", path ? path : "?");
        return -1;
    }
    if (n > rows * cols)
        n = rows * cols;
    layout L = plan(rows, h, w, style);
    canvas c;
    if (canvas_init(&c, &L, rows, cols, channels, style) != 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        draw_tile(&c, &L, images + i * channels * h * w, i, cols, h, w, lo, hi);
    draw_text_parts(&c, &L, rows, style);
    int rc = write_png(path, &c);
    free(c.pix);
    return rc;
}

int ex_png_grid_gray(const char *path, const float *images, size_t n,
                     size_t rows, size_t cols, size_t h, size_t w, float lo,
                     float hi)
{
    return ex_png_grid(path, images, n, rows, cols, 1, h, w, lo, hi, NULL);
}

int ex_png_grid_rgb(const char *path, const float *images, size_t n,
                    size_t rows, size_t cols, size_t h, size_t w, float lo,
                    float hi)
{
    return ex_png_grid(path, images, n, rows, cols, 3, h, w, lo, hi, NULL);
}

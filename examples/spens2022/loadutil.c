/*
 * Spens & Burgess 2022 example: image conversion and subset choice shared
 * by the data loaders (loadutil.h).
 */
#include <stdlib.h>

#include "loadutil.h"

/* One output pixel of plane `plane`: bilinear sample at (y, x) in source
 * pixel units, of the luma or the plane itself. */
static float sample_pixel(const float *img, size_t sc, size_t sh, size_t sw,
                          size_t plane, size_t dc, double y, double x)
{
    static const double luma[3] = {0.299, 0.587, 0.114};
    if (y < 0) y = 0;
    if (x < 0) x = 0;
    size_t y0 = (size_t)y, x0 = (size_t)x;
    size_t y1 = y0 + 1 < sh ? y0 + 1 : y0, x1 = x0 + 1 < sw ? x0 + 1 : x0;
    double fy = y - (double)y0, fx = x - (double)x0, value = 0.0;
    for (size_t c = 0; c < sc; c++) {
        double weight = sc == 1 ? 1.0 : dc == 1 ? luma[c % 3] : c == plane;
        if (weight == 0.0)
            continue;
        const float *p = img + c * sh * sw;
        double top = p[y0 * sw + x0] * (1 - fx) + p[y0 * sw + x1] * fx;
        double bottom = p[y1 * sw + x0] * (1 - fx) + p[y1 * sw + x1] * fx;
        value += weight * (top * (1 - fy) + bottom * fy);
    }
    return (float)value;
}

void sb_convert(const float *src, size_t n, size_t sc, size_t sh, size_t sw,
                float *dst, size_t dc, size_t dh, size_t dw)
{
    double sy = (double)sh / (double)dh, sx = (double)sw / (double)dw;
    for (size_t i = 0; i < n; i++) {
        const float *img = src + i * sc * sh * sw;
        float *out = dst + i * dc * dh * dw;
        for (size_t c = 0; c < dc; c++)
            for (size_t y = 0; y < dh; y++)
                for (size_t x = 0; x < dw; x++) /* pixel-centre alignment */
                    out[(c * dh + y) * dw + x] = sample_pixel(
                        img, sc, sh, sw, c, dc, ((double)y + 0.5) * sy - 0.5,
                        ((double)x + 0.5) * sx - 0.5);
    }
}

void sb_convert_u8(const unsigned char *hwc, size_t c, size_t h, size_t w,
                   float *scratch, float *dst, size_t dc, size_t dh, size_t dw)
{
    for (size_t k = 0; k < c; k++)
        for (size_t p = 0; p < h * w; p++)
            scratch[k * h * w + p] = (float)hwc[p * c + k] / 255.0f;
    sb_convert(scratch, 1, c, h, w, dst, dc, dh, dw);
}

uint64_t sb_xorshift(uint64_t *state)
{
    uint64_t s = *state;
    s ^= s << 13, s ^= s >> 7, s ^= s << 17;
    return *state = s;
}

static int ascending(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

int sb_choose(size_t total, size_t n, uint64_t seed, size_t *out)
{
    size_t *all = malloc((total ? total : 1) * sizeof *all);
    if (!all)
        return -1;
    uint64_t state = seed * 0x9E3779B97F4A7C15ull + 0x632BE59BD9B4E019ull;
    for (size_t i = 0; i < total; i++)
        all[i] = i;
    for (size_t i = 0; i < n; i++) { /* partial Fisher-Yates */
        size_t j = i + (size_t)(sb_xorshift(&state) % (total - i));
        size_t t = all[i];
        all[i] = all[j], all[j] = t;
    }
    for (size_t i = 0; i < n; i++)
        out[i] = all[i];
    free(all);
    qsort(out, n, sizeof *out, ascending);
    return 0;
}

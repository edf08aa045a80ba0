/*
 * A Shapes3D-like scene generator (a procedural stand-in for the data set
 * of Burgess & Kim 2018; see include/assocmem/scenes.h). A 64 x 64 room:
 * back wall (rows above the horizon) with a vertical corner whose position
 * follows the orientation, a floor shaded darker towards the horizon, and
 * one object standing on the floor, drawn with simple shading.
 */
#include <math.h>
#include <string.h>

#include "assocmem/scenes.h"
#include "core/error.h"
#include "core/rng.h"
#include "data_args.h"

#define S AMEM_SHAPES3D_SIZE
#define HORIZON 38
#define BASE 54.0 /* row of the object's bottom */

static const int levels[AMEM_SHAPES3D_FACTOR_COUNT] = {10, 10, 10, 8, 4, 15};

int amem_shapes3d_levels(int factor, int *out)
{
    AMEM__CHECK_NULL(out, "amem_shapes3d_levels");
    if (factor < 0 || factor >= AMEM_SHAPES3D_FACTOR_COUNT)
        return amem__fail(AMEM_E_ARG, "amem_shapes3d_levels",
                          "unknown factor %d", factor);
    *out = levels[factor];
    return AMEM_OK;
}

/* HSV (saturation 0.85, value 1) to RGB. */
static void hue_rgb(double h, double rgb[3])
{
    double s = 0.85, c = s, x = c * (1.0 - fabs(fmod(h * 6.0, 2.0) - 1.0));
    double r = 0, g = 0, b = 0;
    int sector = (int)(h * 6.0) % 6;
    switch (sector) {
    case 0: r = c; g = x; break;
    case 1: r = x; g = c; break;
    case 2: g = c; b = x; break;
    case 3: g = x; b = c; break;
    case 4: r = x; b = c; break;
    default: r = c; b = x; break;
    }
    rgb[0] = r + 1.0 - s;
    rgb[1] = g + 1.0 - s;
    rgb[2] = b + 1.0 - s;
}

static void put(float *img, int row, int col, const double rgb[3],
                double shade)
{
    for (int c = 0; c < 3; c++) {
        double v = rgb[c] * shade;
        img[(size_t)c * S * S + (size_t)row * S + col] =
            (float)(v < 0 ? 0 : v > 1 ? 1 : v);
    }
}

static void background(float *img, const double wall[3], const double floor_[3],
                       double angle)
{
    int corner = (int)lround(32.0 + 22.0 * angle / 30.0);
    for (int r = 0; r < S; r++)
        for (int c = 0; c < S; c++) {
            if (r < HORIZON)
                put(img, r, c, wall, c < corner ? 0.92 : 0.72);
            else
                put(img, r, c, floor_,
                    0.62 + 0.38 * (r - HORIZON) / (double)(S - HORIZON));
        }
}

/*
 * Shade of the object at pixel centre (x, y) relative to its bottom centre,
 * or a negative value outside. h is the half-size; phi the turn in radians.
 */
static double object_shade(int shape, double x, double y, double h, double phi)
{
    double u = x / h, top = -2.0 * h;
    switch (shape) {
    case AMEM_SHAPES3D_CUBE: {
        double cw = fabs(cos(phi)), sw = fabs(sin(phi)), half = cw + sw;
        double cap = 0.45 * h;
        if (fabs(u) > half || y > 0 || y < top - cap)
            return -1;
        if (y < top)  /* top face, a band narrowing upwards */
            return fabs(u) <= half * (1.0 - 0.4 * (top - y) / cap) ? 1.0 : -1;
        return u < -half + 2.0 * cw ? 0.88 : 0.62;
    }
    case AMEM_SHAPES3D_CYLINDER: {
        double ry = 0.35 * h, dy = (y - top) / ry;
        if (fabs(u) > 1.0 || y > 0)
            return -1;
        if (y < top)
            return u * u + dy * dy <= 1.0 ? 1.0 : -1;
        return 0.5 + 0.45 * sqrt(1.0 - u * u) - 0.1 * u;
    }
    case AMEM_SHAPES3D_SPHERE: {
        double v = (y + h) / h, r2 = u * u + v * v;
        if (r2 > 1.0)
            return -1;
        double nz = sqrt(1.0 - r2);
        return 0.3 + 0.7 * fmax(0.0, -0.45 * u - 0.45 * v + 0.77 * nz);
    }
    default: { /* capsule: distance to a vertical segment */
        double rad = 0.6 * h, y0 = top + rad, y1 = -rad;
        double cy = y < y0 ? y0 : y > y1 ? y1 : y;
        double dx = x / rad, dy = (y - cy) / rad;
        if (dx * dx + dy * dy > 1.0)
            return -1;
        return 0.45 + 0.5 * sqrt(fmax(0.0, 1.0 - dx * dx - dy * dy)) -
               0.1 * dx;
    }
    }
}

static void render_one(const int32_t *f, float *img)
{
    double floor_[3], wall[3], obj[3];
    hue_rgb(f[AMEM_SHAPES3D_FLOOR_HUE] / 10.0, floor_);
    hue_rgb(f[AMEM_SHAPES3D_WALL_HUE] / 10.0, wall);
    hue_rgb(f[AMEM_SHAPES3D_OBJECT_HUE] / 10.0, obj);
    double angle = -30.0 + 60.0 * f[AMEM_SHAPES3D_ORIENTATION] / 14.0;
    double h = 8.0 * (0.75 + 0.5 * f[AMEM_SHAPES3D_SCALE] / 7.0);
    double phi = (angle + 45.0) * 3.141592653589793 / 180.0;
    background(img, wall, floor_, angle);
    for (int r = 0; r < S; r++)
        for (int c = 0; c < S; c++) {
            double shade = object_shade(f[AMEM_SHAPES3D_SHAPE], c + 0.5 - 32.0,
                                        r + 0.5 - BASE, h, phi);
            if (shade >= 0)
                put(img, r, c, obj, shade);
        }
}

int amem_shapes3d_render(const int32_t *factors, size_t count, float *images)
{
    static const char fn[] = "amem_shapes3d_render";
    AMEM__CHECK_NULL(factors, fn);
    AMEM__CHECK_NULL(images, fn);
    size_t total;
    int rc = amem__data_size(fn, "images", count, (size_t)3 * S * S, &total);
    if (rc != AMEM_OK)
        return rc;
    for (size_t i = 0; i < count * AMEM_SHAPES3D_FACTOR_COUNT; i++) {
        int k = (int)(i % AMEM_SHAPES3D_FACTOR_COUNT);
        if (factors[i] < 0 || factors[i] >= levels[k])
            return amem__fail(AMEM_E_RANGE, fn,
                              "factors[%zu] = %d outside [0, %d)", i,
                              (int)factors[i], levels[k]);
    }
    for (size_t i = 0; i < count; i++)
        render_one(factors + i * AMEM_SHAPES3D_FACTOR_COUNT,
                   images + i * (size_t)3 * S * S);
    return AMEM_OK;
}

int amem_shapes3d_generate(size_t count, uint64_t seed, float *images,
                           int32_t *factors)
{
    static const char fn[] = "amem_shapes3d_generate";
    AMEM__CHECK_NULL(images, fn);
    size_t total;
    int rc = amem__data_size(fn, "images", count, (size_t)3 * S * S, &total);
    if (rc != AMEM_OK)
        return rc;
    amem__rng rng;
    amem__rng_seed(&rng, seed);
    int32_t f[AMEM_SHAPES3D_FACTOR_COUNT];
    for (size_t i = 0; i < count; i++) {
        for (int k = 0; k < AMEM_SHAPES3D_FACTOR_COUNT; k++)
            f[k] = (int32_t)amem__rng_below(&rng, (uint64_t)levels[k]);
        render_one(f, images + i * (size_t)3 * S * S);
        if (factors != NULL)
            memcpy(factors + i * AMEM_SHAPES3D_FACTOR_COUNT, f, sizeof f);
    }
    return AMEM_OK;
}

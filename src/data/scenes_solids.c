/*
 * A symmetric-solids-like renderer (a procedural stand-in for the data set
 * of Murphy et al. 2021; see include/assocmem/scenes.h). Each Platonic
 * solid is the intersection of half-spaces n_f . p <= r_in (one per face,
 * unit normals, the same circumradius 0.85 for all); a pixel (u, v) casts
 * an orthographic ray along -z, which enters through the face with the
 * smallest upper bound z <= (r_in - n_x u - n_y v) / n_z among n_z > 0 and
 * is inside when that bound exceeds every lower bound. Faces are shaded
 * with Lambert's law; 2 x 2 samples per pixel.
 */
#include <math.h>
#include <string.h>

#include "assocmem/scenes.h"
#include "core/check.h"
#include "core/error.h"
#include "core/rng.h"
#include "data_args.h"

#define PHI 1.6180339887498949
#define CIRCUMRADIUS 0.85
#define MAX_FACES 20

typedef struct solid {
    int faces;
    double n[MAX_FACES][3];
    double inradius; /* as a fraction of the circumradius */
} solid;

/* Every sign pattern of (a, b, c) with zero entries kept, appended to s. */
static void add_signs(solid *s, double a, double b, double c, int parity)
{
    for (int m = 0; m < 8; m++) {
        double v[3] = {m & 1 ? -a : a, m & 2 ? -b : b, m & 4 ? -c : c};
        if ((a == 0 && (m & 1)) || (b == 0 && (m & 2)) || (c == 0 && (m & 4)))
            continue;
        int neg = ((m & 1) != 0) + ((m & 2) != 0) + ((m & 4) != 0);
        if (parity >= 0 && neg % 2 != parity)
            continue;
        double len = sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
        for (int k = 0; k < 3; k++)
            s->n[s->faces][k] = v[k] / len;
        s->faces++;
    }
}

static void make_solid(int label, solid *s)
{
    memset(s, 0, sizeof *s);
    switch (label) {
    case AMEM_SOLID_TETRAHEDRON:
        add_signs(s, 1, 1, 1, 0);
        s->inradius = 1.0 / 3.0;
        break;
    case AMEM_SOLID_CUBE:
        add_signs(s, 1, 0, 0, -1);
        add_signs(s, 0, 1, 0, -1);
        add_signs(s, 0, 0, 1, -1);
        s->inradius = 1.0 / sqrt(3.0);
        break;
    case AMEM_SOLID_OCTAHEDRON:
        add_signs(s, 1, 1, 1, -1);
        s->inradius = 1.0 / sqrt(3.0);
        break;
    case AMEM_SOLID_DODECAHEDRON: /* faces point at icosahedron vertices */
        add_signs(s, 0, 1, PHI, -1);
        add_signs(s, 1, PHI, 0, -1);
        add_signs(s, PHI, 0, 1, -1);
        s->inradius = 0.7946544722917661;
        break;
    default: /* icosahedron: faces point at dodecahedron vertices */
        add_signs(s, 1, 1, 1, -1);
        add_signs(s, 0, 1 / PHI, PHI, -1);
        add_signs(s, 1 / PHI, PHI, 0, -1);
        add_signs(s, PHI, 0, 1 / PHI, -1);
        s->inradius = 0.7946544722917661;
        break;
    }
}

/* Brightness at (u, v) of the rotated solid (normals rn), 0 outside. */
static double ray(const solid *s, const double rn[][3], double u, double v)
{
    static const double light[3] = {-0.42, 0.52, 0.74};
    double r = s->inradius * CIRCUMRADIUS, zmax = INFINITY, zmin = -INFINITY;
    int face = -1;
    for (int f = 0; f < s->faces; f++) {
        double rest = r - rn[f][0] * u - rn[f][1] * v, nz = rn[f][2];
        if (fabs(nz) < 1e-12) {
            if (rest < 0)
                return 0.0;
        } else if (nz > 0 && rest / nz < zmax) {
            zmax = rest / nz;
            face = f;
        } else if (nz < 0 && rest / nz > zmin) {
            zmin = rest / nz;
        }
    }
    if (face < 0 || zmax < zmin)
        return 0.0;
    double d = rn[face][0] * light[0] + rn[face][1] * light[1] +
               rn[face][2] * light[2];
    return 0.15 + 0.85 * fmax(0.0, d);
}

static void render_one(int label, const float *rot, size_t size, float *img)
{
    solid s;
    double rn[MAX_FACES][3];
    make_solid(label, &s);
    for (int f = 0; f < s.faces; f++)
        for (int i = 0; i < 3; i++)
            rn[f][i] = rot[3 * i] * s.n[f][0] + rot[3 * i + 1] * s.n[f][1] +
                       rot[3 * i + 2] * s.n[f][2];
    double px = 2.0 / (double)size;
    for (size_t r = 0; r < size; r++)
        for (size_t c = 0; c < size; c++) {
            double sum = 0.0;
            for (int k = 0; k < 4; k++) {
                double u = -1.0 + ((double)c + 0.25 + 0.5 * (k & 1)) * px;
                double v = 1.0 - ((double)r + 0.25 + 0.5 * (k >> 1)) * px;
                sum += ray(&s, (const double(*)[3])rn, u, v);
            }
            img[r * size + c] = (float)(sum / 4.0);
        }
}

static int orthonormal(const float *m)
{
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            double d = 0.0;
            for (int k = 0; k < 3; k++)
                d += (double)m[3 * i + k] * m[3 * j + k];
            if (fabs(d - (i == j)) > 1e-3)
                return 0;
        }
    return 1;
}

static int check_size(const char *fn, size_t count, size_t size)
{
    size_t total;
    if (size < 8 || size > 512)
        return amem__fail(AMEM_E_DIM, fn, "size %zu outside [8, 512]", size);
    return amem__data_size(fn, "images", count, size * size, &total);
}

int amem_solids_render(const int32_t *labels, const float *rotations,
                       size_t count, size_t size, float *images)
{
    static const char fn[] = "amem_solids_render";
    AMEM__CHECK_NULL(labels, fn);
    AMEM__CHECK_NULL(rotations, fn);
    AMEM__CHECK_NULL(images, fn);
    int rc = check_size(fn, count, size);
    for (size_t i = 0; rc == AMEM_OK && i < count; i++) {
        if (labels[i] < 0 || labels[i] >= AMEM_SOLID_COUNT)
            rc = amem__fail(AMEM_E_RANGE, fn, "labels[%zu] = %d is no solid",
                            i, (int)labels[i]);
        else if (!amem__all_finite(rotations + 9 * i, 9))
            rc = amem__fail(AMEM_E_NONFINITE, fn, "rotation %zu is not finite",
                            i);
        else if (!orthonormal(rotations + 9 * i))
            rc = amem__fail(AMEM_E_ARG, fn, "rotation %zu is not orthonormal",
                            i);
    }
    for (size_t i = 0; rc == AMEM_OK && i < count; i++)
        render_one(labels[i], rotations + 9 * i, size, images + i * size * size);
    return rc;
}

/* A uniform rotation: the matrix of a normalised Gaussian quaternion. */
static void random_rotation(amem__rng *rng, float *m)
{
    double q[4], len = 0.0;
    do {
        len = 0.0;
        for (int i = 0; i < 4; i++) {
            q[i] = amem__rng_normal(rng);
            len += q[i] * q[i];
        }
    } while (len < 1e-12);
    len = sqrt(len);
    double w = q[0] / len, x = q[1] / len, y = q[2] / len, z = q[3] / len;
    double r[9] = {1 - 2 * (y * y + z * z), 2 * (x * y - w * z),
                   2 * (x * z + w * y),     2 * (x * y + w * z),
                   1 - 2 * (x * x + z * z), 2 * (y * z - w * x),
                   2 * (x * z - w * y),     2 * (y * z + w * x),
                   1 - 2 * (x * x + y * y)};
    for (int i = 0; i < 9; i++)
        m[i] = (float)r[i];
}

int amem_solids_generate(size_t count, size_t size, uint64_t seed,
                         float *images, int32_t *labels, float *rotations)
{
    static const char fn[] = "amem_solids_generate";
    AMEM__CHECK_NULL(images, fn);
    int rc = check_size(fn, count, size);
    if (rc != AMEM_OK)
        return rc;
    amem__rng rng;
    amem__rng_seed(&rng, seed);
    for (size_t i = 0; i < count; i++) {
        float m[9];
        int label = (int)amem__rng_below(&rng, AMEM_SOLID_COUNT);
        random_rotation(&rng, m);
        render_one(label, m, size, images + i * size * size);
        if (labels != NULL)
            labels[i] = label;
        if (rotations != NULL)
            memcpy(rotations + 9 * i, m, sizeof m);
    }
    return AMEM_OK;
}

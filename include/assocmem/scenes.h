/*
 * libassocmem — procedural image generators with ground-truth factors.
 *
 * These are STAND-INS for data sets that cannot be fetched here (Shapes3D,
 * Burgess & Kim 2018; Symmetric Solids, Murphy et al. 2021). They mimic the
 * factors of variation and the image format, not the pixels: a report that
 * uses them must say that they are procedural stand-ins.
 *
 * Images are float32 in [0, 1]. Colour images are channel-planar
 * (3 x H x W per image: all red, then all green, then all blue — the
 * NCHW layout amem_vae takes); greyscale images are H x W. Both generators
 * are deterministic: the same arguments give the same images (factors are
 * drawn from the library's seeded generator; no threads, no global state).
 *
 * Experimental: declared only when AMEM_EXPERIMENTAL_API is defined before
 * this header is included; may change in any release.
 */
#ifndef ASSOCMEM_SCENES_H
#define ASSOCMEM_SCENES_H

#include "assocmem/common.h"

#ifdef __cplusplus
extern "C" {
#endif
#ifdef AMEM_EXPERIMENTAL_API

/* ---- Shapes3D-like scenes -------------------------------------------------
 *
 * 64 x 64 colour scenes of one object in a room: a floor, a back wall with
 * a corner, and an object standing on the floor. Six factors, each an
 * integer level (the level counts of the real Shapes3D):
 *   FLOOR_HUE, WALL_HUE, OBJECT_HUE   10 levels: hue = level / 10 (HSV,
 *                                     full saturation, shaded)
 *   SCALE                             8 levels: object size 0.75 .. 1.25
 *   SHAPE                             4 levels: enum amem_shapes3d_shape
 *   ORIENTATION                       15 levels: view angle -30 .. +30
 *                                     degrees (moves the wall corner and
 *                                     turns the object)
 * A factor row is 6 int32 in the order of enum amem_shapes3d_factor.
 */
#define AMEM_SHAPES3D_SIZE 64
#define AMEM_SHAPES3D_CHANNELS 3
#define AMEM_SHAPES3D_FACTOR_COUNT 6

enum amem_shapes3d_factor {
    AMEM_SHAPES3D_FLOOR_HUE = 0,
    AMEM_SHAPES3D_WALL_HUE = 1,
    AMEM_SHAPES3D_OBJECT_HUE = 2,
    AMEM_SHAPES3D_SCALE = 3,
    AMEM_SHAPES3D_SHAPE = 4,
    AMEM_SHAPES3D_ORIENTATION = 5
};

enum amem_shapes3d_shape {
    AMEM_SHAPES3D_CUBE = 0,
    AMEM_SHAPES3D_CYLINDER = 1,
    AMEM_SHAPES3D_SPHERE = 2,
    AMEM_SHAPES3D_CAPSULE = 3
};

/*
 * amem_shapes3d_levels: the level count of a factor into *levels.
 * Returns AMEM_OK, AMEM_E_NULL, AMEM_E_ARG (unknown factor).
 */
AMEM_API int amem_shapes3d_levels(int factor, int *levels);

/*
 * amem_shapes3d_render: render count scenes from factor rows (count x 6)
 * into images (count x 3 x 64 x 64). Returns AMEM_OK, AMEM_E_NULL,
 * AMEM_E_DIM (count = 0 or too large), AMEM_E_RANGE (a level outside its
 * factor's range).
 */
AMEM_API int amem_shapes3d_render(const int32_t *factors, size_t count,
                                  float *images);

/*
 * amem_shapes3d_generate: count scenes with every factor drawn uniformly
 * and independently from seed; factors (count x 6) receives them when not
 * NULL. Returns AMEM_OK, AMEM_E_NULL, AMEM_E_DIM.
 */
AMEM_API int amem_shapes3d_generate(size_t count, uint64_t seed,
                                    float *images, int32_t *factors);

/* ---- symmetric-solids-like renderings ---------------------------------------
 *
 * size x size greyscale orthographic renderings of a solid under a 3-D
 * rotation: black background, faces shaded by a fixed directional light
 * (ambient 0.15 + 0.85 max(0, n . l)), every solid with the same
 * circumradius. Labels are enum amem_solid.
 */
#define AMEM_SOLID_COUNT 5

enum amem_solid {
    AMEM_SOLID_TETRAHEDRON = 0,
    AMEM_SOLID_CUBE = 1,
    AMEM_SOLID_OCTAHEDRON = 2,
    AMEM_SOLID_DODECAHEDRON = 3,
    AMEM_SOLID_ICOSAHEDRON = 4
};

/*
 * amem_solids_render: render count solids (labels[count]) under rotation
 * matrices (count x 9, row-major, applied to the solid's body coordinates;
 * each must be orthonormal within 1e-3) into images (count x size x size).
 *   size  8 .. 512
 * Returns AMEM_OK, AMEM_E_NULL, AMEM_E_DIM (count 0, size out of range),
 * AMEM_E_RANGE (unknown label), AMEM_E_NONFINITE, AMEM_E_ARG (a rotation
 * that is not orthonormal).
 */
AMEM_API int amem_solids_render(const int32_t *labels, const float *rotations,
                                size_t count, size_t size, float *images);

/*
 * amem_solids_generate: count renderings with the solid drawn uniformly and
 * the rotation uniformly over SO(3) (a normalised Gaussian quaternion) from
 * seed. labels[count] and rotations (count x 9) may each be NULL.
 * Returns AMEM_OK, AMEM_E_NULL (images), AMEM_E_DIM.
 */
AMEM_API int amem_solids_generate(size_t count, size_t size, uint64_t seed,
                                  float *images, int32_t *labels,
                                  float *rotations);

#endif /* AMEM_EXPERIMENTAL_API */

#ifdef __cplusplus
}
#endif
#endif /* ASSOCMEM_SCENES_H */

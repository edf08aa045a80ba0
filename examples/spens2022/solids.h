/*
 * Spens & Burgess 2022 example: the real Symmetric Solids (Murphy et al.
 * 2021, "Implicit-PDF"; TFDS symmetric_solids). The release
 * (symsol_dataset.zip) unpacks to train/ and test/, each with images/ of
 * 224 x 224 PNG renderings named SHAPE_INDEX.png (e.g. cube_000123.png)
 * and rotations.npz (the rotations, not needed here). The label is the
 * shape, numbered as TFDS's label_shape: 0 tet, 1 cube, 2 icosa, 3 cone,
 * 4 cyl, 5 tetX, 6 cylO, 7 sphereX. PNGs are decoded by libpng (any colour
 * type and bit depth) and converted to the student's shape.
 *
 * Statuses: AMEM_OK, AMEM_E_IO (folder or file cannot be opened),
 * AMEM_E_FORMAT (no images, a .png whose name is not SHAPE_INDEX.png with
 * a known shape, an undecodable PNG or one over 4096 x 4096),
 * AMEM_E_NOMEM; err (err_size bytes) receives the reason.
 */
#ifndef SB_SOLIDS_H
#define SB_SOLIDS_H

#include <stddef.h>
#include <stdint.h>

#define SB_SOLIDS_SHAPES 8
extern const char *const sb_solids_shape_name[SB_SOLIDS_SHAPES];

/* n images chosen uniformly with the seed among the .png files of dir (or
 * of dir/images when that exists), fewer when there are fewer (*got),
 * converted to dc x dh x dw on [0, 1], and their shape labels. */
int sb_solids_read(const char *dir, uint64_t seed, size_t n, size_t dc,
                   size_t dh, size_t dw, float *images, int32_t *labels,
                   size_t *got, char *err, size_t err_size);

#endif

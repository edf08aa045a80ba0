/*
 * Spens & Burgess 2022 example: a reader for NumPy's .npy arrays and .npz
 * archives, for the published KMNIST files (kmnist-*-imgs.npz: one uint8
 * array arr_0 of shape (n, 28, 28); kmnist-*-labels.npz: arr_0 of shape
 * (n,)).
 *
 * .npy versions 1.0, 2.0 and 3.0; element types bool, signed and unsigned
 * integers of 1, 2, 4 and 8 bytes and floats of 4 and 8 bytes, either byte
 * order; C or Fortran order (Fortran arrays are returned in C order).
 * .npz: a zip archive (as np.savez / np.savez_compressed write it, zip64
 * records included) whose members are stored or deflated; the CRC-32 of
 * the member is checked.
 *
 * The files are untrusted: every size is checked before it is used, no
 * allocation is larger than the data the file can hold (a deflated member
 * may expand at most 1032 times, deflate's limit), and a truncated or
 * corrupt file is an error, never a crash. Every function returns AMEM_OK,
 * AMEM_E_IO (the file cannot be opened or read), AMEM_E_FORMAT (not a
 * valid file, or a member that is missing), AMEM_E_UNSUPPORTED (a valid
 * file this reader does not handle: structured or complex dtypes,
 * encrypted members, other compression methods) or AMEM_E_NOMEM, and
 * writes a sentence saying why into err (err_size bytes, may be 0).
 */
#ifndef SB_NPZ_H
#define SB_NPZ_H

#include <stddef.h>

#define SB_NPY_MAX_DIMS 8
/* Largest array accepted, in bytes of element data (4 GiB). */
#define SB_NPY_MAX_BYTES ((size_t)1 << 32)

typedef struct sb_npy {
    size_t ndim, shape[SB_NPY_MAX_DIMS], count; /* count: product of shape */
    char kind;           /* 'b' bool, 'u' unsigned, 'i' signed, 'f' float */
    size_t item;         /* bytes per element */
    int swap;            /* elements are stored big-endian */
    unsigned char *data; /* count * item bytes in C order (free: sb_npy_free) */
} sb_npy;

/* Parse a whole .npy file held in buf[0, len); out owns a copy of the data. */
int sb_npy_parse(const unsigned char *buf, size_t len, sb_npy *out, char *err,
                 size_t err_size);

/* Read a .npy file. */
int sb_npy_read(const char *path, sb_npy *out, char *err, size_t err_size);

/* Read the array `name` (the archive member "name.npy", or a member called
 * exactly `name`) of an .npz archive held in memory or in a file. */
int sb_npz_parse(const unsigned char *buf, size_t len, const char *name,
                 sb_npy *out, char *err, size_t err_size);
int sb_npz_read(const char *path, const char *name, sb_npy *out, char *err,
                size_t err_size);

/* Element i (in C order) as a double. */
double sb_npy_get(const sb_npy *a, size_t i);

void sb_npy_free(sb_npy *a);

#endif

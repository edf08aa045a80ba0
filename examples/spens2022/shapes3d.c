/*
 * Spens & Burgess 2022 example: Shapes3D's 3dshapes.h5 through the HDF5
 * library (shapes3d.h). Rows are read in blocks of consecutive rows, so a
 * chunked, compressed file is decompressed once however many rows of a
 * chunk are chosen.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <assocmem/assocmem.h>

#include "loadutil.h"
#include "shapes3d.h"

#ifndef SB_HAVE_HDF5

int sb_shapes3d_available(void) { return 0; }

static int without(char *err, size_t err_size)
{
    snprintf(err, err_size, "this program was built without HDF5, so it "
             "cannot read 3dshapes.h5 (install libhdf5-dev and rebuild)");
    return AMEM_E_UNSUPPORTED;
}

int sb_shapes3d_count(const char *path, size_t *n, char *err, size_t err_size)
{
    (void)path;
    *n = 0;
    return without(err, err_size);
}

int sb_shapes3d_read(const char *path, const size_t *index, size_t count,
                     size_t dc, size_t dh, size_t dw, float *images,
                     int32_t *labels, double *factors, char *err,
                     size_t err_size)
{
    (void)path, (void)index, (void)count, (void)dc, (void)dh, (void)dw;
    (void)images, (void)labels, (void)factors;
    return without(err, err_size);
}

#else

#include <hdf5.h>

#define SIDE 64
#define PIXELS (SIDE * SIDE * 3)
#define BLOCK 512 /* rows per read */

int sb_shapes3d_available(void) { return 1; }

typedef struct h5_file {
    hid_t file, images, labels;
    size_t rows;
} h5_file;

static void h5_close(h5_file *f)
{
    if (f->images >= 0) H5Dclose(f->images);
    if (f->labels >= 0) H5Dclose(f->labels);
    if (f->file >= 0) H5Fclose(f->file);
}

/* Dataset `name`: rank `rank`, trailing dimensions `tail`, element class
 * `cls` of `size` bytes (0: any); its first dimension into *rows. */
static int check_dataset(hid_t d, int rank, const hsize_t *tail, H5T_class_t cls,
                         size_t size, size_t *rows)
{
    hsize_t dims[4];
    hid_t space = H5Dget_space(d), type = H5Dget_type(d);
    int ok = space >= 0 && type >= 0 &&
             H5Sget_simple_extent_ndims(space) == rank &&
             H5Sget_simple_extent_dims(space, dims, NULL) == rank &&
             H5Tget_class(type) == cls && (!size || H5Tget_size(type) == size);
    for (int k = 1; ok && k < rank; k++)
        ok = dims[k] == tail[k - 1];
    if (ok)
        *rows = (size_t)dims[0];
    if (space >= 0) H5Sclose(space);
    if (type >= 0) H5Tclose(type);
    return ok;
}

static int h5_open(const char *path, h5_file *f, char *err, size_t err_size)
{
    static const hsize_t image_tail[3] = {SIDE, SIDE, 3}, label_tail[1] = {6};
    size_t label_rows = 0;
    f->file = f->images = f->labels = -1;
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL); /* errors are returned, not printed */
    FILE *probe = fopen(path, "rb");
    if (!probe) {
        snprintf(err, err_size, "cannot open %s", path);
        return AMEM_E_IO;
    }
    fclose(probe);
    if (H5Fis_hdf5(path) <= 0 ||
        (f->file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT)) < 0) {
        snprintf(err, err_size, "%s is not a readable HDF5 file", path);
        return AMEM_E_FORMAT;
    }
    if (H5Lexists(f->file, "images", H5P_DEFAULT) <= 0 ||
        H5Lexists(f->file, "labels", H5P_DEFAULT) <= 0 ||
        (f->images = H5Dopen2(f->file, "images", H5P_DEFAULT)) < 0 ||
        (f->labels = H5Dopen2(f->file, "labels", H5P_DEFAULT)) < 0 ||
        !check_dataset(f->images, 4, image_tail, H5T_INTEGER, 1, &f->rows) ||
        !check_dataset(f->labels, 2, label_tail, H5T_FLOAT, 0, &label_rows) ||
        f->rows != label_rows || f->rows == 0 || f->rows > SB_SHAPES3D_MAX_ROWS) {
        snprintf(err, err_size, "%s: expected datasets images uint8 (N, 64, 64, "
                 "3) and labels float (N, 6), 0 < N <= %zu", path,
                 (size_t)SB_SHAPES3D_MAX_ROWS);
        h5_close(f);
        return AMEM_E_FORMAT;
    }
    return AMEM_OK;
}

/* Rows [first, first + n) of a dataset into buf as `type`. */
static int read_rows(hid_t d, size_t first, size_t n, hsize_t row_len,
                     hid_t type, int rank, void *buf)
{
    hsize_t start[4] = {first, 0, 0, 0}, count[4] = {n, SIDE, SIDE, 3};
    if (rank == 2)
        count[1] = row_len;
    hid_t file_space = H5Dget_space(d);
    hid_t mem_space = H5Screate_simple(rank, count, NULL);
    int ok = file_space >= 0 && mem_space >= 0 &&
             H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start, NULL, count,
                                 NULL) >= 0 &&
             H5Dread(d, type, mem_space, file_space, H5P_DEFAULT, buf) >= 0;
    if (mem_space >= 0) H5Sclose(mem_space);
    if (file_space >= 0) H5Sclose(file_space);
    return ok;
}

int sb_shapes3d_count(const char *path, size_t *n, char *err, size_t err_size)
{
    h5_file f;
    *n = 0;
    int rc = h5_open(path, &f, err, err_size);
    if (rc == AMEM_OK) {
        *n = f.rows;
        h5_close(&f);
    }
    return rc;
}

/* The chosen rows that fall in the block starting at index[i]. */
static int read_block(const h5_file *f, const size_t *index, size_t i,
                      size_t count, size_t *next, unsigned char *pix,
                      double *lab, char *err, size_t err_size)
{
    size_t first = index[i], j = i;
    while (j < count && index[j] < first + BLOCK)
        j++;
    size_t span = index[j - 1] - first + 1;
    *next = j;
    if (!read_rows(f->images, first, span, 0, H5T_NATIVE_UCHAR, 4, pix) ||
        !read_rows(f->labels, first, span, 6, H5T_NATIVE_DOUBLE, 2, lab)) {
        snprintf(err, err_size, "3dshapes.h5: rows %zu..%zu cannot be read",
                 first, first + span - 1);
        return AMEM_E_FORMAT;
    }
    return AMEM_OK;
}

/* Convert the rows index[i..next) of the block read at index[i]. */
static int take_block(const size_t *index, size_t i, size_t next,
                      const unsigned char *pix, const double *lab,
                      float *scratch, size_t dc, size_t dh, size_t dw,
                      float *images, int32_t *labels, double *factors,
                      char *err, size_t err_size)
{
    for (size_t k = i; k < next; k++) {
        size_t row = index[k] - index[i];
        double shape = lab[row * 6 + SB_SHAPES3D_SHAPE];
        if (!(shape >= 0 && shape <= 3) || shape != (double)(int)shape) {
            snprintf(err, err_size, "3dshapes.h5: row %zu has shape %g (not "
                     "0..3)", index[k], shape);
            return AMEM_E_FORMAT;
        }
        labels[k] = (int32_t)shape;
        if (factors)
            memcpy(factors + k * 6, lab + row * 6, 6 * sizeof(double));
        sb_convert_u8(pix + row * PIXELS, 3, SIDE, SIDE, scratch,
                      images + k * dc * dh * dw, dc, dh, dw);
    }
    return AMEM_OK;
}

int sb_shapes3d_read(const char *path, const size_t *index, size_t count,
                     size_t dc, size_t dh, size_t dw, float *images,
                     int32_t *labels, double *factors, char *err,
                     size_t err_size)
{
    h5_file f;
    int rc = h5_open(path, &f, err, err_size);
    if (rc != AMEM_OK)
        return rc;
    for (size_t i = 0; i < count; i++)
        if (index[i] >= f.rows || (i && index[i] <= index[i - 1])) {
            snprintf(err, err_size, "3dshapes.h5: row %zu is not ascending "
                     "below %zu", index[i], f.rows);
            h5_close(&f);
            return AMEM_E_RANGE;
        }
    unsigned char *pix = malloc((size_t)BLOCK * PIXELS);
    double *lab = malloc((size_t)BLOCK * 6 * sizeof(double));
    float *scratch = malloc(PIXELS * sizeof(float));
    if (!pix || !lab || !scratch) {
        snprintf(err, err_size, "out of memory reading %s", path);
        rc = AMEM_E_NOMEM;
    }
    for (size_t i = 0, next; rc == AMEM_OK && i < count; i = next) {
        rc = read_block(&f, index, i, count, &next, pix, lab, err, err_size);
        if (rc == AMEM_OK)
            rc = take_block(index, i, next, pix, lab, scratch, dc, dh, dw,
                            images, labels, factors, err, err_size);
    }
    free(pix);
    free(lab);
    free(scratch);
    h5_close(&f);
    return rc;
}

#endif

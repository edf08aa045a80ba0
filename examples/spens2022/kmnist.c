/*
 * Spens & Burgess 2022 example: KMNIST from its NumPy or its MNIST-format
 * release (kmnist.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <assocmem/assocmem.h>
#include <assocmem/data.h>

#include "kmnist.h"
#include "npz.h"

static int path_of(char *buf, size_t size, const char *dir, const char *file)
{
    int n = snprintf(buf, size, "%s/%s", dir, file);
    return n > 0 && (size_t)n < size;
}

static int exists(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f)
        fclose(f);
    return f != NULL;
}

/* The npz pair: images uint8 (n, 28, 28), labels integer (n,) in 0..9. */
static int read_npz(const char *img_path, const char *lab_path, float **images,
                    int32_t **labels, size_t *n, char *err, size_t err_size)
{
    sb_npy img, lab;
    int rc = sb_npz_read(img_path, "arr_0", &img, err, err_size);
    if (rc == AMEM_OK && (rc = sb_npz_read(lab_path, "arr_0", &lab, err,
                                           err_size)) != AMEM_OK)
        sb_npy_free(&img);
    if (rc != AMEM_OK)
        return rc;
    if (img.kind != 'u' || img.item != 1 || img.ndim != 3 || img.shape[1] != 28 ||
        img.shape[2] != 28 || (lab.kind != 'u' && lab.kind != 'i') ||
        lab.ndim != 1 || lab.shape[0] != img.shape[0] || img.shape[0] == 0) {
        snprintf(err, err_size, "KMNIST npz: expected uint8 (n, 28, 28) images "
                                "and n integer labels");
        rc = AMEM_E_FORMAT;
    }
    *images = rc == AMEM_OK ? malloc(img.count * sizeof(float)) : NULL;
    *labels = rc == AMEM_OK ? malloc(lab.count * sizeof(int32_t)) : NULL;
    if (rc == AMEM_OK && (!*images || !*labels))
        rc = AMEM_E_NOMEM;
    for (size_t i = 0; rc == AMEM_OK && i < img.count; i++)
        (*images)[i] = (float)img.data[i] / 255.0f;
    for (size_t i = 0; rc == AMEM_OK && i < lab.count; i++) {
        double v = sb_npy_get(&lab, i);
        if (!(v >= 0 && v <= 9)) {
            snprintf(err, err_size, "KMNIST npz: label %zu is %g", i, v);
            rc = AMEM_E_FORMAT;
        } else {
            (*labels)[i] = (int32_t)v;
        }
    }
    *n = rc == AMEM_OK ? img.shape[0] : 0;
    sb_npy_free(&img);
    sb_npy_free(&lab);
    return rc;
}

/* The IDX pair through the library's reader (copied to malloc memory). */
static int read_idx(const char *img_path, const char *lab_path, float **images,
                    int32_t **labels, size_t *n, char *err, size_t err_size)
{
    float *img = NULL;
    int32_t *lab = NULL;
    size_t h = 0, w = 0, n_lab = 0;
    int rc = amem_idx_read_images(img_path, &img, n, &h, &w);
    if (rc == AMEM_OK)
        rc = amem_idx_read_labels(lab_path, &lab, &n_lab);
    if (rc != AMEM_OK)
        snprintf(err, err_size, "%s", amem_last_error());
    else if (h != 28 || w != 28 || n_lab != *n) {
        snprintf(err, err_size, "KMNIST IDX: expected n images of 28 x 28 and "
                                "n labels");
        rc = AMEM_E_FORMAT;
    }
    for (size_t i = 0; rc == AMEM_OK && i < n_lab; i++)
        if (lab[i] < 0 || lab[i] > 9) {
            snprintf(err, err_size, "KMNIST IDX: label %zu is %d", i, (int)lab[i]);
            rc = AMEM_E_FORMAT;
        }
    *images = rc == AMEM_OK ? malloc(*n * 784 * sizeof(float)) : NULL;
    *labels = rc == AMEM_OK ? malloc(*n * sizeof(int32_t)) : NULL;
    if (rc == AMEM_OK && (!*images || !*labels))
        rc = AMEM_E_NOMEM;
    if (rc == AMEM_OK) {
        memcpy(*images, img, *n * 784 * sizeof(float));
        memcpy(*labels, lab, *n * sizeof(int32_t));
    }
    amem_free(img);
    amem_free(lab);
    return rc;
}

int sb_kmnist_read(const char *dir, int test, float **images,
                   int32_t **labels, size_t *n, char *err, size_t err_size)
{
    char img[1200], lab[1200];
    int rc;
    *images = NULL, *labels = NULL, *n = 0;
    if (!path_of(img, sizeof img, dir, test ? "kmnist-test-imgs.npz"
                                            : "kmnist-train-imgs.npz") ||
        !path_of(lab, sizeof lab, dir, test ? "kmnist-test-labels.npz"
                                            : "kmnist-train-labels.npz"))
        rc = AMEM_E_IO;
    else if (exists(img))
        rc = read_npz(img, lab, images, labels, n, err, err_size);
    else if (!path_of(img, sizeof img, dir, test ? "t10k-images-idx3-ubyte.gz"
                                                 : "train-images-idx3-ubyte.gz") ||
             !path_of(lab, sizeof lab, dir, test ? "t10k-labels-idx1-ubyte.gz"
                                                 : "train-labels-idx1-ubyte.gz"))
        rc = AMEM_E_IO;
    else
        rc = read_idx(img, lab, images, labels, n, err, err_size);
    if (rc == AMEM_E_IO && !exists(img))
        snprintf(err, err_size, "%s: no KMNIST files (kmnist-*.npz or "
                                "*-idx?-ubyte.gz)", dir);
    if (rc != AMEM_OK) {
        free(*images), free(*labels);
        *images = NULL, *labels = NULL, *n = 0;
    }
    return rc;
}

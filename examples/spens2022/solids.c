/*
 * Spens & Burgess 2022 example: the Symmetric Solids release read from its
 * PNG folder (solids.h).
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>

#include <assocmem/assocmem.h>

#include "loadutil.h"
#include "solids.h"

#define MAX_SIDE 4096

const char *const sb_solids_shape_name[SB_SOLIDS_SHAPES] = {
    "tet", "cube", "icosa", "cone", "cyl", "tetX", "cylO", "sphereX"};

typedef struct file_list {
    char **name;
    int32_t *label;
    size_t count, cap;
} file_list;

static void list_free(file_list *l)
{
    for (size_t i = 0; i < l->count; i++)
        free(l->name[i]);
    free(l->name);
    free(l->label);
}

/* SHAPE_DIGITS.png: the shape's label, -1 for another .png name, -2 for a
 * file that is not a .png (skipped). */
static int label_of(const char *name)
{
    size_t n = strlen(name);
    if (n < 4 || strcmp(name + n - 4, ".png") != 0)
        return -2;
    const char *cut = strchr(name, '_');
    if (!cut || cut == name || cut + 1 == name + n - 4)
        return -1;
    for (const char *p = cut + 1; p < name + n - 4; p++)
        if (*p < '0' || *p > '9')
            return -1;
    for (int s = 0; s < SB_SOLIDS_SHAPES; s++)
        if (strlen(sb_solids_shape_name[s]) == (size_t)(cut - name) &&
            strncmp(name, sb_solids_shape_name[s], (size_t)(cut - name)) == 0)
            return s;
    return -1;
}

static int list_add(file_list *l, const char *name, int label)
{
    if (l->count == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 1024;
        char **names = realloc(l->name, cap * sizeof *names);
        if (names)
            l->name = names;
        int32_t *labels = names ? realloc(l->label, cap * sizeof *labels) : NULL;
        if (!labels)
            return -1;
        l->label = labels, l->cap = cap;
    }
    if (!(l->name[l->count] = malloc(strlen(name) + 1)))
        return -1;
    strcpy(l->name[l->count], name);
    l->label[l->count++] = label;
    return 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The .png files of dir, sorted by name (readdir's order is arbitrary). */
static int list_dir(const char *dir, file_list *l, char *err, size_t err_size)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int rc = AMEM_OK;
    if (!d) {
        snprintf(err, err_size, "cannot open the folder %s", dir);
        return AMEM_E_IO;
    }
    while (rc == AMEM_OK && (e = readdir(d)) != NULL) {
        int label = label_of(e->d_name);
        if (label == -1) {
            snprintf(err, err_size, "%s/%s: not SHAPE_INDEX.png with a "
                     "Symmetric Solids shape", dir, e->d_name);
            rc = AMEM_E_FORMAT;
        } else if (label >= 0 && list_add(l, e->d_name, label) != 0) {
            rc = AMEM_E_NOMEM;
        }
    }
    closedir(d);
    if (rc == AMEM_OK && l->count == 0) {
        snprintf(err, err_size, "%s: no SHAPE_INDEX.png images", dir);
        rc = AMEM_E_FORMAT;
    }
    if (rc == AMEM_OK) { /* sort the names, then label them again */
        qsort(l->name, l->count, sizeof *l->name, by_name);
        for (size_t i = 0; i < l->count; i++)
            l->label[i] = label_of(l->name[i]);
    }
    return rc;
}

/* Decode one PNG as 8-bit RGB and convert it into dst. */
static int read_png(const char *path, size_t dc, size_t dh, size_t dw,
                    float *dst, char *err, size_t err_size)
{
    png_image image;
    memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, err_size, "cannot open %s", path);
        return AMEM_E_IO;
    }
    if (!png_image_begin_read_from_stdio(&image, f)) {
        fclose(f);
        snprintf(err, err_size, "%s: %s", path, image.message);
        return AMEM_E_FORMAT;
    }
    if (image.width == 0 || image.height == 0 || image.width > MAX_SIDE ||
        image.height > MAX_SIDE) {
        png_image_free(&image);
        fclose(f);
        snprintf(err, err_size, "%s: %u x %u pixels", path, image.width,
                 image.height);
        return AMEM_E_FORMAT;
    }
    image.format = PNG_FORMAT_RGB;
    size_t h = image.height, w = image.width;
    unsigned char *rgb = malloc(h * w * 3);
    float *scratch = malloc(h * w * 3 * sizeof(float));
    int rc = rgb && scratch ? AMEM_OK : AMEM_E_NOMEM;
    if (rc != AMEM_OK)
        png_image_free(&image);
    else if (!png_image_finish_read(&image, NULL, rgb, 0, NULL)) {
        snprintf(err, err_size, "%s: %s", path, image.message);
        rc = AMEM_E_FORMAT;
    } else {
        sb_convert_u8(rgb, 3, h, w, scratch, dst, dc, dh, dw);
    }
    fclose(f);
    free(rgb);
    free(scratch);
    return rc;
}

/* dir/images when it is a folder, else dir. */
static void image_dir(const char *dir, char *buf, size_t size)
{
    int n = snprintf(buf, size, "%s/images", dir);
    DIR *d = n > 0 && (size_t)n < size ? opendir(buf) : NULL;
    if (d)
        closedir(d);
    else
        snprintf(buf, size, "%s", dir);
}

int sb_solids_read(const char *dir, uint64_t seed, size_t n, size_t dc,
                   size_t dh, size_t dw, float *images, int32_t *labels,
                   size_t *got, char *err, size_t err_size)
{
    char folder[1100], path[1400];
    file_list l = {0};
    size_t *pick = NULL;
    *got = 0;
    image_dir(dir, folder, sizeof folder);
    int rc = list_dir(folder, &l, err, err_size);
    size_t count = rc == AMEM_OK && n > l.count ? l.count : n;
    if (rc == AMEM_OK && (!(pick = malloc((count ? count : 1) * sizeof *pick)) ||
                          sb_choose(l.count, count, seed, pick) != 0))
        rc = AMEM_E_NOMEM;
    for (size_t i = 0; rc == AMEM_OK && i < count; i++) {
        snprintf(path, sizeof path, "%s/%s", folder, l.name[pick[i]]);
        rc = read_png(path, dc, dh, dw, images + i * dc * dh * dw, err, err_size);
        labels[i] = l.label[pick[i]];
    }
    if (rc == AMEM_E_NOMEM)
        snprintf(err, err_size, "out of memory reading %s", folder);
    *got = rc == AMEM_OK ? count : 0;
    free(pick);
    list_free(&l);
    return rc;
}

/* amem: .npy reader and writer; see npy.h for the format. */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npy.h"

#define NPY_MAGIC "\x93NUMPY"
#define NPY_MAGIC_LEN 6
#define NPY_MAX_DIMS 32

typedef struct npy_header {
    char kind;         /* 'f' */
    size_t elem;       /* 4 or 8 */
    int fortran;
    size_t shape[NPY_MAX_DIMS];
    int ndim;
} npy_header;

static int fail(char *err, size_t errlen, const char *what)
{
    snprintf(err, errlen, "%s", what);
    return -1;
}

static int host_is_little_endian(void)
{
    const uint16_t probe = 1;
    unsigned char first;
    memcpy(&first, &probe, 1);
    return first == 1;
}

int npy_has_magic(const unsigned char *bytes, size_t len)
{
    return len >= NPY_MAGIC_LEN && memcmp(bytes, NPY_MAGIC, NPY_MAGIC_LEN) == 0;
}

/* The text after "'key':" in the header dict, or NULL. */
static const char *dict_value(const char *dict, const char *key)
{
    char quoted[32];
    snprintf(quoted, sizeof quoted, "'%s'", key);
    const char *at = strstr(dict, quoted);
    if (at == NULL) {
        snprintf(quoted, sizeof quoted, "\"%s\"", key);
        if ((at = strstr(dict, quoted)) == NULL)
            return NULL;
    }
    at += strlen(quoted);
    while (*at == ' ')
        at++;
    if (*at != ':')
        return NULL;
    at++;
    while (*at == ' ')
        at++;
    return at;
}

static int parse_descr(const char *v, npy_header *h, char *err, size_t errlen)
{
    if (v == NULL || (*v != '\'' && *v != '"'))
        return fail(err, errlen, "header has no 'descr' string");
    char quote = *v++;
    const char *end = strchr(v, quote);
    if (end == NULL || end - v > 16)
        return fail(err, errlen, "header has a malformed 'descr'");
    char descr[20];
    memcpy(descr, v, (size_t)(end - v));
    descr[end - v] = '\0';
    for (char *c = descr; *c; c++) /* echoed in messages: printable only */
        if (!isprint((unsigned char)*c))
            *c = '?';
    int little = descr[0] == '<' || (descr[0] == '=' && host_is_little_endian());
    if (little && strcmp(descr + 1, "f4") == 0)
        h->elem = 4;
    else if (little && strcmp(descr + 1, "f8") == 0)
        h->elem = 8;
    else {
        snprintf(err, errlen, "dtype '%s' is not supported (need little-endian "
                 "float32 '<f4' or float64 '<f8')", descr);
        return -1;
    }
    h->kind = 'f';
    return 0;
}

static int parse_shape(const char *v, npy_header *h, char *err, size_t errlen)
{
    if (v == NULL || *v != '(')
        return fail(err, errlen, "header has no 'shape' tuple");
    v++;
    h->ndim = 0;
    for (;;) {
        while (*v == ' ' || *v == ',')
            v++;
        if (*v == ')')
            break;
        if (*v < '0' || *v > '9' || h->ndim == NPY_MAX_DIMS)
            return fail(err, errlen, "header has a malformed 'shape'");
        errno = 0;
        char *end;
        unsigned long long dim = strtoull(v, &end, 10);
        if (errno != 0 || dim > SIZE_MAX)
            return fail(err, errlen, "a dimension in 'shape' is too large");
        h->shape[h->ndim++] = (size_t)dim;
        v = end;
        while (*v == ' ')
            v++;
        if (*v != ',' && *v != ')')
            return fail(err, errlen, "header has a malformed 'shape'");
    }
    if (h->ndim == 0)
        return fail(err, errlen, "a 0-dimensional array (a scalar) holds no rows");
    return 0;
}

static int parse_header(const char *dict, npy_header *h, char *err, size_t errlen)
{
    if (parse_descr(dict_value(dict, "descr"), h, err, errlen) != 0)
        return -1;
    const char *order = dict_value(dict, "fortran_order");
    if (order == NULL || (strncmp(order, "False", 5) != 0 && strncmp(order, "True", 4) != 0))
        return fail(err, errlen, "header has no 'fortran_order' flag");
    if (strncmp(order, "True", 4) == 0)
        return fail(err, errlen, "Fortran-ordered arrays are not supported "
                    "(save np.ascontiguousarray(x))");
    return parse_shape(dict_value(dict, "shape"), h, err, errlen);
}

/* Split the shape into rows x cols, refusing empty and overflowing sizes. */
static int shape_to_matrix(const npy_header *h, npy_array *out, char *err,
                           size_t errlen)
{
    size_t rows = h->ndim == 1 ? 1 : h->shape[0], cols = 1;
    for (int i = h->ndim == 1 ? 0 : 1; i < h->ndim; i++) {
        if (h->shape[i] != 0 && cols > SIZE_MAX / h->shape[i])
            return fail(err, errlen, "the array is too large");
        cols *= h->shape[i];
    }
    if (rows == 0 || cols == 0)
        return fail(err, errlen, "the array is empty");
    if (rows > SIZE_MAX / cols / h->elem)
        return fail(err, errlen, "the array is too large");
    out->rows = rows;
    out->cols = cols;
    out->ndim = h->ndim;
    return 0;
}

/* Locate the header dict: returns its offset and length, or -1. */
static int header_span(const unsigned char *b, size_t len, size_t *start,
                       size_t *hlen, char *err, size_t errlen)
{
    if (!npy_has_magic(b, len) || len < 10)
        return fail(err, errlen, "not a .npy file (bad magic)");
    int major = b[6];
    if (major == 1) {
        *start = 10;
        *hlen = (size_t)b[8] | (size_t)b[9] << 8;
    } else if (major == 2 || major == 3) {
        if (len < 12)
            return fail(err, errlen, "truncated .npy header");
        *start = 12;
        *hlen = (size_t)b[8] | (size_t)b[9] << 8 | (size_t)b[10] << 16 |
                (size_t)b[11] << 24;
    } else {
        snprintf(err, errlen, ".npy format version %d.%d is not supported",
                 major, b[7]);
        return -1;
    }
    if (*hlen > len - *start || *hlen > 1u << 20)
        return fail(err, errlen, "truncated .npy header");
    return 0;
}

static void convert_data(const unsigned char *src, size_t count, size_t elem,
                         float *dst)
{
    if (elem == 4) {
        memcpy(dst, src, count * 4);
        return;
    }
    for (size_t i = 0; i < count; i++) {
        double v;
        memcpy(&v, src + 8 * i, 8);
        dst[i] = (float)v;
    }
}

int npy_parse(const unsigned char *bytes, size_t len, npy_array *out,
              char *err, size_t errlen)
{
    size_t start, hlen;
    npy_header h;
    memset(out, 0, sizeof *out);
    if (!host_is_little_endian())
        return fail(err, errlen, ".npy files are read on little-endian hosts only");
    if (header_span(bytes, len, &start, &hlen, err, errlen) != 0)
        return -1;
    char *dict = malloc(hlen + 1);
    if (dict == NULL)
        return fail(err, errlen, "out of memory");
    memcpy(dict, bytes + start, hlen);
    dict[hlen] = '\0';
    int rc = parse_header(dict, &h, err, errlen);
    free(dict);
    npy_array shape;
    if (rc != 0 || shape_to_matrix(&h, &shape, err, errlen) != 0)
        return -1;
    size_t count = shape.rows * shape.cols, data_len = len - start - hlen;
    if (data_len != count * h.elem) {
        snprintf(err, errlen, "the shape needs %zu bytes of data, the file has %zu",
                 count * h.elem, data_len);
        return -1;
    }
    shape.data = malloc(count * sizeof(float));
    if (shape.data == NULL)
        return fail(err, errlen, "out of memory");
    convert_data(bytes + start + hlen, count, h.elem, shape.data);
    *out = shape;
    return 0;
}

/* The version 1.0 header for a float array, padded to 64 bytes. */
static size_t format_header(char *buf, size_t cap, const char *descr,
                            size_t rows, size_t cols, int ndim)
{
    char dict[160];
    int n = ndim == 1
        ? snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': False, "
                   "'shape': (%zu,), }", descr, cols)
        : snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': False, "
                   "'shape': (%zu, %zu), }", descr, rows, cols);
    size_t total = 10 + (size_t)n + 1;
    total = (total + 63) / 64 * 64;
    if (total > cap)
        return 0;
    size_t hlen = total - 10;
    memcpy(buf, NPY_MAGIC, NPY_MAGIC_LEN);
    buf[6] = 1;
    buf[7] = 0;
    buf[8] = (char)(hlen & 0xff);
    buf[9] = (char)(hlen >> 8);
    memset(buf + 10, ' ', hlen);
    memcpy(buf + 10, dict, (size_t)n);
    buf[total - 1] = '\n';
    return total;
}

static int write_all(FILE *f, const float *v32, const double *v64, size_t count)
{
    if (v32 != NULL)
        return fwrite(v32, sizeof(float), count, f) == count ? 0 : -1;
    return fwrite(v64, sizeof(double), count, f) == count ? 0 : -1;
}

int npy_write(const char *path, const float *values32, const double *values64,
              size_t rows, size_t cols, int ndim, char *err, size_t errlen)
{
    char header[256], tmp[4096];
    size_t hlen = format_header(header, sizeof header,
                                values32 != NULL ? "<f4" : "<f8", rows, cols, ndim);
    if (hlen == 0 || (ndim == 1 && rows != 1))
        return fail(err, errlen, "cannot describe the array in a .npy header");
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
        return fail(err, errlen, "output path too long");
    FILE *f = fopen(tmp, "wb");
    if (f == NULL) {
        snprintf(err, errlen, "cannot create %s: %s", tmp, strerror(errno));
        return -1;
    }
    int rc = fwrite(header, 1, hlen, f) == hlen ? 0 : -1;
    if (rc == 0)
        rc = write_all(f, values32, values64, rows * cols);
    if (fclose(f) != 0)
        rc = -1;
    if (rc == 0 && rename(tmp, path) != 0)
        rc = -1;
    if (rc != 0) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        remove(tmp);
    }
    return rc;
}

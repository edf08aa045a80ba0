/* amem: messages, number parsing and array files shared by the commands. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <assocmem/assocmem.h>
#include <assocmem/data.h>

#include "cli.h"

/* Arrays larger than this are refused before reading (16 GiB). */
#define CLI_MAX_ARRAY_BYTES ((size_t)1 << 34)

const char *cli_command = "";

static void vreport(const char *fmt, va_list ap)
{
    fprintf(stderr, "amem%s%s: ", *cli_command ? " " : "", cli_command);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

int cli_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(fmt, ap);
    va_end(ap);
    return AMEM_EXIT_FAIL;
}

int cli_usage(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(fmt, ap);
    va_end(ap);
    fprintf(stderr, "Try 'amem %s%s--help'.\n", cli_command,
            *cli_command ? " " : "");
    return AMEM_EXIT_USAGE;
}

int cli_try_help(void)
{
    fprintf(stderr, "Try 'amem %s --help'.\n", cli_command);
    return AMEM_EXIT_USAGE;
}

void cli_print_double(FILE *out, double value)
{
    char text[40];
    snprintf(text, sizeof text, "%.15g", value);
    if (strtod(text, NULL) != value)
        snprintf(text, sizeof text, "%.17g", value);
    fputs(text, out);
}

int cli_lib_fail(const char *what, int status)
{
    const char *detail = amem_last_error();
    return cli_fail("%s: %s", what, *detail ? detail : amem_strerror(status));
}

int cli_parse_double(const char *text, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (*text == '\0' || *end != '\0' || errno != 0 || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

int cli_parse_size(const char *text, size_t *out)
{
    char *end;
    errno = 0;
    if (*text < '0' || *text > '9')
        return -1;
    unsigned long long v = strtoull(text, &end, 10);
    if (*end != '\0' || errno != 0 || v > SIZE_MAX)
        return -1;
    *out = (size_t)v;
    return 0;
}

int cli_read_file(const char *path, size_t max_bytes, unsigned char **data,
                  size_t *len)
{
    struct stat st;
    errno = 0;
    FILE *f = fopen(path, "rb");
    if (f == NULL || fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        int saved = errno;
        if (f != NULL)
            fclose(f);
        return cli_fail("%s: %s", path, f && !saved ? "not a regular file"
                                                    : strerror(saved));
    }
    if ((unsigned long long)st.st_size > max_bytes) {
        fclose(f);
        return cli_fail("%s: file too large (%lld bytes)", path, (long long)st.st_size);
    }
    size_t size = (size_t)st.st_size;
    unsigned char *buf = malloc(size ? size : 1);
    size_t got = buf ? fread(buf, 1, size, f) : 0;
    fclose(f);
    if (buf == NULL || got != size) {
        free(buf);
        return cli_fail("%s: %s", path, buf ? "read error" : "out of memory");
    }
    *data = buf;
    *len = size;
    return 0;
}

static int load_idx(const char *path, const unsigned char *bytes, size_t len,
                    npy_array *out)
{
    float *images;
    size_t count, height, width;
    int rc = amem_idx_read_images_mem(bytes, len, &images, &count, &height, &width);
    if (rc != AMEM_OK)
        return cli_fail("%s: neither a .npy file nor an IDX image file (%s)",
                        path, amem_last_error());
    /* The library's buffer goes back through amem_free; keep a malloc'd copy
     * so that every array of the tool is released with free(). */
    out->data = malloc(count * height * width * sizeof(float));
    if (out->data == NULL) {
        amem_free(images);
        return cli_fail("%s: out of memory", path);
    }
    memcpy(out->data, images, count * height * width * sizeof(float));
    amem_free(images);
    out->rows = count;
    out->cols = height * width;
    out->ndim = 3;
    return 0;
}

int cli_load_array(const char *path, npy_array *out)
{
    unsigned char *bytes;
    size_t len;
    char err[256];
    if (cli_read_file(path, CLI_MAX_ARRAY_BYTES, &bytes, &len) != 0)
        return AMEM_EXIT_FAIL;
    int rc = 0;
    if (npy_has_magic(bytes, len)) {
        if (npy_parse(bytes, len, out, err, sizeof err) != 0)
            rc = cli_fail("%s: %s", path, err);
    } else {
        rc = load_idx(path, bytes, len, out);
    }
    free(bytes);
    return rc;
}

int cli_save_array(const char *path, const float *values, size_t rows,
                   size_t cols, int ndim)
{
    char err[512];
    if (npy_write(path, values, NULL, rows, cols, ndim, err, sizeof err) != 0)
        return cli_fail("%s", err);
    return 0;
}

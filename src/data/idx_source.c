/* From a file or raw bytes (plain or gzip) to a validated IDX view. */
#include <stdlib.h>

#include "core/error.h"
#include "core/modelfile.h"
#include "idx.h"

int amem__idx_open_mem(const char *fn, const void *data, size_t len,
                       amem__idx_view *view, unsigned char **owned)
{
    const unsigned char *bytes = data;
    *owned = NULL;
    if (amem__is_gzip(bytes, len)) {
        unsigned char *plain;
        size_t plain_len;
        int rc = amem__gunzip(fn, bytes, len, &plain, &plain_len);
        if (rc != AMEM_OK)
            return rc;
        rc = amem__idx_parse(fn, plain, plain_len, view);
        if (rc != AMEM_OK) {
            free(plain);
            return rc;
        }
        *owned = plain;
        return AMEM_OK;
    }
    return amem__idx_parse(fn, bytes, len, view);
}

static int read_mem(const char *fn, const void *data, size_t len,
                    amem__idx_convert convert, void *out)
{
    amem__idx_view view;
    unsigned char *owned;
    int rc = amem__idx_open_mem(fn, data, len, &view, &owned);
    if (rc == AMEM_OK)
        rc = convert(fn, &view, out);
    free(owned);
    return rc;
}

int amem__idx_read(const char *fn, const char *path, const void *data,
                   size_t len, amem__idx_convert convert, void *out)
{
    if (path == NULL)
        return read_mem(fn, data, len, convert, out);
    unsigned char *file;
    size_t file_len;
    int rc = amem__read_whole_file(fn, path, &file, &file_len);
    if (rc != AMEM_OK)
        return rc;
    rc = read_mem(fn, file, file_len, convert, out);
    free(file);
    return rc;
}

/* From raw bytes (plain or gzip) to a validated IDX view. */
#include <stdlib.h>

#include "core/error.h"
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

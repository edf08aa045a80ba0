/* Saving and loading a piece's handle through its payload functions. */
#include <stdlib.h>

#include "error.h"
#include "modelfile.h"

int amem__save_handle(const char *fn, uint32_t kind,
                      amem__payload_writer write, const void *handle,
                      const char *path)
{
    AMEM__CHECK_NULL(handle, fn);
    AMEM__CHECK_NULL(path, fn);
    amem__wbuf w;
    amem__wbuf_init(&w);
    write(handle, &w);
    int rc = amem__model_save_file(fn, path, kind, &w);
    amem__wbuf_free(&w);
    return rc;
}

int amem__save_handle_mem(const char *fn, uint32_t kind,
                          amem__payload_writer write, const void *handle,
                          void **data, size_t *len)
{
    AMEM__CHECK_NULL(handle, fn);
    AMEM__CHECK_NULL(data, fn);
    AMEM__CHECK_NULL(len, fn);
    amem__wbuf w;
    amem__wbuf_init(&w);
    write(handle, &w);
    int rc = amem__model_save_mem(fn, kind, &w, data, len);
    amem__wbuf_free(&w);
    return rc;
}

int amem__load_handle(const char *fn, const char *path,
                      amem__image_loader load_mem, void *out)
{
    AMEM__CHECK_NULL(path, fn);
    unsigned char *data;
    size_t len;
    int rc = amem__read_whole_file(fn, path, &data, &len);
    if (rc != AMEM_OK)
        return rc;
    rc = load_mem(data, len, out);
    free(data);
    if (rc != AMEM_OK)
        return amem__fail(rc, fn, "%s: %s", path, amem_last_error());
    return AMEM_OK;
}

int amem__bad_file(const char *fn, const char *what)
{
    return amem__fail(AMEM_E_FORMAT, fn, "invalid model file: %s", what);
}

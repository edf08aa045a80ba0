/* Saving a piece's handle through its payload writer; format errors. */
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

int amem__bad_file(const char *fn, const char *what)
{
    return amem__fail(AMEM_E_FORMAT, fn, "invalid model file: %s", what);
}

/* Save and load of every piece, through its descriptor. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/piece.h"

/* "amem_dam" + "_load" into buf; the public function's name. */
static const char *name_of(const amem__piece *p, const char *verb, char *buf,
                           size_t size)
{
    snprintf(buf, size, "%s_%s", p->prefix, verb);
    return buf;
}

int amem__piece_save(const amem__piece *p, const void *handle,
                     const char *path)
{
    char fn[64];
    name_of(p, "save", fn, sizeof fn);
    AMEM__CHECK_NULL(handle, fn);
    AMEM__CHECK_NULL(path, fn);
    amem__wbuf w;
    amem__wbuf_init(&w);
    p->write(handle, &w);
    int rc = amem__model_save_file(fn, path, p->kind, &w);
    amem__wbuf_free(&w);
    return rc;
}

int amem__piece_save_mem(const amem__piece *p, const void *handle,
                         void **data, size_t *len)
{
    char fn[64];
    name_of(p, "save_mem", fn, sizeof fn);
    AMEM__CHECK_NULL(handle, fn);
    AMEM__CHECK_NULL(data, fn);
    AMEM__CHECK_NULL(len, fn);
    amem__wbuf w;
    amem__wbuf_init(&w);
    p->write(handle, &w);
    int rc = amem__model_save_mem(fn, p->kind, &w, data, len);
    amem__wbuf_free(&w);
    return rc;
}

/* The kind this piece reads from an image: its own, or its old one. */
static uint32_t kind_to_open(const amem__piece *p, const void *data,
                             size_t len)
{
    if (p->old_kind != 0 && amem__model_kind(data, len) == p->old_kind)
        return p->old_kind;
    return p->kind;
}

/* Parse a whole image under fn; *slot receives the handle or NULL. */
static int load_image(const amem__piece *p, const char *fn, const void *data,
                      size_t len, void **slot)
{
    amem__rbuf r;
    void *handle = NULL;
    int rc = amem__model_open_mem(fn, data, len, kind_to_open(p, data, len),
                                  &r);
    if (rc == AMEM_OK)
        rc = p->read(fn, &r, &handle);
    if (rc == AMEM_OK && (r.failed || r.pos != r.len))
        rc = amem__bad_file(fn, r.failed ? "truncated payload"
                                         : "trailing bytes after the payload");
    if (rc != AMEM_OK) {
        p->release(handle);
        return rc;
    }
    *slot = handle;
    return AMEM_OK;
}

int amem__piece_load_mem(const amem__piece *p, const void *data, size_t len,
                         void *out)
{
    char fn[64];
    name_of(p, "load_mem", fn, sizeof fn);
    void **slot = out;
    AMEM__CHECK_NULL(slot, fn);
    *slot = NULL;
    AMEM__CHECK_NULL(data, fn);
    return load_image(p, fn, data, len, slot);
}

int amem__piece_load(const amem__piece *p, const char *path, void *out)
{
    char fn[64];
    name_of(p, "load", fn, sizeof fn);
    void **slot = out;
    AMEM__CHECK_NULL(slot, fn);
    *slot = NULL;
    AMEM__CHECK_NULL(path, fn);
    unsigned char *data;
    size_t len;
    int rc = amem__read_whole_file(fn, path, &data, &len);
    if (rc != AMEM_OK)
        return rc;
    rc = load_image(p, fn, data, len, slot);
    free(data);
    if (rc != AMEM_OK) {
        /* "fn: what" becomes "fn: path: what", said once. */
        char what[512];
        size_t skip = strlen(fn) + 2;
        const char *detail = amem_last_error();
        snprintf(what, sizeof what, "%s",
                 strncmp(detail, fn, strlen(fn)) == 0 && strlen(detail) >= skip
                     ? detail + skip : detail);
        return amem__fail(rc, fn, "%s: %s", path, what);
    }
    return AMEM_OK;
}

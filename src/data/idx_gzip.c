/* Bounded in-memory gunzip: the output grows with the data, never with a header. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "core/error.h"
#include "idx.h"

#include "assocmem/data.h"

/* zlib counts in uInt; feed and drain at most this much per call. */
#define ZCHUNK ((size_t)1 << 30)

typedef struct gz_out {
    unsigned char *buf;
    size_t used, cap;
} gz_out;

int amem__is_gzip(const unsigned char *data, size_t len)
{
    return len >= 2 && data[0] == 0x1f && data[1] == 0x8b;
}

static size_t min_size(size_t a, size_t b) { return a < b ? a : b; }

/* Make room for more output; the cap is one byte past the limit so that
 * content of exactly AMEM_IDX_MAX_BYTES is accepted. */
static int grow(const char *fn, gz_out *o)
{
    if (o->cap > AMEM_IDX_MAX_BYTES)
        return amem__fail(AMEM_E_FORMAT, fn, "decompresses to more than %zu bytes",
                          AMEM_IDX_MAX_BYTES);
    size_t cap = o->cap ? min_size(o->cap * 2, AMEM_IDX_MAX_BYTES + 1) : 65536;
    unsigned char *bigger = realloc(o->buf, cap);
    if (bigger == NULL)
        return amem__fail(AMEM_E_NOMEM, fn, "out of memory inflating %zu bytes", cap);
    o->buf = bigger;
    o->cap = cap;
    return AMEM_OK;
}

/* After one member ended: 1 = done, 0 = another member follows, <0 = error. */
static int next_member(const char *fn, z_stream *zs, const unsigned char *data,
                       size_t len)
{
    size_t pos = (size_t)(zs->next_in - (const Bytef *)data);
    if (pos == len)
        return 1;
    if (!amem__is_gzip(data + pos, len - pos))
        return amem__fail(AMEM_E_FORMAT, fn,
                          "%zu bytes of trailing data after the gzip stream",
                          len - pos);
    inflateReset(zs);
    return 0;
}

static int inflate_all(const char *fn, z_stream *zs, const unsigned char *data,
                       size_t len, gz_out *o)
{
    size_t fed = 0;
    for (;;) {
        if (o->used == o->cap) {
            int rc = grow(fn, o);
            if (rc != AMEM_OK)
                return rc;
        }
        if (zs->avail_in == 0 && fed < len) {
            size_t pos = (size_t)(zs->next_in - (const Bytef *)data);
            zs->avail_in = (uInt)min_size(len - pos, ZCHUNK);
            fed = pos + zs->avail_in;
        }
        zs->next_out = o->buf + o->used;
        zs->avail_out = (uInt)min_size(o->cap - o->used, ZCHUNK);
        uInt room = zs->avail_out;
        int z = inflate(zs, Z_NO_FLUSH);
        o->used += room - zs->avail_out;
        if (z == Z_STREAM_END) {
            int done = next_member(fn, zs, data, len);
            if (done != 0)
                return done < 0 ? done : AMEM_OK;
        } else if (z == Z_BUF_ERROR) {
            /* no progress although output room and all input were offered */
            return amem__fail(AMEM_E_FORMAT, fn, "truncated gzip stream");
        } else if (z != Z_OK) {
            return amem__fail(AMEM_E_FORMAT, fn, "corrupt gzip stream: %s",
                              zs->msg ? zs->msg : "inflate failed");
        }
        if (o->used > AMEM_IDX_MAX_BYTES)
            return amem__fail(AMEM_E_FORMAT, fn,
                              "decompresses to more than %zu bytes",
                              AMEM_IDX_MAX_BYTES);
    }
}

int amem__gunzip(const char *fn, const unsigned char *data, size_t len,
                 unsigned char **out, size_t *out_len)
{
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    zs.next_in = (Bytef *)(uintptr_t)data; /* zlib does not write its input */
    if (inflateInit2(&zs, 15 + 16) != Z_OK)
        return amem__fail(AMEM_E_NOMEM, fn, "cannot start the gzip decoder");
    gz_out o = {NULL, 0, 0};
    int rc = inflate_all(fn, &zs, data, len, &o);
    inflateEnd(&zs);
    if (rc != AMEM_OK) {
        free(o.buf);
        return rc;
    }
    *out = o.buf;
    *out_len = o.used;
    return AMEM_OK;
}

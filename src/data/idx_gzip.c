/*
 * Bounded in-memory gunzip: the output grows with the data, never with a
 * header, up to the decompression cap.
 */
#include <limits.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "core/error.h"
#include "idx.h"

#include "assocmem/data.h"

/* zlib counts in uInt; feed and drain at most this much per call. */
#define ZCHUNK ((size_t)1 << 30)

/* The decompression cap (amem_idx_set_gzip_cap), process-wide. */
static _Atomic size_t cap_min_bytes = AMEM_IDX_GZIP_MIN_BYTES;
static _Atomic size_t cap_ratio = AMEM_IDX_GZIP_RATIO;

AMEM_API int amem_idx_set_gzip_cap(size_t min_bytes, size_t ratio)
{
    static const char fn[] = "amem_idx_set_gzip_cap";
    if (min_bytes < 1 || min_bytes > AMEM_IDX_MAX_BYTES)
        return amem__fail(AMEM_E_RANGE, fn,
                          "min_bytes %zu outside [1, %zu]", min_bytes,
                          AMEM_IDX_MAX_BYTES);
    if (ratio < 1 || ratio > AMEM_IDX_MAX_BYTES)
        return amem__fail(AMEM_E_RANGE, fn, "ratio %zu outside [1, %zu]",
                          ratio, AMEM_IDX_MAX_BYTES);
    atomic_store(&cap_min_bytes, min_bytes);
    atomic_store(&cap_ratio, ratio);
    return AMEM_OK;
}

AMEM_API int amem_idx_get_gzip_cap(size_t *min_bytes, size_t *ratio)
{
    static const char fn[] = "amem_idx_get_gzip_cap";
    AMEM__CHECK_NULL(min_bytes, fn);
    AMEM__CHECK_NULL(ratio, fn);
    *min_bytes = atomic_load(&cap_min_bytes);
    *ratio = atomic_load(&cap_ratio);
    return AMEM_OK;
}

typedef struct gz_out {
    unsigned char *buf;
    size_t used, cap;
    size_t limit;   /* most bytes the data may decompress to */
    size_t in_len;  /* compressed bytes, for the message */
} gz_out;

int amem__is_gzip(const unsigned char *data, size_t len)
{
    return len >= 2 && data[0] == 0x1f && data[1] == 0x8b;
}

static size_t min_size(size_t a, size_t b) { return a < b ? a : b; }

/* min(AMEM_IDX_MAX_BYTES, max(min_bytes, ratio x compressed length)). */
static size_t limit_for(size_t in_len)
{
    size_t floor = atomic_load(&cap_min_bytes), ratio = atomic_load(&cap_ratio);
    size_t scaled = in_len > AMEM_IDX_MAX_BYTES / ratio ? AMEM_IDX_MAX_BYTES
                                                        : in_len * ratio;
    return min_size(AMEM_IDX_MAX_BYTES, scaled > floor ? scaled : floor);
}

static int too_large(const char *fn, const gz_out *o)
{
    if (o->limit == AMEM_IDX_MAX_BYTES)
        return amem__fail(AMEM_E_FORMAT, fn, "decompresses to more than %zu bytes",
                          AMEM_IDX_MAX_BYTES);
    return amem__fail(AMEM_E_FORMAT, fn,
                      "%zu gzip bytes decompress to more than %zu bytes, the "
                      "decompression cap max(%zu, %zu x compressed size); "
                      "amem_idx_set_gzip_cap sets it",
                      o->in_len, o->limit, atomic_load(&cap_min_bytes),
                      atomic_load(&cap_ratio));
}

/* Make room for more output; the cap is one byte past the limit so that
 * content of exactly the limit is accepted. */
static int grow(const char *fn, gz_out *o)
{
    if (o->cap > o->limit)
        return too_large(fn, o);
    size_t cap = o->cap ? min_size(o->cap * 2, o->limit + 1) : 65536;
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
        if (o->used > o->limit)
            return too_large(fn, o);
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
    gz_out o = {NULL, 0, 0, limit_for(len), len};
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

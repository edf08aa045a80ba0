/*
 * The files of one shard (persist.c): the shard itself as a Hopfield model
 * file (the image of amem_hopfield_save_mem, so amem_hopfield_load reads
 * it), its ids beside it, each written to a temporary file, fsync'd and
 * renamed; and the rows read back out of a validated model-file image.
 *
 * Ids file, little-endian: "AMEMIDS1", u64 count, count x u64 ids,
 * u32 CRC-32 (zlib) of everything before it.
 *
 * Rows of a Hopfield model file (hopfield/persist.c): after the 24-byte
 * header, u32 kind, u64 dim, u64 value_dim, u32 setting count S, S f64
 * settings, 4 u64 RNG words, u64 count, then count x d f32 keys and
 * count x m f32 values, then the 4-byte CRC. The image is first loaded by
 * amem_hopfield_load_mem (header, CRC, sizes and values all checked), and
 * its length must be exactly what this layout gives, else AMEM_E_FORMAT.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "shardfile.h"

int amem_mpi__write_atomic(const char *fn, const char *path, const void *data,
                           size_t len)
{
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid()) >=
        (int)sizeof tmp)
        return amem_mpi__fail(AMEM_E_IO, fn, "path too long: %s", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return amem_mpi__fail(AMEM_E_IO, fn, "cannot create %s: %s", tmp,
                              strerror(errno));
    const unsigned char *p = data;
    size_t done = 0;
    while (done < len) {
        ssize_t put = write(fd, p + done, len - done);
        if (put <= 0)
            break;
        done += (size_t)put;
    }
    int ok = done == len && fsync(fd) == 0;
    ok = close(fd) == 0 && ok;
    if (ok && rename(tmp, path) == 0)
        return AMEM_OK;
    unlink(tmp);
    return amem_mpi__fail(AMEM_E_IO, fn, "cannot write %s", path);
}

int amem_mpi__read_file(const char *fn, const char *path, unsigned char **data,
                        size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return amem_mpi__fail(AMEM_E_IO, fn, "cannot open %s", path);
    long size = -1;
    if (fseek(f, 0, SEEK_END) == 0)
        size = ftell(f);
    rewind(f);
    *data = size >= 0 ? malloc((size_t)size + 1) : NULL;
    if (*data == NULL || fread(*data, 1, (size_t)size, f) != (size_t)size) {
        fclose(f);
        free(*data);
        *data = NULL;
        return amem_mpi__fail(size < 0 ? AMEM_E_IO : AMEM_E_NOMEM, fn,
                              "cannot read %s", path);
    }
    fclose(f);
    *len = (size_t)size;
    return AMEM_OK;
}

uint32_t amem_mpi__crc(const void *data, size_t len)
{
    uLong crc = crc32(0L, Z_NULL, 0);
    const unsigned char *p = data;
    while (len > 0) { /* crc32 takes uInt lengths */
        uInt part = len > (1u << 30) ? (1u << 30) : (uInt)len;
        crc = crc32(crc, p, part);
        p += part;
        len -= part;
    }
    return (uint32_t)crc;
}

static void put_u64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get_u64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

static uint32_t get_u32(const unsigned char *p)
{
    return (uint32_t)get_u64((const unsigned char[8]){p[0], p[1], p[2],
                                                      p[3], 0, 0, 0, 0});
}

/* The ids file image of n ids (a new buffer, *len bytes). */
unsigned char *amem_mpi__ids_image(const uint64_t *ids, size_t n, size_t *len)
{
    *len = 8 + 8 + 8 * n + 4;
    unsigned char *buf = malloc(*len);
    if (buf == NULL)
        return NULL;
    memcpy(buf, "AMEMIDS1", 8);
    put_u64(buf + 8, n);
    for (size_t i = 0; i < n; i++)
        put_u64(buf + 16 + 8 * i, ids[i]);
    uint32_t crc = amem_mpi__crc(buf, *len - 4);
    for (int i = 0; i < 4; i++)
        buf[*len - 4 + i] = (unsigned char)(crc >> (8 * i));
    return buf;
}

int amem_mpi__ids_parse(const char *fn, const unsigned char *buf, size_t len,
                        size_t n, uint64_t *ids)
{
    if (len != 8 + 8 + 8 * n + 4 || memcmp(buf, "AMEMIDS1", 8) != 0 ||
        get_u64(buf + 8) != n ||
        get_u32(buf + len - 4) != amem_mpi__crc(buf, len - 4))
        return amem_mpi__fail(AMEM_E_FORMAT, fn,
                              "ids file altered or not for %zu rows", n);
    for (size_t i = 0; i < n; i++)
        ids[i] = get_u64(buf + 16 + 8 * i);
    return AMEM_OK;
}

/* The shard's rows in storage order through the public calls (the file
 * layout is the core's business): its ids, then the patterns by id. */
static int copy_rows(const char *fn, shard_rows *out)
{
    size_t n = out->n;
    uint64_t *ids = malloc((n ? n : 1) * sizeof *ids);
    float *keys = malloc((n ? n * out->d : 1) * sizeof *keys);
    float *values = malloc((n && out->m ? n * out->m : 1) * sizeof *values);
    int rc = ids && keys && values ? AMEM_OK : AMEM_E_NOMEM;
    if (rc == AMEM_OK && n > 0)
        rc = amem_hopfield_get_ids(out->shard, 0, n, ids);
    if (rc == AMEM_OK && n > 0)
        rc = amem_hopfield_get_patterns(out->shard, ids, n, keys,
                                        out->m ? values : NULL);
    free(ids);
    out->keys = keys;
    out->values = values;
    return rc == AMEM_OK ? AMEM_OK : amem_mpi__core_fail(rc, fn);
}

int amem_mpi__shard_rows(const char *fn, const unsigned char *img, size_t len,
                         shard_rows *out)
{
    amem_hopfield *h = NULL;
    int rc = amem_hopfield_load_mem(img, len, &h);
    if (rc != AMEM_OK)
        return amem_mpi__core_fail(rc, fn);
    int kind;
    amem_hopfield_kind(h, &kind);
    amem_hopfield_dim(h, &out->d);
    amem_hopfield_value_dim(h, &out->m);
    amem_hopfield_count(h, &out->n);
    out->shard = h;
    if (kind != AMEM_HOPFIELD_MODERN)
        return amem_mpi__fail(AMEM_E_FORMAT, fn,
                              "not a modern Hopfield shard of %zu rows",
                              out->n);
    return copy_rows(fn, out);
}

void amem_mpi__shard_rows_free(shard_rows *rows)
{
    amem_hopfield_free(rows->shard);
    free(rows->keys);
    free(rows->values);
}

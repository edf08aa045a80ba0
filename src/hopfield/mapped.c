/*
 * Memory-mapped stores (amem_hopfield_load_mapped): the file is mapped
 * read-only and its row blocks (keys, scales, values, ids: 64-byte aligned,
 * persist.c) are used in place. Before mapping, the header's payload
 * length must match the file's length; on open the whole image is
 * checked as amem_hopfield_load checks it (magic, version, kind, CRC-32,
 * every size and value), which reads the file once. Only the per-row key
 * norms (and, on first use of an id call, the id index) live on the heap.
 */
#define _POSIX_C_SOURCE 200809L
#include <string.h>

#include "core/check.h"
#include "core/error.h"
#include "mapped.h"

#if defined(__unix__) || defined(__APPLE__)
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* The file's length, checked against its header before mapping. */
static int file_length(const char *fn, int fd, size_t *len)
{
    struct stat st;
    unsigned char head[AMEM__HEADER_SIZE];
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
        return amem__fail(AMEM_E_IO, fn, "not a regular file");
    if ((uint64_t)st.st_size < AMEM__HEADER_SIZE + 4 ||
        (uint64_t)st.st_size > (uint64_t)PTRDIFF_MAX)
        return amem__bad_file(fn, "file too short or too long");
    if (pread(fd, head, sizeof head, 0) != (ssize_t)sizeof head)
        return amem__fail(AMEM_E_IO, fn, "cannot read the header");
    uint64_t plen = 0;
    for (int i = 0; i < 8; i++)
        plen |= (uint64_t)head[16 + i] << (8 * i);
    if (plen != (uint64_t)st.st_size - AMEM__HEADER_SIZE - 4)
        return amem__bad_file(fn, "payload length does not match the file "
                              "length");
    *len = (size_t)st.st_size;
    return AMEM_OK;
}

static int map_file(const char *fn, const char *path, void **map,
                    size_t *len)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return amem__fail(AMEM_E_IO, fn, "cannot open %s", path);
    int rc = file_length(fn, fd, len);
    if (rc == AMEM_OK) {
        void *at = mmap(NULL, *len, PROT_READ, MAP_SHARED, fd, 0);
        if (at == MAP_FAILED)
            rc = amem__fail(AMEM_E_IO, fn, "cannot map %s", path);
        else
            *map = at;
    }
    close(fd);
    return rc;
}

void amem__hopfield_unmap(amem_hopfield *h)
{
    munmap(h->map, h->map_len);
    h->map = NULL;
    h->map_len = 0;
}

/* The row pointers of a failed parse point into the mapping. */
static void forget_borrowed(amem_hopfield *h)
{
    h->keys = h->values = h->qscale = NULL;
    h->qkeys = NULL;
    h->ids = NULL;
}

static int open_mapped(const char *fn, void *map, size_t len,
                       amem_hopfield **out)
{
    amem__rbuf r;
    amem_hopfield *h = NULL;
    int rc = amem__model_open_mem(fn, map, len, AMEM__KIND_HOPFIELD, &r);
    if (rc == AMEM_OK && amem__model_kind(map, len) == AMEM__KIND_HOPFIELD &&
        len >= AMEM__HEADER_SIZE + 8 &&
        ((const unsigned char *)map)[AMEM__HEADER_SIZE] !=
            AMEM_HOPFIELD_MODERN)
        rc = amem__fail(AMEM_E_UNSUPPORTED, fn, "only MODERN stores can be "
                        "mapped");
    if (rc == AMEM_OK)
        rc = amem__hopfield_read(fn, &r, 1, &h);
    if (rc == AMEM_OK && (r.failed || r.pos != r.len))
        rc = amem__bad_file(fn, "trailing bytes after the payload");
    if (rc != AMEM_OK) {
        if (h != NULL)
            forget_borrowed(h);
        amem_hopfield_free(h);
        return rc;
    }
    h->map = map;
    h->map_len = len;
    *out = h;
    return AMEM_OK;
}

int amem_hopfield_load_mapped(const char *path, amem_hopfield **out)
{
    static const char fn[] = "amem_hopfield_load_mapped";
    AMEM__CHECK_NULL(out, fn);
    *out = NULL;
    AMEM__CHECK_NULL(path, fn);
    void *map = NULL;
    size_t len = 0;
    int rc = map_file(fn, path, &map, &len);
    if (rc == AMEM_OK)
        rc = open_mapped(fn, map, len, out);
    if (rc != AMEM_OK && map != NULL)
        munmap(map, len);
    return rc;
}
#else
void amem__hopfield_unmap(amem_hopfield *h) { (void)h; }

int amem_hopfield_load_mapped(const char *path, amem_hopfield **out)
{
    static const char fn[] = "amem_hopfield_load_mapped";
    AMEM__CHECK_NULL(out, fn);
    *out = NULL;
    AMEM__CHECK_NULL(path, fn);
    return amem__fail(AMEM_E_UNSUPPORTED, fn, "no mmap on this platform");
}
#endif

/* The shared model file format; see modelfile.h for the layout. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "error.h"
#include "modelfile.h"

static const unsigned char magic[8] = {'A', 'M', 'E', 'M', 'M', 'O', 'D', 'L'};

void amem_free(void *p) { free(p); }

void amem__wbuf_init(amem__wbuf *w) { memset(w, 0, sizeof *w); }

void amem__wbuf_free(amem__wbuf *w)
{
    free(w->data);
    amem__wbuf_init(w);
}

static void put_bytes(amem__wbuf *w, const void *src, size_t n)
{
    if (w->failed || n == 0) /* an empty array may come as NULL */
        return;
    if (n > SIZE_MAX / 2 - w->len) {
        w->failed = 1;
        return;
    }
    if (w->len + n > w->cap) {
        size_t cap = w->cap ? w->cap : 256;
        while (cap < w->len + n)
            cap *= 2;
        unsigned char *grown = realloc(w->data, cap);
        if (grown == NULL) {
            w->failed = 1;
            return;
        }
        w->data = grown;
        w->cap = cap;
    }
    memcpy(w->data + w->len, src, n);
    w->len += n;
}

void amem__put_raw(amem__wbuf *w, const void *src, size_t n)
{
    put_bytes(w, src, n);
}

static void store_le(unsigned char *dst, uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; i++)
        dst[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t load_le(const unsigned char *src, int bytes)
{
    uint64_t v = 0;
    for (int i = 0; i < bytes; i++)
        v |= (uint64_t)src[i] << (8 * i);
    return v;
}

void amem__put_u32(amem__wbuf *w, uint32_t v)
{
    unsigned char b[4];
    store_le(b, v, 4);
    put_bytes(w, b, 4);
}

void amem__put_u64(amem__wbuf *w, uint64_t v)
{
    unsigned char b[8];
    store_le(b, v, 8);
    put_bytes(w, b, 8);
}

void amem__put_rng(amem__wbuf *w, const amem__rng *rng)
{
    for (int i = 0; i < 4; i++)
        amem__put_u64(w, rng->s[i]);
}

void amem__put_f64(amem__wbuf *w, double v)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    amem__put_u64(w, bits);
}

void amem__put_f32s(amem__wbuf *w, const float *v, size_t n)
{
    for (size_t i = 0; i < n && !w->failed; i++) {
        uint32_t bits;
        memcpy(&bits, &v[i], sizeof bits);
        amem__put_u32(w, bits);
    }
}

int amem__rbuf_has(const amem__rbuf *r, size_t count, size_t elem)
{
    size_t left = r->len - r->pos;
    if (r->failed)
        return 0;
    return elem == 0 || count <= left / elem;
}

static const unsigned char *take(amem__rbuf *r, size_t n)
{
    if (!amem__rbuf_has(r, n, 1)) {
        r->failed = 1;
        return NULL;
    }
    const unsigned char *p = r->data + r->pos;
    r->pos += n;
    return p;
}

const void *amem__get_raw(amem__rbuf *r, size_t n) { return take(r, n); }

uint32_t amem__get_u32(amem__rbuf *r)
{
    const unsigned char *p = take(r, 4);
    return p ? (uint32_t)load_le(p, 4) : 0;
}

uint64_t amem__get_u64(amem__rbuf *r)
{
    const unsigned char *p = take(r, 8);
    return p ? load_le(p, 8) : 0;
}

void amem__get_rng(amem__rbuf *r, amem__rng *rng)
{
    for (int i = 0; i < 4; i++)
        rng->s[i] = amem__get_u64(r);
}

double amem__get_f64(amem__rbuf *r)
{
    uint64_t bits = amem__get_u64(r);
    double v;
    memcpy(&v, &bits, sizeof v);
    return v;
}

void amem__get_f32s(amem__rbuf *r, float *dst, size_t n)
{
    if (!amem__rbuf_has(r, n, 4)) {
        r->failed = 1;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        uint32_t bits = (uint32_t)load_le(r->data + r->pos + 4 * i, 4);
        memcpy(&dst[i], &bits, sizeof bits);
    }
    r->pos += 4 * n;
}

static uint32_t crc_of(const unsigned char *data, size_t len)
{
    uLong crc = crc32(0L, Z_NULL, 0);
    while (len > 0) {
        uInt chunk = len > 0x40000000u ? 0x40000000u : (uInt)len;
        crc = crc32(crc, data, chunk);
        data += chunk;
        len -= chunk;
    }
    return (uint32_t)crc;
}

/* Build header + payload + CRC into a new malloc'd image. */
static int build_image(const char *fn, uint32_t kind, const amem__wbuf *payload,
                       unsigned char **out, size_t *out_len)
{
    if (payload->failed)
        return amem__fail(AMEM_E_NOMEM, fn, "could not serialise the model");
    size_t total = AMEM__HEADER_SIZE + payload->len + 4;
    unsigned char *img = malloc(total);
    if (img == NULL)
        return amem__fail(AMEM_E_NOMEM, fn, "cannot allocate %zu bytes", total);
    memcpy(img, magic, 8);
    store_le(img + 8, AMEM__FORMAT_VERSION, 4);
    store_le(img + 12, kind, 4);
    store_le(img + 16, payload->len, 8);
    if (payload->len)
        memcpy(img + AMEM__HEADER_SIZE, payload->data, payload->len);
    store_le(img + total - 4, crc_of(img, total - 4), 4);
    *out = img;
    *out_len = total;
    return AMEM_OK;
}

int amem__model_save_mem(const char *fn, uint32_t kind,
                         const amem__wbuf *payload, void **out, size_t *out_len)
{
    unsigned char *img;
    size_t len;
    int rc = build_image(fn, kind, payload, &img, &len);
    if (rc != AMEM_OK)
        return rc;
    *out = img;
    *out_len = len;
    return AMEM_OK;
}

static int write_all(int fd, const unsigned char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            if (w == 0)
                errno = EIO;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/*
 * Create path + ".tmp.XXXXXXXX" (tmp holds path, plen bytes, and room for
 * 14 more) exclusively with mode 0666, so that the umask (and a folder's
 * default ACL) applies to it as to any new file; O_EXCL also refuses a
 * planted symbolic link. Returns the descriptor, or -1 with errno set.
 */
static int create_temp(char *tmp, size_t plen)
{
    static atomic_uint counter;
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    unsigned seed = (unsigned)now.tv_nsec ^ ((unsigned)getpid() << 16);
    for (int attempt = 0; attempt < 64; attempt++) {
        unsigned tag = (seed + atomic_fetch_add(&counter, 1)) * 2654435761u;
        snprintf(tmp + plen, 15, ".tmp.%08x", tag);
        int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0 || errno != EEXIST)
            return fd;
    }
    return -1; /* errno is EEXIST */
}

/*
 * img to a new temporary file beside path, made durable, then renamed over
 * path. The file keeps the permission bits of a regular file it replaces;
 * a new one has 0666 less the umask. 0 or -1 (errno set, nothing left).
 */
static int replace_file(const char *path, char *tmp, size_t plen,
                        const unsigned char *img, size_t len)
{
    struct stat old;
    int keep = stat(path, &old) == 0 && S_ISREG(old.st_mode);
    int fd = create_temp(tmp, plen);
    if (fd < 0)
        return -1;
    int ok = (!keep || fchmod(fd, old.st_mode & 0777) == 0) &&
             write_all(fd, img, len) == 0 && fsync(fd) == 0;
    ok = close(fd) == 0 && ok;
    ok = ok && rename(tmp, path) == 0;
    if (!ok) {
        int err = errno;
        unlink(tmp);
        errno = err;
        return -1;
    }
    return 0;
}

int amem__model_save_file(const char *fn, const char *path, uint32_t kind,
                          const amem__wbuf *payload)
{
    unsigned char *img;
    size_t len;
    int rc = build_image(fn, kind, payload, &img, &len);
    if (rc != AMEM_OK)
        return rc;
    size_t plen = strlen(path);
    char *tmp = malloc(plen + 16);
    if (tmp == NULL) {
        free(img);
        return amem__fail(AMEM_E_NOMEM, fn, "out of memory");
    }
    memcpy(tmp, path, plen + 1);
    if (replace_file(path, tmp, plen, img, len) != 0)
        rc = amem__fail(AMEM_E_IO, fn, "cannot write %s: %s", path,
                        strerror(errno));
    free(tmp);
    free(img);
    return rc;
}

const char *amem__kind_name(uint32_t kind)
{
    static const char *const names[] = {
        "no known model", "a Hopfield store", "a key-value memory",
        "a dense associative memory", "a VAE", "a diffusion model",
        "a TVT memory", "a probe"};
    return kind < sizeof names / sizeof names[0] ? names[kind]
                                                 : names[0];
}

uint32_t amem__model_kind(const void *data, size_t len)
{
    const unsigned char *p = data;
    if (p == NULL || len < AMEM__HEADER_SIZE || memcmp(p, magic, 8) != 0)
        return 0;
    return (uint32_t)load_le(p + 12, 4);
}

int amem__model_open_mem(const char *fn, const void *data, size_t len,
                         uint32_t kind, amem__rbuf *r)
{
    const unsigned char *p = data;
    if (len < AMEM__HEADER_SIZE + 4)
        return amem__fail(AMEM_E_FORMAT, fn, "%zu bytes is too short for a model file", len);
    if (memcmp(p, magic, 8) != 0)
        return amem__fail(AMEM_E_FORMAT, fn, "not a libassocmem model file (bad magic)");
    uint32_t version = (uint32_t)load_le(p + 8, 4);
    if (version != AMEM__FORMAT_VERSION)
        return amem__fail(AMEM_E_FORMAT, fn, "format version %u, this library reads %u",
                          version, AMEM__FORMAT_VERSION);
    uint32_t file_kind = (uint32_t)load_le(p + 12, 4);
    if (file_kind != kind)
        return amem__fail(AMEM_E_FORMAT, fn, "the file holds %s (kind %u), not %s",
                          amem__kind_name(file_kind), file_kind,
                          amem__kind_name(kind));
    uint64_t plen = load_le(p + 16, 8);
    if (plen != (uint64_t)(len - AMEM__HEADER_SIZE - 4))
        return amem__fail(AMEM_E_FORMAT, fn, "payload length %llu does not match file length %zu",
                          (unsigned long long)plen, len);
    uint32_t stored = (uint32_t)load_le(p + len - 4, 4);
    if (stored != crc_of(p, len - 4))
        return amem__fail(AMEM_E_FORMAT, fn, "checksum mismatch (file corrupted)");
    r->data = p + AMEM__HEADER_SIZE;
    r->len = (size_t)plen;
    r->pos = 0;
    r->failed = 0;
    return AMEM_OK;
}

int amem__read_whole_file(const char *fn, const char *path, unsigned char **data,
                          size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return amem__fail(AMEM_E_IO, fn, "cannot open %s: %s", path, strerror(errno));
    unsigned char *buf = NULL;
    size_t used = 0, cap = 0;
    int rc = AMEM_OK;
    for (;;) {
        if (used == cap) {
            if (cap >= AMEM__MAX_FILE_SIZE) {
                rc = amem__fail(AMEM_E_FORMAT, fn, "%s is larger than %zu bytes", path,
                                AMEM__MAX_FILE_SIZE);
                break;
            }
            cap = cap ? cap * 2 : 65536;
            unsigned char *grown = realloc(buf, cap);
            if (grown == NULL) {
                rc = amem__fail(AMEM_E_NOMEM, fn, "out of memory reading %s", path);
                break;
            }
            buf = grown;
        }
        size_t got = fread(buf + used, 1, cap - used, f);
        used += got;
        if (got == 0) {
            if (ferror(f))
                rc = amem__fail(AMEM_E_IO, fn, "read error on %s", path);
            break;
        }
    }
    fclose(f);
    if (rc != AMEM_OK) {
        free(buf);
        return rc;
    }
    *data = buf;
    *len = used;
    return AMEM_OK;
}

int amem__bad_file(const char *fn, const char *what)
{
    return amem__fail(AMEM_E_FORMAT, fn, "invalid model file: %s", what);
}

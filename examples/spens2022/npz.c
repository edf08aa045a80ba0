/*
 * Spens & Burgess 2022 example: NumPy .npy / .npz reader (npz.h). The .npy
 * format: magic "\x93NUMPY", version, little-endian header length (2 bytes
 * in 1.0, 4 in 2.0 and 3.0), then a Python dict literal
 * {'descr': '<u1', 'fortran_order': False, 'shape': (n, 28, 28), } and the
 * raw elements. An .npz file is a zip archive of .npy members.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include <assocmem/assocmem.h>

#include "npz.h"

static int bad(char *err, size_t err_size, int status, const char *fmt, ...)
{
    if (err && err_size) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, err_size, fmt, ap);
        va_end(ap);
    }
    return status;
}

#define FAIL(status, ...) bad(err, err_size, status, __VA_ARGS__)

static uint32_t le16(const unsigned char *p) { return p[0] | (uint32_t)p[1] << 8; }
static uint32_t le32(const unsigned char *p)
{
    return le16(p) | (uint32_t)le16(p + 2) << 16;
}
static uint64_t le64(const unsigned char *p)
{
    return le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* ---- the header dict ------------------------------------------------------ */

typedef struct cursor {
    const char *p, *end;
} cursor;

static void skip_space(cursor *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\n' || *c->p == '\t'))
        c->p++;
}

static int take(cursor *c, char ch)
{
    skip_space(c);
    if (c->p < c->end && *c->p == ch) {
        c->p++;
        return 1;
    }
    return 0;
}

/* A quoted string ('...' or "...") without escapes into buf. */
static int quoted(cursor *c, char *buf, size_t size)
{
    skip_space(c);
    if (c->p >= c->end || (*c->p != '\'' && *c->p != '"'))
        return 0;
    char q = *c->p++;
    size_t n = 0;
    while (c->p < c->end && *c->p != q && *c->p != '\\' && n + 1 < size)
        buf[n++] = *c->p++;
    buf[n] = '\0';
    return c->p < c->end && *c->p++ == q;
}

static int word(cursor *c, const char *w)
{
    size_t n = strlen(w);
    skip_space(c);
    if ((size_t)(c->end - c->p) < n || memcmp(c->p, w, n) != 0)
        return 0;
    c->p += n;
    return 1;
}

/* A non-negative decimal integer no larger than SIZE_MAX / 2. */
static int number(cursor *c, size_t *v)
{
    skip_space(c);
    size_t x = 0;
    const char *start = c->p;
    while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
        if (x > (SIZE_MAX / 2 - 9) / 10)
            return 0;
        x = x * 10 + (size_t)(*c->p++ - '0');
    }
    *v = x;
    return c->p > start;
}

/* (a, b, c) or (a,) or (): the shape tuple. */
static int shape_tuple(cursor *c, sb_npy *a)
{
    if (!take(c, '('))
        return 0;
    a->ndim = 0;
    while (!take(c, ')')) {
        if (a->ndim == SB_NPY_MAX_DIMS || !number(c, &a->shape[a->ndim++]))
            return 0;
        if (!take(c, ',')) {
            skip_space(c);
            if (c->p >= c->end || *c->p != ')')
                return 0;
        }
    }
    return 1;
}

/* '<u1', '|b1', '>f8', ...: sets kind, item and swap. */
static int descr(const char *d, sb_npy *a)
{
    if (*d == '<' || *d == '>' || *d == '|' || *d == '=')
        a->swap = *d++ == '>';
    a->kind = *d++;
    if (!d[-1] || !strchr("buif", a->kind) || d[0] < '1' || d[0] > '8' || d[1])
        return 0;
    a->item = (size_t)(d[0] - '0');
    if (a->kind == 'b')
        return a->item == 1;
    if (a->kind == 'f')
        return a->item == 4 || a->item == 8;
    return a->item == 1 || a->item == 2 || a->item == 4 || a->item == 8;
}

/* The dict: exactly the keys descr, fortran_order and shape. */
static int header_dict(cursor *c, sb_npy *a, int *fortran, char *err,
                       size_t err_size)
{
    char key[32], value[64];
    int seen = 0;
    if (!take(c, '{'))
        return FAIL(AMEM_E_FORMAT, "npy header is not a dict");
    while (!take(c, '}')) {
        if (!quoted(c, key, sizeof key) || !take(c, ':'))
            return FAIL(AMEM_E_FORMAT, "npy header: bad key");
        int bit = strcmp(key, "descr") == 0 ? 1
                  : strcmp(key, "fortran_order") == 0 ? 2
                  : strcmp(key, "shape") == 0 ? 4 : 0;
        if (!bit || (seen & bit))
            return FAIL(AMEM_E_FORMAT, "npy header: unexpected key '%s'", key);
        seen |= bit;
        if (bit == 1 && !quoted(c, value, sizeof value))
            return FAIL(AMEM_E_UNSUPPORTED, "npy: structured dtypes are not read");
        if (bit == 1 && !descr(value, a))
            return FAIL(AMEM_E_UNSUPPORTED, "npy: dtype '%s' is not read", value);
        if (bit == 2 && !(*fortran = word(c, "True")) && !word(c, "False"))
            return FAIL(AMEM_E_FORMAT, "npy header: bad fortran_order");
        if (bit == 4 && !shape_tuple(c, a))
            return FAIL(AMEM_E_FORMAT, "npy header: bad shape");
        if (!take(c, ',')) {
            skip_space(c);
            if (c->p >= c->end || *c->p != '}')
                return FAIL(AMEM_E_FORMAT, "npy header: missing ','");
        }
    }
    if (seen != 7)
        return FAIL(AMEM_E_FORMAT, "npy header lacks descr, fortran_order or shape");
    return AMEM_OK;
}

/* ---- .npy ----------------------------------------------------------------- */

/* count = product of the shape and its size in bytes, both checked. */
static int array_size(sb_npy *a, size_t *bytes, char *err, size_t err_size)
{
    a->count = 1;
    for (size_t k = 0; k < a->ndim; k++) {
        if (a->shape[k] != 0 && a->count > SB_NPY_MAX_BYTES / a->shape[k])
            return FAIL(AMEM_E_FORMAT, "npy: shape too large");
        a->count *= a->shape[k];
    }
    if (a->count > SB_NPY_MAX_BYTES / a->item)
        return FAIL(AMEM_E_FORMAT, "npy: array over %zu bytes",
                    (size_t)SB_NPY_MAX_BYTES);
    *bytes = a->count * a->item;
    return AMEM_OK;
}

/* Copy Fortran-ordered elements (first index fastest) into C order. */
static void fortran_to_c(const unsigned char *src, sb_npy *a)
{
    size_t index[SB_NPY_MAX_DIMS] = {0};
    for (size_t i = 0; i < a->count; i++) {
        size_t f = 0, stride = 1;
        for (size_t k = 0; k < a->ndim; k++) {
            f += index[k] * stride;
            stride *= a->shape[k];
        }
        memcpy(a->data + i * a->item, src + f * a->item, a->item);
        for (size_t k = a->ndim; k-- > 0;) /* next C-order index */
            if (++index[k] < a->shape[k])
                break;
            else
                index[k] = 0;
    }
}

int sb_npy_parse(const unsigned char *buf, size_t len, sb_npy *out, char *err,
                 size_t err_size)
{
    sb_npy a = {0};
    int fortran = 0, rc;
    size_t bytes = 0;
    memset(out, 0, sizeof *out);
    if (len < 10 || memcmp(buf, "\x93NUMPY", 6) != 0)
        return FAIL(AMEM_E_FORMAT, "not an npy file (bad magic)");
    if (buf[6] < 1 || buf[6] > 3)
        return FAIL(AMEM_E_UNSUPPORTED, "npy version %d.%d", buf[6], buf[7]);
    size_t start = buf[6] == 1 ? 10 : 12;
    if (len < start)
        return FAIL(AMEM_E_FORMAT, "npy file truncated in its header");
    size_t header = buf[6] == 1 ? le16(buf + 8) : le32(buf + 8);
    if (header > len - start)
        return FAIL(AMEM_E_FORMAT, "npy file truncated in its header");
    cursor c = {(const char *)buf + start, (const char *)buf + start + header};
    if ((rc = header_dict(&c, &a, &fortran, err, err_size)) != AMEM_OK ||
        (rc = array_size(&a, &bytes, err, err_size)) != AMEM_OK)
        return rc;
    if (len - start - header != bytes)
        return FAIL(AMEM_E_FORMAT, "npy data: %zu bytes, the header says %zu",
                    len - start - header, bytes);
    a.data = malloc(bytes ? bytes : 1);
    if (!a.data)
        return FAIL(AMEM_E_NOMEM, "npy: out of memory for %zu bytes", bytes);
    if (fortran && a.ndim > 1)
        fortran_to_c(buf + start + header, &a);
    else
        memcpy(a.data, buf + start + header, bytes);
    *out = a;
    return AMEM_OK;
}

/* The whole file, at most `limit` bytes. */
static int read_file(const char *path, size_t limit, unsigned char **buf,
                     size_t *len, char *err, size_t err_size)
{
    FILE *f = fopen(path, "rb");
    *buf = NULL;
    if (!f)
        return FAIL(AMEM_E_IO, "cannot open %s", path);
    size_t cap = 1 << 16, n = 0;
    unsigned char *b = malloc(cap);
    while (b) {
        n += fread(b + n, 1, cap - n, f);
        if (n < cap || cap > limit)
            break;
        unsigned char *bigger = realloc(b, cap * 2);
        if (!bigger)
            free(b);
        b = bigger, cap *= 2;
    }
    int failed = !b || ferror(f);
    fclose(f);
    if (failed || n > limit) {
        free(b);
        return FAIL(!b ? AMEM_E_NOMEM : failed ? AMEM_E_IO : AMEM_E_FORMAT,
                    "%s: %s", path, !b ? "out of memory" : failed
                    ? "read error" : "file too large");
    }
    *buf = b, *len = n;
    return AMEM_OK;
}


/* ---- .npz (zip) ------------------------------------------------------------ */

typedef struct zip_entry {
    uint32_t flags, method, crc;
    uint64_t csize, usize, offset;
} zip_entry;

/* The end-of-central-directory record: its position, the central
 * directory's offset and size and the entry count (zip64 when needed). */
static int zip_directory(const unsigned char *b, size_t len, uint64_t *cd,
                         uint64_t *cd_size, uint64_t *entries, char *err,
                         size_t err_size)
{
    size_t pos = len >= 22 ? len - 22 : 0, stop = pos > 65535 ? pos - 65535 : 0;
    for (; len >= 22; pos--) {
        if (le32(b + pos) == 0x06054b50 && pos + 22 + le16(b + pos + 20) == len)
            break;
        if (pos == stop)
            return FAIL(AMEM_E_FORMAT, "not a zip archive (no end record)");
    }
    if (len < 22)
        return FAIL(AMEM_E_FORMAT, "not a zip archive (too short)");
    *entries = le16(b + pos + 10);
    *cd_size = le32(b + pos + 12);
    *cd = le32(b + pos + 16);
    if (*entries == 0xFFFF || *cd_size == 0xFFFFFFFF || *cd == 0xFFFFFFFF) {
        if (pos < 20 || le32(b + pos - 20) != 0x07064b50)
            return FAIL(AMEM_E_FORMAT, "zip64 locator missing");
        uint64_t z = le64(b + pos - 12);
        if (z > len || len - z < 56 || le32(b + z) != 0x06064b50)
            return FAIL(AMEM_E_FORMAT, "zip64 end record missing");
        *entries = le64(b + z + 32);
        *cd_size = le64(b + z + 40);
        *cd = le64(b + z + 48);
    }
    if (*cd > len || *cd_size > len - *cd)
        return FAIL(AMEM_E_FORMAT, "zip central directory outside the file");
    return AMEM_OK;
}

/* Replace the 0xFFFFFFFF fields of e by the zip64 extra field's values. */
static int zip64_extra(const unsigned char *x, size_t n, zip_entry *e)
{
    while (n >= 4) {
        size_t id = le16(x), size = le16(x + 2), at = 4;
        if (size > n - 4)
            return 0;
        if (id == 1) {
            uint64_t *field[3] = {&e->usize, &e->csize, &e->offset};
            for (int k = 0; k < 3; k++) {
                if (*field[k] != 0xFFFFFFFF)
                    continue;
                if (at + 8 > 4 + size)
                    return 0;
                *field[k] = le64(x + at);
                at += 8;
            }
            return 1;
        }
        x += 4 + size, n -= 4 + size;
    }
    return 1;
}

/* Find member `name` (or name + ".npy") in the central directory. */
static int zip_find(const unsigned char *b, size_t len, const char *name,
                    zip_entry *e, char *err, size_t err_size)
{
    uint64_t cd = 0, cd_size = 0, entries = 0;
    int rc = zip_directory(b, len, &cd, &cd_size, &entries, err, err_size);
    if (rc != AMEM_OK)
        return rc;
    size_t want = strlen(name), p = (size_t)cd, end = (size_t)(cd + cd_size);
    for (uint64_t i = 0; i < entries; i++) {
        if (end - p < 46 || le32(b + p) != 0x02014b50)
            return FAIL(AMEM_E_FORMAT, "zip central directory corrupt");
        size_t n = le16(b + p + 28), x = le16(b + p + 30), m = le16(b + p + 32);
        if (end - p - 46 < n + x + m)
            return FAIL(AMEM_E_FORMAT, "zip central directory truncated");
        const char *member = (const char *)b + p + 46;
        int match = n >= want && memcmp(member, name, want) == 0 &&
                    (n == want || (n == want + 4 && !memcmp(member + want, ".npy", 4)));
        if (match) {
            *e = (zip_entry){le16(b + p + 8), le16(b + p + 10), le32(b + p + 16),
                             le32(b + p + 20), le32(b + p + 24), le32(b + p + 42)};
            if (!zip64_extra(b + p + 46 + n, x, e))
                return FAIL(AMEM_E_FORMAT, "zip64 extra field corrupt");
            return AMEM_OK;
        }
        p += 46 + n + x + m;
    }
    return FAIL(AMEM_E_FORMAT, "no array '%s' in the archive", name);
}

/* Inflate a raw deflate stream of exactly e->usize bytes into out. */
static int inflate_member(const unsigned char *src, const zip_entry *e,
                          unsigned char *out, char *err, size_t err_size)
{
    z_stream z = {0};
    if (inflateInit2(&z, -MAX_WBITS) != Z_OK)
        return FAIL(AMEM_E_NOMEM, "zlib: cannot start inflating");
    z.next_in = (Bytef *)src;
    z.next_out = out;
    int rc = Z_OK;
    uint64_t in_left = e->csize, out_left = e->usize;
    while (rc == Z_OK) { /* zlib counts in uInt: feed at most 1 GiB a call */
        if (z.avail_in == 0 && in_left) {
            z.avail_in = (uInt)(in_left < (1u << 30) ? in_left : 1u << 30);
            in_left -= z.avail_in;
        }
        if (z.avail_out == 0 && out_left) {
            z.avail_out = (uInt)(out_left < (1u << 30) ? out_left : 1u << 30);
            out_left -= z.avail_out;
        }
        /* Z_BUF_ERROR: no input or no room left (both were refilled) */
        rc = inflate(&z, Z_NO_FLUSH);
    }
    int done = rc == Z_STREAM_END && z.avail_out == 0 && out_left == 0;
    inflateEnd(&z);
    if (!done)
        return FAIL(AMEM_E_FORMAT, "zip member: corrupt or truncated deflate data");
    return AMEM_OK;
}

/* The member's bytes (stored or inflated), its CRC-32 checked. */
static int zip_extract(const unsigned char *b, size_t len, const zip_entry *e,
                       unsigned char **out, char *err, size_t err_size)
{
    if (e->flags & 1)
        return FAIL(AMEM_E_UNSUPPORTED, "zip member is encrypted");
    if (e->method != 0 && e->method != 8)
        return FAIL(AMEM_E_UNSUPPORTED, "zip compression method %u",
                    (unsigned)e->method);
    if (e->offset > len || len - e->offset < 30 || le32(b + e->offset) != 0x04034b50)
        return FAIL(AMEM_E_FORMAT, "zip local header missing");
    uint64_t data = e->offset + 30 + le16(b + e->offset + 26) + le16(b + e->offset + 28);
    if (data > len || e->csize > len - data)
        return FAIL(AMEM_E_FORMAT, "zip member truncated");
    uint64_t limit = e->method == 0 ? e->csize : e->csize * 1032 + 1024;
    if (e->usize > limit || e->usize > SB_NPY_MAX_BYTES + (1 << 20))
        return FAIL(AMEM_E_FORMAT, "zip member size %llu impossible",
                    (unsigned long long)e->usize);
    *out = malloc(e->usize ? (size_t)e->usize : 1);
    if (!*out)
        return FAIL(AMEM_E_NOMEM, "zip: out of memory");
    int rc = AMEM_OK;
    if (e->method == 0)
        memcpy(*out, b + data, (size_t)e->usize);
    else
        rc = inflate_member(b + data, e, *out, err, err_size);
    uLong crc = crc32(0L, Z_NULL, 0);
    for (uint64_t at = 0; rc == AMEM_OK && at < e->usize; at += 1u << 30)
        crc = crc32(crc, *out + at,
                    (uInt)(e->usize - at < (1u << 30) ? e->usize - at : 1u << 30));
    if (rc == AMEM_OK && crc != e->crc)
        rc = FAIL(AMEM_E_FORMAT, "zip member: CRC-32 mismatch");
    if (rc != AMEM_OK) {
        free(*out);
        *out = NULL;
    }
    return rc;
}

int sb_npz_parse(const unsigned char *buf, size_t len, const char *name,
                 sb_npy *out, char *err, size_t err_size)
{
    zip_entry e;
    unsigned char *member = NULL;
    memset(out, 0, sizeof *out);
    int rc = zip_find(buf, len, name, &e, err, err_size);
    if (rc == AMEM_OK)
        rc = zip_extract(buf, len, &e, &member, err, err_size);
    if (rc == AMEM_OK)
        rc = sb_npy_parse(member, (size_t)e.usize, out, err, err_size);
    free(member);
    return rc;
}

/* Read the file at path whole, then parse it as .npz member `name` (or as
 * one .npy array when name is NULL). */
static int read_array(const char *path, const char *name, sb_npy *out,
                      char *err, size_t err_size)
{
    unsigned char *buf = NULL;
    size_t len = 0;
    memset(out, 0, sizeof *out);
    int rc = read_file(path, SB_NPY_MAX_BYTES + (1 << 20), &buf, &len, err,
                       err_size);
    if (rc == AMEM_OK)
        rc = name ? sb_npz_parse(buf, len, name, out, err, err_size)
                  : sb_npy_parse(buf, len, out, err, err_size);
    free(buf);
    return rc;
}

int sb_npy_read(const char *path, sb_npy *out, char *err, size_t err_size)
{
    return read_array(path, NULL, out, err, err_size);
}

int sb_npz_read(const char *path, const char *name, sb_npy *out, char *err,
                size_t err_size)
{
    if (name == NULL) {
        memset(out, 0, sizeof *out);
        snprintf(err, err_size, "npz member name is NULL");
        return AMEM_E_NULL;
    }
    return read_array(path, name, out, err, err_size);
}

/* ---- elements ---------------------------------------------------------- */

double sb_npy_get(const sb_npy *a, size_t i)
{
    unsigned char b[8];
    for (size_t k = 0; k < a->item; k++) /* to little-endian */
        b[k] = a->data[i * a->item + (a->swap ? a->item - 1 - k : k)];
    uint64_t u = 0;
    for (size_t k = a->item; k-- > 0;)
        u = u << 8 | b[k];
    if (a->kind == 'f') {
        if (a->item == 4) {
            uint32_t u32 = (uint32_t)u;
            float f;
            memcpy(&f, &u32, 4);
            return f;
        }
        double d;
        memcpy(&d, &u, 8);
        return d;
    }
    if (a->kind == 'i' && a->item < 8 && (u >> (8 * a->item - 1)) & 1)
        u |= ~(uint64_t)0 << (8 * a->item); /* sign-extend */
    return a->kind == 'i' ? (double)(int64_t)u : (double)u;
}

void sb_npy_free(sb_npy *a)
{
    free(a->data);
    memset(a, 0, sizeof *a);
}

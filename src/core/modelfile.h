/*
 * Private: the model file format shared by every handle.
 *
 *   offset size  field
 *   0      8     magic "AMEMMODL"
 *   8      4     format version (u32, currently 1)
 *   12     4     piece kind (u32, AMEM__KIND_*)
 *   16     8     payload length in bytes (u64)
 *   24     n     payload (piece-specific, little-endian)
 *   24+n   4     CRC-32 (zlib polynomial) of bytes [0, 24+n)
 *
 * Writing goes through a growable buffer; saving to a path writes a temporary
 * file in the same directory and renames it over the target. Reading checks
 * magic, version, kind, length and CRC before any payload is parsed, and the
 * payload reader never reads past the end: a failed read is sticky.
 */
#ifndef AMEM_CORE_MODELFILE_H
#define AMEM_CORE_MODELFILE_H

#include <stddef.h>
#include <stdint.h>

#include "core/rng.h"

enum amem__kind {
    AMEM__KIND_HOPFIELD = 1,
    AMEM__KIND_KVMEM = 2,
    AMEM__KIND_DAM = 3,
    AMEM__KIND_VAE = 4,
    AMEM__KIND_DIFFUSION = 5,
    AMEM__KIND_TVT = 6, /* files before 0.2 hold TVT memories as KVMEM */
    AMEM__KIND_PROBE = 7
};

/* What a kind holds, for messages: "a dense associative memory". */
const char *amem__kind_name(uint32_t kind);
/* The kind field of an image with a valid magic, else 0. */
uint32_t amem__model_kind(const void *data, size_t len);

#define AMEM__FORMAT_VERSION 1u
#define AMEM__HEADER_SIZE 24u
/* Files larger than this are refused before reading (1 GiB). */
#define AMEM__MAX_FILE_SIZE ((size_t)1 << 30)

typedef struct amem__wbuf {
    unsigned char *data;
    size_t len, cap;
    int failed; /* allocation failed at some point */
} amem__wbuf;

void amem__wbuf_init(amem__wbuf *w);
void amem__wbuf_free(amem__wbuf *w);
void amem__put_u32(amem__wbuf *w, uint32_t v);
void amem__put_u64(amem__wbuf *w, uint64_t v);
void amem__put_f64(amem__wbuf *w, double v);
void amem__put_f32s(amem__wbuf *w, const float *v, size_t n);
/* n bytes as they are in memory (arrays a reader maps in place). */
void amem__put_raw(amem__wbuf *w, const void *src, size_t n);
/* A generator's state: its four words as u64 (amem__get_rng reads it). */
void amem__put_rng(amem__wbuf *w, const amem__rng *rng);

typedef struct amem__rbuf {
    const unsigned char *data;
    size_t len, pos;
    int failed; /* a read ran past the end or a value was invalid */
} amem__rbuf;

uint32_t amem__get_u32(amem__rbuf *r);
uint64_t amem__get_u64(amem__rbuf *r);
double amem__get_f64(amem__rbuf *r);
void amem__get_rng(amem__rbuf *r, amem__rng *rng);
/* Reads n floats; fails (and leaves dst untouched) when fewer remain. */
void amem__get_f32s(amem__rbuf *r, float *dst, size_t n);
/* Points at the next n bytes and skips them; NULL (and fails) when fewer
 * remain. */
const void *amem__get_raw(amem__rbuf *r, size_t n);
/* 1 when at least count*elem bytes remain unread (overflow-safe). */
int amem__rbuf_has(const amem__rbuf *r, size_t count, size_t elem);

/*
 * Wrap the payload in w with header and CRC and store it. fn names the public
 * caller for error details. Return AMEM_OK or AMEM_E_IO / AMEM_E_NOMEM.
 */
int amem__model_save_file(const char *fn, const char *path, uint32_t kind,
                          const amem__wbuf *payload);
/* Same, into a new malloc'd buffer (*out, *out_len) freed by amem_free. */
int amem__model_save_mem(const char *fn, uint32_t kind,
                         const amem__wbuf *payload, void **out,
                         size_t *out_len);

/*
 * Validate a whole file image and point r at its payload. Returns AMEM_OK,
 * AMEM_E_FORMAT (bad magic, version, kind, length or CRC).
 */
int amem__model_open_mem(const char *fn, const void *data, size_t len,
                         uint32_t kind, amem__rbuf *r);
/* Serialises a handle's payload (see core/piece.h). */
typedef void (*amem__payload_writer)(const void *handle, amem__wbuf *w);

/* Record "invalid model file: what" against fn; returns AMEM_E_FORMAT. */
int amem__bad_file(const char *fn, const char *what);

/* Read a whole file into a malloc'd buffer (AMEM_E_IO, E_FORMAT if too big). */
int amem__read_whole_file(const char *fn, const char *path,
                          unsigned char **data, size_t *len);

#endif

/* Private: IDX parsing shared by the image and label readers. */
#ifndef AMEM_DATA_IDX_H
#define AMEM_DATA_IDX_H

#include <stddef.h>
#include <stdint.h>

#define AMEM__IDX_MAX_DIMS 4

/* IDX type codes (third header byte). */
enum amem__idx_type {
    AMEM__IDX_U8 = 0x08,
    AMEM__IDX_I8 = 0x09,
    AMEM__IDX_I16 = 0x0B,
    AMEM__IDX_I32 = 0x0C,
    AMEM__IDX_F32 = 0x0D,
    AMEM__IDX_F64 = 0x0E
};

/* A validated view of a plain IDX image in memory. */
typedef struct amem__idx_view {
    unsigned type;                    /* one of amem__idx_type */
    unsigned ndim;                    /* 1..AMEM__IDX_MAX_DIMS */
    size_t dims[AMEM__IDX_MAX_DIMS];  /* each >= 1 */
    size_t elems;                     /* product of dims, checked */
    size_t elem_size;                 /* bytes per element */
    const unsigned char *body;        /* elems*elem_size bytes, big-endian */
} amem__idx_view;

/*
 * Check a plain IDX image: magic, known type code, 1..4 dims each >= 1,
 * no overflow, and len equal to header + elems*elem_size exactly.
 * Returns AMEM_OK or AMEM_E_FORMAT with the detail for fn.
 */
int amem__idx_parse(const char *fn, const unsigned char *data, size_t len,
                    amem__idx_view *view);

/*
 * Inflate a gzip image (one or more members) into a new malloc'd buffer that
 * grows with the data, refusing more than the decompression cap for len
 * compressed bytes (amem_idx_set_gzip_cap, at most AMEM_IDX_MAX_BYTES).
 * AMEM_OK, AMEM_E_FORMAT (corrupt, truncated, trailing junk, over the cap),
 * AMEM_E_NOMEM.
 */
int amem__gunzip(const char *fn, const unsigned char *data, size_t len,
                 unsigned char **out, size_t *out_len);

/* 1 when data starts with the gzip magic bytes 1f 8b. */
int amem__is_gzip(const unsigned char *data, size_t len);

/*
 * Parse plain or gzip data. *owned receives the buffer the view points into
 * when one had to be allocated (free it after use), else NULL.
 */
int amem__idx_open_mem(const char *fn, const void *data, size_t len,
                       amem__idx_view *view, unsigned char **owned);

/*
 * Check that the view has the wanted dimension count and one of the allowed
 * type codes (a 0-terminated list). AMEM_OK or AMEM_E_FORMAT.
 */
int amem__idx_expect(const char *fn, const amem__idx_view *view,
                     unsigned ndim, const unsigned *types);

/*
 * amem__idx_expect, then an array of view->elems elements of elem_size
 * bytes for the converted values (what names them in the out-of-memory
 * message); the caller owns *out. AMEM_OK, AMEM_E_FORMAT or AMEM_E_NOMEM.
 */
int amem__idx_expect_alloc(const char *fn, const amem__idx_view *view,
                           unsigned ndim, const unsigned *types,
                           size_t elem_size, const char *what, void **out);

/* Converts a validated view into a reader's outputs (out is its own). */
typedef int (*amem__idx_convert)(const char *fn, const amem__idx_view *view,
                                 void *out);

/*
 * The IDX file at path, or when path is NULL the bytes data[0, len) (plain
 * or gzip), parsed and handed to convert. AMEM_OK or the failing status.
 */
int amem__idx_read(const char *fn, const char *path, const void *data,
                   size_t len, amem__idx_convert convert, void *out);

#endif

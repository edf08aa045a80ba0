/*
 * libassocmem — data helpers: IDX image/label files, pattern generators,
 * corruption of cues, and recall metrics.
 *
 * Layout: every array is row-major, `count` rows of `dim` floats (one pattern,
 * image or cue per row).
 *
 * Determinism: every random function takes an explicit 64-bit seed and draws
 * from a fresh private generator (xoshiro256** seeded through splitmix64), so
 * the same arguments and seed give bit-identical output on every platform.
 * No global state is touched.
 *
 * Errors: every function returns AMEM_OK or a negative AMEM_E_* status and
 * records a detail sentence for amem_last_error(). Arguments are checked
 * before anything is written: a failed call leaves every output untouched,
 * except that the IDX readers set their pointer and size outputs to NULL/0.
 */
#ifndef ASSOCMEM_DATA_H
#define ASSOCMEM_DATA_H

#include "assocmem/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- IDX files ----------------------------------------------------------
 *
 * The IDX format (LeCun's MNIST files, also Fashion-MNIST): a big-endian
 * header of two zero bytes, a type code byte, a dimension count byte, one
 * 32-bit big-endian size per dimension, then the elements in row-major order.
 *
 * The readers accept a plain IDX file or a gzip-compressed one (detected from
 * the gzip magic bytes, not from the file name; several concatenated gzip
 * members are read as one stream). They are strict:
 *   - the magic must be 0x00 0x00, the type code and dimension count must be
 *     the ones listed for the function;
 *   - every dimension must be at least 1 and their product must not overflow;
 *   - the data must be exactly as long as the header says: missing bytes
 *     (truncation) and extra bytes after the last element (trailing data) are
 *     both refused with AMEM_E_FORMAT;
 *   - the (decompressed) file may be at most AMEM_IDX_MAX_BYTES long;
 *   - gzip data may decompress to at most the decompression cap,
 *     max(min_bytes, ratio x its compressed size), by default
 *     max(64 MiB, 256 x compressed size) (amem_idx_set_gzip_cap), so a small
 *     file that inflates to gigabytes (a "gzip bomb") is refused after
 *     decompressing at most the cap. MNIST-like files compress about 2-5x.
 * The header is never trusted for an allocation: the output is allocated only
 * after the data length has been checked against it, and gzip data is
 * inflated into a buffer that grows with the data actually decompressed.
 * Peak memory of a reader is the file, its decompressed content and the
 * output array (4 bytes per element) at once.
 *
 * Ownership: on success the reader allocates the output array and the caller
 * releases it with amem_free(). On failure the output pointer is set to NULL
 * and the sizes to 0 (for the output pointers that are not NULL themselves).
 *
 * Status: AMEM_E_NULL (a required pointer is NULL), AMEM_E_IO (the file cannot
 * be opened or read), AMEM_E_FORMAT (bad magic, wrong type code or dimension
 * count, zero or overflowing dimensions, truncated or trailing data, corrupt
 * gzip stream, larger than AMEM_IDX_MAX_BYTES or the decompression cap),
 * AMEM_E_NOMEM.
 */

/* Largest IDX content accepted, after decompression (1 GiB). */
#define AMEM_IDX_MAX_BYTES ((size_t)1 << 30)

/* Default decompression cap: max(64 MiB, 256 x compressed size). */
#define AMEM_IDX_GZIP_MIN_BYTES ((size_t)64 << 20)
#define AMEM_IDX_GZIP_RATIO ((size_t)256)

/*
 * amem_idx_set_gzip_cap: set the decompression cap of the IDX readers for
 * the whole process (every later call, from any thread): gzip data of n
 * compressed bytes may decompress to at most
 * min(AMEM_IDX_MAX_BYTES, max(min_bytes, ratio x n)) bytes; more is refused
 * with AMEM_E_FORMAT and a detail naming the cap. Plain files are bounded
 * by AMEM_IDX_MAX_BYTES alone.
 *   min_bytes  allowed whatever the ratio, in [1, AMEM_IDX_MAX_BYTES]
 *              (default AMEM_IDX_GZIP_MIN_BYTES)
 *   ratio      allowed expansion over the compressed size, in
 *              [1, AMEM_IDX_MAX_BYTES] (default AMEM_IDX_GZIP_RATIO);
 *              min_bytes = AMEM_IDX_MAX_BYTES lifts
 *              the cap up to the size limit
 * Returns AMEM_OK or AMEM_E_RANGE (the cap is then unchanged).
 */
AMEM_API int amem_idx_set_gzip_cap(size_t min_bytes, size_t ratio);

/* amem_idx_get_gzip_cap: the current cap into *min_bytes and *ratio.
 * Returns AMEM_OK or AMEM_E_NULL. */
AMEM_API int amem_idx_get_gzip_cap(size_t *min_bytes, size_t *ratio);

/*
 * amem_idx_read_images: read an image file (type code 0x08, unsigned byte;
 * 3 dimensions: count, height, width) into floats scaled to [0, 1] (v / 255).
 *   path    file name, plain or gzip-compressed
 *   images  out: count*height*width floats, image i at images[i*height*width],
 *           row-major pixels; free with amem_free
 *   count, height, width  out: the sizes from the header
 */
AMEM_API int amem_idx_read_images(const char *path, float **images,
                                  size_t *count, size_t *height,
                                  size_t *width);

/* amem_idx_read_images_mem: the same from len bytes at data (plain or gzip).
 * data is only read; it may be freed as soon as the call returns. */
AMEM_API int amem_idx_read_images_mem(const void *data, size_t len,
                                      float **images, size_t *count,
                                      size_t *height, size_t *width);

/*
 * amem_idx_read_labels: read a label file (1 dimension: count) into int32.
 * Accepted type codes: 0x08 (unsigned byte, 0..255), 0x09 (signed byte),
 * 0x0B (big-endian int16) and 0x0C (big-endian int32); values are copied
 * unchanged.
 *   path    file name, plain or gzip-compressed
 *   labels  out: count int32 values; free with amem_free
 *   count   out: the number of labels
 */
AMEM_API int amem_idx_read_labels(const char *path, int32_t **labels,
                                  size_t *count);

/* amem_idx_read_labels_mem: the same from len bytes at data (plain or gzip). */
AMEM_API int amem_idx_read_labels_mem(const void *data, size_t len,
                                      int32_t **labels, size_t *count);

/* ---- Pattern generators ------------------------------------------------
 *
 * All write count*dim floats into a caller buffer `out`. Status: AMEM_E_NULL
 * (out is NULL), AMEM_E_DIM (count or dim is 0, or count*dim overflows),
 * AMEM_E_RANGE (a fraction/probability outside [0, 1] or not finite).
 */

/* amem_patterns_random: i.i.d. ±1 entries, each sign with probability 1/2. */
AMEM_API int amem_patterns_random(float *out, size_t count, size_t dim,
                                  uint64_t seed);

/*
 * amem_patterns_correlated: patterns scattered around one random ±1 template.
 * The template t (dim entries) is drawn first, i.i.d. ±1. Then for each
 * pattern and each entry j independently: with probability `redraw` the
 * entry is redrawn as a fresh fair ±1 sign, otherwise it is t[j]. Hence an
 * entry differs from the template with probability redraw/2, the expected
 * overlap (1/dim)·<x, t> is 1 − redraw, and two patterns have expected
 * overlap (1 − redraw)^2. redraw = 1 gives independent random patterns,
 * redraw = 0 gives count copies of t. (This is the "correlated" data set of
 * Tyulmankov, Fang et al. 2021 with redraw = 1 − c.)
 *   out       count*dim floats
 *   redraw    probability that an entry is redrawn, in [0, 1]
 *   template_out  optional (may be NULL): receives the dim template entries
 */
AMEM_API int amem_patterns_correlated(float *out, size_t count, size_t dim,
                                      double redraw, uint64_t seed,
                                      float *template_out);

/*
 * amem_mask_bernoulli: i.i.d. mask entries, 1 with probability p, else 0.
 * The number of ones per row is random (binomial); see amem_mask_fraction
 * for an exact count.
 */
AMEM_API int amem_mask_bernoulli(float *out, size_t count, size_t dim,
                                 double p, uint64_t seed);

/*
 * amem_mask_fraction: each row has exactly k = floor(fraction*dim + 0.5)
 * ones at positions chosen uniformly without replacement, zeros elsewhere.
 */
AMEM_API int amem_mask_fraction(float *out, size_t count, size_t dim,
                                double fraction, uint64_t seed);

/* ---- Corruption ----------------------------------------------------------
 *
 * Out-of-place: each function reads x (count*dim floats) and writes the
 * corrupted copy to out (count*dim floats). out may be the same pointer as x
 * for an in-place update, but must not partially overlap it.
 *
 * The fraction-based corruptions choose, in each row independently, exactly
 * k = floor(fraction*dim + 0.5) entries uniformly without replacement and
 * change only those. The optional mask (count*dim floats, may be NULL)
 * receives 1 where the entry was left unchanged (known, safe to clamp during
 * recall) and 0 where it was corrupted.
 *
 * Status: AMEM_E_NULL (x or out is NULL), AMEM_E_DIM (count or dim is 0 or
 * the size overflows), AMEM_E_NONFINITE (x holds NaN or ±Inf), AMEM_E_RANGE
 * (fraction or theta outside [0, 1] or NaN; |mean| > 1e30 or not finite; sd
 * negative, > 1e30 or not finite — bounds that keep every output finite).
 */

/* amem_corrupt_zero: set k entries per row to 0 (the masked/partial cue). */
AMEM_API int amem_corrupt_zero(const float *x, float *out, size_t count,
                               size_t dim, double fraction, uint64_t seed,
                               float *mask);

/*
 * amem_corrupt_gaussian: replace k entries per row by independent draws of
 * N(mean, sd^2). No clipping is applied; clip afterwards if the data live in
 * a bounded range (Spens & Burgess use mean 0.5, sd 1 and clip to [0, 1]).
 */
AMEM_API int amem_corrupt_gaussian(const float *x, float *out, size_t count,
                                   size_t dim, double fraction, double mean,
                                   double sd, uint64_t seed, float *mask);

/* amem_corrupt_flip: negate k entries per row (sign flips of ±1 patterns). */
AMEM_API int amem_corrupt_flip(const float *x, float *out, size_t count,
                               size_t dim, double fraction, uint64_t seed,
                               float *mask);

/*
 * amem_corrupt_mix: out = θ·x + sqrt(1 − θ²)·ε with ε i.i.d. N(0, 1) for every
 * entry (the noisy cue of Ambrogioni 2024, which keeps the variance of unit-
 * variance data). θ = 1 returns x, θ = 0 pure noise. theta in [0, 1].
 */
AMEM_API int amem_corrupt_mix(const float *x, float *out, size_t count,
                              size_t dim, double theta, uint64_t seed);

/* ---- Metrics ---------------------------------------------------------------
 *
 * Each compares a and b, both count*dim floats, row by row. per_row is
 * optional (NULL or count floats). Status: AMEM_E_NULL (a, b or a required
 * output is NULL), AMEM_E_DIM (zero or overflowing size), AMEM_E_NONFINITE
 * (a or b holds NaN or ±Inf).
 */

/*
 * amem_metric_hamming: fraction of entries whose signs differ, where the sign
 * of v is +1 (v > 0), 0 (v == 0) or −1 (v < 0); so a zeroed entry counts as
 * an error against a ±1 target.
 *   per_row  optional: the fraction for each row
 *   mean     out: the mean over rows (= the fraction over all entries)
 */
AMEM_API int amem_metric_hamming(const float *a, const float *b, size_t count,
                                 size_t dim, float *per_row, double *mean);

/*
 * amem_metric_pearson: Pearson correlation coefficient of a and b.
 *   per_row  optional: the correlation of row i of a with row i of b
 *   mean     optional: the mean of the per-row correlations
 *   overall  optional: the correlation over all count*dim entry pairs
 * At least one of the three outputs must be non-NULL. A row (or the whole
 * array, for overall) in which a or b is constant has no defined
 * correlation; it is reported as 0.
 */
AMEM_API int amem_metric_pearson(const float *a, const float *b, size_t count,
                                 size_t dim, float *per_row, double *mean,
                                 double *overall);

/*
 * amem_metric_mse: mean squared difference.
 *   per_row  optional: the mean of (a−b)² over each row
 *   mean     out: the mean over all entries
 */
AMEM_API int amem_metric_mse(const float *a, const float *b, size_t count,
                             size_t dim, float *per_row, double *mean);

#ifdef __cplusplus
}
#endif
#endif /* ASSOCMEM_DATA_H */

/*
 * Private: argument checks shared by every public function, and the size
 * rule every array of the library follows.
 *
 * The size rule: an array the library reads, writes or allocates holds at
 * most AMEM__MAX_ELEMS elements (count x dim, plus any extra rows or
 * columns), so that its byte size count x dim x sizeof(element) fits in
 * ptrdiff_t for every element type of at most 8 bytes (float, double,
 * int32_t, size_t, pointers). Every element count is computed with
 * amem__mul_size / amem__add_size, every byte count with amem__array_bytes,
 * and every allocation whose size comes from a caller goes through
 * amem__alloc / amem__zalloc / amem__realloc, which apply the same rule.
 * A size over the rule is a status, never a wrapped product.
 */
#ifndef AMEM_CORE_CHECK_H
#define AMEM_CORE_CHECK_H

#include <stddef.h>
#include <stdint.h>

/* The largest element count of any array (2^60 - 1 on 64-bit targets). */
#define AMEM__MAX_ELEMS ((size_t)(PTRDIFF_MAX / 8))

/*
 * *out = a * b; returns 0, or -1 when the product exceeds AMEM__MAX_ELEMS
 * (*out is then left unchanged).
 */
int amem__mul_size(size_t a, size_t b, size_t *out);

/* *out = a + b; returns 0, or -1 when the sum exceeds AMEM__MAX_ELEMS. */
int amem__add_size(size_t a, size_t b, size_t *out);

/*
 * The size rule with its message: *bytes = count x dim x elem_size, or
 * AMEM_E_DIM with "fn: name of count x dim elements is larger than the
 * largest array (AMEM__MAX_ELEMS elements)" when count x dim exceeds
 * AMEM__MAX_ELEMS or the byte size exceeds PTRDIFF_MAX. bytes may be NULL.
 */
int amem__array_bytes(const char *fn, const char *name, size_t count,
                      size_t dim, size_t elem_size, size_t *bytes);

/*
 * An argument array of count x dim elements of elem_size bytes that the call
 * reads or writes without checking values (outputs, labels, masks): not
 * NULL (AMEM_E_NULL) and within the size rule (AMEM_E_DIM).
 */
int amem__check_size(const char *fn, const char *name, const void *x,
                     size_t count, size_t dim, size_t elem_size);

/* A 0/1 mask argument (a clamp) of len entries: AMEM_OK, else AMEM_E_ARG
 * naming the first other entry as name[i]. */
int amem__check_mask(const char *fn, const char *name, const float *mask,
                     size_t len);

/* 1 when every one of x[0..n) is finite, else 0. */
int amem__all_finite(const float *x, size_t n);

/* dst[i] += src[i] for i < n (the whole vector, whatever it holds), then
 * 1 when every sum is finite, else 0: the addition and the finite check in
 * one pass. */
int amem__add_all_finite(float *dst, const float *src, size_t n);

/*
 * Validate a float array argument: not NULL, rows x cols > 0 elements within
 * the size rule, all finite. Returns AMEM_OK or the failing status
 * (AMEM_E_NULL, AMEM_E_DIM, AMEM_E_NONFINITE) with the detail set for
 * fn/name. The values are read only after the size has been accepted.
 */
int amem__check_array(const char *fn, const char *name, const float *x,
                      size_t rows, size_t cols);

/*
 * malloc / calloc / realloc of count x dim elements of elem_size bytes
 * under the size rule: NULL (nothing allocated, *p untouched for realloc)
 * when the rule refuses the size or the allocator fails. A zero size
 * allocates one byte so that NULL always means failure.
 */
void *amem__alloc(size_t count, size_t dim, size_t elem_size);
void *amem__zalloc(size_t count, size_t dim, size_t elem_size);
void *amem__realloc(void *p, size_t count, size_t dim, size_t elem_size);

#endif

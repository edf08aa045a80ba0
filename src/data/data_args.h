/* Private: argument checks and exact-count selection shared by src/data/. */
#ifndef AMEM_DATA_ARGS_H
#define AMEM_DATA_ARGS_H

#include <stddef.h>

#include "core/rng.h"

/* *n = count*dim; AMEM_E_DIM when either is 0 or the product overflows. */
int amem__data_size(const char *fn, const char *name, size_t count, size_t dim,
                    size_t *n);

/* AMEM_E_RANGE unless 0 <= value <= 1 (NaN fails). */
int amem__check_unit(const char *fn, const char *name, double value);

/*
 * The checks every generator, mask and corruption starts with: out not NULL,
 * count x dim a valid size (*n receives it), value (named name) in [0, 1],
 * then x finite when x is not NULL (a corruption checks x for NULL itself,
 * first). AMEM_OK or the failing status for fn.
 */
int amem__check_unit_rows(const char *fn, const float *x, const float *out,
                          size_t count, size_t dim, const char *name,
                          double value, size_t *n);

/* Entries chosen per row for a fraction: floor(fraction*dim + 0.5). */
size_t amem__fraction_count(double fraction, size_t dim);

/*
 * Selection sampling (Knuth's Algorithm S): walking over n items in order,
 * amem__select_next says whether the current item is picked so that exactly
 * k are picked, every k-subset equally likely. One draw per undecided item.
 */
typedef struct amem__selector {
    size_t items_left, picks_left;
} amem__selector;

void amem__select_init(amem__selector *s, size_t n, size_t k);
int amem__select_next(amem__selector *s, amem__rng *rng);

#endif

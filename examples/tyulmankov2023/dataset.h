/*
 * The imbalanced data set of Tyulmankov et al. 2023 (Section 2, Eq. 1):
 * R "regular" MNIST zeros followed by E "exception" MNIST ones.
 */
#ifndef TY_DATASET_H
#define TY_DATASET_H

#include <stddef.h>

typedef struct ty_dataset {
    float *items;        /* (n_regular + n_exception) x dim, regulars first */
    unsigned char *is_exception; /* one flag per item (1 for the ones) */
    size_t n_regular;    /* R */
    size_t zeros_available; /* zeros in the file (R may be capped) */
    size_t n_exception;  /* E */
    size_t dim;          /* 784 */
    size_t height, width;
} ty_dataset;

/*
 * ty_dataset_load: read the project's MNIST digits from data_dir, keep the
 * first max_regular zeros (0 = all of them) and the first n_exception ones,
 * min-max scale each image to [0, 1] and normalise it to unit L2 norm (as in
 * the authors' code). Returns 0, or -1 after printing the reason.
 */
int ty_dataset_load(ty_dataset *ds, const char *data_dir, size_t max_regular,
                    size_t n_exception);

/* Total number of items, R + E. */
size_t ty_dataset_count(const ty_dataset *ds);

/* Release the arrays (the struct itself belongs to the caller). */
void ty_dataset_free(ty_dataset *ds);

#endif

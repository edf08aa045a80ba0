/*
 * Figure A2: the trained memories xi_mu (unit rows of W) as images, and a
 * number to go with the picture: which data item each memory resembles.
 */
#ifndef TY_WEIGHTS_H
#define TY_WEIGHTS_H

#include <assocmem/dam.h>

#include "dataset.h"

#define TY_MAX_EXCEPTIONS 8
/* Cosine thresholds for "a memory resembles a one" (TY_COS_THRESHOLDS). */
#define TY_N_COS 2
extern const double ty_cos_thresholds[TY_N_COS];

typedef struct ty_weight_summary {
    size_t n_memories;          /* M */
    size_t nearest_exception;   /* memories whose nearest item is a one */
    /* memories whose cosine with some one is >= ty_cos_thresholds[k] */
    size_t resembles_exception[TY_N_COS];
    /* best cosine between any memory and each exception */
    double exception_match[TY_MAX_EXCEPTIONS];
    double regular_match_mean;  /* mean over zeros of their best cosine */
} ty_weight_summary;

/*
 * ty_weights_write: draw W_hat as a 10 x 10 grid of 28 x 28 tiles into
 * png_path and fill *sum. Returns 0 or -1 (printed).
 */
int ty_weights_write(amem_dam *net, const ty_dataset *ds,
                     const char *png_path, ty_weight_summary *sum);

#endif

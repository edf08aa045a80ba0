/*
 * Ambrogioni 2024 example: the recall methods the paper compares, each
 * storing a pattern set, recalling a batch of cues and binarising the
 * output with sign (Section 7: "The final output of all methods was
 * binarized using the sign function").
 */
#ifndef AMB_RECALL_H
#define AMB_RECALL_H

#include <stddef.h>

#include "config.h"

typedef enum amb_method {
    AMB_EXACT_DM,        /* exact-score diffusion, probability-flow ODE */
    AMB_MODERN,          /* modern Hopfield, beta = 5, 150 iterations */
    AMB_CLASSICAL,       /* Hebbian W = sum y y^T / d with its diagonal
                            (Eq. 3), synchronous sign updates (Eq. 1) */
    AMB_CLASSICAL_ZD,    /* the same with the diagonal of W set to zero */
    AMB_EXACT_VE,        /* exact-score diffusion on the variance-exploding
                            process (Eq. 6), same cues and ODE steps */
    AMB_METHOD_COUNT
} amb_method;

/* Short name used in CSV files ("exact_dm", "modern_hopfield", ...). */
const char *amb_method_name(amb_method m);

/*
 * amb_recall: store n patterns (n x d) in a fresh network of kind m, recall
 * q cues (q x d) into out (q x d), then replace every output entry by its
 * sign (+1, 0 or -1). The modern Hopfield and exact diffusion methods
 * compute in double when cfg->f64 is set. Returns 0, or -1 after printing the library error.
 */
int amb_recall(amb_method m, const amb_config *cfg, const float *patterns,
               size_t n, size_t d, const float *cues, size_t q, float *out);

/* Replace every entry of x[0..len) by its sign. */
void amb_binarise(float *x, size_t len);

/* Print "ambrogioni2024: what: status (detail)" and return -1. */
int amb_fail(const char *what, int status);

#endif

/*
 * Sequence recall (Fig. 5b): a sequence s_1..s_n of +-1 patterns is stored
 * as the pairs s_t -> s_{t+1} (the value at time t is the key at t + 1),
 * then the network is prompted with s_k, k uniform in [1, n-1], and runs
 * the recurrent loop x_{t+1} = y~_t to produce s_{k+1}..s_n. Accuracy is
 * the fraction of entries of those outputs whose sign is right.
 */
#ifndef TF_SEQUENCE_H
#define TF_SEQUENCE_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"

/* Mean accuracy over reps sequences of length n (n >= 2), dimension d. */
int tf_sequence_accuracy(const tf_model_spec *spec, size_t n, size_t d,
                         size_t reps, uint64_t seed, double *acc);

#endif

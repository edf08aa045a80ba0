/*
 * Accuracy on the benchmark recall task: a fresh model stores every item
 * of an episode (q = 1), then answers every corrupted query. Accuracy is
 * the fraction of output entries whose sign matches the target (reference
 * code: mean of [sign(output) == target]; a zero output counts as wrong).
 */
#ifndef TF_RECALL_H
#define TF_RECALL_H

#include <stddef.h>
#include <stdint.h>

#include "episode.h"
#include "model.h"

/* Fraction of the n entries where sign(out) equals the +-1 target. */
double tf_sign_accuracy(const float *out, const float *target, size_t n);

/* Accuracy of one model on one episode. 0 or -1. */
int tf_episode_accuracy(const tf_model_spec *spec, const tf_episode *ep,
                        int hetero, uint64_t seed, double *acc);

/* Mean and standard deviation of the accuracy over reps fresh episodes of
 * T items. 0 or -1. */
int tf_recall_accuracy(const tf_model_spec *spec, const tf_episode_spec *es,
                       size_t T, size_t reps, uint64_t seed, double *mean,
                       double *sd);

#endif

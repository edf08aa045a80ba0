/*
 * A model run through a continual stream (stream.h), one time step at a
 * time: on a recall step it answers the cue, then the step passes with
 * q = 0; on a new item it stores it with the step's q.
 */
#ifndef TF_CONTINUAL_H
#define TF_CONTINUAL_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "stream.h"

/* Summed accuracies and counts of the recall steps, regular and salient. */
typedef struct tf_recall_tally {
    double regular_sum, salient_sum;
    size_t regular_n, salient_n;
} tf_recall_tally;

/* Add one stream's recalls to *tally. 0 or -1. */
int tf_stream_run(const tf_model_spec *spec, const tf_stream *s,
                  uint64_t seed, tf_recall_tally *tally);

/* Mean accuracy of the regular (salient) recalls; NAN when there were none. */
double tf_tally_regular(const tf_recall_tally *t);
double tf_tally_salient(const tf_recall_tally *t);

#endif

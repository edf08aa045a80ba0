/*
 * One episode of the benchmark recall task (paper Section 3.1, Appendix A):
 * T items are stored one after another, then every item is queried once
 * with a corrupted copy of its key in which each entry is zeroed
 * independently with probability `zeroed` (0.6 in the paper).
 */
#ifndef TF_EPISODE_H
#define TF_EPISODE_H

#include <stddef.h>
#include <stdint.h>

typedef struct tf_episode {
    size_t T, d, m;  /* items, key dimension, value dimension */
    float *keys;     /* T x d, +-1 */
    float *values;   /* T x m, +-1: the keys themselves when autoassociative */
    float *queries;  /* T x d corrupted keys, in storage order */
} tf_episode;

/* Pattern statistics of an episode. */
typedef struct tf_episode_spec {
    size_t d, m;        /* m = 0: autoassociative (values are the keys) */
    double correlation; /* 0: independent keys; c > 0: entries redrawn
                           around one template with probability 1 - c */
    double zeroed;      /* probability that a query entry is zeroed */
} tf_episode_spec;

/* Fill *ep with a fresh episode of T items. 0, or -1 (reason printed). */
int tf_episode_make(tf_episode *ep, const tf_episode_spec *spec, size_t T,
                    uint64_t seed);

/* Release the arrays of *ep (accepts a zeroed struct). */
void tf_episode_free(tf_episode *ep);

/* Keys drawn as in the spec: T x d floats into out. 0 or -1. */
int tf_keys_make(float *out, size_t T, size_t d, double correlation,
                 uint64_t seed);

/* out = x with each entry zeroed with probability zeroed (T x d). 0 or -1. */
int tf_zero_entries(const float *x, float *out, size_t T, size_t d,
                    double zeroed, uint64_t seed);

#endif

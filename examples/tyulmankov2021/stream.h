/*
 * The continual recall stream (paper Section 3.3, Appendix A; reference
 * dataset "interleave" with delay R): the first R steps show new items;
 * after that, each step recalls the item shown exactly R steps earlier with
 * probability 1/2 unless that step was itself a recall, and shows a new
 * item otherwise. A recall step presents the item with each entry zeroed
 * with probability `zeroed` and expects the item back. The global third
 * factor is 1 only on new items that will later be recalled (as in the
 * reference code), 0 on every other step. Flashbulb streams (Fig. 4b) mark
 * a few of the stored items as salient and store them with a larger q.
 */
#ifndef TF_STREAM_H
#define TF_STREAM_H

#include <stddef.h>
#include <stdint.h>

typedef struct tf_stream {
    size_t T, d;
    float *x;        /* T x d: the new item or the corrupted recall cue */
    float *target;   /* T x d: on recall steps, the item to recall */
    float *q;        /* T: global third factor of the step */
    unsigned char *recall;  /* T: 1 on recall steps */
    unsigned char *salient; /* T: 1 on salient items and their recalls */
} tf_stream;

typedef struct tf_stream_spec {
    size_t T, d, delay;
    double zeroed;
    size_t n_salient;  /* flashbulb items (0: none) */
    double salient_q;  /* their global third factor */
} tf_stream_spec;

/* Build a stream. 0, or -1 (reason printed). */
int tf_stream_make(tf_stream *s, const tf_stream_spec *spec, uint64_t seed);

/* Release the arrays (accepts a zeroed struct). */
void tf_stream_free(tf_stream *s);

#endif

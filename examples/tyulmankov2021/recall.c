/* The benchmark recall task: store everything, then query everything. */
#include <math.h>
#include <stdlib.h>

#include "fail.h"
#include "recall.h"

double tf_sign_accuracy(const float *out, const float *target, size_t n)
{
    size_t right = 0;
    for (size_t i = 0; i < n; i++) {
        float s = out[i] > 0 ? 1.0f : out[i] < 0 ? -1.0f : 0.0f;
        right += s == target[i];
    }
    return n ? (double)right / (double)n : 0.0;
}

static int store_all(tf_model *model, const tf_episode *ep)
{
    for (size_t t = 0; t < ep->T; t++)
        if (tf_model_step(model, ep->keys + t * ep->d,
                          ep->values + t * ep->m, 1.0) != 0)
            return -1;
    return 0;
}

int tf_episode_accuracy(const tf_model_spec *spec, const tf_episode *ep,
                        int hetero, uint64_t seed, double *acc)
{
    tf_model model;
    float *out = malloc(ep->T * ep->m * sizeof *out);
    if (!out)
        return tf_nomem();
    int bad = tf_model_create(spec, ep->d, hetero ? ep->m : 0, seed, &model);
    if (!bad)
        bad = store_all(&model, ep) || tf_model_read(&model, ep->queries,
                                                     ep->T, out);
    if (!bad)
        *acc = tf_sign_accuracy(out, ep->values, ep->T * ep->m);
    tf_model_free(&model);
    free(out);
    return bad ? -1 : 0;
}

int tf_recall_accuracy(const tf_model_spec *spec, const tf_episode_spec *es,
                       size_t T, size_t reps, uint64_t seed, double *mean,
                       double *sd)
{
    double sum = 0.0, sum2 = 0.0;
    for (size_t r = 0; r < reps; r++) {
        tf_episode ep;
        double acc = 0.0;
        uint64_t s = seed + 7919u * r;
        if (tf_episode_make(&ep, es, T, s) != 0)
            return -1;
        int bad = tf_episode_accuracy(spec, &ep, es->m > 0, s ^ 0x77u, &acc);
        tf_episode_free(&ep);
        if (bad)
            return -1;
        sum += acc;
        sum2 += acc * acc;
    }
    *mean = sum / (double)reps;
    double var = sum2 / (double)reps - *mean * *mean;
    *sd = var > 0 ? sqrt(var) : 0.0;
    return 0;
}

/* Sequence recall through the recurrent loop x_{t+1} = y~_t. */
#include <stdlib.h>
#include <string.h>

#include <assocmem/data.h>

#include "fail.h"
#include "recall.h"
#include "rng.h"
#include "sequence.h"

/* Store the n - 1 transitions, then replay from s_k. */
static int run_sequence(tf_model *model, const float *s, size_t n, size_t d,
                        size_t k, float *x, float *y, double *acc)
{
    for (size_t t = 0; t + 1 < n; t++)
        if (tf_model_step(model, s + t * d, s + (t + 1) * d, 1.0) != 0)
            return -1;
    memcpy(x, s + k * d, d * sizeof *x);
    double sum = 0.0;
    for (size_t j = k + 1; j < n; j++) {
        if (tf_model_read(model, x, 1, y) != 0)
            return -1;
        sum += tf_sign_accuracy(y, s + j * d, d);
        memcpy(x, y, d * sizeof *x);
    }
    *acc = sum / (double)(n - 1 - k);
    return 0;
}

static int one_sequence(const tf_model_spec *spec, size_t n, size_t d,
                        uint64_t seed, float *buf, double *acc)
{
    tf_rng rng = {seed};
    float *s = buf, *x = buf + n * d, *y = x + d;
    int st = amem_patterns_random(s, n, d, seed);
    if (st != 0)
        return tf_fail("amem_patterns_random", st);
    tf_model model;
    if (tf_model_create(spec, d, d, seed, &model) != 0)
        return -1;
    size_t k = tf_rng_between(&rng, 0, n - 2);
    int bad = run_sequence(&model, s, n, d, k, x, y, acc);
    tf_model_free(&model);
    return bad;
}

int tf_sequence_accuracy(const tf_model_spec *spec, size_t n, size_t d,
                         size_t reps, uint64_t seed, double *acc)
{
    float *buf = malloc((n + 2) * d * sizeof *buf);
    if (!buf)
        return tf_nomem();
    double sum = 0.0;
    int bad = 0;
    for (size_t r = 0; r < reps && !bad; r++) {
        double a = 0.0;
        bad = one_sequence(spec, n, d, seed + 65537u * r, buf, &a);
        sum += a;
    }
    free(buf);
    *acc = sum / (double)reps;
    return bad ? -1 : 0;
}
